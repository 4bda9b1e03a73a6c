"""Unit tests for serverless.rest_api.lambda_permissions.

Every AWS call goes to a real botocore client with a Stubber, so each test states the exact
calls, in order, with their exact parameters; a call nobody expected fails the test.
"""

import json
from unittest import mock

import pytest

from ansible_collections.amazon.aws.plugins.module_utils import cloud
from ansible_collections.serverless.rest_api.plugins.modules import lambda_permissions
from harness import run_main

FUNCTION = "items-api"
FUNCTION_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:items-api"
SID = "apigateway-items"
STAGE_ARN = "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/dev/*/*"
OTHER_STAGE_ARN = "arn:aws:execute-api:eu-west-1:123456789012:z9y8x7w6v5/dev/*/*"
DECLARED = {"statement_id": SID, "principal": "apigateway.amazonaws.com", "source_arn": STAGE_ARN}
NORMALISED = {
    "statement_id": SID,
    "action": "lambda:InvokeFunction",
    "principal": "apigateway.amazonaws.com",
    "source_arn": STAGE_ARN,
    "source_account": None,
}
ANYONE = {
    "statement_id": "anyone",
    "action": "lambda:InvokeFunction",
    "principal": "*",
    "source_arn": None,
    "source_account": None,
}


@pytest.fixture
def aws(stubbed):
    return stubbed("lambda")


def run(stub, args, check_mode=False, diff=False):
    module_args = {"function_name": FUNCTION, **args}
    return run_main(lambda_permissions, {"lambda": stub.client}, module_args, check_mode, diff)


def aws_statement(sid=SID, principal=None, source_arn=STAGE_ARN, condition=None, **extra):
    """A statement the way AWS writes it into a function's policy."""
    statement = {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": principal or {"Service": "apigateway.amazonaws.com"},
        "Action": "lambda:InvokeFunction",
        "Resource": FUNCTION_ARN,
    }
    if condition is not None:
        statement["Condition"] = condition
    elif source_arn is not None:
        statement["Condition"] = {"ArnLike": {"AWS:SourceArn": source_arn}}
    statement.update(extra)
    return statement


def expect_policy(stub, *statements):
    policy = {"Version": "2012-10-17", "Id": "default", "Statement": list(statements)}
    stub.add_response(
        "get_policy",
        {"Policy": json.dumps(policy), "RevisionId": "r1"},
        {"FunctionName": FUNCTION},
    )


def expect_no_policy(stub):
    stub.add_client_error(
        "get_policy",
        service_error_code="ResourceNotFoundException",
        service_message="The resource you requested does not exist.",
        http_status_code=404,
        expected_params={"FunctionName": FUNCTION},
    )
    stub.add_response(
        "get_function_configuration",
        {"FunctionName": FUNCTION, "FunctionArn": FUNCTION_ARN},
        {"FunctionName": FUNCTION},
    )


def expect_missing_function(stub):
    stub.add_client_error(
        "get_policy",
        service_error_code="ResourceNotFoundException",
        service_message=f"Function not found: {FUNCTION_ARN}",
        http_status_code=404,
        expected_params={"FunctionName": FUNCTION},
    )
    stub.add_client_error(
        "get_function_configuration",
        service_error_code="ResourceNotFoundException",
        service_message=f"Function not found: {FUNCTION_ARN}",
        http_status_code=404,
        expected_params={"FunctionName": FUNCTION},
    )


def expect_add(stub, sid=SID, principal="apigateway.amazonaws.com", source_arn=STAGE_ARN,
               action="lambda:InvokeFunction", source_account=None):
    params = {"FunctionName": FUNCTION, "StatementId": sid, "Action": action,
              "Principal": principal}
    if source_arn is not None:
        params["SourceArn"] = source_arn
    if source_account is not None:
        params["SourceAccount"] = source_account
    stub.add_response("add_permission", {"Statement": "{}"}, params)


def expect_remove(stub, sid):
    stub.add_response("remove_permission", {}, {"FunctionName": FUNCTION, "StatementId": sid})


# ---------------------------------------------------------------- create


def test_adds_the_declared_statement_to_a_function_without_a_policy(aws):
    # given a function with no policy
    expect_no_policy(aws)
    expect_add(aws)
    expect_policy(aws, aws_statement())
    # when one statement is declared
    result = run(aws, {"permissions": [DECLARED]}, diff=True)
    # then it is added and read back
    assert result["changed"] is True
    assert result["permissions"] == [NORMALISED]
    assert result["removed"] == []
    assert result["diff"] == {"before": {"permissions": []}, "after": {"permissions": [NORMALISED]}}


def test_adds_a_statement_with_source_account_and_account_principal(aws):
    # given a function with no policy
    expect_no_policy(aws)
    # statements are added in statement id order
    expect_add(aws, sid="partner", principal="210987654321", source_arn=None,
               action="lambda:GetFunction")
    expect_add(aws, sid="s3", principal="s3.amazonaws.com", source_arn="arn:aws:s3:::uploads",
               source_account="123456789012")
    expect_policy(
        aws,
        aws_statement(
            "s3",
            {"Service": "s3.amazonaws.com"},
            condition={
                "StringEquals": {"AWS:SourceAccount": "123456789012"},
                "ArnLike": {"AWS:SourceArn": "arn:aws:s3:::uploads"},
            },
        ),
        aws_statement("partner", {"AWS": "arn:aws:iam::210987654321:root"}, source_arn=None,
                      Action="lambda:GetFunction"),
    )
    # when a service statement with both sources and an account statement are declared
    result = run(aws, {"permissions": [
        {"statement_id": "s3", "principal": "s3.amazonaws.com",
         "source_arn": "arn:aws:s3:::uploads", "source_account": "123456789012"},
        {"statement_id": "partner", "principal": "210987654321", "action": "lambda:GetFunction"},
    ]})
    # then both are added, and the root ARN AWS stores reads back as the account id
    assert result["changed"] is True
    assert result["permissions"] == [
        {"statement_id": "partner", "action": "lambda:GetFunction", "principal": "210987654321",
         "source_arn": None, "source_account": None},
        {"statement_id": "s3", "action": "lambda:InvokeFunction",
         "principal": "s3.amazonaws.com", "source_arn": "arn:aws:s3:::uploads",
         "source_account": "123456789012"},
    ]


# ---------------------------------------------------------------- no change


def test_no_change_when_the_policy_holds_exactly_the_declared_statement(aws):
    # given a policy holding the declared statement
    expect_policy(aws, aws_statement())
    # when the module runs again
    result = run(aws, {"permissions": [DECLARED]}, diff=True)
    # then no write call is made (the stubber would refuse one)
    assert result["changed"] is False
    assert result["permissions"] == [NORMALISED]
    assert result["removed"] == []
    assert result["diff"]["before"] == result["diff"]["after"]


@pytest.mark.parametrize(
    "stored",
    [
        {"AWS": "arn:aws:iam::210987654321:root"},  # what AWS stores for an account id
        "210987654321",  # what moto 5.2.5 stores
        {"AWS": ["arn:aws:iam::210987654321:root"]},
    ],
)
@pytest.mark.parametrize("declared", ["210987654321", "arn:aws:iam::210987654321:root"])
def test_account_principal_matches_however_the_policy_writes_it(aws, stored, declared):
    # given an account statement written in one of the shapes a policy may hold
    expect_policy(aws, aws_statement("partner", stored, source_arn=None))
    # when the same account is declared, by id or by root ARN
    result = run(aws, {"permissions": [{"statement_id": "partner", "principal": declared}]})
    # then nothing changes and the principal reads as the account id
    assert result["changed"] is False
    assert result["permissions"][0]["principal"] == "210987654321"


def test_condition_keys_are_compared_without_case(aws):
    # given a policy whose condition key is written in lower case
    expect_policy(aws, aws_statement(condition={"ArnLike": {"aws:sourcearn": STAGE_ARN}}))
    # when the same statement is declared
    result = run(aws, {"permissions": [DECLARED]})
    # then nothing changes
    assert result["changed"] is False


# ---------------------------------------------------------------- update


def test_replaces_a_statement_whose_source_arn_differs(aws):
    # given the statement scoped to another API's stage
    expect_policy(aws, aws_statement(source_arn=OTHER_STAGE_ARN))
    expect_remove(aws, SID)
    expect_add(aws)
    expect_policy(aws, aws_statement())
    # when the module runs
    result = run(aws, {"permissions": [DECLARED]}, diff=True)
    # then it is removed and added again (Lambda has no update), and not reported as removed
    assert result["changed"] is True
    assert result["permissions"] == [NORMALISED]
    assert result["removed"] == []
    assert result["diff"]["before"] == {
        "permissions": [dict(NORMALISED, source_arn=OTHER_STAGE_ARN)]
    }


def test_replaces_a_statement_with_conditions_the_module_cannot_declare(aws):
    # given the statement with an extra organization condition
    condition = {
        "ArnLike": {"AWS:SourceArn": STAGE_ARN},
        "StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"},
    }
    expect_policy(aws, aws_statement(condition=condition))
    expect_remove(aws, SID)
    expect_add(aws)
    expect_policy(aws, aws_statement())
    # when the module runs
    result = run(aws, {"permissions": [DECLARED]}, diff=True)
    # then the statement is replaced; before shows the condition it could not declare
    assert result["changed"] is True
    assert result["diff"]["before"]["permissions"] == [
        dict(NORMALISED, other_conditions={"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}})
    ]
    assert result["permissions"] == [NORMALISED]


# ---------------------------------------------------------------- delete / purge


def test_removes_a_statement_for_anyone_added_by_hand(aws):
    # given the declared statement plus "anyone" with the string principal "*"
    expect_policy(aws, aws_statement(), aws_statement("anyone", "*", source_arn=None))
    expect_remove(aws, "anyone")
    expect_policy(aws, aws_statement())
    # when the module runs
    result = run(aws, {"permissions": [DECLARED]}, diff=True)
    # then "anyone" is removed and the declared statement left alone
    assert result["changed"] is True
    assert result["removed"] == ["anyone"]
    assert result["permissions"] == [NORMALISED]
    assert result["diff"]["before"] == {"permissions": [ANYONE, NORMALISED]}


def test_aws_star_principal_reads_as_anyone(aws):
    # given a statement whose principal is {"AWS": "*"}
    expect_policy(aws, aws_statement("anyone", {"AWS": "*"}, source_arn=None))
    expect_remove(aws, "anyone")
    expect_no_policy(aws)
    # when nothing is declared
    result = run(aws, {"permissions": []}, diff=True)
    # then it is removed, and the function is left without a policy
    assert result["changed"] is True
    assert result["removed"] == ["anyone"]
    assert result["permissions"] == []
    assert result["diff"]["before"] == {"permissions": [ANYONE]}


def test_keeps_undeclared_statements_when_not_purging(aws):
    # given an undeclared statement and a missing declared one
    expect_policy(aws, aws_statement("anyone", "*", source_arn=None))
    expect_add(aws)
    expect_policy(aws, aws_statement(), aws_statement("anyone", "*", source_arn=None))
    # when the module runs with purge_permissions=false
    result = run(aws, {"permissions": [DECLARED], "purge_permissions": False})
    # then only the declared statement is added
    assert result["changed"] is True
    assert result["removed"] == []
    assert result["permissions"] == [ANYONE, NORMALISED]


def test_empty_declaration_on_a_function_without_policy_changes_nothing(aws):
    expect_no_policy(aws)
    result = run(aws, {"permissions": []})
    assert result == {"changed": False, "permissions": [], "removed": []}


# ---------------------------------------------------------------- check mode


def test_check_mode_predicts_removal_and_replacement_without_writing(aws):
    # given a stale statement and one for anyone
    expect_policy(
        aws,
        aws_statement(source_arn=OTHER_STAGE_ARN),
        aws_statement("anyone", "*", source_arn=None),
    )
    # when the module runs in check mode (no write response is queued, so a write would fail)
    result = run(aws, {"permissions": [DECLARED]}, check_mode=True, diff=True)
    # then it predicts the result
    assert result["changed"] is True
    assert result["removed"] == ["anyone"]
    assert result["permissions"] == [NORMALISED]
    assert result["diff"] == {
        "before": {"permissions": [ANYONE, dict(NORMALISED, source_arn=OTHER_STAGE_ARN)]},
        "after": {"permissions": [NORMALISED]},
    }


def test_check_mode_without_purge_predicts_kept_statements(aws):
    expect_policy(aws, aws_statement("anyone", "*", source_arn=None))
    result = run(aws, {"permissions": [DECLARED], "purge_permissions": False}, check_mode=True)
    assert result["changed"] is True
    assert result["removed"] == []
    assert result["permissions"] == [ANYONE, NORMALISED]


def test_check_mode_without_change_reports_no_change(aws):
    expect_policy(aws, aws_statement())
    result = run(aws, {"permissions": [DECLARED]}, check_mode=True)
    assert result == {"changed": False, "permissions": [NORMALISED], "removed": []}


# ---------------------------------------------------------------- not found


def test_check_mode_predicts_every_statement_for_a_function_not_created_yet(aws):
    # given no function (an earlier task of the run would create it)
    expect_missing_function(aws)
    # when the module runs in check mode
    result = run(aws, {"permissions": [DECLARED]}, check_mode=True, diff=True)
    # then every declared statement is predicted, without any write
    assert result == {
        "changed": True,
        "permissions": [NORMALISED],
        "removed": [],
        "diff": {"before": {"permissions": []}, "after": {"permissions": [NORMALISED]}},
    }


def test_missing_function_fails_outside_check_mode(aws):
    expect_missing_function(aws)
    result = run(aws, {"permissions": [DECLARED]})
    assert result["failed"] is True
    assert result["msg"] == (
        "Failed to set permissions of Lambda function items-api: the function does not exist"
    )


# ---------------------------------------------------------------- AWS errors


def test_read_error_is_reported_with_the_function_name(aws):
    aws.add_client_error(
        "get_policy",
        service_error_code="AccessDeniedException",
        service_message="not allowed",
        http_status_code=403,
        expected_params={"FunctionName": FUNCTION},
    )
    result = run(aws, {"permissions": [DECLARED]})
    assert result["failed"] is True
    assert result["msg"].startswith("Failed to read permissions of Lambda function items-api")
    assert result["error"]["code"] == "AccessDeniedException"


def test_add_error_is_reported_with_the_function_name(aws):
    expect_no_policy(aws)
    aws.add_client_error(
        "add_permission",
        service_error_code="InvalidParameterValueException",
        service_message="bad principal",
        http_status_code=400,
    )
    result = run(aws, {"permissions": [DECLARED]})
    assert result["failed"] is True
    assert result["msg"].startswith("Failed to add permissions of Lambda function items-api")


def test_remove_error_is_reported_with_the_function_name(aws):
    expect_policy(aws, aws_statement("anyone", "*", source_arn=None))
    aws.add_client_error(
        "remove_permission",
        service_error_code="AccessDeniedException",
        service_message="not allowed",
        http_status_code=403,
        expected_params={"FunctionName": FUNCTION, "StatementId": "anyone"},
    )
    result = run(aws, {"permissions": []})
    assert result["failed"] is True
    assert result["msg"].startswith("Failed to remove permissions of Lambda function items-api")


def test_conflict_while_the_function_updates_is_retried(aws):
    # given a function busy with another update when the statement is added
    expect_no_policy(aws)
    aws.add_client_error(
        "add_permission",
        service_error_code="ResourceConflictException",
        service_message="An update is in progress",
        http_status_code=409,
    )
    expect_add(aws)
    expect_policy(aws, aws_statement())
    # when the module runs (without really sleeping between attempts)
    with mock.patch.object(cloud.time, "sleep") as sleep:
        result = run(aws, {"permissions": [DECLARED]})
    # then the add is tried again and succeeds
    assert result["changed"] is True
    assert sleep.call_count == 1


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize(
    "args, message",
    [
        (
            {"function_name": "items-api:live", "permissions": []},
            "function_name must be a function name, ARN or partial ARN without a version or "
            "alias, got 'items-api:live'",
        ),
        (
            {"permissions": [dict(DECLARED, statement_id="has space")]},
            "permissions[0].statement_id must be 1 to 100 characters of a-z, A-Z, 0-9, - and _, "
            "got 'has space'",
        ),
        (
            {"permissions": [dict(DECLARED, statement_id="x" * 101)]},
            f"permissions[0].statement_id must be 1 to 100 characters of a-z, A-Z, 0-9, - and _, "
            f"got '{'x' * 101}'",
        ),
        (
            {"permissions": [DECLARED, dict(DECLARED, source_arn=None)]},
            "permissions[1].statement_id 'apigateway-items' is declared more than once; "
            "statement ids must be unique within the policy",
        ),
        (
            {"permissions": [dict(DECLARED, principal="*")]},
            "permissions[0].principal must be a service principal such as "
            "apigateway.amazonaws.com, a 12-digit account id or the ARN of an IAM user, role or "
            "account root, got '*'",
        ),
        (
            {"permissions": [dict(DECLARED, action="InvokeFunction")]},
            "permissions[0].action must be lambda:<Operation>, lambda:* or *, got "
            "'InvokeFunction'",
        ),
        (
            {"permissions": [dict(DECLARED, source_arn="a1b2c3d4e5/dev/*/*")]},
            "permissions[0].source_arn must be an ARN (arn:<partition>:<service>:<region>:"
            "<account>:<resource>), got 'a1b2c3d4e5/dev/*/*'",
        ),
        (
            {"permissions": [dict(DECLARED, source_account="1234")]},
            "permissions[0].source_account must be a 12-digit account id, got '1234'",
        ),
    ],
)
def test_invalid_input_fails_before_any_aws_call(aws, args, message):
    # no response is queued: any AWS call would fail the test with a stubber error
    result = run(aws, args)
    assert result["failed"] is True
    assert result["msg"] == message


def test_unknown_permission_key_is_refused_by_the_argument_spec(aws):
    result = run(aws, {"permissions": [dict(DECLARED, principle="x")]})
    assert result["failed"] is True
    assert "principle" in result["msg"]


def test_principals_accepted_are_service_account_and_iam_arns():
    accepted = [
        "apigateway.amazonaws.com",
        "s3.amazonaws.com.cn",
        "123456789012",
        "arn:aws:iam::123456789012:root",
        "arn:aws:iam::123456789012:role/caller",
        "arn:aws-cn:iam::123456789012:user/ops/alice",
    ]
    refused = ["*", "Apigateway", "arn:aws:iam::123456789012:group/ops", "12345678901", ""]

    def valid(principal):
        return any(
            pattern.fullmatch(principal)
            for pattern in (
                lambda_permissions.SERVICE_PATTERN,
                lambda_permissions.ACCOUNT_PATTERN,
                lambda_permissions.IAM_ARN_PATTERN,
            )
        )

    assert [p for p in accepted if not valid(p)] == []
    assert [p for p in refused if valid(p)] == []
