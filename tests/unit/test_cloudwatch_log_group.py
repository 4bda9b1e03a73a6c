"""Unit tests for serverless.rest_api.cloudwatch_log_group with a mocked CloudWatch Logs client."""

from functools import partial
from unittest.mock import MagicMock, call

import pytest

from ansible_collections.serverless.rest_api.plugins.modules import cloudwatch_log_group
from harness import calls_named, refused, run_work

NAME = "/aws/lambda/items-api-dev"
ARN = f"arn:aws:logs:eu-west-1:123456789012:log-group:{NAME}"
KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
OTHER_KEY = "arn:aws:kms:eu-west-1:123456789012:key/mrk-0123456789abcdef0123456789abcdef"
TAGS = {"project": "items-api", "environment": "dev"}
WRITES = {
    "create_log_group",
    "delete_log_group",
    "put_retention_policy",
    "delete_retention_policy",
    "associate_kms_key",
    "disassociate_kms_key",
    "tag_resource",
    "untag_resource",
    # The deprecated tagging calls must never be used.
    "tag_log_group",
    "untag_log_group",
}


pytestmark = pytest.mark.usefixtures("module_exits")


def group(name=NAME, retention=7, key=None, **extra):
    """A DescribeLogGroups entry as AWS returns it."""
    entry = {
        "logGroupName": name,
        "creationTime": 1700000000000,
        "metricFilterCount": 0,
        "arn": f"arn:aws:logs:eu-west-1:123456789012:log-group:{name}:*",
        "logGroupArn": f"arn:aws:logs:eu-west-1:123456789012:log-group:{name}",
        "storedBytes": 0,
    }
    if retention is not None:
        entry["retentionInDays"] = retention
    if key is not None:
        entry["kmsKeyId"] = key
    entry.update(extra)
    return entry


def page(*groups, token=None):
    result = {"logGroups": list(groups)}
    if token:
        result["nextToken"] = token
    return result


def make_client(*reads, tags=None):
    """A client whose DescribeLogGroups answers reads in order (one page per read)."""
    client = MagicMock()
    client.describe_log_groups.side_effect = list(reads)
    client.list_tags_for_resource.return_value = {"tags": dict(TAGS if tags is None else tags)}
    return client


def args(**overrides):
    result = {"name": NAME, "retention_days": 7, "tags": dict(TAGS)}
    result.update(overrides)
    return result


# run(module_args, client, check_mode=False, diff=False) -> ("exit" | "fail", result)
run = partial(run_work, cloudwatch_log_group.build_module, cloudwatch_log_group.ensure_log_group)
writes = partial(calls_named, names=WRITES)


def client_error(code="InvalidParameterException", operation="PutRetentionPolicy"):
    return refused(code, operation)


FACTS = {
    "name": NAME,
    "arn": ARN,
    "retention_days": 7,
    "kms_key_arn": None,
    "tags": TAGS,
}
DESCRIBE = call.describe_log_groups(aws_retry=True, logGroupNamePrefix=NAME)


# Create


def test_create_sends_key_and_tags_then_puts_retention():
    client = make_client(page(), page(group(retention=7, key=KEY)))

    outcome, result = run(args(kms_key_arn=KEY), client, diff=True)

    assert (outcome, result["changed"]) == ("exit", True)
    assert writes(client) == [
        call.create_log_group(aws_retry=True, logGroupName=NAME, kmsKeyId=KEY, tags=TAGS),
        call.put_retention_policy(logGroupName=NAME, retentionInDays=7, aws_retry=True),
    ]
    assert result["log_group"] == dict(FACTS, kms_key_arn=KEY)
    assert result["diff"] == {"before": {}, "after": dict(FACTS, kms_key_arn=KEY)}
    # Tags are read back from the ARN without the trailing :*.
    client.list_tags_for_resource.assert_called_once_with(resourceArn=ARN, aws_retry=True)


def test_create_without_retention_key_or_tags_sends_only_the_name():
    client = make_client(page(), page(group(retention=None)), tags={})

    outcome, result = run({"name": NAME}, client)

    assert (outcome, result["changed"]) == ("exit", True)
    assert writes(client) == [call.create_log_group(aws_retry=True, logGroupName=NAME)]
    assert result["log_group"] == dict(FACTS, retention_days=None, tags={})


def test_check_mode_create_predicts_without_writing():
    client = make_client(page())

    outcome, result = run(args(kms_key_arn=KEY), client, check_mode=True, diff=True)

    assert (outcome, result["changed"]) == ("exit", True)
    assert writes(client) == []
    predicted = dict(FACTS, arn=None, kms_key_arn=KEY)
    assert result["log_group"] == predicted
    assert result["diff"] == {"before": {}, "after": predicted}


def test_a_group_whose_name_only_starts_with_the_name_is_not_the_group():
    # DescribeLogGroups matches by prefix: /aws/lambda/items-api-dev-old is another group.
    longer = group(name=f"{NAME}-old")
    client = make_client(page(longer), page(longer, group()))

    outcome, result = run(args(), client)

    assert (outcome, result["changed"]) == ("exit", True)
    assert writes(client)[0] == call.create_log_group(
        aws_retry=True, logGroupName=NAME, tags=TAGS
    )


def test_the_group_is_found_on_a_later_page():
    client = make_client(page(group(name=f"{NAME}-a"), token="t1"), page(group()))

    outcome, result = run(args(), client)

    assert (outcome, result["changed"]) == ("exit", False)
    assert client.describe_log_groups.call_args_list == [
        call(aws_retry=True, logGroupNamePrefix=NAME),
        call(aws_retry=True, logGroupNamePrefix=NAME, nextToken="t1"),
    ]
    assert writes(client) == []


# No change


def test_same_settings_make_no_write_call():
    client = make_client(page(group(key=KEY)))

    outcome, result = run(args(kms_key_arn=KEY), client, diff=True)

    assert (outcome, result["changed"]) == ("exit", False)
    assert writes(client) == []
    assert client.mock_calls[0] == DESCRIBE
    assert result["log_group"] == dict(FACTS, kms_key_arn=KEY)
    assert result["diff"]["before"] == result["diff"]["after"]


def test_key_and_tags_not_given_are_left_alone():
    client = make_client(page(group(key=KEY)), tags={"owner": "someone"})

    outcome, result = run({"name": NAME, "retention_days": 7}, client)

    assert (outcome, result["changed"]) == ("exit", False)
    assert writes(client) == []
    assert result["log_group"]["kms_key_arn"] == KEY
    assert result["log_group"]["tags"] == {"owner": "someone"}


def test_tag_values_are_compared_as_strings():
    client = make_client(page(group()), tags={"build": "42"})

    outcome, result = run(args(tags={"build": 42}), client)

    assert (outcome, result["changed"]) == ("exit", False)
    assert writes(client) == []


# Update


def test_drifted_retention_is_put_back():
    client = make_client(page(group(retention=30)), page(group(retention=7)))

    outcome, result = run(args(), client, diff=True)

    assert (outcome, result["changed"]) == ("exit", True)
    assert writes(client) == [
        call.put_retention_policy(logGroupName=NAME, retentionInDays=7, aws_retry=True)
    ]
    assert result["diff"]["before"]["retention_days"] == 30
    assert result["log_group"]["retention_days"] == 7


def test_no_retention_removes_the_policy():
    client = make_client(page(group(retention=14)), page(group(retention=None)))

    outcome, result = run(args(retention_days=None), client)

    assert (outcome, result["changed"]) == ("exit", True)
    assert writes(client) == [call.delete_retention_policy(logGroupName=NAME, aws_retry=True)]
    assert result["log_group"]["retention_days"] is None


def test_check_mode_update_predicts_without_writing():
    client = make_client(page(group(retention=30)), tags={"old": "x"})

    outcome, result = run(
        args(kms_key_arn=KEY), client, check_mode=True, diff=True
    )

    assert (outcome, result["changed"]) == ("exit", True)
    assert writes(client) == []
    assert client.describe_log_groups.call_count == 1
    predicted = dict(FACTS, kms_key_arn=KEY)
    assert result["log_group"] == predicted
    assert result["diff"] == {
        "before": dict(FACTS, retention_days=30, tags={"old": "x"}),
        "after": predicted,
    }


def test_a_new_key_is_associated():
    client = make_client(page(group(key=KEY)), page(group(key=OTHER_KEY)))

    outcome, result = run(args(kms_key_arn=OTHER_KEY), client)

    assert (outcome, result["changed"]) == ("exit", True)
    assert writes(client) == [
        call.associate_kms_key(logGroupName=NAME, kmsKeyId=OTHER_KEY, aws_retry=True)
    ]
    assert result["log_group"]["kms_key_arn"] == OTHER_KEY


def test_an_empty_key_removes_the_key():
    client = make_client(page(group(key=KEY)), page(group()))

    outcome, result = run(args(kms_key_arn=""), client)

    assert (outcome, result["changed"]) == ("exit", True)
    assert writes(client) == [call.disassociate_kms_key(logGroupName=NAME, aws_retry=True)]
    assert result["log_group"]["kms_key_arn"] is None


def test_an_empty_key_on_a_group_without_key_changes_nothing():
    client = make_client(page(group()))

    outcome, result = run(args(kms_key_arn=""), client)

    assert (outcome, result["changed"]) == ("exit", False)
    assert writes(client) == []


def test_tags_are_purged_and_set_on_the_arn_without_the_trailing_star():
    current = {"project": "items-api", "environment": "test", "old": "x", "aws:origin": "y"}
    client = make_client(page(group()), page(group()), tags=current)

    outcome, result = run(args(), client, check_mode=False)

    assert (outcome, result["changed"]) == ("exit", True)
    assert writes(client) == [
        call.untag_resource(resourceArn=ARN, tagKeys=["old"], aws_retry=True),
        call.tag_resource(resourceArn=ARN, tags={"environment": "dev"}, aws_retry=True),
    ]


def test_check_mode_tag_prediction_keeps_aws_tags():
    current = {"old": "x", "aws:origin": "y"}
    client = make_client(page(group()), tags=current)

    outcome, result = run(args(), client, check_mode=True)

    assert writes(client) == []
    assert result["log_group"]["tags"] == dict(TAGS, **{"aws:origin": "y"})


def test_without_purge_other_tags_stay():
    client = make_client(page(group()), page(group()), tags={"owner": "web"})

    outcome, result = run(args(purge_tags=False), client)

    assert (outcome, result["changed"]) == ("exit", True)
    assert writes(client) == [call.tag_resource(resourceArn=ARN, tags=TAGS, aws_retry=True)]


def test_arn_without_log_group_arn_field_drops_the_trailing_star():
    entry = group()
    del entry["logGroupArn"]
    client = make_client(page(entry))

    outcome, result = run(args(), client)

    assert result["log_group"]["arn"] == ARN
    client.list_tags_for_resource.assert_called_once_with(resourceArn=ARN, aws_retry=True)


# Delete


def test_absent_deletes_the_group():
    client = make_client(page(group()))

    outcome, result = run({"name": NAME, "state": "absent"}, client, diff=True)

    assert (outcome, result["changed"]) == ("exit", True)
    assert writes(client) == [call.delete_log_group(logGroupName=NAME, aws_retry=True)]
    assert result["log_group"] == {}
    assert result["diff"] == {"before": FACTS, "after": {}}


def test_check_mode_delete_makes_no_call():
    client = make_client(page(group()))

    outcome, result = run({"name": NAME, "state": "absent"}, client, check_mode=True)

    assert (outcome, result["changed"]) == ("exit", True)
    assert writes(client) == []


def test_absent_when_missing_changes_nothing():
    client = make_client(page())

    outcome, result = run({"name": NAME, "state": "absent"}, client)

    assert (outcome, result["changed"]) == ("exit", False)
    assert writes(client) == []
    client.list_tags_for_resource.assert_not_called()


def test_group_deleted_meanwhile_counts_as_deleted():
    client = make_client(page(group()))
    client.delete_log_group.side_effect = client_error(
        "ResourceNotFoundException", "DeleteLogGroup"
    )

    outcome, result = run({"name": NAME, "state": "absent"}, client)

    assert (outcome, result["changed"]) == ("exit", True)


# Errors


def test_describe_error_names_the_group():
    client = MagicMock()
    client.describe_log_groups.side_effect = client_error(
        "AccessDeniedException", "DescribeLogGroups"
    )

    outcome, result = run(args(), client)

    assert outcome == "fail"
    assert result["msg"] == (
        f"Failed to describe log group {NAME}: An error occurred (AccessDeniedException) when "
        "calling the DescribeLogGroups operation: refused"
    )


def test_retention_error_names_the_group():
    client = make_client(page(group(retention=30)))
    client.put_retention_policy.side_effect = client_error()

    outcome, result = run(args(), client)

    assert outcome == "fail"
    assert result["msg"] == (
        f"Failed to set the retention of log group {NAME}: An error occurred "
        "(InvalidParameterException) when calling the PutRetentionPolicy operation: refused"
    )


def test_key_error_names_the_group():
    client = make_client(page(group()))
    client.associate_kms_key.side_effect = client_error(operation="AssociateKmsKey")

    outcome, result = run(args(kms_key_arn=KEY), client)

    assert outcome == "fail"
    assert result["msg"].startswith(f"Failed to associate the KMS key with log group {NAME}: ")


def test_create_error_names_the_group():
    client = make_client(page())
    client.create_log_group.side_effect = client_error(
        "LimitExceededException", "CreateLogGroup"
    )

    outcome, result = run(args(), client)

    assert outcome == "fail"
    assert result["msg"].startswith(f"Failed to create log group {NAME}: ")
    client.put_retention_policy.assert_not_called()


def test_group_gone_after_the_change_fails():
    client = make_client(page(group(retention=30)), page())

    outcome, result = run(args(), client)

    assert outcome == "fail"
    assert result["msg"] == f"Failed to read log group {NAME}: it is gone after the change"


# Validation (before any AWS call)


@pytest.mark.parametrize(
    "overrides, message",
    [
        (
            {"name": "items api"},
            "name is 'items api'; it must be 1 to 512 characters of a-z, A-Z, 0-9, '_', "
            "'-', '/', '.' and '#'.",
        ),
        (
            {"name": "x" * 513},
            f"name is {'x' * 513!r}; it must be 1 to 512 characters of a-z, A-Z, 0-9, '_', "
            "'-', '/', '.' and '#'.",
        ),
        (
            {"name": "aws/items"},
            "name is 'aws/items'; CloudWatch Logs reserves names starting with 'aws/'.",
        ),
        (
            {"kms_key_arn": "alias/items"},
            "kms_key_arn is 'alias/items'; it must be a KMS key ARN "
            "(arn:<partition>:kms:<region>:<account>:key/<key id>), or an empty string to "
            "remove the key. Alias names and alias ARNs are not accepted.",
        ),
        (
            {"tags": {"aws:origin": "x"}},
            "tags.aws:origin: keys starting with 'aws:' are reserved by AWS.",
        ),
        (
            {"tags": {"k": "v" * 257}},
            "tags.k has 257 characters; at most 256.",
        ),
        (
            {"tags": {str(i): "v" for i in range(51)}},
            "tags has 51 tags; a log group can have at most 50.",
        ),
    ],
)
def test_invalid_arguments_fail_before_any_call(overrides, message):
    client = MagicMock()

    outcome, result = run(args(**overrides), client)

    assert (outcome, result["msg"]) == ("fail", message)
    assert client.mock_calls == []


@pytest.mark.parametrize("days", [10, 0, -7, 3654])
def test_retention_outside_cloudwatch_values_is_refused(days):
    client = MagicMock()

    outcome, result = run(args(retention_days=days), client)

    assert outcome == "fail"
    assert result["msg"] == (
        f"retention_days is {days}; CloudWatch Logs offers only 1, 3, 5, 7, 14, 30, 60, 90, "
        "120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (days), "
        "or null for never expire."
    )
    assert client.mock_calls == []


def test_every_cloudwatch_retention_value_is_accepted():
    for days in cloudwatch_log_group.RETENTION_DAYS:
        client = make_client(page(group(retention=days)))

        outcome, result = run(args(retention_days=days), client)

        assert (outcome, result["changed"], result["log_group"]["retention_days"]) == (
            "exit",
            False,
            days,
        )
