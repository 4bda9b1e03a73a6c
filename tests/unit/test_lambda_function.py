"""Unit tests for serverless.rest_api.lambda_function with a mocked Lambda client."""

import base64
import hashlib
import io
import json
import zipfile
from unittest.mock import MagicMock, call, patch

import pytest
from ansible.module_utils.testing import patch_module_args
from botocore.exceptions import ClientError, WaiterError

from ansible_collections.serverless.rest_api.plugins.modules import lambda_function

NAME = "items-api"
ARN = f"arn:aws:lambda:eu-west-1:123456789012:function:{NAME}"
ROLE = "arn:aws:iam::123456789012:role/items-api-lambda"
KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
OTHER_KEY = "arn:aws:kms:eu-west-1:123456789012:key/abcd1234-12ab-34cd-56ef-1234567890ab"


class Failed(Exception):
    """Raised by the patched fail_json; carries its keyword arguments."""

    def __init__(self, kwargs):
        super().__init__(kwargs.get("msg"))
        self.kwargs = kwargs


def make_zip(path, body="def handler(event, context):\n    return {}\n"):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        info = zipfile.ZipInfo("app.py", date_time=(1980, 1, 1, 0, 0, 0))
        archive.writestr(info, body)
    path.write_bytes(buf.getvalue())
    return buf.getvalue()


def sha(data):
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


@pytest.fixture
def package(tmp_path):
    path = tmp_path / "app.zip"
    data = make_zip(path)
    return str(path), data


def params(zip_path, **overrides):
    args = {
        "name": NAME,
        "zip_file": zip_path,
        "runtime": "python3.12",
        "handler": "app.handler",
        "role": ROLE,
        "environment_variables": {"TABLE_NAME": "items"},
        "kms_key_arn": KEY,
        "tags": {"project": "items"},
    }
    args.update(overrides)
    return args


def build(args, check_mode=False, diff=False):
    args = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff)
    with patch_module_args(args):
        module = lambda_function.build_module()

    def fail_json(**kwargs):
        raise Failed(kwargs)

    module.fail_json = fail_json
    return module


def configuration(data, **overrides):
    config = {
        "FunctionName": NAME,
        "FunctionArn": ARN,
        "Runtime": "python3.12",
        "Role": ROLE,
        "Handler": "app.handler",
        "Description": "",
        "Timeout": 3,
        "MemorySize": 128,
        "CodeSha256": sha(data),
        "Environment": {"Variables": {"TABLE_NAME": "items"}},
        "KMSKeyArn": KEY,
        "TracingConfig": {"Mode": "PassThrough"},
        "State": "Active",
        "LastUpdateStatus": "Successful",
        "PackageType": "Zip",
        "Architectures": ["x86_64"],
    }
    config.update(overrides)
    return {k: v for k, v in config.items() if v is not None}


def found(config, tags=None):
    return {"Configuration": config, "Tags": tags or {}}


def client_error(code, operation):
    return ClientError({"Error": {"Code": code, "Message": f"{code} happened"}}, operation)


def not_found():
    return client_error("ResourceNotFoundException", "GetFunction")


def make_client(get_function, tags=None):
    client = MagicMock()
    client.get_function.side_effect = get_function
    client.list_tags.return_value = {"Tags": tags if tags is not None else {"project": "items"}}
    return client


def write_calls(client):
    names = {
        "create_function",
        "update_function_configuration",
        "update_function_code",
        "delete_function",
        "tag_resource",
        "untag_resource",
        "publish_version",
        "put_function_concurrency",
    }
    return [c for c in client.mock_calls if c[0] in names]


WAIT_UPDATED = [call.get_waiter("function_updated_v2"), call.get_waiter().wait(FunctionName=NAME)]
WAIT_ACTIVE = [call.get_waiter("function_active_v2"), call.get_waiter().wait(FunctionName=NAME)]
READ = [call.get_function(FunctionName=NAME, aws_retry=True)]
TAGS = [call.list_tags(Resource=ARN, aws_retry=True)]


# -- create -------------------------------------------------------------------------------------


def test_create_sends_every_setting_waits_for_active_and_reads_back(package):
    path, data = package
    created = configuration(data, Description="Items API", MemorySize=256, Timeout=10)
    client = make_client([not_found(), found(created)])
    module = build(params(path, description="Items API", memory_size=256, timeout=10))

    result = lambda_function.run_module(module, client)

    assert result["changed"] is True
    assert client.mock_calls == (
        READ
        + [
            call.create_function(
                aws_retry=True,
                FunctionName=NAME,
                Runtime="python3.12",
                Role=ROLE,
                Handler="app.handler",
                Code={"ZipFile": data},
                Description="Items API",
                Timeout=10,
                MemorySize=256,
                Publish=False,
                PackageType="Zip",
                TracingConfig={"Mode": "PassThrough"},
                Architectures=["x86_64"],
                Environment={"Variables": {"TABLE_NAME": "items"}},
                KMSKeyArn=KEY,
                Tags={"project": "items"},
            )
        ]
        + WAIT_ACTIVE
        + READ
        + TAGS
    )
    assert result["function"] == {
        "name": NAME,
        "arn": ARN,
        "runtime": "python3.12",
        "handler": "app.handler",
        "role": ROLE,
        "description": "Items API",
        "memory_size": 256,
        "timeout": 10,
        "architecture": "x86_64",
        "tracing_mode": "PassThrough",
        "code_sha256": sha(data),
        "environment_variables": {"TABLE_NAME": "items"},
        "kms_key_arn": KEY,
        "tags": {"project": "items"},
        "state": "Active",
        "last_update_status": "Successful",
    }


def test_create_without_env_kms_or_tags_leaves_those_fields_out(package):
    path, data = package
    config = configuration(data, Environment=None, KMSKeyArn=None)
    client = make_client([not_found(), found(config)], tags={})
    module = build(params(path, environment_variables={}, kms_key_arn=None, tags=None))

    lambda_function.run_module(module, client)

    create = client.create_function.call_args.kwargs
    assert "Environment" not in create and "KMSKeyArn" not in create and "Tags" not in create


def test_create_fails_when_the_endpoint_drops_the_key(package):
    path, data = package
    client = make_client([not_found(), found(configuration(data, KMSKeyArn=None))])
    module = build(params(path))

    with pytest.raises(Failed) as failed:
        lambda_function.run_module(module, client)

    assert failed.value.kwargs["msg"] == (
        f"Failed to update Lambda function {NAME}: the endpoint did not apply the encryption"
        f" key of the environment variables (asked for {KEY}, the function reports the"
        " AWS-managed key)"
    )
    assert failed.value.kwargs["changed"] is True


# -- no change ----------------------------------------------------------------------------------


def test_second_run_with_same_arguments_changes_nothing(package):
    path, data = package
    client = make_client([found(configuration(data))])
    module = build(params(path), diff=True)

    result = lambda_function.run_module(module, client)

    assert result["changed"] is False
    assert client.mock_calls == READ + TAGS
    assert result["diff"]["before"] == result["diff"]["after"]
    assert result["function"]["arn"] == ARN


def test_absent_fields_equal_their_defaults(package):
    """No Description, TracingConfig, Environment, KMSKeyArn or Architectures = defaults."""
    path, data = package
    config = configuration(
        data,
        Description=None,
        TracingConfig=None,
        Environment=None,
        KMSKeyArn=None,
        Architectures=None,
    )
    client = make_client([found(config)], tags={})
    module = build(params(path, environment_variables={}, kms_key_arn=None, tags={}))

    result = lambda_function.run_module(module, client)

    assert result["changed"] is False
    assert write_calls(client) == []


def test_numbers_in_environment_are_compared_as_text(package):
    path, data = package
    config = configuration(data, Environment={"Variables": {"TABLE_NAME": "items", "PAGE": "25"}})
    client = make_client([found(config)])
    module = build(params(path, environment_variables={"TABLE_NAME": "items", "PAGE": 25}))

    result = lambda_function.run_module(module, client)

    assert result["changed"] is False
    assert write_calls(client) == []


# -- update -------------------------------------------------------------------------------------


def test_memory_change_sends_one_configuration_update_with_memory_only(package):
    path, data = package
    client = make_client([found(configuration(data)), found(configuration(data, MemorySize=512))])
    module = build(params(path, memory_size=512), diff=True)

    result = lambda_function.run_module(module, client)

    assert result["changed"] is True
    assert client.mock_calls == (
        READ
        + TAGS
        + [call.update_function_configuration(FunctionName=NAME, aws_retry=True, MemorySize=512)]
        + WAIT_UPDATED
        + READ
        + TAGS
    )
    assert result["diff"]["before"]["memory_size"] == 128
    assert result["diff"]["after"]["memory_size"] == 512
    assert result["function"]["memory_size"] == 512


def test_several_settings_go_in_a_single_call(package):
    path, data = package
    after = configuration(
        data,
        Timeout=30,
        TracingConfig={"Mode": "Active"},
        Environment={"Variables": {"TABLE_NAME": "items", "LOG_LEVEL": "INFO"}},
        KMSKeyArn=OTHER_KEY,
        Description="v2",
    )
    client = make_client([found(configuration(data)), found(after)])
    module = build(
        params(
            path,
            timeout=30,
            tracing_mode="Active",
            environment_variables={"TABLE_NAME": "items", "LOG_LEVEL": "INFO"},
            kms_key_arn=OTHER_KEY,
            description="v2",
        )
    )

    lambda_function.run_module(module, client)

    assert client.update_function_configuration.mock_calls == [
        call(
            FunctionName=NAME,
            aws_retry=True,
            Description="v2",
            Timeout=30,
            TracingConfig={"Mode": "Active"},
            Environment={"Variables": {"TABLE_NAME": "items", "LOG_LEVEL": "INFO"}},
            KMSKeyArn=OTHER_KEY,
        )
    ]
    client.update_function_code.assert_not_called()


def test_removing_every_variable_and_the_key_sends_empty_values(package):
    path, data = package
    after = configuration(data, Environment=None, KMSKeyArn=None)
    client = make_client([found(configuration(data)), found(after)])
    module = build(params(path, environment_variables={}, kms_key_arn=None))

    lambda_function.run_module(module, client)

    assert client.update_function_configuration.mock_calls == [
        call(FunctionName=NAME, aws_retry=True, Environment={"Variables": {}}, KMSKeyArn="")
    ]


def test_key_change_not_applied_by_the_endpoint_fails(package):
    path, data = package
    client = make_client([found(configuration(data)), found(configuration(data))])
    module = build(params(path, kms_key_arn=OTHER_KEY))

    with pytest.raises(Failed) as failed:
        lambda_function.run_module(module, client)

    assert failed.value.kwargs["msg"] == (
        f"Failed to update Lambda function {NAME}: the endpoint did not apply the encryption"
        f" key of the environment variables (asked for {OTHER_KEY}, the function reports {KEY})"
    )
    assert failed.value.kwargs["function"]["kms_key_arn"] == KEY


def test_code_change_uploads_the_package(package, tmp_path):
    path, data = package
    new_path = tmp_path / "new.zip"
    new_data = make_zip(new_path, body="def handler(event, context):\n    return 2\n")
    client = make_client(
        [found(configuration(data)), found(configuration(data, CodeSha256=sha(new_data)))]
    )
    module = build(params(str(new_path)))

    result = lambda_function.run_module(module, client)

    assert client.mock_calls == (
        READ
        + TAGS
        + [
            call.update_function_code(
                FunctionName=NAME,
                ZipFile=new_data,
                Architectures=["x86_64"],
                Publish=False,
                aws_retry=True,
            )
        ]
        + WAIT_UPDATED
        + READ
        + TAGS
    )
    assert result["function"]["code_sha256"] == sha(new_data)


def test_configuration_then_code_with_waits_between(package):
    path, data = package
    after = configuration(data, Handler="app.main", Architectures=["arm64"])
    client = make_client([found(configuration(data)), found(after)])
    module = build(params(path, handler="app.main", architecture="arm64"))

    lambda_function.run_module(module, client)

    assert client.mock_calls == (
        READ
        + TAGS
        + [
            call.update_function_configuration(
                FunctionName=NAME, aws_retry=True, Handler="app.main"
            )
        ]
        + WAIT_UPDATED
        + [
            call.update_function_code(
                FunctionName=NAME,
                ZipFile=data,
                Architectures=["arm64"],
                Publish=False,
                aws_retry=True,
            )
        ]
        + WAIT_UPDATED
        + READ
        + TAGS
    )


def test_architecture_not_applied_by_the_endpoint_fails(package):
    path, data = package
    client = make_client([found(configuration(data)), found(configuration(data))])
    module = build(params(path, architecture="arm64"))

    with pytest.raises(Failed) as failed:
        lambda_function.run_module(module, client)

    assert failed.value.kwargs["msg"] == (
        f"Failed to update Lambda function {NAME}: the endpoint did not apply"
        " architecture (asked for 'arm64', got 'x86_64')"
    )


def test_update_waits_first_when_a_previous_update_is_running(package):
    path, data = package
    busy = configuration(data, LastUpdateStatus="InProgress")
    client = make_client([found(busy), found(configuration(data, Timeout=9))])
    module = build(params(path, timeout=9))

    lambda_function.run_module(module, client)

    assert client.mock_calls == (
        READ
        + TAGS
        + WAIT_UPDATED
        + [call.update_function_configuration(FunctionName=NAME, aws_retry=True, Timeout=9)]
        + WAIT_UPDATED
        + READ
        + TAGS
    )


def test_failed_update_reported_by_the_waiter(package):
    path, data = package
    client = make_client([found(configuration(data))])
    client.get_waiter.return_value.wait.side_effect = WaiterError(
        name="FunctionUpdatedV2",
        reason="Waiter encountered a terminal failure state",
        last_response={},
    )
    module = build(params(path, timeout=9))

    with pytest.raises(Failed) as failed:
        lambda_function.run_module(module, client)

    assert failed.value.kwargs["msg"].startswith(
        f"Failed to wait for the update of Lambda function {NAME}: Waiter FunctionUpdatedV2 failed"
    )


# -- tags ---------------------------------------------------------------------------------------


def test_tags_are_set_and_purged_but_aws_tags_are_kept(package):
    path, data = package
    current_tags = {"project": "old", "owner": "me", "aws:cloudformation:stack-name": "s"}
    client = make_client([found(configuration(data)), found(configuration(data))])
    client.list_tags.side_effect = [
        {"Tags": current_tags},
        {"Tags": {"project": "items", "aws:cloudformation:stack-name": "s"}},
    ]
    module = build(params(path), check_mode=False)

    result = lambda_function.run_module(module, client)

    assert write_calls(client) == [
        call.untag_resource(Resource=ARN, TagKeys=["owner"], aws_retry=True),
        call.tag_resource(Resource=ARN, Tags={"project": "items"}, aws_retry=True),
    ]
    assert result["function"]["tags"] == {"project": "items", "aws:cloudformation:stack-name": "s"}


def test_purge_false_only_adds(package):
    path, data = package
    client = make_client([found(configuration(data)), found(configuration(data))], tags={"a": "1"})
    module = build(params(path, purge_tags=False))

    lambda_function.run_module(module, client)

    assert write_calls(client) == [
        call.tag_resource(Resource=ARN, Tags={"project": "items"}, aws_retry=True)
    ]


def test_tags_omitted_leaves_tags_alone(package):
    path, data = package
    client = make_client([found(configuration(data))], tags={"someone": "else"})
    module = build(params(path, tags=None))

    result = lambda_function.run_module(module, client)

    assert result["changed"] is False
    assert write_calls(client) == []


def test_tags_on_qualified_arn_use_the_unqualified_arn(package):
    path, data = package
    config = configuration(data, FunctionArn=f"{ARN}:$LATEST")
    client = make_client([found(config)])
    module = build(params(path))

    lambda_function.run_module(module, client)

    assert client.list_tags.mock_calls == [call(Resource=ARN, aws_retry=True)]


# -- check mode ---------------------------------------------------------------------------------


def test_check_mode_create_predicts_and_writes_nothing(package):
    path, data = package
    client = make_client([not_found()])
    module = build(params(path), check_mode=True, diff=True)

    result = lambda_function.run_module(module, client)

    assert result["changed"] is True
    assert client.mock_calls == READ
    assert result["function"]["arn"] is None
    assert result["function"]["code_sha256"] == sha(data)
    assert result["function"]["state"] is None
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["environment_variables"] == {"TABLE_NAME": "items"}
    assert result["diff"]["after"]["kms_key_arn"] == KEY


def test_check_mode_update_predicts_and_writes_nothing(package, tmp_path):
    path, data = package
    new_path = tmp_path / "new.zip"
    new_data = make_zip(new_path, body="x = 1\n")
    client = make_client([found(configuration(data))], tags={"project": "items", "old": "1"})
    module = build(params(str(new_path), memory_size=1024), check_mode=True, diff=True)

    result = lambda_function.run_module(module, client)

    assert result["changed"] is True
    assert client.mock_calls == READ + TAGS
    assert result["function"]["memory_size"] == 1024
    assert result["function"]["code_sha256"] == sha(new_data)
    assert result["function"]["arn"] == ARN
    assert result["diff"]["before"]["tags"] == {"project": "items", "old": "1"}
    assert result["diff"]["after"]["tags"] == {"project": "items"}
    assert result["diff"]["before"]["code_sha256"] == sha(data)


def test_check_mode_delete_writes_nothing(package):
    path, data = package
    client = make_client([found(configuration(data))])
    module = build({"name": NAME, "state": "absent"}, check_mode=True, diff=True)

    result = lambda_function.run_module(module, client)

    assert result["changed"] is True
    assert write_calls(client) == []
    assert result["diff"]["after"] == {}
    assert result["diff"]["before"]["memory_size"] == 128


# -- delete -------------------------------------------------------------------------------------


def test_absent_deletes_the_function(package):
    path, data = package
    client = make_client([found(configuration(data))])
    module = build({"name": NAME, "state": "absent"})

    result = lambda_function.run_module(module, client)

    assert result == {"changed": True, "function": {}}
    assert client.mock_calls == READ + [call.delete_function(FunctionName=NAME, aws_retry=True)]


def test_absent_when_not_found_changes_nothing():
    client = make_client([not_found()])
    module = build({"name": NAME, "state": "absent"})

    result = lambda_function.run_module(module, client)

    assert result == {"changed": False, "function": {}}
    assert client.mock_calls == READ


def test_delete_error_is_reported(package):
    path, data = package
    client = make_client([found(configuration(data))])
    client.delete_function.side_effect = client_error("AccessDeniedException", "DeleteFunction")
    module = build({"name": NAME, "state": "absent"})

    with pytest.raises(Failed) as failed:
        lambda_function.run_module(module, client)

    assert failed.value.kwargs["msg"] == (
        f"Failed to delete Lambda function {NAME}: An error occurred (AccessDeniedException)"
        " when calling the DeleteFunction operation: AccessDeniedException happened"
    )


# -- AWS errors and unusual states --------------------------------------------------------------


def test_create_error_is_reported(package):
    path, data = package
    client = make_client([not_found()])
    client.create_function.side_effect = client_error(
        "InvalidParameterValueException", "CreateFunction"
    )
    module = build(params(path))

    with pytest.raises(Failed) as failed:
        lambda_function.run_module(module, client)

    assert failed.value.kwargs["msg"].startswith(
        f"Failed to create Lambda function {NAME}:"
        " An error occurred (InvalidParameterValueException)"
    )
    assert failed.value.kwargs["error"]["code"] == "InvalidParameterValueException"


def test_read_error_is_reported(package):
    path, data = package
    client = make_client([client_error("AccessDeniedException", "GetFunction")])
    module = build(params(path))

    with pytest.raises(Failed) as failed:
        lambda_function.run_module(module, client)

    assert failed.value.kwargs["msg"].startswith(f"Failed to get Lambda function {NAME}: ")
    assert write_calls(client) == []


def test_unreadable_environment_fails_instead_of_rewriting(package):
    path, data = package
    error = {"ErrorCode": "AccessDeniedException", "Message": "kms:Decrypt denied"}
    client = make_client([found(configuration(data, Environment={"Error": error}))])
    module = build(params(path))

    with pytest.raises(Failed) as failed:
        lambda_function.run_module(module, client)

    assert failed.value.kwargs["msg"] == (
        f"Failed to read the environment variables of Lambda function {NAME}:"
        " AccessDeniedException: kms:Decrypt denied"
    )
    assert write_calls(client) == []


def test_image_function_is_refused(package):
    path, data = package
    client = make_client([found(configuration(data, PackageType="Image"))])
    module = build(params(path))

    with pytest.raises(Failed) as failed:
        lambda_function.run_module(module, client)

    assert "is a container image function" in failed.value.kwargs["msg"]
    assert write_calls(client) == []


# -- input checks (before any call) -------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"name": "items api"}, "name: 'items api' is not a valid function name"),
        ({"name": "x" * 65}, "is not a valid function name"),
        ({"name": ARN}, "is not a valid function name"),
        ({"role": "items-api-lambda"}, "role: 'items-api-lambda' is not an IAM role ARN"),
        ({"handler": "app handler"}, "handler: 'app handler' must have 1 to 128 characters"),
        ({"memory_size": 64}, "memory_size: 64 is outside 128-10240 (MiB)"),
        ({"memory_size": 10241}, "memory_size: 10241 is outside 128-10240 (MiB)"),
        ({"timeout": 0}, "timeout: 0 is outside 1-900 (seconds)"),
        ({"timeout": 901}, "timeout: 901 is outside 1-900 (seconds)"),
        ({"description": "d" * 257}, "description: 257 characters given; at most 256"),
        (
            {"kms_key_arn": "alias/aws/lambda"},
            "kms_key_arn: 'alias/aws/lambda' is not a KMS key ARN",
        ),
        (
            {"kms_key_arn": "arn:aws:kms:eu-west-1:123456789012:alias/items"},
            "is not a KMS key ARN",
        ),
        ({"environment_variables": {"AWS_REGION": "x"}}, "key 'AWS_REGION' is reserved by Lambda"),
        (
            {"environment_variables": {"AWS_LAMBDA_METADATA_TOKEN": "x"}},
            "key 'AWS_LAMBDA_METADATA_TOKEN' is reserved by Lambda",
        ),
        (
            {"environment_variables": {"AWS_LAMBDA_FUNCTION_NAME": "x"}},
            "key 'AWS_LAMBDA_FUNCTION_NAME' is reserved by Lambda",
        ),
        ({"environment_variables": {"_HANDLER": "x"}}, "key '_HANDLER' is not allowed"),
        ({"environment_variables": {"A": "x"}}, "key 'A' is not allowed"),
        ({"environment_variables": {"1ABC": "x"}}, "key '1ABC' is not allowed"),
        ({"environment_variables": {"A-B": "x"}}, "key 'A-B' is not allowed"),
        (
            {"environment_variables": {"DEBUG": True}},
            "environment_variables: the value of 'DEBUG' is True (bool)",
        ),
        ({"environment_variables": {"LIST": [1]}}, "the value of 'LIST' is [1] (list)"),
        # {"BIG":"v...v"} as compact JSON: 10 bytes around 4087 characters of value
        ({"environment_variables": {"BIG": "v" * 4087}}, "keys and values take 4097 bytes"),
        ({"tags": {"aws:owner": "x"}}, "tags: key 'aws:owner' is not allowed"),
        ({"tags": {f"k{i}": "v" for i in range(51)}}, "tags: 51 tags given"),
        ({"tags": {"k": "v" * 257}}, "the value of 'k' has 257 characters; at most 256"),
    ],
)
def test_invalid_input_fails_before_any_call(package, overrides, message):
    path, data = package
    client = MagicMock()
    module = build(params(path, **overrides))

    with pytest.raises(Failed) as failed:
        lambda_function.run_module(module, client)

    assert message in failed.value.kwargs["msg"]
    assert client.mock_calls == []


def test_reserved_key_message_lists_the_reserved_keys(package):
    path, data = package
    module = build(params(path, environment_variables={"AWS_REGION": "x"}))

    with pytest.raises(Failed) as failed:
        lambda_function.run_module(module, MagicMock())

    assert "AWS_SESSION_TOKEN" in failed.value.kwargs["msg"]
    assert "LAMBDA_TASK_ROOT" in failed.value.kwargs["msg"]


@pytest.mark.parametrize(
    "variables",
    [{"AWS_LAMBDA_EXEC_WRAPPER": "/opt/w"}, {"TZ": "Europe/Amsterdam"}, {"BIG": "v" * 4086}],
)
def test_unreserved_variables_and_4096_bytes_are_allowed(package, variables):
    """The guide lists AWS_LAMBDA_EXEC_WRAPPER and TZ as not reserved; 4096 bytes fit."""
    path, data = package
    config = configuration(data, Environment={"Variables": variables})
    client = make_client([found(config)])
    module = build(params(path, environment_variables=variables))

    assert lambda_function.run_module(module, client)["changed"] is False


def test_missing_package_fails_before_any_call(tmp_path):
    client = MagicMock()
    module = build(params(str(tmp_path / "missing.zip")))

    with pytest.raises(Failed) as failed:
        lambda_function.run_module(module, client)

    assert failed.value.kwargs["msg"] == f"zip_file: '{tmp_path / 'missing.zip'}' is not a file"
    assert client.mock_calls == []


def test_package_that_is_not_a_zip_fails_before_any_call(tmp_path):
    path = tmp_path / "app.zip"
    path.write_text("print('hello')\n")
    client = MagicMock()
    module = build(params(str(path)))

    with pytest.raises(Failed) as failed:
        lambda_function.run_module(module, client)

    assert failed.value.kwargs["msg"] == f"zip_file: '{path}' is not a zip archive"
    assert client.mock_calls == []


def test_oversized_package_fails_before_any_call(package):
    path, data = package
    client = MagicMock()
    module = build(params(path))

    with patch.object(lambda_function, "MAX_ZIP_BYTES", len(data) - 1):
        with pytest.raises(Failed) as failed:
            lambda_function.run_module(module, client)

    assert f"has {len(data)} bytes" in failed.value.kwargs["msg"]
    assert client.mock_calls == []


def test_required_options_when_present(capsys):
    with patch_module_args({"name": NAME}):
        with pytest.raises(SystemExit):
            lambda_function.main()

    output = json.loads(capsys.readouterr().out)
    assert output["failed"] is True
    assert output["msg"] == (
        "state is present but all of the following are missing: zip_file, runtime, handler, role"
    )


def test_main_builds_the_client_with_conflict_retries(package, capsys):
    path, data = package
    client = make_client([found(configuration(data))])
    with patch_module_args(dict(params(path), region="eu-west-1")):
        factory = patch.object(lambda_function.AWSModule, "client", return_value=client)
        with factory as client_factory:
            with pytest.raises(SystemExit):
                lambda_function.main()

    client_factory.assert_called_once_with("lambda", retry_decorator=lambda_function.LAMBDA_RETRY)
    output = json.loads(capsys.readouterr().out)
    assert output["changed"] is False
    assert output["function"]["name"] == NAME


def test_retry_decorator_retries_conflicts():
    attempts = []

    @lambda_function.LAMBDA_RETRY
    def flaky():
        attempts.append(1)
        if len(attempts) < 2:
            raise client_error("ResourceConflictException", "UpdateFunctionConfiguration")
        return "done"

    with patch("time.sleep"):
        assert flaky() == "done"
    assert len(attempts) == 2


def role_not_ready():
    return ClientError(
        {"Error": {
            "Code": "InvalidParameterValueException",
            "Message": "The role defined for the function cannot be assumed by Lambda.",
        }},
        "CreateFunction",
    )


def test_create_waits_for_a_new_role_to_propagate(package):
    # given a role AWS does not let Lambda assume yet, for two attempts
    path, data = package
    client = make_client([not_found(), found(configuration(data))])
    client.create_function.side_effect = [role_not_ready(), role_not_ready(), {}]
    module = build(params(path))

    # when the function is created
    with patch.object(lambda_function.time, "sleep") as sleep:
        result = lambda_function.run_module(module, client)

    # then creation is tried three times, 5 seconds apart, and succeeds
    assert result["changed"] is True
    assert client.create_function.call_count == 3
    assert sleep.call_args_list == [call(5), call(5)]


def test_create_gives_up_when_the_role_never_becomes_usable(package):
    path, data = package
    client = make_client([not_found()])
    client.create_function.side_effect = [role_not_ready()] * 12
    module = build(params(path))

    with patch.object(lambda_function.time, "sleep"), pytest.raises(Failed) as failed:
        lambda_function.run_module(module, client)

    assert client.create_function.call_count == 12
    assert failed.value.kwargs["msg"] == (
        f"Failed to create Lambda function {NAME}: An error occurred "
        "(InvalidParameterValueException) when calling the CreateFunction operation: "
        "The role defined for the function cannot be assumed by Lambda."
    )
