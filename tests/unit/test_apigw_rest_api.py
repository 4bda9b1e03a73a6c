"""Unit tests for serverless.rest_api.apigw_rest_api with a mocked API Gateway client."""

import copy
import hashlib
import json
from unittest.mock import MagicMock
from unittest.mock import call

import pytest
from botocore.exceptions import ClientError

from ansible_collections.serverless.rest_api.plugins.module_utils import apigateway
from ansible_collections.serverless.rest_api.plugins.modules import apigw_rest_api as mod

API_ID = "api123"
ROOT_ID = "root0"
LAMBDA_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:items-api"
URI = (
    "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/"
    f"{LAMBDA_ARN}/invocations"
)
RESOURCE_IDS = {"/": ROOT_ID, "/items": "res-items", "/items/{id}": "res-item"}
PROXY = {"type": "aws_proxy", "httpMethod": "POST"}

DEFINITION = {
    "openapi": "3.0.1",
    "info": {"title": "items", "version": "1"},
    "components": {
        "securitySchemes": {"api_key": {"type": "apiKey", "in": "header", "name": "x-api-key"}}
    },
    "security": [{"api_key": []}],
    "paths": {
        "/items": {
            "get": {"x-amazon-apigateway-integration": dict(PROXY)},
            "post": {"x-amazon-apigateway-integration": dict(PROXY)},
        },
        "/items/{id}": {
            "parameters": [{"name": "id", "in": "path", "required": True}],
            "get": {"x-amazon-apigateway-integration": dict(PROXY)},
            "put": {"x-amazon-apigateway-integration": dict(PROXY)},
            "delete": {"x-amazon-apigateway-integration": dict(PROXY)},
        },
    },
}

# path -> {METHOD: apiKeyRequired} declared by DEFINITION (root security: key required)
DECLARED = {
    "/items": {"GET": True, "POST": True},
    "/items/{id}": {"DELETE": True, "GET": True, "PUT": True},
}

BASE_PARAMS = {
    "name": "items-api",
    "lookup_tags": {},
    "state": "present",
    "description": None,
    "endpoint_type": "REGIONAL",
    "definition": DEFINITION,
    "integration_lambda_arn": LAMBDA_ARN,
    "api_key_required": None,
    "stage_name": "dev",
    "stage_description": None,
    "stage_variables": None,
    "tracing_enabled": False,
    "stage_throttle": None,
    "tags": None,
    "purge_tags": True,
}


class FailJson(Exception):
    """Raised by the fake module where AnsibleModule would exit with failed=True."""


class FakeModule:
    def __init__(self, check_mode=False, diff=False, **params):
        self.params = copy.deepcopy(BASE_PARAMS)
        self.params.update(params)
        self.check_mode = check_mode
        self._diff = diff
        self.sts = MagicMock()
        self.sts.get_caller_identity.return_value = {"Account": "123456789012"}
        self.clients = []
        self.warnings = []

    def warn(self, warning):
        self.warnings.append(warning)

    def client(self, service, retry_decorator=None):
        self.clients.append(service)
        return self.sts

    def fail_json(self, **kwargs):
        raise FailJson(kwargs)

    def fail_json_aws(self, exception, msg=None, **kwargs):
        raise FailJson({"msg": f"{msg}: {exception}", "exception": exception})


def client_error(code, operation, message="error"):
    return ClientError({"Error": {"Code": code, "Message": message}}, operation)


def expected_hash(declared, timeouts=None):
    """sha256 of the canonical model, built here independently of the module."""
    timeouts = timeouts or {}
    model = {"/": {}}
    for path, methods in declared.items():
        parts = path.strip("/").split("/")
        for depth in range(1, len(parts)):
            model.setdefault("/" + "/".join(parts[:depth]), {})
        model[path] = {
            method: {
                "api_key_required": required,
                "authorization_type": "NONE",
                "integration": {
                    "http_method": "POST",
                    "timeout_in_millis": timeouts.get((path, method), 29000),
                    "type": "AWS_PROXY",
                    "uri": URI,
                },
            }
            for method, required in methods.items()
        }
    text = json.dumps(model, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def aws_method(method, required, uri=URI, timeout=29000):
    return {
        "httpMethod": method,
        "authorizationType": "NONE",
        "apiKeyRequired": required,
        "methodResponses": {},
        "methodIntegration": {
            "type": "AWS_PROXY",
            "httpMethod": "POST",
            "uri": uri,
            "timeoutInMillis": timeout,
            "passthroughBehavior": "WHEN_NO_MATCH",
            "cacheKeyParameters": [],
        },
    }


def aws_resources(declared, ids=None):
    """GetResources(embed=methods) items for declared {path: {METHOD: apiKeyRequired}}."""
    ids = ids or RESOURCE_IDS
    paths = {"/"}
    for path in declared:
        parts = path.strip("/").split("/")
        paths.update("/" + "/".join(parts[:depth]) for depth in range(1, len(parts) + 1))
    items = []
    for path in sorted(paths):
        item = {"id": ids[path], "path": path}
        if path != "/":
            parent = path.rsplit("/", 1)[0] or "/"
            item.update(parentId=ids[parent], pathPart=path.rsplit("/", 1)[1])
        methods = declared.get(path) or {}
        if methods:
            item["resourceMethods"] = {m: aws_method(m, r) for m, r in methods.items()}
        items.append(item)
    return items


def aws_api(endpoint="REGIONAL", tags=None, api_id=API_ID, description="Items API"):
    return {
        "id": api_id,
        "name": "items-api",
        "description": description,
        "rootResourceId": ROOT_ID,
        "endpointConfiguration": {"types": [endpoint]},
        "tags": dict(tags or {}),
    }


def aws_stage(deployment_id="dep1", **extra):
    stage = {
        "stageName": "dev",
        "deploymentId": deployment_id,
        "description": "",
        "methodSettings": {},
        "variables": {},
        "tracingEnabled": False,
    }
    stage.update(extra)
    return stage


def make_client(apis=(), resources=None, stage=None, deployment_description=None):
    client = MagicMock()
    client.meta.partition = "aws"
    client.meta.region_name = "eu-west-1"
    client.get_rest_apis.return_value = {"items": list(apis)}
    client.get_resources.return_value = {"items": resources or []}
    if stage is None:
        client.get_stage.side_effect = client_error("NotFoundException", "GetStage")
    else:
        client.get_stage.return_value = stage
    client.get_deployment.return_value = {"id": "dep1", "description": deployment_description}
    if apis:
        client.get_rest_api.return_value = apis[0]
    return client


def writes(client):
    """Every call other than a read (get_*) made on the client, in order."""
    return [c for c in client.mock_calls if not c[0].startswith("get_")]


def existing_client(declared=None, hash_value=None, stage=None, api=None):
    """A client for an API that matches DEFINITION (or declared) and is deployed."""
    declared = DECLARED if declared is None else declared
    hash_value = expected_hash(DECLARED) if hash_value is None else hash_value
    return make_client(
        apis=[api or aws_api()],
        resources=aws_resources(declared),
        stage=stage or aws_stage(),
        deployment_description=f"config-sha256:{hash_value}",
    )


def run(module, client):
    return mod.ensure_rest_api(module, client)


# ---------------------------------------------------------------------------------------------
# create
# ---------------------------------------------------------------------------------------------


def test_create_makes_api_resources_methods_deployment_stage_and_throttle():
    tags = {"environment": "dev", "owner": "platform"}
    module = FakeModule(
        description="Items API",
        lookup_tags={"environment": "dev"},
        tags={"owner": "platform"},
        stage_description="Development",
        stage_variables={"table": "items-dev"},
        stage_throttle={"rate_limit": 10.0, "burst_limit": 20},
    )
    client = make_client()
    client.create_rest_api.return_value = {"id": API_ID, "rootResourceId": ROOT_ID}
    client.create_resource.side_effect = [{"id": "res-items"}, {"id": "res-item"}]
    client.create_deployment.return_value = {"id": "dep1"}
    created = aws_stage(description="Development", variables={"table": "items-dev"}, tags=tags)
    final = dict(created)
    final["methodSettings"] = {"*/*": {"throttlingRateLimit": 10.0, "throttlingBurstLimit": 20}}
    client.get_stage.side_effect = [created, final]
    client.get_rest_api.return_value = aws_api(tags=tags)
    client.get_resources.return_value = {"items": aws_resources(DECLARED)}
    config_hash = expected_hash(DECLARED)

    result = run(module, client)

    def method_calls(resource_id, method):
        ids = {
            "aws_retry": True,
            "restApiId": API_ID,
            "resourceId": resource_id,
            "httpMethod": method,
        }
        return [
            call.put_method(**ids, authorizationType="NONE", apiKeyRequired=True),
            call.put_integration(
                **ids, type="AWS_PROXY", integrationHttpMethod="POST", uri=URI,
                timeoutInMillis=29000,
            ),
        ]

    assert writes(client) == [
        call.create_rest_api(
            aws_retry=True,
            name="items-api",
            endpointConfiguration={"types": ["REGIONAL"]},
            description="Items API",
            tags=tags,
        ),
        call.create_resource(aws_retry=True, restApiId=API_ID, parentId=ROOT_ID, pathPart="items"),
        call.create_resource(
            aws_retry=True, restApiId=API_ID, parentId="res-items", pathPart="{id}"
        ),
        *method_calls("res-items", "GET"),
        *method_calls("res-items", "POST"),
        *method_calls("res-item", "DELETE"),
        *method_calls("res-item", "GET"),
        *method_calls("res-item", "PUT"),
        call.create_deployment(
            aws_retry=True, restApiId=API_ID, description=f"config-sha256:{config_hash}"
        ),
        call.create_stage(
            aws_retry=True,
            restApiId=API_ID,
            stageName="dev",
            deploymentId="dep1",
            tracingEnabled=False,
            description="Development",
            variables={"table": "items-dev"},
            tags=tags,
        ),
        call.update_stage(
            aws_retry=True,
            restApiId=API_ID,
            stageName="dev",
            patchOperations=[
                {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "10.0"},
                {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": "20"},
            ],
        ),
    ]
    assert result["changed"] is True
    assert result["rest_api"] == {
        "id": API_ID,
        "name": "items-api",
        "description": "Items API",
        "root_resource_id": ROOT_ID,
        "endpoint_type": "REGIONAL",
        "tags": tags,
    }
    assert result["stage"] == {
        "name": "dev",
        "description": "Development",
        "deployment_id": "dep1",
        "config_sha256": config_hash,
        "variables": {"table": "items-dev"},
        "throttle": {"rate_limit": 10.0, "burst_limit": 20},
        "tracing_enabled": False,
        "tags": tags,
    }
    assert result["invoke_url"] == "https://api123.execute-api.eu-west-1.amazonaws.com/dev"
    assert result["execution_arn"] == "arn:aws:execute-api:eu-west-1:123456789012:api123"
    assert module.clients == ["sts"]
    # The methods are read back once, after they were written and before the deployment.
    client.get_resources.assert_called_once_with(
        aws_retry=True, limit=500, restApiId=API_ID, embed=["methods"]
    )
    assert module.warnings == []
    assert result["methods"] == [
        {"path": "/items", "http_method": "GET", "api_key_required": True},
        {"path": "/items", "http_method": "POST", "api_key_required": True},
        {"path": "/items/{id}", "http_method": "DELETE", "api_key_required": True},
        {"path": "/items/{id}", "http_method": "GET", "api_key_required": True},
        {"path": "/items/{id}", "http_method": "PUT", "api_key_required": True},
    ]


def test_create_without_tags_tags_the_api_and_stage_with_lookup_tags():
    module = FakeModule(lookup_tags={"environment": "dev"})
    client = make_client()
    client.create_rest_api.return_value = {"id": API_ID, "rootResourceId": ROOT_ID}
    client.create_resource.side_effect = [{"id": "res-items"}, {"id": "res-item"}]
    client.create_deployment.return_value = {"id": "dep1"}
    client.get_stage.side_effect = [aws_stage(tags={"environment": "dev"})] * 2
    client.get_rest_api.return_value = aws_api(tags={"environment": "dev"})
    client.get_resources.return_value = {"items": aws_resources(DECLARED)}

    run(module, client)

    assert client.create_rest_api.call_args.kwargs["tags"] == {"environment": "dev"}
    assert client.create_stage.call_args.kwargs["tags"] == {"environment": "dev"}
    client.tag_resource.assert_not_called()
    client.update_stage.assert_not_called()


# ---------------------------------------------------------------------------------------------
# no change
# ---------------------------------------------------------------------------------------------


def test_second_run_with_same_arguments_makes_no_write_call():
    module = FakeModule(
        stage_description="Development",
        stage_variables={"table": "items-dev"},
        stage_throttle={"rate_limit": 10.0, "burst_limit": 20},
        tags={"owner": "platform"},
    )
    stage = aws_stage(
        description="Development",
        variables={"table": "items-dev"},
        methodSettings={"*/*": {"throttlingRateLimit": 10.0, "throttlingBurstLimit": 20}},
        tags={"owner": "platform"},
    )
    client = existing_client(stage=stage, api=aws_api(tags={"owner": "platform"}))

    result = run(module, client)

    assert result["changed"] is False
    assert writes(client) == []
    client.get_resources.assert_called_once_with(
        aws_retry=True, limit=500, restApiId=API_ID, embed=["methods"]
    )
    client.get_deployment.assert_called_once_with(
        aws_retry=True, restApiId=API_ID, deploymentId="dep1"
    )
    assert result["stage"]["deployment_id"] == "dep1"
    assert result["stage"]["config_sha256"] == expected_hash(DECLARED)
    assert result["rest_api"]["id"] == API_ID


def test_unset_stage_throttle_leaves_existing_throttling_alone():
    stage = aws_stage(
        methodSettings={"*/*": {"throttlingRateLimit": 5.0, "throttlingBurstLimit": 9}}
    )
    client = existing_client(stage=stage)

    result = run(FakeModule(), client)

    assert result["changed"] is False
    assert writes(client) == []
    assert result["stage"]["throttle"] == {"rate_limit": 5.0, "burst_limit": 9}


# ---------------------------------------------------------------------------------------------
# update
# ---------------------------------------------------------------------------------------------


def all_methods(value):
    """DECLARED with every method's apiKeyRequired set to value."""
    return {path: {m: value for m in methods} for path, methods in DECLARED.items()}


def replace_calls(resource_id, method, required):
    """The calls that replace one method: delete, put with the settings, put the integration."""
    ids = {"aws_retry": True, "restApiId": API_ID, "resourceId": resource_id, "httpMethod": method}
    return [
        call.delete_method(**ids),
        call.put_method(**ids, authorizationType="NONE", apiKeyRequired=required),
        call.put_integration(
            **ids, type="AWS_PROXY", integrationHttpMethod="POST", uri=URI, timeoutInMillis=29000
        ),
    ]


def test_api_key_required_flip_replaces_each_method_then_deploys_once():
    declared_off = all_methods(False)
    client = existing_client(declared=declared_off, hash_value=expected_hash(declared_off))
    client.get_resources.return_value = None
    client.get_resources.side_effect = [
        {"items": aws_resources(declared_off)},  # plan
        {"items": aws_resources(DECLARED)},  # read back after the writes
    ]
    client.get_stage.side_effect = [aws_stage(), aws_stage(deployment_id="dep2"), aws_stage("dep2")]
    module = FakeModule(api_key_required=True)

    result = run(module, client)

    assert writes(client) == [
        *replace_calls("res-items", "GET", True),
        *replace_calls("res-items", "POST", True),
        *replace_calls("res-item", "DELETE", True),
        *replace_calls("res-item", "GET", True),
        *replace_calls("res-item", "PUT", True),
        call.create_deployment(
            aws_retry=True,
            restApiId=API_ID,
            stageName="dev",
            description=f"config-sha256:{expected_hash(DECLARED)}",
        ),
    ]
    client.update_method.assert_not_called()
    assert client.get_resources.call_count == 2
    assert result["changed"] is True
    assert result["stage"]["deployment_id"] == "dep2"
    assert all(m["api_key_required"] for m in result["methods"])
    assert module.warnings == []


def test_api_key_required_false_overrides_document_security():
    client = existing_client()
    client.get_resources.return_value = None
    client.get_resources.side_effect = [
        {"items": aws_resources(DECLARED)},
        {"items": aws_resources(all_methods(False))},
    ]
    client.get_stage.side_effect = [aws_stage(), aws_stage("dep2"), aws_stage("dep2")]

    result = run(FakeModule(api_key_required=False), client)

    assert writes(client)[:3] == replace_calls("res-items", "GET", False)
    assert [c.kwargs["apiKeyRequired"] for c in client.put_method.call_args_list] == [False] * 5
    assert client.delete_method.call_count == 5
    assert [m["api_key_required"] for m in result["methods"]] == [False] * 5


def test_method_with_another_authorization_type_is_replaced():
    resources = aws_resources(DECLARED)
    resources[1]["resourceMethods"]["GET"].update(
        authorizationType="CUSTOM", authorizerId="auth1"
    )
    assert resources[1]["path"] == "/items"
    client = existing_client()
    client.get_resources.return_value = None
    client.get_resources.side_effect = [{"items": resources}, {"items": aws_resources(DECLARED)}]
    client.get_stage.side_effect = [aws_stage(), aws_stage("dep2"), aws_stage("dep2")]

    result = run(FakeModule(), client)

    assert writes(client) == [
        *replace_calls("res-items", "GET", True),
        call.create_deployment(
            aws_retry=True,
            restApiId=API_ID,
            stageName="dev",
            description=f"config-sha256:{expected_hash(DECLARED)}",
        ),
    ]
    assert result["changed"] is True


def test_api_key_required_not_read_back_as_asked_fails_before_deploying():
    declared_off = all_methods(False)
    client = existing_client(declared=declared_off, hash_value=expected_hash(declared_off))
    still_off = aws_resources(declared_off)
    del still_off[2]["resourceMethods"]["PUT"]  # /items/{id} PUT vanished
    assert still_off[2]["path"] == "/items/{id}"
    client.get_resources.return_value = None
    client.get_resources.side_effect = [
        {"items": aws_resources(declared_off)},
        {"items": still_off},
    ]

    with pytest.raises(FailJson) as failure:
        run(FakeModule(api_key_required=True), client)

    problems = [
        "GET /items has apiKeyRequired false, asked for true",
        "POST /items has apiKeyRequired false, asked for true",
        "DELETE /items/{id} has apiKeyRequired false, asked for true",
        "GET /items/{id} has apiKeyRequired false, asked for true",
        "PUT /items/{id} is missing",
    ]
    assert failure.value.args[0] == {
        "msg": "Methods of REST API items-api read back differently after the update (nothing "
        "was deployed): " + "; ".join(problems),
        "errors": problems,
    }
    client.create_deployment.assert_not_called()


def test_changed_integration_timeout_puts_integration_and_deploys():
    definition = copy.deepcopy(DEFINITION)
    integration = definition["paths"]["/items"]["get"]["x-amazon-apigateway-integration"]
    integration["timeoutInMillis"] = 5000
    client = existing_client()
    client.get_stage.side_effect = [aws_stage(), aws_stage("dep2"), aws_stage("dep2")]

    run(FakeModule(definition=definition), client)

    # The method itself is unchanged, so it is kept: only its integration is overwritten.
    assert writes(client) == [
        call.put_integration(
            aws_retry=True,
            restApiId=API_ID,
            resourceId="res-items",
            httpMethod="GET",
            type="AWS_PROXY",
            integrationHttpMethod="POST",
            uri=URI,
            timeoutInMillis=5000,
        ),
        call.create_deployment(
            aws_retry=True,
            restApiId=API_ID,
            stageName="dev",
            description="config-sha256:"
            + expected_hash(DECLARED, timeouts={("/items", "GET"): 5000}),
        ),
    ]


def test_undeclared_methods_and_resources_are_deleted_deepest_first():
    declared = dict(DECLARED)
    declared["/old/nested"] = {"GET": True}
    ids = dict(RESOURCE_IDS, **{"/old": "res-old", "/old/nested": "res-nested"})
    resources = aws_resources(declared, ids=ids)
    resources[1]["resourceMethods"]["PATCH"] = aws_method("PATCH", True)  # on /items
    assert resources[1]["path"] == "/items"
    client = make_client(
        apis=[aws_api()],
        resources=resources,
        stage=aws_stage(),
        deployment_description=f"config-sha256:{expected_hash(DECLARED)}",
    )

    run(FakeModule(), client)

    assert writes(client) == [
        call.delete_method(
            aws_retry=True, restApiId=API_ID, resourceId="res-items", httpMethod="PATCH"
        ),
        call.delete_resource(aws_retry=True, restApiId=API_ID, resourceId="res-nested"),
        call.delete_resource(aws_retry=True, restApiId=API_ID, resourceId="res-old"),
        call.create_deployment(
            aws_retry=True,
            restApiId=API_ID,
            stageName="dev",
            description=f"config-sha256:{expected_hash(DECLARED)}",
        ),
    ]


def test_deployment_without_the_desired_hash_is_replaced_even_if_nothing_else_changed():
    client = existing_client(hash_value="0" * 64)

    result = run(FakeModule(), client)

    assert writes(client) == [
        call.create_deployment(
            aws_retry=True,
            restApiId=API_ID,
            stageName="dev",
            description=f"config-sha256:{expected_hash(DECLARED)}",
        )
    ]
    assert result["changed"] is True


def test_missing_stage_on_existing_api_creates_deployment_then_stage():
    client = existing_client()
    client.get_stage.side_effect = [
        client_error("NotFoundException", "GetStage"),
        aws_stage(),
        aws_stage(),
    ]
    client.create_deployment.return_value = {"id": "dep9"}

    run(FakeModule(), client)

    assert writes(client) == [
        call.create_deployment(
            aws_retry=True, restApiId=API_ID, description=f"config-sha256:{expected_hash(DECLARED)}"
        ),
        call.create_stage(
            aws_retry=True,
            restApiId=API_ID,
            stageName="dev",
            deploymentId="dep9",
            tracingEnabled=False,
        ),
    ]


def test_stage_settings_are_reapplied_when_the_deployment_resets_the_stage():
    # moto 5.2.5 replaces the stage on CreateDeployment(stageName=...): settings and tags go.
    tags = {"owner": "platform"}
    kept = aws_stage(
        description="Development",
        variables={"table": "items-dev"},
        tracingEnabled=True,
        methodSettings={"*/*": {"throttlingRateLimit": 10.0, "throttlingBurstLimit": 20}},
        tags=tags,
    )
    wiped = {"stageName": "dev", "deploymentId": "dep2", "description": "", "variables": {}}
    client = existing_client(hash_value="0" * 64, stage=kept, api=aws_api(tags=tags))
    client.get_stage.side_effect = [kept, wiped, kept]

    run(
        FakeModule(
            stage_description="Development",
            stage_variables={"table": "items-dev"},
            tracing_enabled=True,
            stage_throttle={"rate_limit": 10.0, "burst_limit": 20},
            tags=tags,
        ),
        client,
    )

    assert writes(client)[1:] == [
        call.update_stage(
            aws_retry=True,
            restApiId=API_ID,
            stageName="dev",
            patchOperations=[
                {"op": "replace", "path": "/description", "value": "Development"},
                {"op": "replace", "path": "/variables/table", "value": "items-dev"},
                {"op": "replace", "path": "/tracingEnabled", "value": "true"},
                {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "10.0"},
                {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": "20"},
            ],
        ),
        call.tag_resource(
            aws_retry=True,
            resourceArn="arn:aws:apigateway:eu-west-1::/restapis/api123/stages/dev",
            tags=tags,
        ),
    ]


def test_endpoint_type_and_description_are_patched_in_one_update_rest_api_call():
    client = existing_client(api=aws_api(endpoint="EDGE", description="old"))

    result = run(FakeModule(endpoint_type="REGIONAL", description="Items API"), client)

    assert writes(client) == [
        call.update_rest_api(
            aws_retry=True,
            restApiId=API_ID,
            patchOperations=[
                {"op": "replace", "path": "/description", "value": "Items API"},
                {"op": "replace", "path": "/endpointConfiguration/types/EDGE", "value": "REGIONAL"},
            ],
        )
    ]
    assert result["changed"] is True


def test_stage_variables_are_replaced_and_removed():
    client = existing_client(stage=aws_stage(variables={"table": "old", "stale": "x"}))

    run(FakeModule(stage_variables={"table": "items-dev"}), client)

    assert writes(client) == [
        call.update_stage(
            aws_retry=True,
            restApiId=API_ID,
            stageName="dev",
            patchOperations=[
                {"op": "replace", "path": "/variables/table", "value": "items-dev"},
                {"op": "remove", "path": "/variables/stale"},
            ],
        )
    ]


def test_tags_are_purged_except_aws_keys_on_api_and_stage():
    current = {"owner": "old", "stale": "x", "aws:cloudformation:stack-name": "s"}
    client = existing_client(api=aws_api(tags=current), stage=aws_stage(tags=dict(current)))

    result = run(FakeModule(tags={"owner": "platform"}), client)

    assert writes(client) == [
        call.untag_resource(
            aws_retry=True,
            resourceArn="arn:aws:apigateway:eu-west-1::/restapis/api123",
            tagKeys=["stale"],
        ),
        call.tag_resource(
            aws_retry=True,
            resourceArn="arn:aws:apigateway:eu-west-1::/restapis/api123",
            tags={"owner": "platform"},
        ),
        call.untag_resource(
            aws_retry=True,
            resourceArn="arn:aws:apigateway:eu-west-1::/restapis/api123/stages/dev",
            tagKeys=["stale"],
        ),
        call.tag_resource(
            aws_retry=True,
            resourceArn="arn:aws:apigateway:eu-west-1::/restapis/api123/stages/dev",
            tags={"owner": "platform"},
        ),
    ]
    assert result["changed"] is True


def test_purge_tags_false_only_adds():
    client = existing_client(api=aws_api(tags={"keep": "1"}), stage=aws_stage(tags={"keep": "1"}))

    run(FakeModule(tags={"owner": "platform"}, purge_tags=False), client)

    client.untag_resource.assert_not_called()
    assert client.tag_resource.call_count == 2


# ---------------------------------------------------------------------------------------------
# check mode and diff
# ---------------------------------------------------------------------------------------------


def test_check_mode_create_predicts_and_makes_only_the_lookup_call():
    client = make_client()
    module = FakeModule(
        check_mode=True,
        diff=True,
        stage_throttle={"rate_limit": 1.5, "burst_limit": 3},
        tags={"owner": "platform"},
    )

    result = run(module, client)

    assert client.mock_calls == [call.get_rest_apis(aws_retry=True, limit=500)]
    assert module.clients == []  # no STS call: the id is unknown
    assert result["changed"] is True
    assert result["rest_api"]["id"] is None
    assert result["rest_api"]["root_resource_id"] is None
    assert result["invoke_url"] is None
    assert result["execution_arn"] is None
    assert result["stage"]["deployment_id"] is None
    assert result["stage"]["config_sha256"] == expected_hash(DECLARED)
    assert result["stage"]["throttle"] == {"rate_limit": 1.5, "burst_limit": 3}
    assert result["stage"]["tags"] == {"owner": "platform"}
    assert result["diff"]["before"] == {}
    assert sorted(result["diff"]["after"]["resources"]) == ["/", "/items", "/items/{id}"]


def test_check_mode_update_predicts_without_write_call():
    declared_off = {path: {m: False for m in methods} for path, methods in DECLARED.items()}
    client = existing_client(declared=declared_off, hash_value=expected_hash(declared_off))
    module = FakeModule(check_mode=True, diff=True, api_key_required=True)

    result = run(module, client)

    assert writes(client) == []
    assert result["changed"] is True
    assert result["stage"]["deployment_id"] is None
    assert result["stage"]["config_sha256"] == expected_hash(DECLARED)
    before = result["diff"]["before"]["resources"]["/items"]["GET"]["api_key_required"]
    after = result["diff"]["after"]["resources"]["/items"]["GET"]["api_key_required"]
    assert (before, after) == (False, True)
    assert result["diff"]["before"]["stage"]["config_sha256"] == expected_hash(declared_off)


def test_check_mode_absent_makes_no_delete_call():
    client = existing_client()

    result = run(FakeModule(check_mode=True, state="absent"), client)

    assert result["changed"] is True
    assert writes(client) == []


# ---------------------------------------------------------------------------------------------
# delete and not found
# ---------------------------------------------------------------------------------------------


def test_absent_deletes_the_api():
    client = existing_client()

    result = run(FakeModule(state="absent", definition=None, stage_name=None, diff=True), client)

    assert writes(client) == [call.delete_rest_api(aws_retry=True, restApiId=API_ID)]
    assert result["changed"] is True
    assert result["diff"]["after"] == {}
    assert result["diff"]["before"]["rest_api"]["name"] == "items-api"


def test_absent_when_not_found_is_unchanged():
    client = make_client(apis=[dict(aws_api(), name="other-api")])

    result = run(FakeModule(state="absent", definition=None, stage_name=None), client)

    assert result == {"changed": False, "rest_api": None}
    assert writes(client) == []


def test_lookup_follows_pagination():
    client = make_client()
    client.get_rest_apis.return_value = None
    client.get_rest_apis.side_effect = [
        {"items": [dict(aws_api(api_id="other"), name="x")], "position": "p1"},
        {"items": [aws_api()]},
    ]

    result = run(FakeModule(state="absent"), client)

    assert client.get_rest_apis.call_args_list == [
        call(aws_retry=True, limit=500),
        call(aws_retry=True, limit=500, position="p1"),
    ]
    assert result["changed"] is True
    client.delete_rest_api.assert_called_once_with(aws_retry=True, restApiId=API_ID)


def test_several_apis_with_the_name_are_told_apart_by_lookup_tags():
    apis = [
        aws_api(api_id="devapi", tags={"environment": "dev"}),
        aws_api(api_id="prodapi", tags={"environment": "prod"}),
    ]
    client = make_client(apis=apis)

    run(FakeModule(state="absent", lookup_tags={"environment": "prod"}), client)

    client.delete_rest_api.assert_called_once_with(aws_retry=True, restApiId="prodapi")


def test_several_matching_apis_fail_listing_their_ids():
    apis = [aws_api(api_id="b2"), aws_api(api_id="a1")]
    client = make_client(apis=apis)

    with pytest.raises(FailJson) as failure:
        run(FakeModule(state="absent"), client)

    assert failure.value.args[0]["msg"] == (
        "Found 2 REST APIs named items-api carrying the lookup_tags {}: a1, b2; "
        "set lookup_tags so that only one matches"
    )
    assert writes(client) == []


# ---------------------------------------------------------------------------------------------
# AWS errors
# ---------------------------------------------------------------------------------------------


def test_aws_error_while_listing_is_reported():
    client = make_client()
    error = client_error("AccessDeniedException", "GetRestApis", "denied")
    client.get_rest_apis.side_effect = error

    with pytest.raises(FailJson) as failure:
        run(FakeModule(), client)

    assert failure.value.args[0]["msg"] == (
        "Failed to list REST APIs named items-api: An error occurred (AccessDeniedException) "
        "when calling the GetRestApis operation: denied"
    )


def test_aws_error_on_put_method_names_the_method_and_stops():
    declared_off = all_methods(False)
    client = existing_client(declared=declared_off, hash_value=expected_hash(declared_off))
    client.put_method.side_effect = client_error("BadRequestException", "PutMethod", "boom")

    with pytest.raises(FailJson) as failure:
        run(FakeModule(api_key_required=True), client)

    assert failure.value.args[0]["msg"] == (
        "Failed to put method GET /items of REST API items-api: An error occurred "
        "(BadRequestException) when calling the PutMethod operation: boom"
    )
    assert writes(client) == [
        call.delete_method(
            aws_retry=True, restApiId=API_ID, resourceId="res-items", httpMethod="GET"
        ),
        call.put_method(
            aws_retry=True,
            restApiId=API_ID,
            resourceId="res-items",
            httpMethod="GET",
            authorizationType="NONE",
            apiKeyRequired=True,
        ),
    ]


def test_aws_error_on_tagging_the_api_is_reported():
    client = existing_client(api=aws_api(tags={}))
    client.tag_resource.side_effect = client_error("AccessDeniedException", "TagResource", "no")
    module = FakeModule(tags={"owner": "platform"})

    with pytest.raises(FailJson) as failure:
        run(module, client)

    assert failure.value.args[0]["msg"] == (
        "Failed to update tags of REST API items-api: An error occurred (AccessDeniedException) "
        "when calling the TagResource operation: no"
    )
    assert module.warnings == []


def test_tagging_the_api_not_implemented_warns_and_reports_the_tags_read_back():
    # moto 5.2.5 routes TagResource only for stages and answers HTTP 404 for a REST API.
    tags = {"owner": "platform"}
    client = existing_client(api=aws_api(tags={"stale": "x"}), stage=aws_stage(tags=tags))
    client.untag_resource.side_effect = client_error("404", "UntagResource", "Not Found")
    module = FakeModule(tags=tags, diff=True)

    result = run(module, client)

    arn = "arn:aws:apigateway:eu-west-1::/restapis/api123"
    # The first refused call ends the attempt: the same endpoint would refuse TagResource too.
    assert writes(client) == [
        call.untag_resource(aws_retry=True, resourceArn=arn, tagKeys=["stale"])
    ]
    assert module.warnings == [
        "Tags of REST API items-api were not updated: the endpoint does not implement "
        "UntagResource for this resource (moto lacks it; AWS has it)"
    ]
    assert result["changed"] is False
    assert result["rest_api"]["tags"] == {"stale": "x"}
    assert result["diff"]["after"]["rest_api"]["tags"] == {"stale": "x"}
    assert result["stage"]["tags"] == tags


def test_tagging_the_api_not_implemented_still_tags_the_stage_and_counts_that():
    client = existing_client(api=aws_api(tags={}), stage=aws_stage(tags={}))
    stage_arn = "arn:aws:apigateway:eu-west-1::/restapis/api123/stages/dev"

    def tag(aws_retry, resourceArn, tags):
        if resourceArn != stage_arn:
            raise client_error("404", "TagResource", "Not Found")

    client.tag_resource.side_effect = tag
    client.get_stage.side_effect = [aws_stage(tags={}), aws_stage(tags={"owner": "platform"})]
    module = FakeModule(tags={"owner": "platform"})

    result = run(module, client)

    assert [c.kwargs["resourceArn"] for c in client.tag_resource.call_args_list] == [
        "arn:aws:apigateway:eu-west-1::/restapis/api123",
        stage_arn,
    ]
    assert len(module.warnings) == 1
    assert module.warnings[0].startswith("Tags of REST API items-api were not updated: ")
    assert result["changed"] is True
    assert result["rest_api"]["tags"] == {}
    assert result["stage"]["tags"] == {"owner": "platform"}


def test_apply_tags_reports_a_partial_update_and_counts_it():
    module = FakeModule()
    client = make_client()
    client.tag_resource.side_effect = client_error("404", "TagResource", "Not Found")

    written = apigateway.apply_tags(
        module, client, "arn:x", {"old": "1"}, {"new": "2"}, True, "usage plan p"
    )

    assert written is True  # UntagResource went through
    assert module.warnings == [
        "Tags of usage plan p were only partly updated: the endpoint does not implement "
        "TagResource for this resource (moto lacks it; AWS has it)"
    ]


def test_apply_tags_check_mode_writes_nothing():
    module = FakeModule(check_mode=True)
    client = make_client()

    assert apigateway.apply_tags(module, client, "arn:x", {}, {"a": "1"}, True, "x") is True
    unchanged = apigateway.apply_tags(module, client, "arn:x", {"a": "1"}, {"a": "1"}, True, "x")
    assert unchanged is False
    assert client.mock_calls == []


# ---------------------------------------------------------------------------------------------
# validation (before any AWS call)
# ---------------------------------------------------------------------------------------------


def fail_validation(**params):
    client = make_client()
    with pytest.raises(FailJson) as failure:
        run(FakeModule(**params), client)
    assert client.mock_calls == []
    return failure.value.args[0]["errors"]


def test_star_method_is_rejected_with_the_allowed_list():
    definition = copy.deepcopy(DEFINITION)
    definition["paths"]["/items"]["*"] = {"x-amazon-apigateway-integration": dict(PROXY)}

    errors = fail_validation(definition=definition)

    assert errors == [
        'definition.paths./items: unsupported operation "*"; allowed: get, put, post, delete, '
        "options, head, patch, x-amazon-apigateway-any-method"
    ]


def test_every_problem_is_reported_in_one_failure():
    definition = copy.deepcopy(DEFINITION)
    paths = definition["paths"]
    paths["/items"]["get"]["x-amazon-apigateway-integration"] = {
        "type": "http",
        "httpMethod": "GET",
        "timeoutInMillis": 30000,
        "passthroughBehavior": "when_no_match",
    }
    paths["/bad/{id"] = {"get": "nope"}

    errors = fail_validation(
        definition=definition,
        stage_name="my stage",
        stage_variables={"port": 8080, "bad-name": "x"},
        stage_throttle={"rate_limit": -1.0, "burst_limit": -2},
        integration_lambda_arn="items-api",
    )

    where = "definition.paths./items.get.x-amazon-apigateway-integration"
    assert errors == [
        'stage_name: invalid value "my stage"; allowed: 1-128 characters of A-Z, a-z, 0-9, _ and -',
        "stage_variables.port: value 8080 is an integer; allowed: a string (quote it)",
        'stage_variables: invalid variable name "bad-name"; allowed: 1-64 characters of A-Z, '
        "a-z, 0-9 and _",
        "stage_throttle.rate_limit: invalid value -1.0; allowed: a number >= 0",
        "stage_throttle.burst_limit: invalid value -2; allowed: an integer >= 0",
        'integration_lambda_arn: invalid value "items-api"; allowed: a Lambda function ARN, '
        "arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>]",
        f'{where}: unsupported key "passthroughBehavior"; allowed: type, httpMethod, uri, '
        "timeoutInMillis",
        f'{where}.type: unsupported value "http"; allowed: aws_proxy',
        f'{where}.httpMethod: unsupported value "GET"; allowed: POST (API Gateway always invokes '
        "Lambda proxy integrations with POST)",
        f"{where}.timeoutInMillis: unsupported value 30000; allowed: an integer from 50 to 29000",
        'definition.paths./bad/{id: invalid path segment "{id"; allowed: a literal of '
        "[A-Za-z0-9._-]+, {name} or a final {name+}",
        "definition.paths./bad/{id.get: expected a mapping, e.g. "
        '{"x-amazon-apigateway-integration": {"type": "aws_proxy", "httpMethod": "POST"}}; '
        "got a string",
    ]


def test_non_mapping_paths_show_the_expected_shape():
    definition = dict(DEFINITION, paths=["/items"])

    errors = fail_validation(definition=definition)

    assert errors == [
        "definition.paths: expected a mapping of path to operations, e.g. "
        '{"/items": {"get": {"x-amazon-apigateway-integration": {"type": "aws_proxy", '
        '"httpMethod": "POST"}}}}; got a list'
    ]


def test_path_rules_greedy_last_and_one_variable_sibling():
    proxy_op = {"get": {"x-amazon-apigateway-integration": dict(PROXY)}}
    definition = dict(
        DEFINITION,
        paths={
            "/a/{x}": proxy_op,
            "/a/{y}/z": proxy_op,
            "/b/{rest+}/c": proxy_op,
            "items": proxy_op,
        },
    )

    errors = fail_validation(definition=definition)

    assert errors == [
        'definition.paths./b/{rest+}/c: invalid path segment "{rest+}"; allowed: a literal of '
        "[A-Za-z0-9._-]+, {name} or a final {name+}",
        'definition.paths.items: invalid path "items"; allowed: a path starting with "/", '
        "e.g. /items/{id}",
        "definition.paths: /a/{x}, /a/{y} are variable siblings; allowed: one variable path "
        "segment under /a",
    ]


def test_unsupported_security_scheme_and_missing_uri_are_rejected():
    definition = copy.deepcopy(DEFINITION)
    definition["components"]["securitySchemes"]["jwt"] = {"type": "http", "scheme": "bearer"}
    definition["paths"]["/items"]["get"]["security"] = [{"jwt": []}]
    definition["paths"]["/items"]["post"]["security"] = [{"nope": []}]

    errors = fail_validation(definition=definition, integration_lambda_arn=None)

    where = "x-amazon-apigateway-integration.uri"
    uri_rule = (
        "allowed: a uri arn:<partition>:apigateway:<region>:lambda:path/2015-03-31/functions/"
        "<function arn>/invocations, or set integration_lambda_arn"
    )
    assert errors[0] == (
        f"definition.paths./items.get.{where}: missing and integration_lambda_arn is not set; "
        f"{uri_rule}"
    )
    assert errors[1] == (
        'definition.components.securitySchemes.jwt: unsupported security scheme {"scheme": '
        '"bearer", "type": "http"}; allowed: type apiKey, in header, name x-api-key'
    )
    assert errors[3] == (
        'definition.paths./items.post.security[0]: unknown security scheme "nope"; defined in '
        "components.securitySchemes: api_key, jwt"
    )
    assert len(errors) == 7  # uri missing on all five operations, plus the two above


def test_openapi_version_and_lookup_tag_conflict_are_rejected():
    definition = dict(DEFINITION, openapi="2.0")

    errors = fail_validation(
        definition=definition,
        lookup_tags={"environment": "dev"},
        tags={"environment": "prod", "aws:x": "1"},
    )

    assert errors == [
        'tags: reserved key "aws:x"; allowed: keys not starting with "aws:"',
        'tags.environment: value "prod" differs from lookup_tags.environment "dev"; allowed: '
        "the lookup_tags value, or leave the key out",
        'definition.openapi: unsupported version "2.0"; allowed: 3.0.x (an OpenAPI 3.0 document)',
    ]


# ---------------------------------------------------------------------------------------------
# model details
# ---------------------------------------------------------------------------------------------


def test_operation_security_overrides_root_and_any_method_and_uri_are_honoured():
    other_uri = URI.replace("items-api", "other")
    definition = {
        "openapi": "3.0.3",
        "components": DEFINITION["components"],
        "security": [{"api_key": []}],
        "paths": {
            "/": {
                "x-amazon-apigateway-any-method": {
                    "security": [],
                    "x-amazon-apigateway-integration": dict(PROXY, uri=other_uri),
                }
            },
            "/{proxy+}": {"get": {"x-amazon-apigateway-integration": dict(PROXY)}},
        },
    }
    client = make_client()
    result = run(FakeModule(definition=definition, check_mode=True, diff=True), client)

    assert result["methods"] == [
        {"path": "/", "http_method": "ANY", "api_key_required": False},
        {"path": "/{proxy+}", "http_method": "GET", "api_key_required": True},
    ]
    resources = result["diff"]["after"]["resources"]
    assert resources["/"]["ANY"]["integration"]["uri"] == other_uri
    assert resources["/{proxy+}"]["GET"]["integration"]["uri"] == URI


def test_current_state_is_normalised_like_the_desired_state():
    method = aws_method("GET", True)
    del method["methodIntegration"]["timeoutInMillis"]  # AWS default applies
    method["methodIntegration"]["type"] = "aws_proxy"
    operation = {
        "path": "/items",
        "http_method": "GET",
        "uri": None,
        "timeout": 29000,
        "api_key_required": True,
    }
    desired = mod.desired_model(make_client(), [operation], dict(BASE_PARAMS))

    model, ids = mod.current_model(
        [
            {"id": ROOT_ID, "path": "/"},
            {"id": "res-items", "path": "/items", "resourceMethods": {"GET": method}},
        ]
    )

    assert model == desired
    assert ids == {"/": ROOT_ID, "/items": "res-items"}


def test_cn_partition_builds_cn_arns_and_url():
    client = MagicMock()
    client.meta.partition = "aws-cn"
    client.meta.region_name = "cn-north-1"

    assert apigateway.invoke_url(client, "abc", "prod") == (
        "https://abc.execute-api.cn-north-1.amazonaws.com.cn/prod"
    )
    function_arn = "arn:aws-cn:lambda:cn-north-1:1:function:f"
    assert apigateway.lambda_integration_uri(client, function_arn) == (
        "arn:aws-cn:apigateway:cn-north-1:lambda:path/2015-03-31/functions/"
        "arn:aws-cn:lambda:cn-north-1:1:function:f/invocations"
    )
    assert apigateway.stage_arn(client, "abc", "prod") == (
        "arn:aws-cn:apigateway:cn-north-1::/restapis/abc/stages/prod"
    )
