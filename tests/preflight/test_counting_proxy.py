"""The counting proxy tells reads from writes for every protocol the deploy uses."""

import uuid

import boto3
import botocore.exceptions
import pytest
from botocore.config import Config

from counting_proxy import Call, CountingProxy, classify

REGION = "eu-west-1"
MISSING = "preflight-proxy-missing"


def _client(service, endpoint):
    # One attempt per call, so a server error that botocore would retry is counted once.
    return boto3.client(
        service, region_name=REGION, endpoint_url=endpoint,
        aws_access_key_id="testing", aws_secret_access_key="testing",
        config=Config(retries={"total_max_attempts": 1}),
    )


def _call(method, **kwargs):
    """Make the call; an error answer (the resource is missing) still reached the proxy."""
    try:
        method(**kwargs)
    except botocore.exceptions.ClientError:
        pass


def test_proxy_counts_reads_and_writes_of_each_protocol(moto_endpoint):
    # given a counting proxy in front of moto
    with CountingProxy(moto_endpoint) as proxy:
        # when clients make reads and writes over JSON, query and REST protocols (the
        # writes name missing resources, so moto refuses them and nothing changes)
        kms = _client("kms", proxy.url)
        _call(kms.list_keys)
        _call(kms.disable_key, KeyId=str(uuid.uuid4()))
        dynamodb = _client("dynamodb", proxy.url)
        _call(dynamodb.describe_table, TableName=MISSING)
        _call(dynamodb.delete_table, TableName=MISSING)
        iam = _client("iam", proxy.url)
        _call(iam.get_role, RoleName=MISSING)
        _call(iam.delete_role, RoleName=MISSING)
        sts = _client("sts", proxy.url)
        _call(sts.get_caller_identity)
        lambda_client = _client("lambda", proxy.url)
        _call(lambda_client.get_function, FunctionName=MISSING)
        _call(lambda_client.delete_function_concurrency, FunctionName=MISSING)
        apigateway = _client("apigateway", proxy.url)
        _call(apigateway.get_rest_apis)
        _call(apigateway.delete_rest_api, restApiId="missing0")
    # then each request is recorded with its service, operation and kind
    assert proxy.calls == [
        Call("kms", "ListKeys", "read"),
        Call("kms", "DisableKey", "write"),
        Call("dynamodb", "DescribeTable", "read"),
        Call("dynamodb", "DeleteTable", "write"),
        Call("iam", "GetRole", "read"),
        Call("iam", "DeleteRole", "write"),
        Call("sts", "GetCallerIdentity", "read"),
        Call("lambda", f"GET /2015-03-31/functions/{MISSING}", "read"),
        Call("lambda", f"DELETE /2017-10-31/functions/{MISSING}/concurrency", "write"),
        Call("apigateway", "GET /restapis", "read"),
        Call("apigateway", "DELETE /restapis/missing0", "write"),
    ]
    assert len(proxy.writes) == 5


def _signed(service, **headers):
    """Headers of a request signed for service (SigV4 names it in the credential scope)."""
    return dict(headers, authorization=f"Credential=t/20250101/{REGION}/{service}/aws4_request")


@pytest.mark.parametrize(
    ("method", "path", "headers", "body", "expected"),
    [
        ("POST", "/", _signed("dynamodb", **{"x-amz-target": "DynamoDB_20120810.Query"}), b"",
         "read"),
        ("POST", "/", _signed("dynamodb", **{"x-amz-target": "DynamoDB_20120810.PutItem"}),
         b"", "write"),
        ("POST", "/", _signed("logs", **{"x-amz-target": "Logs_20140328.PutRetentionPolicy"}),
         b"", "write"),
        ("GET", "/?Action=ListRoles", {}, b"", "write"),  # unsigned: service unknown
        ("HEAD", "/restapis/a1", _signed("apigateway"), b"", "read"),
        ("PATCH", "/restapis/a1", _signed("apigateway"), b"", "write"),
        ("POST", "/", _signed("iam", **{"content-type": "application/x-www-form-urlencoded"}),
         b"Action=ListRoles&Version=2010-05-08", "read"),
        ("POST", "/", _signed("iam", **{"content-type": "application/x-www-form-urlencoded"}),
         b"Action=TagRole&Version=2010-05-08", "write"),
    ],
)
def test_classify_treats_anything_not_known_to_read_as_a_write(
    method, path, headers, body, expected
):
    # given one request; when it is classified; then reads are only what is known to read
    assert classify(method, path, headers, body).kind == expected
