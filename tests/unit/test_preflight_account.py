"""Unit tests for serverless.rest_api.preflight_account.

The KMS and Lambda clients are real botocore clients with a Stubber, so each test states
the exact calls, in order, with their parameters; any other call (a write above all) fails
the test. moto lacks Lambda's GetAccountSettings, so the account-quota cases can only be
checked here.
"""

import pytest

from ansible_collections.serverless.rest_api.plugins.modules import preflight_account
from harness import run_main

REGION = "eu-west-1"
FUNCTION = "items-api-prod-items"
KEY_ARN = f"arn:aws:kms:{REGION}:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
TABLE_KEY = {"setting": "table_sse.kms_key", "key": "alias/aws/dynamodb"}
LAMBDA_KEY = {
    "setting": "lambda_kms_key",
    "key": "alias/items",
    "origin": "inventories/prod/group_vars/prod.yml:14",
}
CONCURRENCY = {
    "setting": "lambda_reserved_concurrency",
    "function_name": FUNCTION,
    "reserved_concurrency": 100,
    "min_unreserved": 100,
    "origin": "inventories/prod/group_vars/prod.yml:10",
}
SKIPPED_WARNING = (
    "Skipped the concurrency quota check: the endpoint does not implement Lambda "
    "GetAccountSettings, so the account's concurrency limit is unknown"
)
NOT_CHECKED = {"checked": False, "account_limit": None, "unreserved": None,
               "function_reserved": None, "unreserved_after": None}


@pytest.fixture
def aws(stubbed):
    """Stubbed kms and lambda clients."""
    return {"kms": stubbed("kms"), "lambda": stubbed("lambda")}


def run(stubs, args, check_mode=False):
    clients = {service: stub.client for service, stub in stubs.items()}
    return run_main(preflight_account, clients, {"region": REGION, **args}, check_mode)


def expect_key(stubs, key, state="Enabled"):
    stubs["kms"].add_response(
        "describe_key",
        {"KeyMetadata": {"KeyId": KEY_ARN.rsplit("/", 1)[1], "Arn": KEY_ARN, "KeyState": state}},
        {"KeyId": key},
    )


def expect_missing_key(stubs, key):
    stubs["kms"].add_client_error(
        "describe_key", service_error_code="NotFoundException", http_status_code=400,
        service_message=f"Alias {key} is not found.", expected_params={"KeyId": key},
    )


def expect_account(stubs, limit, unreserved):
    stubs["lambda"].add_response(
        "get_account_settings",
        {"AccountLimit": {"ConcurrentExecutions": limit,
                          "UnreservedConcurrentExecutions": unreserved}},
        {},
    )


def expect_reservation(stubs, value):
    response = {} if value is None else {"ReservedConcurrentExecutions": value}
    stubs["lambda"].add_response("get_function_concurrency", response, {"FunctionName": FUNCTION})


def expect_no_function(stubs):
    stubs["lambda"].add_client_error(
        "get_function_concurrency", service_error_code="ResourceNotFoundException",
        http_status_code=404, expected_params={"FunctionName": FUNCTION},
    )


def test_keys_enabled_and_reservation_fits_pass_without_change(aws):
    # given two enabled keys and an account of 1000 where our function holds 100 already
    expect_key(aws, "alias/aws/dynamodb")
    expect_key(aws, "alias/items")
    expect_account(aws, 1000, 850)
    expect_reservation(aws, 100)
    # when the module checks the account
    result = run(aws, {"kms_keys": [TABLE_KEY, LAMBDA_KEY], "concurrency": CONCURRENCY})
    # then it passes, having only read, and reports what it read
    assert result["changed"] is False
    assert "failed" not in result
    assert result["concurrency"] == {"checked": True, "account_limit": 1000, "unreserved": 850,
                                     "function_reserved": 100, "unreserved_after": 850}
    assert [key["key_state"] for key in result["kms_keys"]] == ["Enabled", "Enabled"]


def test_reservation_above_the_pool_is_refused_with_the_largest_value_allowed(aws):
    # given an account of 1000 where other functions reserve 90 and ours holds 10
    expect_account(aws, 1000, 900)
    expect_reservation(aws, 10)
    # when the deploy asks for 850
    result = run(aws, {"concurrency": dict(CONCURRENCY, reserved_concurrency=850)})
    # then the failure names the setting, the value and the largest value that fits
    assert result["failed"] is True
    assert result["errors"] == [
        "lambda_reserved_concurrency: would leave 60 of the account's 1000 concurrent "
        "executions unreserved, fewer than the minimum of 100; got 850; allowed: 0 to 810 "
        "(the account's 1000 less 90 reserved by other functions and the 100 kept "
        "unreserved) (from inventories/prod/group_vars/prod.yml:10)"
    ]
    assert result["msg"].splitlines()[1:] == result["errors"]


def test_reservation_of_a_function_not_yet_created_counts_nothing_back(aws):
    # given an account of 1000 with 900 unreserved and no function yet
    expect_account(aws, 1000, 900)
    expect_no_function(aws)
    # when the deploy asks for 801, one more than fits
    result = run(aws, {"concurrency": dict(CONCURRENCY, reserved_concurrency=801)})
    # then it is refused: others hold 100, so 1000 - 100 - 100 = 800 is the largest
    assert result["errors"] == [
        "lambda_reserved_concurrency: would leave 99 of the account's 1000 concurrent "
        "executions unreserved, fewer than the minimum of 100; got 801; allowed: 0 to 800 "
        "(the account's 1000 less 100 reserved by other functions and the 100 kept "
        "unreserved) (from inventories/prod/group_vars/prod.yml:10)"
    ]


def test_low_quota_account_with_no_room_says_no_reservation_fits(aws):
    # given a low-quota account of 50 where other functions reserve 45
    expect_account(aws, 50, 5)
    expect_reservation(aws, None)
    # when the deploy reserves 1 and the account keeps 10 unreserved
    concurrency = dict(CONCURRENCY, reserved_concurrency=1, min_unreserved=10)
    concurrency.pop("origin")
    result = run(aws, {"concurrency": concurrency})
    # then even 0 would not leave 10 unreserved
    assert result["errors"] == [
        "lambda_reserved_concurrency: would leave 4 of the account's 50 concurrent executions "
        "unreserved, fewer than the minimum of 10; got 1; allowed: no reservation: other "
        "functions already reserve 45 of 50"
    ]


def test_every_account_problem_is_reported_in_one_failure(aws):
    # given a missing table key, a disabled function key and a reservation that does not fit
    expect_missing_key(aws, "alias/aws/dynamodb")
    expect_key(aws, "alias/items", state="Disabled")
    expect_account(aws, 1000, 100)
    expect_reservation(aws, None)
    # when the module checks the account
    result = run(aws, {"kms_keys": [TABLE_KEY, LAMBDA_KEY], "concurrency": CONCURRENCY})
    # then all three problems come in one failure, in order
    assert result["errors"] == [
        'table_sse.kms_key: no such KMS key in eu-west-1; got "alias/aws/dynamodb"; allowed: '
        "an existing, enabled KMS key in eu-west-1",
        'lambda_kms_key: the KMS key is Disabled; got "alias/items"; allowed: an enabled KMS '
        "key (from inventories/prod/group_vars/prod.yml:14)",
        "lambda_reserved_concurrency: would leave 0 of the account's 1000 concurrent "
        "executions unreserved, fewer than the minimum of 100; got 100; allowed: 0 to 0 "
        "(the account's 1000 less 900 reserved by other functions and the 100 kept "
        "unreserved) (from inventories/prod/group_vars/prod.yml:10)",
    ]
    assert result["msg"].startswith("Pre-flight found the account cannot take the settings")


def test_endpoint_without_account_settings_warns_once_and_goes_on(aws):
    # given an endpoint that answers GetAccountSettings with a bare 404 (moto 5.2.5)
    expect_key(aws, "alias/items")
    aws["lambda"].add_client_error(
        "get_account_settings", service_error_code="404", http_status_code=404,
        expected_params={},
    )
    # when the module checks the account
    result = run(aws, {"kms_keys": [LAMBDA_KEY], "concurrency": CONCURRENCY})
    # then it passes with the one documented warning and never reads the reservation
    assert "failed" not in result
    assert result["warnings"] == [SKIPPED_WARNING]
    assert result["concurrency"] == NOT_CHECKED


def test_check_mode_makes_the_same_reads_and_no_other_call(aws):
    # given an enabled key and an account with room
    expect_key(aws, "alias/aws/dynamodb")
    expect_account(aws, 1000, 1000)
    expect_no_function(aws)
    # when the module runs in check mode
    result = run(aws, {"kms_keys": [TABLE_KEY], "concurrency": CONCURRENCY}, check_mode=True)
    # then it read exactly as in a real run (the stubs hold no other call) and changed nothing
    assert result["changed"] is False
    assert result["concurrency"]["unreserved_after"] == 900


def test_no_concurrency_given_reads_only_the_keys(aws):
    # given only a key to check
    expect_key(aws, "alias/aws/dynamodb")
    # when the module runs without concurrency
    result = run(aws, {"kms_keys": [TABLE_KEY]})
    # then Lambda is never called
    assert result["concurrency"] == NOT_CHECKED


def test_aws_error_fails_with_the_operation_and_key(aws):
    # given KMS denies DescribeKey
    aws["kms"].add_client_error(
        "describe_key", service_error_code="AccessDeniedException", http_status_code=400,
        service_message="not allowed", expected_params={"KeyId": "alias/items"},
    )
    # when the module checks the key
    result = run(aws, {"kms_keys": [LAMBDA_KEY]})
    # then it fails at once, naming what it tried
    assert result["failed"] is True
    assert result["msg"] == (
        "Failed to describe KMS key alias/items: An error occurred (AccessDeniedException) "
        "when calling the DescribeKey operation: not allowed"
    )


def test_negative_reservation_is_refused_before_any_call(aws):
    # given a negative reservation; when the module runs
    result = run(aws, {"concurrency": dict(CONCURRENCY, reserved_concurrency=-1)})
    # then it fails naming the option, and the stubs (holding no response) saw no call
    assert result["msg"] == (
        "concurrency.reserved_concurrency: below the minimum of 0; got -1; allowed: a whole "
        "number, 0 or more"
    )
