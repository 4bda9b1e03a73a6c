"""Unit tests for serverless.rest_api.apigw_usage_plan with a mocked API Gateway client."""

import json
from functools import partial
from unittest.mock import MagicMock, call, patch

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.serverless.rest_api.plugins.modules import apigw_usage_plan
from harness import Exited, calls_named, refused, run_work

NAME = "items-dev-standard"
LOOKUP = {"project": "items-api", "environment": "dev"}
ARN = "arn:aws:apigateway:eu-west-1::/usageplans/p1"
SECRET = "PlanKeyValue0123456789abcdefGHIJKLMNOP"
WRITES = {
    "create_usage_plan",
    "update_usage_plan",
    "delete_usage_plan",
    "create_usage_plan_key",
    "delete_usage_plan_key",
    "tag_resource",
    "untag_resource",
}


pytestmark = pytest.mark.usefixtures("module_exits", "warnings")


def plan(plan_id="p1", name=NAME, **overrides):
    item = {
        "id": plan_id,
        "name": name,
        "description": "Standard",
        "apiStages": [{"apiId": "api1", "stage": "dev"}],
        "throttle": {"rateLimit": 50.0, "burstLimit": 100},
        "quota": {"limit": 1000, "offset": 0, "period": "DAY"},
        "tags": dict(LOOKUP),
    }
    item.update(overrides)
    return item


def plan_keys(*key_ids):
    # Real UsagePlanKey items carry the key value; the module must drop it.
    return {"items": [{"id": k, "type": "API_KEY", "name": k, "value": SECRET} for k in key_ids]}


def make_client(plans=(), key_ids=("k1",)):
    client = MagicMock()
    client.meta.partition = "aws"
    client.meta.region_name = "eu-west-1"
    client.get_usage_plans.return_value = {"items": [dict(p) for p in plans]}
    client.get_usage_plan_keys.return_value = plan_keys(*key_ids)
    return client


def args(**overrides):
    result = {
        "name": NAME,
        "lookup_tags": dict(LOOKUP),
        "description": "Standard",
        "throttle": {"rate_limit": 50.0, "burst_limit": 100},
        "quota": {"limit": 1000, "period": "DAY"},
        "api_stages": [{"api_id": "api1", "stage": "dev"}],
        "api_key_ids": ["k1"],
    }
    result.update(overrides)
    return result


# run(module_args, client, check_mode=False, diff=False) -> ("exit" | "fail", result)
run = partial(run_work, apigw_usage_plan.build_module, apigw_usage_plan.ensure_usage_plan)
writes = partial(calls_named, names=WRITES)


def client_error(code="BadRequestException", operation="UpdateUsagePlan"):
    return refused(code, operation)


FACTS = {
    "id": "p1",
    "name": NAME,
    "description": "Standard",
    "throttle": {"rate_limit": 50.0, "burst_limit": 100},
    "quota": {"limit": 1000, "offset": 0, "period": "DAY"},
    "api_stages": [{"api_id": "api1", "stage": "dev"}],
    "api_key_ids": ["k1"],
    "tags": LOOKUP,
}


# Create


def test_create_sends_every_setting_then_attaches_keys():
    client = make_client()
    client.create_usage_plan.return_value = {"id": "p1"}
    client.get_usage_plan.return_value = plan()

    outcome, result = run(args(tags={"owner": "web"}), client, diff=True)

    assert outcome == "exit"
    assert result["changed"] is True
    assert writes(client) == [
        call.create_usage_plan(
            aws_retry=True,
            name=NAME,
            description="Standard",
            throttle={"rateLimit": 50.0, "burstLimit": 100},
            quota={"limit": 1000, "offset": 0, "period": "DAY"},
            apiStages=[{"apiId": "api1", "stage": "dev"}],
            tags={"project": "items-api", "environment": "dev", "owner": "web"},
        ),
        call.create_usage_plan_key(
            usagePlanId="p1", keyId="k1", keyType="API_KEY", aws_retry=True
        ),
    ]
    # The stage and the key are checked before anything is written.
    client.get_stage.assert_called_once_with(restApiId="api1", stageName="dev", aws_retry=True)
    client.get_api_key.assert_called_once_with(apiKey="k1", aws_retry=True)
    first_write = [c[0] for c in client.mock_calls].index("create_usage_plan")
    assert [c[0] for c in client.mock_calls][:first_write] == [
        "get_usage_plans",
        "get_stage",
        "get_api_key",
    ]
    assert result["usage_plan"] == FACTS
    assert result["patch_operations"] == []
    assert result["diff"] == {"before": {}, "after": FACTS}
    assert SECRET not in json.dumps(result)


def test_create_with_only_a_name_sends_only_name_and_lookup_tags():
    client = make_client(key_ids=())
    client.create_usage_plan.return_value = {"id": "p1"}
    client.get_usage_plan.return_value = plan(apiStages=[], throttle=None, quota=None)

    outcome, result = run({"name": NAME, "lookup_tags": LOOKUP}, client)

    assert outcome == "exit"
    assert writes(client) == [call.create_usage_plan(aws_retry=True, name=NAME, tags=LOOKUP)]
    client.get_stage.assert_not_called()
    assert result["usage_plan"]["throttle"] is None
    assert result["usage_plan"]["quota"] is None


def test_check_mode_create_predicts_without_writing():
    client = make_client()

    outcome, result = run(args(), client, check_mode=True, diff=True)

    assert (outcome, result["changed"]) == ("exit", True)
    assert writes(client) == []
    assert result["usage_plan"] == dict(FACTS, id=None)
    assert result["diff"] == {"before": {}, "after": dict(FACTS, id=None)}


# No change


def test_second_run_with_same_arguments_changes_nothing():
    client = make_client([plan()])

    outcome, result = run(args(tags={}), client, diff=True)

    assert outcome == "exit"
    assert result["changed"] is False
    assert writes(client) == []
    client.get_stage.assert_not_called()
    client.get_api_key.assert_not_called()
    assert result["usage_plan"] == FACTS
    assert result["patch_operations"] == []
    assert result["diff"] == {"before": FACTS, "after": FACTS}
    assert SECRET not in json.dumps(result)


def test_numbers_returned_as_strings_or_ints_compare_equal():
    # moto stores patched quota numbers as strings and patched rates as integers.
    current = plan(
        throttle={"rateLimit": 50, "burstLimit": "100"},
        quota={"limit": "1000", "offset": "0", "period": "DAY"},
    )
    client = make_client([current])

    outcome, result = run(args(), client)

    assert (outcome, result["changed"]) == ("exit", False)


def test_omitted_throttle_quota_stages_and_keys_are_left_alone():
    current = plan(apiStages=[{"apiId": "api9", "stage": "prod"}])
    client = make_client([current], key_ids=("k7",))

    outcome, result = run(
        {"name": NAME, "lookup_tags": LOOKUP, "purge_api_stages": True}, client
    )

    assert (outcome, result["changed"]) == ("exit", False)
    assert writes(client) == []


def test_empty_description_matches_a_plan_without_description():
    client = make_client([plan(description=None)])

    outcome, result = run(args(description=""), client)

    assert (outcome, result["changed"]) == ("exit", False)


# Update


def test_rate_change_sends_exactly_one_patch_operation():
    client = make_client([plan()])
    client.get_usage_plan.return_value = plan(throttle={"rateLimit": 60.0, "burstLimit": 100})

    outcome, result = run(args(throttle={"rate_limit": 60, "burst_limit": 100}), client, diff=True)

    assert outcome == "exit"
    operations = [{"op": "replace", "path": "/throttle/rateLimit", "value": "60"}]
    assert writes(client) == [
        call.update_usage_plan(usagePlanId="p1", patchOperations=operations, aws_retry=True)
    ]
    assert result["patch_operations"] == operations
    assert result["diff"]["before"]["throttle"] == {"rate_limit": 50.0, "burst_limit": 100}
    assert result["diff"]["after"]["throttle"] == {"rate_limit": 60.0, "burst_limit": 100}


def test_fractional_rate_and_burst_change_are_patched():
    client = make_client([plan()])
    client.get_usage_plan.return_value = plan()

    outcome, result = run(args(throttle={"rate_limit": 12.5, "burst_limit": 25}), client)

    assert outcome == "exit"
    assert result["patch_operations"] == [
        {"op": "replace", "path": "/throttle/rateLimit", "value": "12.5"},
        {"op": "replace", "path": "/throttle/burstLimit", "value": "25"},
    ]


def test_throttle_and_quota_added_to_a_plan_without_them():
    client = make_client([plan(throttle=None, quota=None, description=None)])
    client.get_usage_plan.return_value = plan()

    outcome, result = run(args(quota={"limit": 500, "offset": 10, "period": "WEEK"}), client)

    assert outcome == "exit"
    assert writes(client)[0] == call.update_usage_plan(
        usagePlanId="p1",
        patchOperations=[
            {"op": "replace", "path": "/description", "value": "Standard"},
            {"op": "replace", "path": "/throttle/rateLimit", "value": "50"},
            {"op": "replace", "path": "/throttle/burstLimit", "value": "100"},
            {"op": "replace", "path": "/quota/limit", "value": "500"},
            {"op": "replace", "path": "/quota/offset", "value": "10"},
            {"op": "replace", "path": "/quota/period", "value": "WEEK"},
        ],
        aws_retry=True,
    )


def test_quota_offset_defaults_to_zero_and_is_enforced():
    client = make_client([plan(quota={"limit": 1000, "offset": 5, "period": "DAY"})])
    client.get_usage_plan.return_value = plan()

    outcome, result = run(args(), client)

    assert outcome == "exit"
    assert result["patch_operations"] == [
        {"op": "replace", "path": "/quota/offset", "value": "0"}
    ]


def test_stages_are_added_after_checking_and_extra_ones_purged():
    current = plan(apiStages=[{"apiId": "api1", "stage": "dev"}, {"apiId": "api1", "stage": "old"}])
    client = make_client([current])
    client.get_usage_plan.return_value = plan()
    stages = [{"api_id": "api1", "stage": "dev"}, {"api_id": "api2", "stage": "v2"}]

    outcome, result = run(args(api_stages=stages), client)

    assert outcome == "exit"
    client.get_stage.assert_called_once_with(restApiId="api2", stageName="v2", aws_retry=True)
    assert writes(client) == [
        call.update_usage_plan(
            usagePlanId="p1",
            patchOperations=[
                {"op": "remove", "path": "/apiStages", "value": "api1:old"},
                {"op": "add", "path": "/apiStages", "value": "api2:v2"},
            ],
            aws_retry=True,
        )
    ]


def test_purge_api_stages_false_keeps_extra_stages():
    current = plan(apiStages=[{"apiId": "api1", "stage": "old"}])
    client = make_client([current])
    client.get_usage_plan.return_value = plan()

    outcome, result = run(args(purge_api_stages=False), client, check_mode=True)

    assert outcome == "exit"
    assert result["patch_operations"] == [
        {"op": "add", "path": "/apiStages", "value": "api1:dev"}
    ]
    assert result["usage_plan"]["api_stages"] == [
        {"api_id": "api1", "stage": "dev"},
        {"api_id": "api1", "stage": "old"},
    ]


def test_missing_stage_fails_clearly_before_any_write():
    client = make_client([plan()])
    client.get_stage.side_effect = client_error("NotFoundException", "GetStage")

    outcome, result = run(args(api_stages=[{"api_id": "api1", "stage": "nope"}]), client)

    assert outcome == "fail"
    assert result["msg"] == (
        "api_stages: stage nope of REST API api1 does not exist; deploy the stage before "
        f"adding it to usage plan {NAME}."
    )
    assert writes(client) == []


def test_keys_are_detached_and_attached():
    client = make_client([plan()], key_ids=("k1", "k_old"))
    client.get_usage_plan.return_value = plan()

    outcome, result = run(args(api_key_ids=["k1", "k_new"]), client, diff=True)

    assert outcome == "exit"
    client.get_api_key.assert_called_once_with(apiKey="k_new", aws_retry=True)
    assert writes(client) == [
        call.delete_usage_plan_key(usagePlanId="p1", keyId="k_old", aws_retry=True),
        call.create_usage_plan_key(
            usagePlanId="p1", keyId="k_new", keyType="API_KEY", aws_retry=True
        ),
    ]
    assert result["diff"]["before"]["api_key_ids"] == ["k1", "k_old"]


def test_purge_api_key_ids_false_keeps_other_keys():
    client = make_client([plan()], key_ids=("k1", "k_other"))

    outcome, result = run(args(purge_api_key_ids=False), client)

    assert (outcome, result["changed"]) == ("exit", False)
    assert writes(client) == []


def test_missing_key_fails_clearly_before_any_write():
    client = make_client([plan()])
    client.get_api_key.side_effect = client_error("NotFoundException", "GetApiKey")

    outcome, result = run(args(api_key_ids=["k1", "ghost"]), client)

    assert outcome == "fail"
    assert result["msg"] == (
        f"api_key_ids: API key ghost does not exist; create it before adding it to usage "
        f"plan {NAME}."
    )
    assert writes(client) == []


def test_tags_are_set_and_purged_on_the_plan_arn():
    current = plan(tags={**LOOKUP, "stale": "x", "aws:cloudformation:stack-name": "s"})
    client = make_client([current])
    client.get_usage_plan.return_value = plan()

    outcome, result = run(args(tags={"owner": "web"}), client)

    assert outcome == "exit"
    assert result["changed"] is True
    assert writes(client) == [
        # aws: tags belong to AWS and the lookup tags identify the plan: neither is purged.
        call.untag_resource(resourceArn=ARN, tagKeys=["stale"], aws_retry=True),
        call.tag_resource(resourceArn=ARN, tags={"owner": "web"}, aws_retry=True),
    ]


def test_tagging_not_implemented_warns_and_is_no_change(warnings):
    # moto 5.2.5 routes UntagResource only for stages and answers a bare HTTP 404 for a plan.
    client = make_client([plan(tags={**LOOKUP, "stale": "x"})])
    client.untag_resource.side_effect = client_error("404", "UntagResource")
    client.get_usage_plan.return_value = plan(tags={**LOOKUP, "stale": "x"})

    outcome, result = run(args(tags={}), client, diff=True)

    assert (outcome, result["changed"]) == ("exit", False)
    # The first refused call ends the attempt: the same endpoint would refuse TagResource too.
    assert writes(client) == [
        call.untag_resource(resourceArn=ARN, tagKeys=["stale"], aws_retry=True)
    ]
    assert warnings == [
        f"Tags of usage plan {NAME} were not updated: the endpoint does not implement "
        "UntagResource for this resource (moto lacks it; AWS has it)"
    ]
    # The tags read back, not the desired ones.
    client.get_usage_plan.assert_called_once_with(usagePlanId="p1", aws_retry=True)
    assert result["usage_plan"]["tags"] == {**LOOKUP, "stale": "x"}
    assert result["diff"]["after"]["tags"] == {**LOOKUP, "stale": "x"}
    assert result["patch_operations"] == []


def test_tagging_not_implemented_alongside_another_update_is_still_a_change(warnings):
    client = make_client([plan()])
    client.tag_resource.side_effect = client_error("404", "TagResource")
    client.get_usage_plan.return_value = plan(description="New")

    outcome, result = run(args(description="New", tags={"owner": "web"}), client)

    assert (outcome, result["changed"]) == ("exit", True)
    assert [c[0] for c in writes(client)] == ["update_usage_plan", "tag_resource"]
    assert len(warnings) == 1
    assert result["usage_plan"]["description"] == "New"
    assert result["usage_plan"]["tags"] == LOOKUP


def test_other_tagging_error_fails(warnings):
    client = make_client([plan()])
    client.tag_resource.side_effect = client_error("AccessDeniedException", "TagResource")

    outcome, result = run(args(tags={"owner": "web"}), client)

    assert outcome == "fail"
    assert result["msg"] == (
        f"Failed to update tags of usage plan {NAME}: An error occurred (AccessDeniedException) "
        "when calling the TagResource operation: refused"
    )
    assert warnings == []


def test_check_mode_update_predicts_without_writing():
    client = make_client([plan()], key_ids=("k1", "k_old"))

    outcome, result = run(
        args(throttle={"rate_limit": 60, "burst_limit": 100}), client, check_mode=True, diff=True
    )

    assert (outcome, result["changed"]) == ("exit", True)
    assert writes(client) == []
    assert result["patch_operations"] == [
        {"op": "replace", "path": "/throttle/rateLimit", "value": "60"}
    ]
    assert result["usage_plan"] == dict(
        FACTS, throttle={"rate_limit": 60.0, "burst_limit": 100}, api_key_ids=["k1"]
    )


# Delete


def test_delete_detaches_keys_and_stages_before_deleting():
    client = make_client([plan()])

    outcome, result = run({"name": NAME, "lookup_tags": LOOKUP, "state": "absent"}, client,
                          diff=True)

    assert (outcome, result["changed"]) == ("exit", True)
    operations = [{"op": "remove", "path": "/apiStages", "value": "api1:dev"}]
    assert writes(client) == [
        call.delete_usage_plan_key(usagePlanId="p1", keyId="k1", aws_retry=True),
        call.update_usage_plan(usagePlanId="p1", patchOperations=operations, aws_retry=True),
        call.delete_usage_plan(usagePlanId="p1", aws_retry=True),
    ]
    assert result["usage_plan"] == {}
    assert result["diff"] == {"before": FACTS, "after": {}}


def test_delete_of_a_bare_plan_only_deletes_it():
    client = make_client([plan(apiStages=[])], key_ids=())

    outcome, _ = run({"name": NAME, "lookup_tags": LOOKUP, "state": "absent"}, client)

    assert outcome == "exit"
    assert writes(client) == [call.delete_usage_plan(usagePlanId="p1", aws_retry=True)]


def test_check_mode_delete_writes_nothing():
    client = make_client([plan()])

    outcome, result = run({"name": NAME, "lookup_tags": LOOKUP, "state": "absent"}, client,
                          check_mode=True)

    assert (outcome, result["changed"]) == ("exit", True)
    assert writes(client) == []


def test_absent_when_not_found_changes_nothing():
    client = make_client([plan(tags={"project": "items-api", "environment": "prod"})])

    outcome, result = run({"name": NAME, "lookup_tags": LOOKUP, "state": "absent"}, client)

    assert (outcome, result["changed"]) == ("exit", False)
    assert writes(client) == []
    assert result["usage_plan"] == {}


# Lookup


def test_lookup_uses_exact_name_and_all_lookup_tags_across_pages():
    client = make_client()
    client.get_usage_plans.side_effect = [
        {"items": [plan("p2", name=f"{NAME}-2"), plan("p3", tags={})], "position": "next"},
        {"items": [plan()]},
    ]

    outcome, result = run(args(), client)

    assert (outcome, result["changed"]) == ("exit", False)
    assert result["usage_plan"]["id"] == "p1"
    assert client.get_usage_plans.call_args_list == [
        call(aws_retry=True, limit=500),
        call(aws_retry=True, limit=500, position="next"),
    ]
    client.get_usage_plan_keys.assert_called_once_with(
        aws_retry=True, limit=500, usagePlanId="p1"
    )


def test_several_matching_plans_fail_listing_their_ids():
    client = make_client([plan("p2"), plan("p1")])

    outcome, result = run(args(), client)

    assert outcome == "fail"
    assert result["msg"].startswith(f"Found 2 usage plans named {NAME} with tags ")
    assert ": p1, p2." in result["msg"]


# Validation (no AWS call may happen)


@pytest.mark.parametrize(
    "overrides, message",
    [
        (
            {"throttle": {"rate_limit": 10, "burst_limit": -1}},
            "throttle.burst_limit is -1; it must be an integer >= 0.",
        ),
        (
            {"throttle": {"rate_limit": -0.5, "burst_limit": 1}},
            "throttle.rate_limit is -0.5; it must be a finite number >= 0 (requests per second).",
        ),
        (
            {"throttle": {"rate_limit": "nan", "burst_limit": 1}},
            "throttle.rate_limit is nan; it must be a finite number >= 0 (requests per second).",
        ),
        (
            {"quota": {"limit": 0, "period": "DAY"}},
            "quota.limit is 0; it must be an integer > 0.",
        ),
        (
            {"quota": {"limit": 10, "offset": -2, "period": "DAY"}},
            "quota.offset is -2; it must be an integer >= 0.",
        ),
        (
            {"api_stages": [{"api_id": "a", "stage": "dev"}, {"api_id": "a", "stage": "dev"}]},
            "api_stages lists a:dev more than once.",
        ),
        (
            {"api_stages": [{"api_id": "", "stage": "dev"}]},
            "api_stages[0].api_id is ''; it must be a non-empty name without ':'.",
        ),
        (
            {"api_key_ids": ["k1", ""]},
            "api_key_ids[1] is empty; it must be an API key id.",
        ),
        (
            {"tags": {"environment": "prod"}},
            "tags.environment is 'prod' but lookup_tags.environment is 'dev'; a tag named in "
            "lookup_tags must have the same value in tags or be left out of tags.",
        ),
    ],
)
def test_range_and_consistency_checks(overrides, message):
    client = make_client([plan()])

    outcome, result = run(args(**overrides), client)

    assert outcome == "fail"
    assert result["msg"] == message
    assert client.mock_calls == []


def test_all_range_errors_are_reported_together():
    client = make_client()

    outcome, result = run(
        args(throttle={"rate_limit": -1, "burst_limit": -1}, quota={"limit": 0, "period": "DAY"}),
        client,
    )

    assert outcome == "fail"
    assert result["msg"] == (
        "throttle.rate_limit is -1.0; it must be a finite number >= 0 (requests per second). "
        "throttle.burst_limit is -1; it must be an integer >= 0. "
        "quota.limit is 0; it must be an integer > 0."
    )


def test_fractional_burst_is_refused_not_truncated():
    client = make_client()

    outcome, result = run(args(throttle={"rate_limit": 10, "burst_limit": 2.5}), client)

    assert outcome == "fail"
    assert "burst_limit" in result["msg"]
    assert "throttle" in result["msg"]
    assert "2.5" in result["msg"]
    assert "cannot be converted to an int" in result["msg"]
    assert client.mock_calls == []


def test_unknown_quota_period_is_refused():
    client = make_client()

    outcome, result = run(args(quota={"limit": 10, "period": "YEAR"}), client)

    assert outcome == "fail"
    assert "period" in result["msg"]
    assert "DAY, WEEK, MONTH" in result["msg"]
    assert "YEAR" in result["msg"]
    assert client.mock_calls == []


# AWS errors


def test_aws_error_on_update_names_the_plan():
    client = make_client([plan()])
    client.update_usage_plan.side_effect = client_error()

    outcome, result = run(args(description="New"), client)

    assert outcome == "fail"
    assert result["msg"] == (
        f"Failed to update usage plan {NAME}: An error occurred (BadRequestException) when "
        "calling the UpdateUsagePlan operation: refused"
    )


def test_aws_error_on_create_names_the_plan():
    client = make_client()
    client.create_usage_plan.side_effect = client_error(operation="CreateUsagePlan")

    outcome, result = run(args(), client)

    assert outcome == "fail"
    assert result["msg"].startswith(f"Failed to create usage plan {NAME}: ")
    client.create_usage_plan_key.assert_not_called()


def test_aws_error_on_delete_names_the_plan():
    client = make_client([plan(apiStages=[])], key_ids=())
    client.delete_usage_plan.side_effect = client_error(operation="DeleteUsagePlan")

    outcome, result = run({"name": NAME, "lookup_tags": LOOKUP, "state": "absent"}, client)

    assert outcome == "fail"
    assert result["msg"].startswith(f"Failed to delete usage plan {NAME}: ")


def test_other_stage_lookup_error_is_reported_as_aws_error():
    client = make_client()
    client.get_stage.side_effect = client_error("AccessDeniedException", "GetStage")

    outcome, result = run(args(), client)

    assert outcome == "fail"
    assert result["msg"].startswith(f"Failed to check stage api1:dev for usage plan {NAME}: ")
    assert writes(client) == []


def test_main_builds_the_client_with_the_api_gateway_retry():
    client = make_client([plan()])
    with patch_module_args(args()):
        with patch.object(apigw_usage_plan.AWSModule, "client", return_value=client) as m:
            with pytest.raises(Exited):
                apigw_usage_plan.main()
    m.assert_called_once_with("apigateway", retry_decorator=apigw_usage_plan.APIGATEWAY_RETRY)


# Purging the quota and throttle


def test_purge_quota_removes_the_quota_when_none_is_given():
    client = make_client([plan()])
    client.get_usage_plan.return_value = plan(quota=None)

    outcome, result = run(args(quota=None, purge_quota=True), client, diff=True)

    assert (outcome, result["changed"]) == ("exit", True)
    operations = [{"op": "remove", "path": "/quota"}]
    assert writes(client) == [
        call.update_usage_plan(usagePlanId="p1", patchOperations=operations, aws_retry=True)
    ]
    assert result["patch_operations"] == operations
    assert result["diff"]["before"]["quota"] == {"limit": 1000, "offset": 0, "period": "DAY"}
    assert result["usage_plan"]["quota"] is None
    # The throttle, which is given, is left as it is.
    assert result["usage_plan"]["throttle"] == {"rate_limit": 50.0, "burst_limit": 100}


def test_purge_throttle_removes_the_throttle_when_none_is_given():
    client = make_client([plan()])
    client.get_usage_plan.return_value = plan(throttle=None)

    outcome, result = run(args(throttle=None, purge_throttle=True), client)

    assert (outcome, result["changed"]) == ("exit", True)
    assert writes(client) == [
        call.update_usage_plan(
            usagePlanId="p1",
            patchOperations=[{"op": "remove", "path": "/throttle"}],
            aws_retry=True,
        )
    ]
    assert result["usage_plan"]["throttle"] is None
    assert result["usage_plan"]["quota"] == {"limit": 1000, "offset": 0, "period": "DAY"}


def test_purging_both_sends_both_removes_in_one_update():
    client = make_client([plan()])
    client.get_usage_plan.return_value = plan(throttle=None, quota=None)

    outcome, result = run(
        args(throttle=None, quota=None, purge_throttle=True, purge_quota=True), client
    )

    assert outcome == "exit"
    assert result["patch_operations"] == [
        {"op": "remove", "path": "/throttle"},
        {"op": "remove", "path": "/quota"},
    ]
    assert len(writes(client)) == 1


def test_check_mode_purge_predicts_without_writing():
    client = make_client([plan()])

    outcome, result = run(
        args(throttle=None, quota=None, purge_throttle=True, purge_quota=True),
        client,
        check_mode=True,
        diff=True,
    )

    assert (outcome, result["changed"]) == ("exit", True)
    assert writes(client) == []
    client.get_usage_plan.assert_not_called()
    assert result["patch_operations"] == [
        {"op": "remove", "path": "/throttle"},
        {"op": "remove", "path": "/quota"},
    ]
    assert result["usage_plan"] == dict(FACTS, throttle=None, quota=None)
    assert result["diff"] == {"before": FACTS, "after": dict(FACTS, throttle=None, quota=None)}


def test_purge_on_a_plan_without_quota_or_throttle_changes_nothing():
    client = make_client([plan(throttle=None, quota=None)])

    outcome, result = run(
        args(throttle=None, quota=None, purge_throttle=True, purge_quota=True, tags={}),
        client,
    )

    assert (outcome, result["changed"]) == ("exit", False)
    assert writes(client) == []
    assert result["patch_operations"] == []


def test_purge_is_ignored_when_quota_and_throttle_are_given():
    client = make_client([plan()])

    outcome, result = run(args(purge_throttle=True, purge_quota=True, tags={}), client)

    assert (outcome, result["changed"]) == ("exit", False)
    assert writes(client) == []


def test_without_purge_an_omitted_quota_and_throttle_stay():
    client = make_client([plan()])

    outcome, result = run(args(throttle=None, quota=None, tags={}), client)

    assert (outcome, result["changed"]) == ("exit", False)
    assert writes(client) == []
    assert result["usage_plan"]["quota"] == {"limit": 1000, "offset": 0, "period": "DAY"}


def test_purge_is_not_applied_to_a_new_plan():
    client = make_client(key_ids=())
    client.create_usage_plan.return_value = {"id": "p1"}
    client.get_usage_plan.return_value = plan(apiStages=[], throttle=None, quota=None)

    outcome, result = run(
        {"name": NAME, "lookup_tags": LOOKUP, "purge_quota": True, "purge_throttle": True},
        client,
    )

    assert outcome == "exit"
    assert writes(client) == [call.create_usage_plan(aws_retry=True, name=NAME, tags=LOOKUP)]
    assert result["patch_operations"] == []
