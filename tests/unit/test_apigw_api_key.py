"""Unit tests for serverless.rest_api.apigw_api_key with a mocked API Gateway client."""

import datetime
import json
from functools import partial
from unittest.mock import MagicMock, call, patch

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.serverless.rest_api.plugins.modules import apigw_api_key
from harness import Exited, calls_named, refused, run_work

NAME = "items-dev-web"
LOOKUP = {"project": "items-api", "environment": "dev"}
SECRET = "GeneratedKeyValue0123456789abcdefGHIJKL"
CREATED = datetime.datetime(2024, 5, 1, 10, 0, tzinfo=datetime.timezone.utc)
WRITES = {"create_api_key", "update_api_key", "delete_api_key", "tag_resource", "untag_resource"}


pytestmark = pytest.mark.usefixtures("module_exits", "warnings")


def make_client(keys=()):
    client = MagicMock()
    client.meta.partition = "aws"
    client.meta.region_name = "eu-west-1"
    client.get_api_keys.return_value = {"items": [dict(k) for k in keys]}
    return client


def key(key_id="k1", name=NAME, enabled=True, description="Web client", tags=None, **extra):
    item = {
        "id": key_id,
        "name": name,
        "enabled": enabled,
        "description": description,
        "createdDate": CREATED,
        "lastUpdatedDate": CREATED,
        "stageKeys": [],
        "tags": dict(LOOKUP) if tags is None else tags,
    }
    item.update(extra)
    return item


def args(**overrides):
    result = {"name": NAME, "lookup_tags": dict(LOOKUP), "description": "Web client"}
    result.update(overrides)
    return result


# run(module_args, client, check_mode=False, diff=False) -> ("exit" | "fail", result)
run = partial(run_work, apigw_api_key.build_module, apigw_api_key.ensure_api_key)
writes = partial(calls_named, names=WRITES)


def client_error(code="BadRequestException", operation="CreateApiKey"):
    return refused(code, operation)


def test_create_sends_name_enabled_description_and_lookup_tags():
    client = make_client()
    client.create_api_key.return_value = key(value=SECRET, tags={**LOOKUP, "owner": "web"})
    client.get_api_key.return_value = key(tags={**LOOKUP, "owner": "web"})

    outcome, result = run(args(tags={"owner": "web"}), client, diff=True)

    assert outcome == "exit"
    assert result["changed"] is True
    assert writes(client) == [
        call.create_api_key(
            aws_retry=True,
            name=NAME,
            enabled=True,
            description="Web client",
            tags={"project": "items-api", "environment": "dev", "owner": "web"},
        )
    ]
    client.get_api_keys.assert_called_once_with(aws_retry=True, limit=500, nameQuery=NAME)
    # Read back without includeValue.
    client.get_api_key.assert_called_once_with(apiKey="k1", aws_retry=True)
    assert result["api_key"] == {
        "id": "k1",
        "name": NAME,
        "enabled": True,
        "description": "Web client",
        "tags": {"project": "items-api", "environment": "dev", "owner": "web"},
        "created_date": "2024-05-01T10:00:00+00:00",
    }
    assert result["diff"] == {"before": {}, "after": result["api_key"]}


def test_create_without_tags_still_tags_the_key_with_lookup_tags():
    client = make_client()
    client.create_api_key.return_value = key(value=SECRET)
    client.get_api_key.return_value = key()

    outcome, result = run(args(description=None, enabled=False), client)

    assert outcome == "exit"
    assert writes(client) == [
        call.create_api_key(aws_retry=True, name=NAME, enabled=False, tags=LOOKUP)
    ]


def test_key_value_never_reaches_the_result_or_any_request():
    client = make_client()
    client.create_api_key.return_value = key(value=SECRET)
    # Even if AWS sent the value on a read, it must not be passed on.
    client.get_api_key.return_value = key(value=SECRET)

    outcome, result = run(args(), client, diff=True)

    assert outcome == "exit"
    assert SECRET not in json.dumps(result)
    for made in client.mock_calls:
        assert "includeValue" not in made.kwargs
        assert "includeValues" not in made.kwargs
        assert "value" not in made.kwargs


def test_second_run_with_same_arguments_changes_nothing():
    client = make_client([key()])

    outcome, result = run(args(tags={}), client, diff=True)

    assert outcome == "exit"
    assert result["changed"] is False
    assert writes(client) == []
    client.get_api_key.assert_not_called()
    assert result["api_key"]["id"] == "k1"
    assert result["diff"]["before"] == result["diff"]["after"]


def test_empty_description_matches_a_key_without_description():
    client = make_client([key(description=None)])

    outcome, result = run(args(description=""), client)

    assert (outcome, result["changed"]) == ("exit", False)
    assert writes(client) == []


def test_update_sends_only_the_differing_fields_and_tag_changes():
    current = key(description="Old", tags={**LOOKUP, "stale": "x", "aws:cloudformation:x": "y"})
    client = make_client([current])
    client.get_api_key.return_value = key(enabled=False, tags={**LOOKUP, "owner": "web"})

    outcome, result = run(args(enabled=False, tags={"owner": "web"}), client, diff=True)

    assert outcome == "exit"
    assert result["changed"] is True
    arn = "arn:aws:apigateway:eu-west-1::/apikeys/k1"
    assert writes(client) == [
        call.update_api_key(
            apiKey="k1",
            patchOperations=[
                {"op": "replace", "path": "/description", "value": "Web client"},
                {"op": "replace", "path": "/enabled", "value": "false"},
            ],
            aws_retry=True,
        ),
        # aws: tags belong to AWS and the lookup tags identify the key: neither is purged.
        call.untag_resource(resourceArn=arn, tagKeys=["stale"], aws_retry=True),
        call.tag_resource(resourceArn=arn, tags={"owner": "web"}, aws_retry=True),
    ]
    assert result["diff"]["before"]["enabled"] is True
    assert result["diff"]["after"]["enabled"] is False


def test_purge_tags_false_only_adds_tags():
    client = make_client([key(tags={**LOOKUP, "stale": "x"})])
    client.get_api_key.return_value = key()

    outcome, _ = run(args(tags={"owner": "web"}, purge_tags=False), client)

    assert outcome == "exit"
    assert writes(client) == [
        call.tag_resource(
            resourceArn="arn:aws:apigateway:eu-west-1::/apikeys/k1",
            tags={"owner": "web"},
            aws_retry=True,
        )
    ]


def test_tags_left_alone_when_not_given():
    client = make_client([key(tags={**LOOKUP, "other": "x"})])

    outcome, result = run(args(), client)

    assert (outcome, result["changed"]) == ("exit", False)
    assert writes(client) == []


def test_tag_values_are_compared_as_strings():
    client = make_client([key(tags={"version": "2"})])

    outcome, result = run(args(lookup_tags={"version": 2}, tags={"version": 2}), client)

    assert (outcome, result["changed"]) == ("exit", False)
    assert writes(client) == []


def test_check_mode_create_predicts_without_writing():
    client = make_client()

    outcome, result = run(args(tags={"owner": "web"}), client, check_mode=True, diff=True)

    assert outcome == "exit"
    assert result["changed"] is True
    assert writes(client) == []
    assert result["api_key"] == {
        "id": None,
        "name": NAME,
        "enabled": True,
        "description": "Web client",
        "tags": {"project": "items-api", "environment": "dev", "owner": "web"},
        "created_date": None,
    }
    assert result["diff"] == {"before": {}, "after": result["api_key"]}


def test_check_mode_update_predicts_without_writing():
    client = make_client([key(tags={**LOOKUP, "stale": "x"})])

    outcome, result = run(args(enabled=False), client, check_mode=True, diff=True)

    assert outcome == "exit"
    assert result["changed"] is True
    assert writes(client) == []
    assert result["api_key"]["enabled"] is False
    assert result["api_key"]["tags"] == {**LOOKUP, "stale": "x"}


def test_check_mode_delete_writes_nothing():
    client = make_client([key()])

    outcome, result = run(args(state="absent"), client, check_mode=True, diff=True)

    assert (outcome, result["changed"]) == ("exit", True)
    assert writes(client) == []
    assert result["diff"]["after"] == {}


def test_delete_removes_the_matching_key():
    client = make_client([key()])

    outcome, result = run(args(state="absent"), client, diff=True)

    assert (outcome, result["changed"]) == ("exit", True)
    assert writes(client) == [call.delete_api_key(apiKey="k1", aws_retry=True)]
    assert result["api_key"] == {}
    assert result["diff"]["before"]["id"] == "k1"


def test_absent_when_not_found_changes_nothing():
    client = make_client()

    outcome, result = run(args(state="absent"), client)

    assert (outcome, result["changed"]) == ("exit", False)
    assert writes(client) == []
    assert result["api_key"] == {}


def test_lookup_ignores_other_names_and_keys_without_the_lookup_tags():
    # AWS nameQuery matches a prefix and moto ignores it: only the exact name counts.
    others = [
        key("k2", name=f"{NAME}-2"),
        key("k3", tags={"project": "items-api", "environment": "prod"}),
        key("k4", tags={}),
    ]
    client = make_client(others)
    client.create_api_key.return_value = key("k9", value=SECRET)
    client.get_api_key.return_value = key("k9")

    outcome, result = run(args(), client)

    assert outcome == "exit"
    assert [c[0] for c in writes(client)] == ["create_api_key"]
    assert result["api_key"]["id"] == "k9"


def test_lookup_follows_pagination():
    client = make_client()
    client.get_api_keys.side_effect = [
        {"items": [key("k2", name="other")], "position": "page2"},
        {"items": [key()]},
    ]

    outcome, result = run(args(), client)

    assert (outcome, result["changed"]) == ("exit", False)
    assert client.get_api_keys.call_args_list == [
        call(aws_retry=True, limit=500, nameQuery=NAME),
        call(aws_retry=True, limit=500, nameQuery=NAME, position="page2"),
    ]


def test_several_matching_keys_fail_listing_their_ids():
    client = make_client([key("k2"), key("k1")])

    outcome, result = run(args(), client)

    assert outcome == "fail"
    assert result["msg"].startswith(f"Found 2 API keys named {NAME} with tags ")
    assert ": k1, k2." in result["msg"]
    assert writes(client) == []


def test_tags_contradicting_lookup_tags_fail_before_any_call():
    client = make_client()

    outcome, result = run(args(tags={"environment": "prod"}), client)

    assert outcome == "fail"
    assert result["msg"].startswith(
        "tags and lookup_tags disagree (tags.environment='prod' but "
        "lookup_tags.environment='dev')"
    )
    assert client.mock_calls == []


def test_aws_error_on_create_is_reported_with_the_key_name():
    client = make_client()
    client.create_api_key.side_effect = client_error()

    outcome, result = run(args(), client)

    assert outcome == "fail"
    assert result["msg"] == (
        f"Failed to create API key {NAME}: An error occurred (BadRequestException) when "
        "calling the CreateApiKey operation: refused"
    )


def test_aws_error_on_lookup_is_reported():
    client = make_client()
    client.get_api_keys.side_effect = client_error("AccessDeniedException", "GetApiKeys")

    outcome, result = run(args(), client)

    assert outcome == "fail"
    assert result["msg"].startswith(f"Failed to find API key {NAME}: ")
    assert writes(client) == []


def test_tagging_error_is_reported_as_such(warnings):
    client = make_client([key()])
    client.tag_resource.side_effect = client_error("AccessDeniedException", "TagResource")

    outcome, result = run(args(tags={"owner": "web"}), client)

    assert outcome == "fail"
    assert result["msg"] == (
        f"Failed to update tags of API key {NAME}: An error occurred (AccessDeniedException) "
        "when calling the TagResource operation: refused"
    )
    assert warnings == []


NOT_IMPLEMENTED_WARNING = (
    f"Tags of API key {NAME} were not updated: the endpoint does not implement TagResource "
    "for this resource (moto lacks it; AWS has it)"
)


def test_tagging_not_implemented_warns_and_is_no_change(warnings):
    # moto 5.2.5 routes TagResource only for stages and answers a bare HTTP 404 for a key.
    client = make_client([key()])
    client.tag_resource.side_effect = client_error("404", "TagResource")
    client.get_api_key.return_value = key()

    outcome, result = run(args(tags={"owner": "web"}), client, diff=True)

    assert (outcome, result["changed"]) == ("exit", False)
    assert writes(client) == [
        call.tag_resource(
            resourceArn="arn:aws:apigateway:eu-west-1::/apikeys/k1",
            tags={"owner": "web"},
            aws_retry=True,
        )
    ]
    assert warnings == [NOT_IMPLEMENTED_WARNING]
    # The tags read back, not the desired ones.
    client.get_api_key.assert_called_once_with(apiKey="k1", aws_retry=True)
    assert result["api_key"]["tags"] == LOOKUP
    assert result["diff"]["after"]["tags"] == LOOKUP


def test_tagging_not_implemented_alongside_another_update_is_still_a_change(warnings):
    client = make_client([key()])
    client.tag_resource.side_effect = client_error("404", "TagResource")
    client.get_api_key.return_value = key(enabled=False)

    outcome, result = run(args(enabled=False, tags={"owner": "web"}), client)

    assert (outcome, result["changed"]) == ("exit", True)
    assert [c[0] for c in writes(client)] == ["update_api_key", "tag_resource"]
    assert warnings == [NOT_IMPLEMENTED_WARNING]
    assert result["api_key"]["enabled"] is False
    assert result["api_key"]["tags"] == LOOKUP


def test_main_builds_the_client_with_the_api_gateway_retry():
    client = make_client([key()])
    with patch_module_args(args()):
        with patch.object(apigw_api_key.AWSModule, "client", return_value=client) as made:
            with pytest.raises(Exited):
                apigw_api_key.main()
    made.assert_called_once_with("apigateway", retry_decorator=apigw_api_key.APIGATEWAY_RETRY)
