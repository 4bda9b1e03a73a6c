#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: lambda_concurrency
short_description: Manage the reserved concurrency of one Lambda function
version_added: 0.1.0
description:
  - Sets or removes the reserved concurrency of one Lambda function. The reservation applies
    to all versions and aliases of the function.
  - Before it changes a reservation, the module checks the change against the account's
    concurrency quota, so a value AWS would refuse fails with a message that says what is
    allowed.
options:
  function_name:
    description:
      - Name, ARN or partial ARN (C(123456789012:function:name)) of the function, without a
        version or alias.
    type: str
    required: true
  state:
    description:
      - V(present) reserves O(reserved_concurrency) executions for the function.
      - V(absent) removes the reservation, so the function draws on the unreserved pool.
    type: str
    choices: [present, absent]
    default: present
  reserved_concurrency:
    description:
      - Concurrent executions reserved for the function, 0 or more.
      - V(0) is a real value, which throttles every invocation of the function. To remove
        the reservation use O(state=absent).
      - Required when O(state=present).
    type: int
  min_unreserved:
    description:
      - Unreserved concurrent executions the account must keep after the change.
      - AWS keeps 100 on accounts with the default quota (fewer on accounts with a lower
        quota), so a smaller value here does not let more through.
    type: int
    default: 100
notes:
  - The quota check reads C(GetAccountSettings). The unreserved executions after the change
    are the account's current C(UnreservedConcurrentExecutions) plus the function's current
    reservation minus O(reserved_concurrency); below O(min_unreserved) the module fails.
  - When the endpoint does not implement C(GetAccountSettings) (moto 5.2.5 answers with HTTP
    404), the module warns that the quota check was skipped and goes on. moto then accepts
    any value unless its server runs with C(MOTO_LAMBDA_CONCURRENCY_QUOTA) set, in which case
    it refuses values that leave fewer than 100 unreserved executions.
  - The quota is only checked when the reservation changes, and never for O(state=absent),
    which frees executions. O(state=absent) does not read the account settings.
  - O(state=absent) for a function that does not exist succeeds without change; O(state=present)
    fails for it, except in check mode, where it predicts the reservation of the function that
    an earlier task of the same run would create.
attributes:
  check_mode:
    description: Reports the predicted reservation and makes no change.
    support: full
  diff_mode:
    description: Returns the reservation before and after the change.
    support: full
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
author:
  - Items API platform team
"""

EXAMPLES = r"""
- name: Ensure the items handler has 50 concurrent executions reserved
  serverless.rest_api.lambda_concurrency:
    function_name: items-api-dev
    reserved_concurrency: 50

- name: Ensure the items handler is throttled completely
  serverless.rest_api.lambda_concurrency:
    function_name: arn:aws:lambda:eu-west-1:123456789012:function:items-api-dev
    reserved_concurrency: 0

- name: Ensure the items handler has no reservation
  serverless.rest_api.lambda_concurrency:
    function_name: items-api-dev
    state: absent
"""

RETURN = r"""
reserved_concurrency:
  description:
    - Reserved concurrent executions of the function after the change (predicted in check
      mode); null when none is reserved.
  returned: always
  type: int
  sample: 50
account:
  description:
    - The account's concurrency from C(GetAccountSettings), after the change (predicted in
      check mode).
    - Both values are null when they are unknown, for O(state=absent) or when the endpoint
      lacks C(GetAccountSettings).
  returned: always
  type: dict
  contains:
    concurrent_executions:
      description: The account's concurrency limit.
      type: int
      sample: 1000
    unreserved_concurrent_executions:
      description: Executions not reserved by any function.
      type: int
      sample: 950
quota_checked:
  description:
    - Whether the change was checked against the account's quota. False when nothing changed,
      for O(state=absent) and when the endpoint lacks C(GetAccountSettings).
  returned: always
  type: bool
  sample: true
"""

import re

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code

from ansible_collections.serverless.rest_api.plugins.module_utils.common import (
    AWSModule,
    LAMBDA_RETRY,
    is_not_implemented,
)


# A name, a partial ARN (account:function:name) or a full ARN, with no version or alias.
FUNCTION_PATTERN = re.compile(
    r"(arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:|\d{12}:function:)?[A-Za-z0-9_-]{1,64}"
)
UNKNOWN_ACCOUNT = {"concurrent_executions": None, "unreserved_concurrent_executions": None}


def validate(module):
    """Checks the argument spec cannot express; runs before any AWS call."""
    params = module.params
    name = params["function_name"]
    if not FUNCTION_PATTERN.fullmatch(name):
        module.fail_json(
            msg="function_name must be a function name, ARN or partial ARN without a version "
            f"or alias, got {name!r}"
        )
    for option in ("reserved_concurrency", "min_unreserved"):
        value = params[option]
        if value is not None and value < 0:
            module.fail_json(msg=f"{option} must be 0 or more, got {value}")


def read_reservation(module, client, name):
    """(function exists, reserved concurrency or None when none is reserved)."""
    try:
        response = client.get_function_concurrency(FunctionName=name, aws_retry=True)
    except is_boto3_error_code("ResourceNotFoundException"):
        return False, None
    except (BotoCoreError, ClientError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Failed to get reserved concurrency of Lambda function {name}")
    return True, response.get("ReservedConcurrentExecutions")


def read_account(module, client):
    """Account concurrency facts, or None when the endpoint lacks GetAccountSettings."""
    try:
        limit = client.get_account_settings(aws_retry=True)["AccountLimit"]
    except (BotoCoreError, ClientError) as e:
        if is_not_implemented(e):
            return None
        module.fail_json_aws(e, msg="Failed to get Lambda account settings")
    return {
        "concurrent_executions": limit.get("ConcurrentExecutions"),
        "unreserved_concurrent_executions": limit.get("UnreservedConcurrentExecutions"),
    }


def check_quota(module, account, current, desired):
    """Fail when the change leaves fewer unreserved executions than min_unreserved.

    Returns the predicted unreserved executions after the change.
    """
    name = module.params["function_name"]
    minimum = module.params["min_unreserved"]
    unreserved = account["unreserved_concurrent_executions"]
    held = current or 0
    after = unreserved + held - desired
    if after >= minimum:
        return after
    largest = unreserved + held - minimum
    allowed = (
        f"the largest value allowed is {largest}"
        if largest >= 0
        else "no reservation fits, not even 0"
    )
    module.fail_json(
        msg=f"reserved_concurrency={desired} for Lambda function {name} would leave {after} "
        f"unreserved concurrent executions, fewer than min_unreserved={minimum}; the account "
        f"limit is {account['concurrent_executions']}, {unreserved} are unreserved now and "
        f"the function holds {held}, so {allowed}"
    )


def result(module, changed, before, after, account, quota_checked):
    outcome = {
        "changed": changed,
        "reserved_concurrency": after,
        "account": account or dict(UNKNOWN_ACCOUNT),
        "quota_checked": quota_checked,
    }
    if module._diff:
        outcome["diff"] = {
            "before": {"reserved_concurrency": before},
            "after": {"reserved_concurrency": after},
        }
    return outcome


def ensure_absent(module, client):
    name = module.params["function_name"]
    exists, current = read_reservation(module, client, name)
    if not exists or current is None:
        # No function or no reservation: nothing is reserved.
        return result(module, False, None, None, None, False)
    if not module.check_mode:
        try:
            client.delete_function_concurrency(FunctionName=name, aws_retry=True)
        except (BotoCoreError, ClientError) as e:
            module.fail_json_aws(
                e, msg=f"Failed to delete reserved concurrency of Lambda function {name}"
            )
    return result(module, True, current, None, None, False)


def ensure_present(module, client):
    name = module.params["function_name"]
    desired = module.params["reserved_concurrency"]
    exists, current = read_reservation(module, client, name)
    # In check mode the function may be one that an earlier task of the same run would
    # create: predict the reservation for it instead of failing the preview.
    if not exists and not module.check_mode:
        module.fail_json(
            msg=f"Failed to reserve concurrency for Lambda function {name}: the function "
            "does not exist"
        )
    account = read_account(module, client)
    if current == desired:
        return result(module, False, current, current, account, False)

    quota_checked = account is not None
    if quota_checked:
        unreserved_after = check_quota(module, account, current, desired)
    else:
        module.warn(
            f"Skipped the concurrency quota check for Lambda function {name}: the endpoint "
            "lacks GetAccountSettings, so the account's unreserved concurrency is unknown"
        )
    if module.check_mode:
        if quota_checked:
            account = dict(account, unreserved_concurrent_executions=unreserved_after)
        return result(module, True, current, desired, account, quota_checked)

    try:
        client.put_function_concurrency(
            FunctionName=name, ReservedConcurrentExecutions=desired, aws_retry=True
        )
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to set reserved concurrency of Lambda function {name}")
    after = read_reservation(module, client, name)[1]
    if quota_checked:
        account = read_account(module, client)
    return result(module, True, current, after, account, quota_checked)


def manage_concurrency(module, client):
    """Bring one function's reservation to the requested state; returns the result."""
    validate(module)
    if module.params["state"] == "absent":
        return ensure_absent(module, client)
    return ensure_present(module, client)


def main():
    argument_spec = dict(
        function_name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        reserved_concurrency=dict(type="int"),
        min_unreserved=dict(type="int", default=100),
    )
    module = AWSModule(
        argument_spec=argument_spec,
        required_if=[("state", "present", ["reserved_concurrency"])],
        supports_check_mode=True,
    )
    client = module.client("lambda", retry_decorator=LAMBDA_RETRY)
    module.exit_json(**manage_concurrency(module, client))


if __name__ == "__main__":
    main()
