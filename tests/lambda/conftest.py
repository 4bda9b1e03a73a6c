"""API Gateway REST proxy event fixtures and a DynamoDB table on the shared moto server."""

import base64
import copy
import json
import re
import sys
import uuid
from pathlib import Path

import boto3
import pytest

ROOT = Path(__file__).resolve().parents[2]
# The handler is deployed as the contents of lambda/, so items_api is a top-level package.
if str(ROOT / "lambda") not in sys.path:
    sys.path.insert(0, str(ROOT / "lambda"))

from items_api import handler, logs  # noqa: E402

EVENT_TEMPLATE = Path(__file__).parent / "events" / "rest_proxy_request.json"
# A value no test ever expects back: it stands for the client's API key.
API_KEY = "key-" + "7d3e1f09c2b84a56" * 2
REGION = "us-east-1"
_ITEM_PATH = re.compile(r"^/items/(?P<id>[^/]+)$")


class LambdaContext:
    """The parts of the Lambda context object the handler reads."""

    function_name = "items-api-test"
    memory_limit_in_mb = 256

    def __init__(self):
        self.aws_request_id = str(uuid.uuid4())

    def get_remaining_time_in_millis(self):
        return 29_000


@pytest.fixture
def api_event():
    """Factory for REST proxy events shaped like the template, for one method and path."""

    def make(method, path, body=None, query=None, headers=None, base64_body=False,
             resource=None):
        event = copy.deepcopy(json.loads(EVENT_TEMPLATE.read_text()))
        match = _ITEM_PATH.match(path)
        if resource is None:
            resource = "/items/{id}" if match else path
        event["resource"] = resource
        event["path"] = path
        event["httpMethod"] = method
        event["pathParameters"] = {"id": match["id"]} if match else None
        event["requestContext"].update(
            httpMethod=method,
            path=f"/dev{path}",
            resourcePath=resource,
            requestId=str(uuid.uuid4()),
        )
        event["requestContext"]["identity"]["apiKey"] = API_KEY
        all_headers = {**event["headers"], "x-api-key": API_KEY, **(headers or {})}
        event["headers"] = all_headers
        event["multiValueHeaders"] = {name: [value] for name, value in all_headers.items()}
        event["queryStringParameters"] = dict(query) if query else None
        event["multiValueQueryStringParameters"] = (
            {name: [value] for name, value in query.items()} if query else None
        )
        if body is not None and not isinstance(body, str):
            body = json.dumps(body)
        if body is not None and base64_body:
            body = base64.b64encode(body.encode("utf-8")).decode("ascii")
        event["body"] = body
        event["isBase64Encoded"] = bool(base64_body)
        return event

    return make


@pytest.fixture
def api_key():
    """The API key every event from api_event carries (header and identity)."""
    return API_KEY


@pytest.fixture
def lambda_context():
    return LambdaContext()


@pytest.fixture
def dynamodb(moto_endpoint):
    """A DynamoDB client on the moto server, for arranging and reading back state."""
    return boto3.client(
        "dynamodb",
        endpoint_url=moto_endpoint,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@pytest.fixture
def items_table(dynamodb):
    """A fresh items table (key `id`, type S) per test, deleted afterwards."""
    name = f"items-{uuid.uuid4().hex[:12]}"
    dynamodb.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    dynamodb.get_waiter("table_exists").wait(
        TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 10}
    )
    yield name
    dynamodb.delete_table(TableName=name)


@pytest.fixture
def lambda_env(monkeypatch, moto_endpoint, items_table):
    """The environment the function gets in Lambda, pointed at moto; runtime rebuilt."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "HTTP_PROXY", "HTTPS_PROXY",
                 "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    monkeypatch.setenv("TABLE_NAME", items_table)
    monkeypatch.setenv("LOG_LEVEL", "INFO")
    handler.get_runtime.cache_clear()
    logs.configure()
    yield monkeypatch
    handler.get_runtime.cache_clear()
    logs.configure()


@pytest.fixture
def invoke(lambda_env, lambda_context):
    """Run the handler in-process: invoke(event) -> (status, headers, parsed JSON or None)."""

    def call(event):
        response = handler.handle(event, lambda_context)
        assert set(response) == {"statusCode", "headers", "body", "isBase64Encoded"}
        assert response["isBase64Encoded"] is False
        body = json.loads(response["body"]) if response["body"] else None
        return response["statusCode"], response["headers"], body

    return call
