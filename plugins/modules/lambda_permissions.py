#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: lambda_permissions
short_description: Own the whole resource-based policy of one Lambda function
version_added: 0.1.0
description:
  - Makes the resource-based policy of one Lambda function hold exactly the declared
    permission statements. Each statement lets one principal invoke (or otherwise use) the
    function, optionally only from one source ARN or source account.
  - Statements the policy holds but O(permissions) does not declare are removed unless
    O(purge_permissions=false), so a statement added by hand does not survive a run.
  - The Lambda API has no way to change a statement. A declared statement whose content
    differs from the one in the policy is removed and added again.
options:
  function_name:
    description:
      - Name, ARN or partial ARN (C(123456789012:function:name)) of the function, without a
        version or alias.
    type: str
    required: true
  permissions:
    description:
      - The statements the policy must hold. An empty list with O(purge_permissions=true)
        removes every statement.
    type: list
    elements: dict
    required: true
    suboptions:
      statement_id:
        description:
          - Identifier of the statement, unique within the policy; 1 to 100 characters of
            C(a-z), C(A-Z), C(0-9), C(-) and C(_).
        type: str
        required: true
      action:
        description:
          - The action the principal may call, V(lambda:<Operation>), V(lambda:*) or V(*).
        type: str
        default: lambda:InvokeFunction
      principal:
        description:
          - Who gets the permission. One of a service principal (V(apigateway.amazonaws.com),
            V(s3.amazonaws.com)), a 12-digit account id, or the ARN of an IAM user, role or
            account root (C(arn:aws:iam::123456789012:role/caller)).
          - V(*) (anyone) is refused.
          - An account id and that account's root ARN are the same principal; AWS stores
            the root ARN.
        type: str
        required: true
      source_arn:
        description:
          - ARN of the resource allowed to act through the service principal, for example
            C(arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod/*/*) for every method
            of one API Gateway stage. AWS compares it with C(ArnLike), so C(*) matches any
            characters.
        type: str
      source_account:
        description:
          - 12-digit id of the account that must own the source resource.
        type: str
  purge_permissions:
    description:
      - Remove every statement that O(permissions) does not declare.
      - With V(false), undeclared statements are kept and only declared ones are added or
        replaced.
    type: bool
    default: true
notes:
  - Only the policy of the unqualified function is managed. Versions and aliases have
    policies of their own, which this module does not read or change.
  - Replacing a statement is two calls, C(RemovePermission) then C(AddPermission); between
    them the principal has no permission, so calls it makes in that moment are refused.
  - Conditions other than the source ARN (C(ArnLike) on C(AWS:SourceArn)) and the source
    account (C(StringEquals) on C(AWS:SourceAccount)), such as an organization id, an event
    source token or a function URL auth type, cannot be declared. A statement in the policy
    that has them is reported with C(other_conditions) and never matches a declared statement,
    so it is replaced (when declared) or removed (when purged).
  - When the function does not exist the module fails, except in check mode, where it
    predicts that every declared statement is added to the function that an earlier task of
    the same run would create.
  - Lambda answers C(ResourceConflictException) while another change to the function is in
    progress; such calls are retried with backoff. AWS gives the same error for a statement id
    that already exists, which the module avoids by removing before adding; a statement that
    another process adds at the same moment fails the run once the retries are spent.
  - The caller needs C(lambda:GetPolicy), C(lambda:AddPermission), C(lambda:RemovePermission)
    and, when the function has no policy, C(lambda:GetFunctionConfiguration).
  - moto 5.2.5 keeps an account-id principal as the bare account id where AWS stores the
    account's root ARN; the module treats both as the same principal.
attributes:
  check_mode:
    description: Reports the predicted statements and makes no change.
    support: full
  diff_mode:
    description: Returns the statements before and after the change.
    support: full
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
author:
  - Items API platform team
"""

EXAMPLES = r"""
- name: Ensure only the prod stage of the items API may invoke the handler
  serverless.rest_api.lambda_permissions:
    function_name: items-api-prod
    permissions:
      - statement_id: apigateway-items-api
        principal: apigateway.amazonaws.com
        source_arn: arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod/*/*

- name: Ensure an upload bucket of our account may invoke the importer, keeping other grants
  serverless.rest_api.lambda_permissions:
    function_name: items-importer
    permissions:
      - statement_id: s3-uploads
        principal: s3.amazonaws.com
        source_arn: arn:aws:s3:::items-uploads
        source_account: "123456789012"
    purge_permissions: false

- name: Ensure nobody may invoke the handler through its policy
  serverless.rest_api.lambda_permissions:
    function_name: items-api-dev
    permissions: []
"""

RETURN = r"""
permissions:
  description:
    - The statements of the function's policy after the change (predicted in check mode),
      sorted by statement id.
  returned: always
  type: list
  elements: dict
  contains:
    statement_id:
      description: Identifier of the statement.
      type: str
      sample: apigateway-items-api
    action:
      description: The action the principal may call.
      type: str
      sample: lambda:InvokeFunction
    principal:
      description:
        - The principal, as a service principal, an account id (also for an account's root
          ARN), an IAM ARN or V(*).
        - A principal of another shape is returned as the policy holds it.
      type: raw
      sample: apigateway.amazonaws.com
    source_arn:
      description: The source ARN the statement is limited to; null when none.
      type: str
      sample: arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod/*/*
    source_account:
      description: The source account the statement is limited to; null when none.
      type: str
      sample: null
    other_conditions:
      description: Conditions of the statement that the module cannot declare, as the policy
        holds them.
      returned: when the statement has such conditions
      type: dict
      sample: {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}
removed:
  description:
    - Ids of the statements taken out of the policy (predicted in check mode). Statements that
      were replaced are not listed, as they are still in the policy.
  returned: always
  type: list
  elements: str
  sample: ["anyone"]
"""

import json
import re

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code

from ansible_collections.serverless.rest_api.plugins.module_utils.common import (
    AWSModule,
    LAMBDA_RETRY,
)


# A name, a partial ARN (account:function:name) or a full ARN, with no version or alias.
FUNCTION_PATTERN = re.compile(
    r"(arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:|\d{12}:function:)?[A-Za-z0-9_-]{1,64}"
)
# The AddPermission limits of the Lambda API reference.
STATEMENT_ID_PATTERN = re.compile(r"[a-zA-Z0-9_-]{1,100}")
ACTION_PATTERN = re.compile(r"lambda:\*|lambda:[a-zA-Z]+|\*")
ACCOUNT_PATTERN = re.compile(r"\d{12}")
SOURCE_ARN_PATTERN = re.compile(r"arn:aws[a-zA-Z0-9-]*:[a-zA-Z0-9-]+:[a-z0-9-]*:(\d{12})?:.+")
# Principals: a service (a lowercase domain name), an account id, or an IAM ARN.
SERVICE_PATTERN = re.compile(r"[a-z0-9-]+(\.[a-z0-9-]+)+")
IAM_ARN_PATTERN = re.compile(r"arn:aws[a-zA-Z-]*:iam::\d{12}:(root|(user|role)/\S+)")
ROOT_ARN_PATTERN = re.compile(r"arn:aws[a-zA-Z-]*:iam::(\d{12}):root")


def validate(module):
    """Checks the argument spec cannot express; runs before any AWS call."""
    name = module.params["function_name"]
    if not FUNCTION_PATTERN.fullmatch(name):
        module.fail_json(
            msg="function_name must be a function name, ARN or partial ARN without a version "
            f"or alias, got {name!r}"
        )
    seen = set()
    for index, permission in enumerate(module.params["permissions"]):
        where = f"permissions[{index}]"
        sid = permission["statement_id"]
        if not STATEMENT_ID_PATTERN.fullmatch(sid):
            module.fail_json(
                msg=f"{where}.statement_id must be 1 to 100 characters of a-z, A-Z, 0-9, - and _, "
                f"got {sid!r}"
            )
        if sid in seen:
            module.fail_json(
                msg=f"{where}.statement_id {sid!r} is declared more than once; statement ids "
                "must be unique within the policy"
            )
        seen.add(sid)
        action = permission["action"]
        if not ACTION_PATTERN.fullmatch(action):
            module.fail_json(
                msg=f"{where}.action must be lambda:<Operation>, lambda:* or *, got {action!r}"
            )
        principal = permission["principal"]
        if not (
            SERVICE_PATTERN.fullmatch(principal)
            or ACCOUNT_PATTERN.fullmatch(principal)
            or IAM_ARN_PATTERN.fullmatch(principal)
        ):
            module.fail_json(
                msg=f"{where}.principal must be a service principal such as "
                "apigateway.amazonaws.com, a 12-digit account id or the ARN of an IAM user, role "
                f"or account root, got {principal!r}"
            )
        source_arn = permission["source_arn"]
        if source_arn is not None and not SOURCE_ARN_PATTERN.fullmatch(source_arn):
            module.fail_json(
                msg=f"{where}.source_arn must be an ARN (arn:<partition>:<service>:<region>:"
                f"<account>:<resource>), got {source_arn!r}"
            )
        account = permission["source_account"]
        if account is not None and not ACCOUNT_PATTERN.fullmatch(account):
            module.fail_json(
                msg=f"{where}.source_account must be a 12-digit account id, got {account!r}"
            )


def _single(value):
    """A one-element list as its element; longer lists sorted, for a stable comparison."""
    if isinstance(value, list):
        if len(value) == 1:
            return value[0]
        return sorted(value, key=str)
    return value


def normalise_principal(principal):
    """The principal as a plain string where it has a single value; else as read.

    Policies give "*", {"Service": name} or {"AWS": arn-or-*}; AWS stores an account id as
    the account's root ARN, which becomes the account id again here.
    """
    if isinstance(principal, dict) and len(principal) == 1:
        kind, value = next(iter(principal.items()))
        value = _single(value)
        if kind in ("Service", "AWS") and isinstance(value, str):
            principal = value
    if isinstance(principal, str):
        root = ROOT_ARN_PATTERN.fullmatch(principal)
        return root.group(1) if root else principal
    return principal


def split_conditions(condition):
    """(source ARN, source account, the other conditions) of a statement's Condition block."""
    source_arn = source_account = None
    other = {}
    for operator, pairs in (condition or {}).items():
        for key, value in (pairs or {}).items():
            value = _single(value)
            # Condition keys are case-insensitive; AWS writes AWS:SourceArn.
            if operator == "ArnLike" and key.lower() == "aws:sourcearn" and isinstance(value, str):
                source_arn = value
            elif (
                operator == "StringEquals"
                and key.lower() == "aws:sourceaccount"
                and isinstance(value, str)
            ):
                source_account = value
            else:
                other.setdefault(operator, {})[key] = value
    return source_arn, source_account, other


def normalise_statement(statement):
    """A policy statement in the shape of a declared permission."""
    source_arn, source_account, other = split_conditions(statement.get("Condition"))
    result = {
        "statement_id": statement.get("Sid"),
        "action": _single(statement.get("Action")),
        "principal": normalise_principal(statement.get("Principal")),
        "source_arn": source_arn,
        "source_account": source_account,
    }
    if other:
        result["other_conditions"] = other
    return result


def normalise_declared(permission):
    return {
        "statement_id": permission["statement_id"],
        "action": permission["action"],
        "principal": normalise_principal(permission["principal"]),
        "source_arn": permission["source_arn"],
        "source_account": permission["source_account"],
    }


def _sorted(statements):
    return sorted(statements, key=lambda statement: str(statement["statement_id"]))


def read_statements(module, client, name):
    """The function's normalised statements; None when the function does not exist."""
    try:
        response = client.get_policy(FunctionName=name, aws_retry=True)
    except is_boto3_error_code("ResourceNotFoundException"):
        # Lambda gives the same error for a function without a policy and for a missing
        # function; asking for the function tells the two apart.
        return [] if function_exists(module, client, name) else None
    except (BotoCoreError, ClientError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Failed to read permissions of Lambda function {name}")
    try:
        policy = json.loads(response.get("Policy") or "{}")
    except ValueError as e:
        module.fail_json(
            msg=f"Failed to read permissions of Lambda function {name}: the policy is not "
            f"JSON ({e})"
        )
    statements = policy.get("Statement") or []
    if isinstance(statements, dict):
        statements = [statements]
    return _sorted(normalise_statement(statement) for statement in statements)


def function_exists(module, client, name):
    try:
        client.get_function_configuration(FunctionName=name, aws_retry=True)
    except is_boto3_error_code("ResourceNotFoundException"):
        return False
    except (BotoCoreError, ClientError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Failed to read permissions of Lambda function {name}")
    return True


def plan_changes(current, desired, purge):
    """(statement ids to remove, declared statements to add, predicted statements, removed)."""
    current_by_id = {statement["statement_id"]: statement for statement in current}
    declared_ids = {statement["statement_id"] for statement in desired}
    to_remove, to_add = [], []
    for statement in desired:
        have = current_by_id.get(statement["statement_id"])
        if have == statement:
            continue
        if have is not None:
            to_remove.append(statement["statement_id"])
        to_add.append(statement)
    undeclared = [s for s in current if s["statement_id"] not in declared_ids]
    purged = sorted(s["statement_id"] for s in undeclared) if purge else []
    kept = [] if purge else undeclared
    predicted = _sorted(kept + list(desired))
    return sorted(set(to_remove) | set(purged)), to_add, predicted, purged


def add_statement(module, client, name, permission):
    params = {
        "FunctionName": name,
        "StatementId": permission["statement_id"],
        "Action": permission["action"],
        "Principal": permission["principal"],
    }
    if permission["source_arn"] is not None:
        params["SourceArn"] = permission["source_arn"]
    if permission["source_account"] is not None:
        params["SourceAccount"] = permission["source_account"]
    try:
        client.add_permission(aws_retry=True, **params)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to add permissions of Lambda function {name}")


def remove_statement(module, client, name, sid):
    try:
        client.remove_permission(FunctionName=name, StatementId=sid, aws_retry=True)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to remove permissions of Lambda function {name}")


def result(module, changed, before, after, removed):
    outcome = {"changed": changed, "permissions": after, "removed": removed}
    if module._diff:
        outcome["diff"] = {"before": {"permissions": before}, "after": {"permissions": after}}
    return outcome


def manage_permissions(module, client):
    """Bring the function's policy to the declared statements; returns the result."""
    validate(module)
    name = module.params["function_name"]
    declared = {
        permission["statement_id"]: permission for permission in module.params["permissions"]
    }
    desired = _sorted(normalise_declared(permission) for permission in declared.values())

    current = read_statements(module, client, name)
    if current is None:
        # In check mode the function may be one that an earlier task of the same run would
        # create: predict its statements instead of failing the preview.
        if not module.check_mode:
            module.fail_json(
                msg=f"Failed to set permissions of Lambda function {name}: the function does "
                "not exist"
            )
        return result(module, bool(desired), [], desired, [])

    to_remove, to_add, predicted, purged = plan_changes(
        current, desired, module.params["purge_permissions"]
    )
    if not to_remove and not to_add:
        return result(module, False, current, current, [])
    if module.check_mode:
        return result(module, True, current, predicted, purged)

    for sid in to_remove:
        remove_statement(module, client, name, sid)
    for statement in to_add:
        add_statement(module, client, name, declared[statement["statement_id"]])
    after = read_statements(module, client, name) or []
    return result(module, True, current, after, purged)


def main():
    permission_spec = dict(
        statement_id=dict(type="str", required=True),
        action=dict(type="str", default="lambda:InvokeFunction"),
        principal=dict(type="str", required=True),
        source_arn=dict(type="str"),
        source_account=dict(type="str"),
    )
    argument_spec = dict(
        function_name=dict(type="str", required=True),
        permissions=dict(type="list", elements="dict", required=True, options=permission_spec),
        purge_permissions=dict(type="bool", default=True),
    )
    module = AWSModule(argument_spec=argument_spec, supports_check_mode=True)
    client = module.client("lambda", retry_decorator=LAMBDA_RETRY)
    module.exit_json(**manage_permissions(module, client))


if __name__ == "__main__":
    main()
