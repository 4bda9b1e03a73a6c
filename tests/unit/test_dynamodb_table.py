"""Unit tests for serverless.rest_api.dynamodb_table.

Every AWS call goes to a real botocore client with a Stubber, so each test states the exact
calls, in order, with their exact parameters; a call nobody expected fails the test.
"""

from types import SimpleNamespace
from unittest import mock

import pytest

from ansible_collections.serverless.rest_api.plugins.modules import dynamodb_table
from harness import run_main

REGION = "eu-west-1"
TABLE = "items"
TABLE_ARN = f"arn:aws:dynamodb:{REGION}:123456789012:table/{TABLE}"
MANAGED_KEY = f"arn:aws:kms:{REGION}:123456789012:key/11111111-2222-3333-4444-555555555555"
CUSTOMER_KEY_ID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
CUSTOMER_KEY = f"arn:aws:kms:{REGION}:123456789012:key/{CUSTOMER_KEY_ID}"
MANAGED_SSE = {"enabled": True, "type": "KMS", "kms_key_arn": MANAGED_KEY}
CUSTOMER_SSE = {"enabled": True, "type": "KMS", "kms_key_arn": CUSTOMER_KEY}
OWNED_SSE = {"enabled": False, "type": None, "kms_key_arn": None}
BASE_ARGS = {"name": TABLE, "hash_key_name": "id", "sse": {"enabled": True}}


# ---------------------------------------------------------------- harness


@pytest.fixture
def aws(stubbed):
    """Stubbed dynamodb and kms clients."""
    ddb, kms = stubbed("dynamodb"), stubbed("kms")
    return SimpleNamespace(dynamodb=ddb.client, kms=kms.client, ddb=ddb, kms_stub=kms)


def run(aws, args, check_mode=False, diff=False, clock=None):
    """Run main() with the stubbed clients; returns the result, with failed=True on failure.

    The module's time is replaced: sleeps are recorded, not slept, and the clock reads the
    values of clock (0 forever when not given).
    """
    fake_time = mock.Mock()
    fake_time.monotonic.side_effect = clock
    fake_time.monotonic.return_value = 0
    result = run_main(
        dynamodb_table,
        {"dynamodb": aws.dynamodb, "kms": aws.kms},
        args,
        check_mode,
        diff,
        patches=[mock.patch.object(dynamodb_table, "time", fake_time)],
    )
    result["sleeps"] = [c.args for c in fake_time.sleep.call_args_list]
    return result


def table_description(
    status="ACTIVE",
    billing="PAY_PER_REQUEST",
    capacity=(0, 0),
    key=MANAGED_KEY,
    sse_status="ENABLED",
    protection=False,
    range_key=None,
):
    table = {
        "TableName": TABLE,
        "TableArn": TABLE_ARN,
        "TableStatus": status,
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
        "BillingModeSummary": {"BillingMode": billing},
        "ProvisionedThroughput": {
            "ReadCapacityUnits": capacity[0],
            "WriteCapacityUnits": capacity[1],
        },
        "DeletionProtectionEnabled": protection,
    }
    if range_key:
        table["KeySchema"].append({"AttributeName": range_key[0], "KeyType": "RANGE"})
        table["AttributeDefinitions"].append(
            {"AttributeName": range_key[0], "AttributeType": range_key[1]}
        )
    if key:
        table["SSEDescription"] = {"Status": sse_status, "SSEType": "KMS", "KMSMasterKeyArn": key}
    return table


def facts(**changes):
    """Expected table facts for the default table, with changes applied."""
    result = {
        "name": TABLE,
        "arn": TABLE_ARN,
        "status": "ACTIVE",
        "billing_mode": "PAY_PER_REQUEST",
        "read_capacity": None,
        "write_capacity": None,
        "hash_key_name": "id",
        "hash_key_type": "S",
        "range_key_name": None,
        "range_key_type": None,
        "sse": MANAGED_SSE,
        "point_in_time_recovery": False,
        "recovery_period_days": None,
        "deletion_protection": False,
        "tags": {},
    }
    result.update(changes)
    return result


def expect_describe(aws, table):
    aws.ddb.add_response("describe_table", {"Table": table}, {"TableName": TABLE})


def expect_missing(aws):
    aws.ddb.add_client_error(
        "describe_table",
        service_error_code="ResourceNotFoundException",
        service_message="Requested resource not found",
        http_status_code=400,
        expected_params={"TableName": TABLE},
    )


def expect_key(aws, key_id, arn, state="Enabled"):
    metadata = {"KeyId": arn.rsplit("/", 1)[-1], "Arn": arn, "KeyState": state}
    aws.kms_stub.add_response("describe_key", {"KeyMetadata": metadata}, {"KeyId": key_id})


def expect_details(aws, pitr_days=None, tags=None):
    """DescribeContinuousBackups and ListTagsOfResource, as read for an existing table."""
    pitr = {"PointInTimeRecoveryStatus": "ENABLED" if pitr_days else "DISABLED"}
    if pitr_days:
        pitr["RecoveryPeriodInDays"] = pitr_days
    aws.ddb.add_response(
        "describe_continuous_backups",
        {
            "ContinuousBackupsDescription": {
                "ContinuousBackupsStatus": "ENABLED",
                "PointInTimeRecoveryDescription": pitr,
            }
        },
        {"TableName": TABLE},
    )
    tag_list = [{"Key": k, "Value": v} for k, v in (tags or {}).items()]
    aws.ddb.add_response("list_tags_of_resource", {"Tags": tag_list}, {"ResourceArn": TABLE_ARN})


def expect_existing(aws, table, pitr_days=None, tags=None):
    expect_describe(aws, table)
    expect_details(aws, pitr_days, tags)


# ---------------------------------------------------------------- create


def test_create_with_aws_managed_key_pitr_protection_and_tags(aws):
    expect_missing(aws)
    expect_key(aws, "alias/aws/dynamodb", MANAGED_KEY)
    aws.ddb.add_response(
        "create_table",
        {},
        {
            "TableName": TABLE,
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
            "SSESpecification": {"Enabled": True, "SSEType": "KMS"},
            "DeletionProtectionEnabled": True,
            "Tags": [{"Key": "env", "Value": "dev"}],
        },
    )
    expect_describe(aws, table_description(status="CREATING", protection=True))
    expect_describe(aws, table_description(protection=True))
    aws.ddb.add_response(
        "update_continuous_backups",
        {},
        {
            "TableName": TABLE,
            "PointInTimeRecoverySpecification": {
                "PointInTimeRecoveryEnabled": True,
                "RecoveryPeriodInDays": 7,
            },
        },
    )
    expect_existing(aws, table_description(protection=True), pitr_days=7, tags={"env": "dev"})

    result = run(
        aws,
        {
            **BASE_ARGS,
            "point_in_time_recovery": True,
            "recovery_period_days": 7,
            "deletion_protection": True,
            "tags": {"env": "dev"},
        },
    )

    assert "failed" not in result, result["msg"]
    assert result["changed"] is True
    assert result["table"] == facts(
        point_in_time_recovery=True,
        recovery_period_days=7,
        deletion_protection=True,
        tags={"env": "dev"},
    )
    # One poll found the table CREATING, so the module slept once before the next.
    assert result["sleeps"] == [(5,)]


def test_create_with_customer_key_alias_provisioned_and_range_key(aws):
    expect_missing(aws)
    expect_key(aws, "alias/items", CUSTOMER_KEY)
    aws.ddb.add_response(
        "create_table",
        {},
        {
            "TableName": TABLE,
            "AttributeDefinitions": [
                {"AttributeName": "id", "AttributeType": "S"},
                {"AttributeName": "created", "AttributeType": "N"},
            ],
            "KeySchema": [
                {"AttributeName": "id", "KeyType": "HASH"},
                {"AttributeName": "created", "KeyType": "RANGE"},
            ],
            "BillingMode": "PROVISIONED",
            "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 2},
            # The key goes out as the resolved ARN, whatever form the user gave.
            "SSESpecification": {
                "Enabled": True,
                "SSEType": "KMS",
                "KMSMasterKeyId": CUSTOMER_KEY,
            },
            "DeletionProtectionEnabled": False,
        },
    )
    created = table_description(
        billing="PROVISIONED", capacity=(5, 2), key=CUSTOMER_KEY, range_key=("created", "N")
    )
    expect_describe(aws, created)
    expect_existing(aws, created)

    result = run(
        aws,
        {
            **BASE_ARGS,
            "range_key_name": "created",
            "range_key_type": "N",
            "billing_mode": "PROVISIONED",
            "read_capacity": 5,
            "write_capacity": 2,
            "sse": {"enabled": True, "kms_key": "alias/items"},
        },
    )

    assert "failed" not in result, result["msg"]
    assert result["changed"] is True
    assert result["table"] == facts(
        billing_mode="PROVISIONED",
        read_capacity=5,
        write_capacity=2,
        range_key_name="created",
        range_key_type="N",
        sse=CUSTOMER_SSE,
    )
    assert result["sleeps"] == []


def test_create_with_aws_owned_key_makes_no_kms_call(aws):
    expect_missing(aws)
    aws.ddb.add_response(
        "create_table",
        {},
        {
            "TableName": TABLE,
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
            "SSESpecification": {"Enabled": False},
            "DeletionProtectionEnabled": False,
        },
    )
    expect_describe(aws, table_description(key=None))
    expect_existing(aws, table_description(key=None))

    result = run(aws, {**BASE_ARGS, "sse": {"enabled": False}})

    assert "failed" not in result, result["msg"]
    assert result["changed"] is True
    assert result["table"]["sse"] == OWNED_SSE


def test_create_fails_when_endpoint_ignores_sse(aws):
    expect_missing(aws)
    expect_key(aws, "alias/items", CUSTOMER_KEY)
    aws.ddb.add_response("create_table", {})
    expect_describe(aws, table_description(key=None))
    expect_existing(aws, table_description(key=None))

    result = run(aws, {**BASE_ARGS, "sse": {"kms_key": "alias/items"}})

    assert result["failed"] is True
    assert result["changed"] is True
    assert result["msg"] == (
        "DynamoDB table items is not encrypted as requested: the endpoint accepted the "
        "encryption setting but did not apply it. The table uses the AWS-owned key, not "
        f"KMS key {CUSTOMER_KEY}"
    )


def test_create_error_is_reported(aws):
    expect_missing(aws)
    expect_key(aws, "alias/aws/dynamodb", MANAGED_KEY)
    aws.ddb.add_client_error(
        "create_table",
        service_error_code="LimitExceededException",
        service_message="Too many tables",
        http_status_code=400,
    )

    result = run(aws, BASE_ARGS)

    assert result["failed"] is True
    assert result["msg"] == (
        "Failed to create DynamoDB table items: An error occurred (LimitExceededException) "
        "when calling the CreateTable operation: Too many tables"
    )


def test_create_times_out_when_table_stays_creating(aws):
    expect_missing(aws)
    expect_key(aws, "alias/aws/dynamodb", MANAGED_KEY)
    aws.ddb.add_response("create_table", {})
    expect_describe(aws, table_description(status="CREATING"))
    expect_describe(aws, table_description(status="CREATING"))

    # Deadline computed at 0; first poll at 5 (before it), second at 11 (past it).
    result = run(aws, {**BASE_ARGS, "wait_timeout": 10}, clock=[0, 5, 11])

    assert result["failed"] is True
    assert result["msg"] == (
        "Timed out after 10 seconds waiting for DynamoDB table items to be ACTIVE "
        "(table status CREATING, encryption status ENABLED)"
    )
    assert result["sleeps"] == [(5,)]


# ---------------------------------------------------------------- no change


def test_matching_table_is_not_changed(aws):
    expect_existing(aws, table_description(protection=True), pitr_days=35, tags={"env": "dev"})
    expect_key(aws, "alias/aws/dynamodb", MANAGED_KEY)

    result = run(
        aws,
        {
            **BASE_ARGS,
            "point_in_time_recovery": True,
            "recovery_period_days": 35,
            "deletion_protection": True,
            "tags": {"env": "dev"},
        },
        diff=True,
    )

    assert "failed" not in result, result["msg"]
    assert result["changed"] is False
    expected = facts(
        point_in_time_recovery=True,
        recovery_period_days=35,
        deletion_protection=True,
        tags={"env": "dev"},
    )
    assert result["table"] == expected
    assert result["diff"] == {"before": expected, "after": expected}


def test_same_key_named_differently_is_not_a_change(aws):
    # Some endpoints echo the alias given at creation instead of the key ARN.
    expect_existing(aws, table_description(key="alias/items"))
    expect_key(aws, "alias/items", CUSTOMER_KEY)
    alias_arn = f"arn:aws:kms:{REGION}:123456789012:alias/items"
    expect_key(aws, alias_arn, CUSTOMER_KEY)

    result = run(aws, {**BASE_ARGS, "sse": {"kms_key": alias_arn}})

    assert "failed" not in result, result["msg"]
    assert result["changed"] is False
    assert result["table"]["sse"] == CUSTOMER_SSE


def test_omitted_recovery_period_keeps_the_current_one(aws):
    expect_existing(aws, table_description(), pitr_days=10)
    expect_key(aws, "alias/aws/dynamodb", MANAGED_KEY)

    result = run(aws, {**BASE_ARGS, "point_in_time_recovery": True})

    assert result["changed"] is False
    assert result["table"]["recovery_period_days"] == 10


def test_tags_left_alone_when_not_given(aws):
    expect_existing(aws, table_description(), tags={"env": "dev", "owner": "x"})
    expect_key(aws, "alias/aws/dynamodb", MANAGED_KEY)

    result = run(aws, BASE_ARGS)

    assert result["changed"] is False
    assert result["table"]["tags"] == {"env": "dev", "owner": "x"}


# ---------------------------------------------------------------- update


def test_update_sends_each_difference_once(aws):
    aws_tag = {"aws:cloudformation:stack-name": "legacy"}
    expect_existing(aws, table_description(), tags={"env": "dev", "old": "x", **aws_tag})
    expect_key(aws, "alias/aws/dynamodb", MANAGED_KEY)
    aws.ddb.add_response(
        "update_table",
        {},
        {
            "TableName": TABLE,
            "BillingMode": "PROVISIONED",
            "ProvisionedThroughput": {"ReadCapacityUnits": 2, "WriteCapacityUnits": 3},
        },
    )
    expect_describe(aws, table_description(billing="PROVISIONED", capacity=(2, 3)))
    aws.ddb.add_response(
        "update_table", {}, {"TableName": TABLE, "DeletionProtectionEnabled": True}
    )
    updated = table_description(billing="PROVISIONED", capacity=(2, 3), protection=True)
    expect_describe(aws, updated)
    aws.ddb.add_response(
        "update_continuous_backups",
        {},
        {
            "TableName": TABLE,
            "PointInTimeRecoverySpecification": {
                "PointInTimeRecoveryEnabled": True,
                "RecoveryPeriodInDays": 10,
            },
        },
    )
    # aws: tags cannot be changed by users, so purge leaves them.
    aws.ddb.add_response("untag_resource", {}, {"ResourceArn": TABLE_ARN, "TagKeys": ["old"]})
    aws.ddb.add_response(
        "tag_resource", {}, {"ResourceArn": TABLE_ARN, "Tags": [{"Key": "env", "Value": "prod"}]}
    )
    expect_existing(aws, updated, pitr_days=10, tags={"env": "prod", **aws_tag})

    result = run(
        aws,
        {
            **BASE_ARGS,
            "billing_mode": "PROVISIONED",
            "read_capacity": 2,
            "write_capacity": 3,
            "deletion_protection": True,
            "point_in_time_recovery": True,
            "recovery_period_days": 10,
            "tags": {"env": "prod"},
        },
        diff=True,
    )

    assert "failed" not in result, result["msg"]
    assert result["changed"] is True
    after = facts(
        billing_mode="PROVISIONED",
        read_capacity=2,
        write_capacity=3,
        deletion_protection=True,
        point_in_time_recovery=True,
        recovery_period_days=10,
        tags={"env": "prod", **aws_tag},
    )
    assert result["table"] == after
    assert result["diff"] == {
        "before": facts(tags={"env": "dev", "old": "x", **aws_tag}),
        "after": after,
    }


def test_switch_to_on_demand_sends_no_throughput(aws):
    expect_existing(aws, table_description(billing="PROVISIONED", capacity=(2, 3)))
    expect_key(aws, "alias/aws/dynamodb", MANAGED_KEY)
    aws.ddb.add_response("update_table", {}, {"TableName": TABLE, "BillingMode": "PAY_PER_REQUEST"})
    expect_describe(aws, table_description())
    expect_existing(aws, table_description())

    result = run(aws, BASE_ARGS)

    assert result["changed"] is True
    assert result["table"]["billing_mode"] == "PAY_PER_REQUEST"
    assert result["table"]["read_capacity"] is None


def test_pitr_switched_off(aws):
    expect_existing(aws, table_description(), pitr_days=35)
    expect_key(aws, "alias/aws/dynamodb", MANAGED_KEY)
    aws.ddb.add_response(
        "update_continuous_backups",
        {},
        {
            "TableName": TABLE,
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": False},
        },
    )
    expect_existing(aws, table_description())

    result = run(aws, BASE_ARGS)

    assert result["changed"] is True
    assert result["table"]["point_in_time_recovery"] is False
    assert result["table"]["recovery_period_days"] is None


def test_sse_change_waits_for_encryption_to_settle(aws):
    expect_existing(aws, table_description())
    expect_key(aws, CUSTOMER_KEY_ID, CUSTOMER_KEY)
    aws.ddb.add_response(
        "update_table",
        {},
        {
            "TableName": TABLE,
            "SSESpecification": {
                "Enabled": True,
                "SSEType": "KMS",
                "KMSMasterKeyId": CUSTOMER_KEY,
            },
        },
    )
    expect_describe(aws, table_description(key=CUSTOMER_KEY, sse_status="UPDATING"))
    expect_describe(aws, table_description(key=CUSTOMER_KEY))
    expect_existing(aws, table_description(key=CUSTOMER_KEY))

    result = run(aws, {**BASE_ARGS, "sse": {"kms_key": CUSTOMER_KEY_ID}})

    assert "failed" not in result, result["msg"]
    assert result["changed"] is True
    assert result["table"]["sse"] == CUSTOMER_SSE
    assert result["sleeps"] == [(5,)]


def test_sse_change_not_applied_by_endpoint_fails(aws):
    # moto 5.2.5 accepts UpdateTable's SSESpecification and ignores it.
    expect_existing(aws, table_description())
    aws.ddb.add_response(
        "update_table", {}, {"TableName": TABLE, "SSESpecification": {"Enabled": False}}
    )
    expect_describe(aws, table_description())
    expect_existing(aws, table_description())

    result = run(aws, {**BASE_ARGS, "sse": {"enabled": False}})

    assert result["failed"] is True
    assert result["changed"] is True
    assert result["msg"] == (
        "DynamoDB table items is not encrypted as requested: the endpoint accepted the "
        f"encryption setting but did not apply it. The table uses KMS key {MANAGED_KEY}, "
        "not the AWS-owned key"
    )
    assert result["table"]["sse"] == MANAGED_SSE


def test_key_schema_change_fails_without_writing(aws):
    expect_existing(aws, table_description())

    result = run(aws, {**BASE_ARGS, "hash_key_name": "pk", "range_key_name": "sk"})

    assert result["failed"] is True
    assert result["msg"] == (
        "Cannot change the key schema of existing DynamoDB table items: hash_key_name is "
        "'id' on the table, got 'pk'; range_key_name is None on the table, got 'sk'; "
        "range_key_type is None on the table, got 'S'. DynamoDB keys are fixed at creation; "
        "this module never recreates a table, so create a new table and migrate the data "
        "instead"
    )


def test_key_type_change_names_the_option(aws):
    expect_existing(aws, table_description())

    result = run(aws, {**BASE_ARGS, "hash_key_type": "N"})

    assert result["failed"] is True
    assert "hash_key_type is 'S' on the table, got 'N'" in result["msg"]
    assert "hash_key_name" not in result["msg"]


def test_table_still_creating_is_waited_for_before_comparing(aws):
    expect_describe(aws, table_description(status="CREATING"))
    expect_describe(aws, table_description(status="CREATING"))
    expect_describe(aws, table_description())
    expect_details(aws)
    expect_key(aws, "alias/aws/dynamodb", MANAGED_KEY)

    result = run(aws, BASE_ARGS)

    assert result["changed"] is False
    assert result["sleeps"] == [(5,)]


# ---------------------------------------------------------------- check mode


def test_check_mode_create_predicts_and_writes_nothing(aws):
    expect_missing(aws)
    expect_key(aws, "alias/aws/dynamodb", MANAGED_KEY)

    result = run(
        aws,
        {**BASE_ARGS, "point_in_time_recovery": True, "tags": {"env": "dev"}},
        check_mode=True,
        diff=True,
    )

    assert result["changed"] is True
    predicted = facts(
        arn=None,
        point_in_time_recovery=True,
        recovery_period_days=35,  # what AWS uses when no period is given
        tags={"env": "dev"},
    )
    assert result["table"] == predicted
    assert result["diff"] == {"before": {}, "after": predicted}


def test_check_mode_treats_a_deleting_table_as_gone_without_waiting(aws):
    expect_describe(aws, table_description(status="DELETING"))
    expect_key(aws, "alias/aws/dynamodb", MANAGED_KEY)

    result = run(aws, BASE_ARGS, check_mode=True)

    assert result["changed"] is True
    assert result["table"] == facts(arn=None)
    assert result["sleeps"] == []


def test_check_mode_update_writes_nothing(aws):
    expect_existing(aws, table_description(), tags={"env": "dev"})
    expect_key(aws, "alias/items", CUSTOMER_KEY)

    result = run(
        aws,
        {**BASE_ARGS, "sse": {"kms_key": "alias/items"}, "deletion_protection": True, "tags": {}},
        check_mode=True,
        diff=True,
    )

    assert result["changed"] is True
    after = facts(sse=CUSTOMER_SSE, deletion_protection=True)
    assert result["table"] == after
    assert result["diff"] == {"before": facts(tags={"env": "dev"}), "after": after}


# ---------------------------------------------------------------- delete


def test_delete(aws):
    expect_describe(aws, table_description())
    aws.ddb.add_response("delete_table", {}, {"TableName": TABLE})
    expect_describe(aws, table_description(status="DELETING"))
    expect_missing(aws)

    result = run(aws, {"name": TABLE, "state": "absent"})

    assert result == {"changed": True, "table": {}, "sleeps": [(5,)]}


def test_delete_check_mode_shows_diff_and_writes_nothing(aws):
    expect_existing(aws, table_description(), tags={"env": "dev"})

    result = run(aws, {"name": TABLE, "state": "absent"}, check_mode=True, diff=True)

    assert result["changed"] is True
    assert result["diff"] == {"before": facts(tags={"env": "dev"}), "after": {}}


def test_delete_refused_while_deletion_protection_is_on(aws):
    expect_describe(aws, table_description(protection=True))

    result = run(aws, {"name": TABLE, "state": "absent"})

    assert result["failed"] is True
    assert result["msg"] == (
        "DynamoDB table items has deletion protection enabled, so it is not deleted. This "
        "module never switches the protection off by itself: run it with state=present and "
        "deletion_protection=false first, then delete the table"
    )


def test_absent_table_not_found_is_no_change(aws):
    expect_missing(aws)

    result = run(aws, {"name": TABLE, "state": "absent"})

    assert result == {"changed": False, "table": {}, "sleeps": []}


def test_delete_error_is_reported(aws):
    expect_describe(aws, table_description())
    aws.ddb.add_client_error(
        "delete_table",
        service_error_code="ResourceInUseException",
        service_message="Table is being updated",
        http_status_code=400,
    )

    result = run(aws, {"name": TABLE, "state": "absent"})

    assert result["failed"] is True
    assert result["msg"] == (
        "Failed to delete DynamoDB table items: An error occurred (ResourceInUseException) "
        "when calling the DeleteTable operation: Table is being updated"
    )


# ---------------------------------------------------------------- AWS errors


def test_describe_error_is_reported(aws):
    aws.ddb.add_client_error(
        "describe_table",
        service_error_code="AccessDeniedException",
        service_message="not allowed",
        http_status_code=400,
    )

    result = run(aws, BASE_ARGS)

    assert result["failed"] is True
    assert result["msg"] == (
        "Failed to describe DynamoDB table items: An error occurred (AccessDeniedException) "
        "when calling the DescribeTable operation: not allowed"
    )
    assert result["error"]["code"] == "AccessDeniedException"


def test_unknown_kms_key_is_reported(aws):
    expect_missing(aws)
    aws.kms_stub.add_client_error(
        "describe_key",
        service_error_code="NotFoundException",
        service_message="Alias alias/nope is not found.",
        http_status_code=400,
        expected_params={"KeyId": "alias/nope"},
    )

    result = run(aws, {**BASE_ARGS, "sse": {"kms_key": "alias/nope"}})

    assert result["failed"] is True
    assert result["msg"] == (
        "Failed to describe KMS key alias/nope: An error occurred (NotFoundException) when "
        "calling the DescribeKey operation: Alias alias/nope is not found."
    )


def test_disabled_kms_key_fails_before_any_write(aws):
    expect_missing(aws)
    expect_key(aws, "alias/items", CUSTOMER_KEY, state="Disabled")

    result = run(aws, {**BASE_ARGS, "sse": {"kms_key": "alias/items"}})

    assert result["failed"] is True
    assert result["msg"] == (
        f"sse.kms_key alias/items ({CUSTOMER_KEY}) is in state Disabled; DynamoDB needs a key "
        "in state Enabled"
    )


# ---------------------------------------------------------------- input checks (no AWS call)


@pytest.mark.parametrize(
    "sse, kind",
    [
        (["enabled", "alias/aws/dynamodb"], "list"),
        ("alias/aws/dynamodb", "string"),
        (True, "boolean"),
    ],
)
def test_sse_must_be_a_mapping(aws, sse, kind):
    result = run(aws, {**BASE_ARGS, "sse": sse})

    assert result["failed"] is True
    assert result["msg"] == (
        f"sse must be a mapping like {{enabled: true, kms_key: alias/aws/dynamodb}}, got a {kind}"
    )


@pytest.mark.parametrize(
    "sse, message",
    [
        (
            {"enabled": True, "kms_key_id": "x"},
            "sse has unknown key(s) kms_key_id; allowed keys are enabled and kms_key, as in "
            "{enabled: true, kms_key: alias/aws/dynamodb}",
        ),
        ({"enabled": "maybe"}, "sse.enabled must be true or false, got 'maybe'"),
        (
            {"kms_key": ""},
            "sse.kms_key must be a KMS key id, key ARN, alias name (alias/name) or alias ARN, "
            "got ''",
        ),
        (
            {"enabled": False, "kms_key": "alias/items"},
            "sse.kms_key (alias/items) cannot be used with sse.enabled=false, which means the "
            "AWS-owned key; set enabled: true to encrypt with a KMS key",
        ),
    ],
)
def test_sse_content_is_checked(aws, sse, message):
    result = run(aws, {**BASE_ARGS, "sse": sse})

    assert result["failed"] is True
    assert result["msg"] == message


@pytest.mark.parametrize("name", ["ab", "items table", "x" * 256, "items/prod"])
def test_table_name_is_checked_before_any_call(aws, name):
    result = run(aws, {**BASE_ARGS, "name": name, "state": "absent"})

    assert result["failed"] is True
    assert result["msg"] == (
        "name must be 3 to 255 characters of letters, digits, '_', '.' and '-', "
        f"got {name!r} ({len(name)} characters)"
    )


@pytest.mark.parametrize(
    "extra, message",
    [
        (
            {"read_capacity": 5},
            "read_capacity (5) is only valid with billing_mode=PROVISIONED, got "
            "billing_mode=PAY_PER_REQUEST",
        ),
        (
            {"billing_mode": "PROVISIONED", "read_capacity": 0, "write_capacity": 1},
            "read_capacity must be at least 1, got 0",
        ),
        (
            {"billing_mode": "PROVISIONED", "read_capacity": 1},
            "billing_mode is PROVISIONED but all of the following are missing: write_capacity",
        ),
        (
            {"point_in_time_recovery": True, "recovery_period_days": 36},
            "recovery_period_days must be between 1 and 35, got 36",
        ),
        (
            {"recovery_period_days": 7},
            "recovery_period_days (7) needs point_in_time_recovery=true, got "
            "point_in_time_recovery=false",
        ),
        (
            {"range_key_name": "id"},
            "range_key_name must differ from hash_key_name, both are 'id'",
        ),
        (
            {"range_key_type": "N"},
            "missing parameter(s) required by 'range_key_type': range_key_name",
        ),
        ({"wait_timeout": 0}, "wait_timeout must be at least 1, got 0"),
    ],
)
def test_options_are_checked_before_any_call(aws, extra, message):
    result = run(aws, {**BASE_ARGS, **extra})

    assert result["failed"] is True
    assert result["msg"] == message


def test_sse_and_hash_key_required_when_present(aws):
    result = run(aws, {"name": TABLE})

    assert result["failed"] is True
    assert result["msg"] == (
        "state is present but all of the following are missing: hash_key_name, sse"
    )
