"""Unit tests for serverless.rest_api.lambda_concurrency.

Every AWS call goes to a real botocore client with a Stubber, so each test states the exact
calls, in order, with their exact parameters; a call nobody expected fails the test.
"""

import pytest

from ansible_collections.serverless.rest_api.plugins.modules import lambda_concurrency
from harness import run_main

FUNCTION = "items-api"
FUNCTION_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:items-api"
SKIPPED_WARNING = (
    "Skipped the concurrency quota check for Lambda function items-api: the endpoint lacks "
    "GetAccountSettings, so the account's unreserved concurrency is unknown"
)
UNKNOWN_ACCOUNT = {"concurrent_executions": None, "unreserved_concurrent_executions": None}


@pytest.fixture
def aws(stubbed):
    return stubbed("lambda")


def run(stub, args, check_mode=False, diff=False):
    return run_main(lambda_concurrency, {"lambda": stub.client}, args, check_mode, diff)


def expect_reservation(stub, value, name=FUNCTION):
    response = {} if value is None else {"ReservedConcurrentExecutions": value}
    stub.add_response("get_function_concurrency", response, {"FunctionName": name})


def expect_account(stub, limit=1000, unreserved=900):
    stub.add_response(
        "get_account_settings",
        {
            "AccountLimit": {
                "ConcurrentExecutions": limit,
                "UnreservedConcurrentExecutions": unreserved,
            },
            "AccountUsage": {"TotalCodeSize": 0, "FunctionCount": 1},
        },
        {},
    )


def expect_no_account_settings(stub):
    # What moto 5.2.5 answers: a bare HTTP 404 page.
    stub.add_client_error(
        "get_account_settings",
        service_error_code="404",
        service_message="Not Found",
        http_status_code=404,
        expected_params={},
    )


def expect_put(stub, value, name=FUNCTION):
    stub.add_response(
        "put_function_concurrency",
        {"ReservedConcurrentExecutions": value},
        {"FunctionName": name, "ReservedConcurrentExecutions": value},
    )


def expect_not_found(stub, name=FUNCTION):
    stub.add_client_error(
        "get_function_concurrency",
        service_error_code="ResourceNotFoundException",
        service_message=f"Function not found: {FUNCTION_ARN}",
        http_status_code=404,
        expected_params={"FunctionName": name},
    )


# ---------------------------------------------------------------- present


def test_reserve_for_the_first_time(aws):
    expect_reservation(aws, None)
    expect_account(aws, unreserved=1000)
    expect_put(aws, 50)
    expect_reservation(aws, 50)
    expect_account(aws, unreserved=950)

    result = run(aws, {"function_name": FUNCTION, "reserved_concurrency": 50}, diff=True)

    assert result == {
        "changed": True,
        "reserved_concurrency": 50,
        "account": {"concurrent_executions": 1000, "unreserved_concurrent_executions": 950},
        "quota_checked": True,
        "diff": {"before": {"reserved_concurrency": None}, "after": {"reserved_concurrency": 50}},
    }


def test_same_reservation_is_not_changed(aws):
    expect_reservation(aws, 50)
    expect_account(aws, unreserved=950)

    result = run(aws, {"function_name": FUNCTION, "reserved_concurrency": 50})

    assert result == {
        "changed": False,
        "reserved_concurrency": 50,
        "account": {"concurrent_executions": 1000, "unreserved_concurrent_executions": 950},
        "quota_checked": False,
    }


def test_update_counts_the_current_reservation_as_free(aws):
    # 110 unreserved + 50 held by the function - 55 wanted = 105, above the minimum of 100;
    # ignoring what the function holds would wrongly give 55.
    expect_reservation(aws, 50)
    expect_account(aws, unreserved=110)
    expect_put(aws, 55)
    expect_reservation(aws, 55)
    expect_account(aws, unreserved=105)

    result = run(aws, {"function_name": FUNCTION, "reserved_concurrency": 55}, diff=True)

    assert result["changed"] is True
    assert result["reserved_concurrency"] == 55
    assert result["diff"] == {
        "before": {"reserved_concurrency": 50},
        "after": {"reserved_concurrency": 55},
    }


def test_increase_up_to_the_largest_value_allowed(aws):
    # 150 unreserved + 50 held by the function - 100 minimum = 100 is the most allowed.
    expect_reservation(aws, 50, name=FUNCTION_ARN)
    expect_account(aws, unreserved=150)
    expect_put(aws, 100, name=FUNCTION_ARN)
    expect_reservation(aws, 100, name=FUNCTION_ARN)
    expect_account(aws, unreserved=100)

    result = run(aws, {"function_name": FUNCTION_ARN, "reserved_concurrency": 100})

    assert result["changed"] is True
    assert result["reserved_concurrency"] == 100
    assert result["account"]["unreserved_concurrent_executions"] == 100
    assert result["quota_checked"] is True


def test_zero_is_a_value_not_unset(aws):
    expect_reservation(aws, None)
    expect_account(aws)
    expect_put(aws, 0)
    expect_reservation(aws, 0)
    expect_account(aws)

    result = run(aws, {"function_name": FUNCTION, "reserved_concurrency": 0})

    assert result["changed"] is True
    assert result["reserved_concurrency"] == 0


def test_zero_already_reserved_is_not_changed(aws):
    expect_reservation(aws, 0)
    expect_account(aws)

    result = run(aws, {"function_name": FUNCTION, "reserved_concurrency": 0})

    assert result["changed"] is False
    assert result["reserved_concurrency"] == 0


def test_quota_exceeded_fails_before_writing(aws):
    expect_reservation(aws, 50)
    expect_account(aws, limit=1000, unreserved=150)

    result = run(aws, {"function_name": FUNCTION, "reserved_concurrency": 101})

    assert result["failed"] is True
    assert result["msg"] == (
        "reserved_concurrency=101 for Lambda function items-api would leave 99 unreserved "
        "concurrent executions, fewer than min_unreserved=100; the account limit is 1000, "
        "150 are unreserved now and the function holds 50, so the largest value allowed is 100"
    )


def test_quota_with_no_room_at_all(aws):
    expect_reservation(aws, None)
    expect_account(aws, limit=10, unreserved=10)

    result = run(aws, {"function_name": FUNCTION, "reserved_concurrency": 0})

    assert result["failed"] is True
    assert result["msg"] == (
        "reserved_concurrency=0 for Lambda function items-api would leave 10 unreserved "
        "concurrent executions, fewer than min_unreserved=100; the account limit is 10, "
        "10 are unreserved now and the function holds 0, so no reservation fits, not even 0"
    )


def test_min_unreserved_is_configurable(aws):
    expect_reservation(aws, None)
    expect_account(aws, limit=10, unreserved=10)
    expect_put(aws, 5)
    expect_reservation(aws, 5)
    expect_account(aws, limit=10, unreserved=5)

    result = run(
        aws, {"function_name": FUNCTION, "reserved_concurrency": 5, "min_unreserved": 5}
    )

    assert result["changed"] is True
    assert result["account"] == {"concurrent_executions": 10, "unreserved_concurrent_executions": 5}


def test_endpoint_without_account_settings_warns_once_and_goes_on(aws):
    expect_reservation(aws, None)
    expect_no_account_settings(aws)
    expect_put(aws, 5000)
    expect_reservation(aws, 5000)

    result = run(aws, {"function_name": FUNCTION, "reserved_concurrency": 5000})

    assert result["changed"] is True
    assert result["reserved_concurrency"] == 5000
    assert result["quota_checked"] is False
    assert result["account"] == UNKNOWN_ACCOUNT
    assert result["warnings"] == [SKIPPED_WARNING]


def test_endpoint_without_account_settings_no_change_no_warning(aws):
    expect_reservation(aws, 5)
    expect_no_account_settings(aws)

    result = run(aws, {"function_name": FUNCTION, "reserved_concurrency": 5})

    assert result["changed"] is False
    assert "warnings" not in result


def test_account_settings_error_is_reported(aws):
    expect_reservation(aws, None)
    aws.add_client_error(
        "get_account_settings",
        service_error_code="AccessDeniedException",
        service_message="not allowed",
        http_status_code=403,
    )

    result = run(aws, {"function_name": FUNCTION, "reserved_concurrency": 5})

    assert result["failed"] is True
    assert result["msg"] == (
        "Failed to get Lambda account settings: An error occurred (AccessDeniedException) "
        "when calling the GetAccountSettings operation: not allowed"
    )


def test_put_error_is_reported(aws):
    # What moto answers when its server runs with MOTO_LAMBDA_CONCURRENCY_QUOTA set.
    message = (
        "Specified ReservedConcurrentExecutions for function decreases account's "
        "UnreservedConcurrentExecution below its minimum value of [100]."
    )
    expect_reservation(aws, None)
    expect_no_account_settings(aws)
    aws.add_client_error(
        "put_function_concurrency",
        service_error_code="InvalidParameterValueException",
        service_message=message,
        http_status_code=400,
        expected_params={"FunctionName": FUNCTION, "ReservedConcurrentExecutions": 950},
    )

    result = run(aws, {"function_name": FUNCTION, "reserved_concurrency": 950})

    assert result["failed"] is True
    assert result["msg"] == (
        "Failed to set reserved concurrency of Lambda function items-api: An error occurred "
        f"(InvalidParameterValueException) when calling the PutFunctionConcurrency operation: "
        f"{message}"
    )
    assert result["warnings"] == [SKIPPED_WARNING]


def test_present_for_missing_function_fails(aws):
    expect_not_found(aws)

    result = run(aws, {"function_name": FUNCTION, "reserved_concurrency": 5})

    assert result["failed"] is True
    assert result["msg"] == (
        "Failed to reserve concurrency for Lambda function items-api: the function does not exist"
    )


def test_read_error_is_reported(aws):
    aws.add_client_error(
        "get_function_concurrency",
        service_error_code="AccessDeniedException",
        service_message="not allowed",
        http_status_code=403,
    )

    result = run(aws, {"function_name": FUNCTION, "state": "absent"})

    assert result["failed"] is True
    assert result["msg"] == (
        "Failed to get reserved concurrency of Lambda function items-api: An error occurred "
        "(AccessDeniedException) when calling the GetFunctionConcurrency operation: not allowed"
    )


# ---------------------------------------------------------------- check mode


def test_check_mode_predicts_and_writes_nothing(aws):
    expect_reservation(aws, 20)
    expect_account(aws, unreserved=900)

    result = run(
        aws,
        {"function_name": FUNCTION, "reserved_concurrency": 70},
        check_mode=True,
        diff=True,
    )

    assert result == {
        "changed": True,
        "reserved_concurrency": 70,
        "account": {"concurrent_executions": 1000, "unreserved_concurrent_executions": 850},
        "quota_checked": True,
        "diff": {"before": {"reserved_concurrency": 20}, "after": {"reserved_concurrency": 70}},
    }


def test_check_mode_predicts_for_a_function_not_created_yet(aws):
    # A check-mode deploy of a new environment previews the reservation of the function
    # that the same run would create.
    expect_not_found(aws)
    expect_account(aws, unreserved=900)

    result = run(
        aws, {"function_name": FUNCTION, "reserved_concurrency": 10}, check_mode=True, diff=True
    )

    assert result == {
        "changed": True,
        "reserved_concurrency": 10,
        "account": {"concurrent_executions": 1000, "unreserved_concurrent_executions": 890},
        "quota_checked": True,
        "diff": {"before": {"reserved_concurrency": None}, "after": {"reserved_concurrency": 10}},
    }


def test_check_mode_still_enforces_the_quota(aws):
    expect_reservation(aws, None)
    expect_account(aws, unreserved=120)

    result = run(
        aws, {"function_name": FUNCTION, "reserved_concurrency": 30}, check_mode=True
    )

    assert result["failed"] is True
    assert "the largest value allowed is 20" in result["msg"]


def test_check_mode_absent_writes_nothing(aws):
    expect_reservation(aws, 20)

    result = run(aws, {"function_name": FUNCTION, "state": "absent"}, check_mode=True, diff=True)

    assert result["changed"] is True
    assert result["reserved_concurrency"] is None
    assert result["diff"] == {
        "before": {"reserved_concurrency": 20},
        "after": {"reserved_concurrency": None},
    }


# ---------------------------------------------------------------- absent


def test_absent_removes_the_reservation(aws):
    expect_reservation(aws, 20)
    aws.add_response("delete_function_concurrency", {}, {"FunctionName": FUNCTION})

    result = run(aws, {"function_name": FUNCTION, "state": "absent"})

    assert result == {
        "changed": True,
        "reserved_concurrency": None,
        "account": UNKNOWN_ACCOUNT,
        "quota_checked": False,
    }


def test_absent_removes_a_zero_reservation(aws):
    expect_reservation(aws, 0)
    aws.add_response("delete_function_concurrency", {}, {"FunctionName": FUNCTION})

    result = run(aws, {"function_name": FUNCTION, "state": "absent"})

    assert result["changed"] is True


def test_absent_without_reservation_is_no_change(aws):
    expect_reservation(aws, None)

    result = run(aws, {"function_name": FUNCTION, "state": "absent"})

    assert result["changed"] is False
    assert result["reserved_concurrency"] is None


def test_absent_for_missing_function_is_no_change(aws):
    expect_not_found(aws)

    result = run(aws, {"function_name": FUNCTION, "state": "absent"})

    assert result["changed"] is False


def test_delete_error_is_reported(aws):
    expect_reservation(aws, 20)
    aws.add_client_error(
        "delete_function_concurrency",
        service_error_code="InvalidParameterValueException",
        service_message="bad function",
        http_status_code=400,
        expected_params={"FunctionName": FUNCTION},
    )

    result = run(aws, {"function_name": FUNCTION, "state": "absent"})

    assert result["failed"] is True
    assert result["msg"] == (
        "Failed to delete reserved concurrency of Lambda function items-api: An error occurred "
        "(InvalidParameterValueException) when calling the DeleteFunctionConcurrency "
        "operation: bad function"
    )


# ---------------------------------------------------------------- input checks (no AWS call)


@pytest.mark.parametrize(
    "name",
    [
        f"{FUNCTION_ARN}:live",
        f"{FUNCTION}:3",
        "items api",
        "x" * 65,
    ],
)
def test_function_name_is_checked(aws, name):
    result = run(aws, {"function_name": name, "reserved_concurrency": 5})

    assert result["failed"] is True
    assert result["msg"] == (
        "function_name must be a function name, ARN or partial ARN without a version or "
        f"alias, got {name!r}"
    )


@pytest.mark.parametrize(
    "name",
    [
        FUNCTION,
        FUNCTION_ARN,
        "123456789012:function:items-api",
        "arn:aws-cn:lambda:cn-north-1:123456789012:function:items_api",
    ],
)
def test_function_name_forms_accepted(aws, name):
    expect_reservation(aws, 5, name=name)
    expect_account(aws)

    result = run(aws, {"function_name": name, "reserved_concurrency": 5})

    assert result["changed"] is False


@pytest.mark.parametrize(
    "args, message",
    [
        ({"reserved_concurrency": -1}, "reserved_concurrency must be 0 or more, got -1"),
        (
            {"reserved_concurrency": 1, "min_unreserved": -5},
            "min_unreserved must be 0 or more, got -5",
        ),
        ({}, "state is present but all of the following are missing: reserved_concurrency"),
    ],
)
def test_options_are_checked_before_any_call(aws, args, message):
    result = run(aws, {"function_name": FUNCTION, **args})

    assert result["failed"] is True
    assert result["msg"] == message
