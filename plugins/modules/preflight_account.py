#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: preflight_account
short_description: Check, read-only, that the account can take the deploy's settings
version_added: 0.1.0
description:
  - >-
    Reads the account before a deploy changes anything and fails with every problem at
    once, one line per problem, in the form
    C(<setting>: <problem>; got <value>; allowed: <what is allowed>), followed by
    C( (from <origin>)) when the entry gives an origin.
  - Each KMS key in O(kms_keys) must exist in the region and be C(Enabled) (C(DescribeKey)).
  - The reservation in O(concurrency) must leave the account at least
    O(concurrency.min_unreserved) unreserved concurrent executions. The module reads the
    account limit and the unreserved executions (C(GetAccountSettings)) and the function's
    current reservation (C(GetFunctionConcurrency)), which is counted back in because the
    new reservation replaces it.
  - Makes only C(Describe) and C(Get) calls, in check mode as in a real run.
options:
  kms_keys:
    description: KMS keys that must exist and be enabled.
    type: list
    elements: dict
    default: []
    suboptions:
      setting:
        description: Name of the setting the key comes from, used in messages.
        type: str
        required: true
      key:
        description: Key id, key ARN, alias name (C(alias/...)) or alias ARN.
        type: str
        required: true
      origin:
        description: Where the setting was set (C(file:line)), added to messages.
        type: str
  concurrency:
    description: The function whose reserved concurrency must fit in the account.
    type: dict
    suboptions:
      setting:
        description: Name of the setting the reservation comes from, used in messages.
        type: str
        default: reserved_concurrency
      function_name:
        description: Name of the function (it need not exist yet).
        type: str
        required: true
      reserved_concurrency:
        description: Concurrent executions the deploy will reserve for the function, 0 or more.
        type: int
        required: true
      min_unreserved:
        description:
          - Unreserved concurrent executions the account must keep after the reservation.
          - AWS keeps 100 on accounts with the default quota, 10 or 50 on low-quota ones.
        type: int
        default: 100
      origin:
        description: Where the setting was set (C(file:line)), added to messages.
        type: str
notes:
  - When the endpoint does not implement C(GetAccountSettings) (moto 5.2.5 answers HTTP
    404), the module warns once that the concurrency quota check was skipped and goes on.
  - On AWS, describing an AWS-managed alias such as C(alias/aws/lambda) that was never used
    makes KMS create the AWS-managed key (AWS documents this for C(DescribeKey)); it is
    still a read of the account's configuration.
  - Other AWS errors (for example access denied) fail the module at once.
attributes:
  check_mode:
    description: Reads only, so it runs the same in check mode.
    support: full
  diff_mode:
    description: Changes nothing, so it never reports a difference.
    support: full
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
author:
  - Items API platform team
"""

EXAMPLES = r"""
- name: Ensure the keys exist and the reservation fits in the account
  serverless.rest_api.preflight_account:
    region: eu-west-1
    kms_keys:
      - setting: table_sse.kms_key
        key: alias/aws/dynamodb
      - setting: lambda_kms_key
        key: arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
    concurrency:
      setting: lambda_reserved_concurrency
      function_name: items-api-prod-items
      reserved_concurrency: 100
      min_unreserved: 100
"""

RETURN = r"""
kms_keys:
  description: The keys as KMS describes them, in the order given.
  returned: always
  type: list
  elements: dict
  contains:
    setting:
      description: The setting the key comes from.
      type: str
      sample: lambda_kms_key
    key:
      description: The key as given.
      type: str
      sample: alias/aws/lambda
    key_arn:
      description: ARN of the key; null when it does not exist.
      type: str
      sample: arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
    key_state:
      description:
        - State of the key (C(Enabled), C(Disabled), C(PendingDeletion)...); null when it
          does not exist.
      type: str
      sample: Enabled
concurrency:
  description: The account's concurrency as read, and what the reservation leaves.
  returned: always
  type: dict
  contains:
    checked:
      description:
        - Whether the quota check ran; false when no O(concurrency) was given or the
          endpoint lacks C(GetAccountSettings).
      type: bool
      sample: true
    account_limit:
      description: The account's concurrent executions limit.
      type: int
      sample: 1000
    unreserved:
      description: Executions no function reserves, now.
      type: int
      sample: 900
    function_reserved:
      description: The function's current reservation; 0 when none or no function exists.
      type: int
      sample: 10
    unreserved_after:
      description:
        - Unreserved executions once the function holds
          O(concurrency.reserved_concurrency).
      type: int
      sample: 890
"""

import json

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code

from ansible_collections.serverless.rest_api.plugins.module_utils.common import (
    AWSModule,
    DEFAULT_RETRY,
)
from ansible_collections.serverless.rest_api.plugins.module_utils.common import is_not_implemented

SKIPPED_QUOTA_WARNING = (
    "Skipped the concurrency quota check: the endpoint does not implement Lambda "
    "GetAccountSettings, so the account's concurrency limit is unknown"
)


def problem_line(entry, setting_key, problem, got, allowed):
    """One report line; `got` is shown as JSON so strings and numbers read unambiguously."""
    line = f"{entry[setting_key]}: {problem}; got {json.dumps(got)}; allowed: {allowed}"
    return f"{line} (from {entry['origin']})" if entry.get("origin") else line


def check_kms_key(module, client, entry, problems):
    """Describe one key; add a problem when it is missing or not enabled."""
    region = module.region
    try:
        metadata = client.describe_key(KeyId=entry["key"], aws_retry=True)["KeyMetadata"]
    except is_boto3_error_code("NotFoundException"):
        problems.append(
            problem_line(
                entry, "setting", f"no such KMS key in {region}", entry["key"],
                f"an existing, enabled KMS key in {region}",
            )
        )
        return {"setting": entry["setting"], "key": entry["key"], "key_arn": None,
                "key_state": None}
    except (BotoCoreError, ClientError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Failed to describe KMS key {entry['key']}")
    state = metadata.get("KeyState")
    if state != "Enabled":
        problems.append(
            problem_line(
                entry, "setting", f"the KMS key is {state}", entry["key"],
                "an enabled KMS key",
            )
        )
    return {"setting": entry["setting"], "key": entry["key"], "key_arn": metadata.get("Arn"),
            "key_state": state}


def read_reservation(module, client, name):
    """The function's reserved concurrency; 0 when none is reserved or it does not exist."""
    try:
        response = client.get_function_concurrency(FunctionName=name, aws_retry=True)
    except is_boto3_error_code("ResourceNotFoundException"):
        return 0
    except (BotoCoreError, ClientError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Failed to get reserved concurrency of Lambda function {name}")
    return response.get("ReservedConcurrentExecutions") or 0


def check_concurrency(module, client, entry, problems):
    """Check that the reservation leaves the account its minimum unreserved pool."""
    outcome = {"checked": False, "account_limit": None, "unreserved": None,
               "function_reserved": None, "unreserved_after": None}
    try:
        limit = client.get_account_settings(aws_retry=True)["AccountLimit"]
    except (BotoCoreError, ClientError) as e:
        if not is_not_implemented(e):
            module.fail_json_aws(e, msg="Failed to get Lambda account settings")
        module.warn(SKIPPED_QUOTA_WARNING)
        return outcome
    total = limit["ConcurrentExecutions"]
    unreserved = limit["UnreservedConcurrentExecutions"]
    held = read_reservation(module, client, entry["function_name"])
    # Other functions hold what is neither unreserved nor ours; ours is replaced.
    others = total - unreserved - held
    desired = entry["reserved_concurrency"]
    minimum = entry["min_unreserved"]
    after = total - others - desired
    outcome.update(checked=True, account_limit=total, unreserved=unreserved,
                   function_reserved=held, unreserved_after=after)
    if after < minimum:
        largest = total - others - minimum
        allowed = (
            f"0 to {largest} (the account's {total} less {others} reserved by other functions "
            f"and the {minimum} kept unreserved)"
            if largest >= 0
            else f"no reservation: other functions already reserve {others} of {total}"
        )
        problems.append(
            problem_line(
                entry, "setting",
                f"would leave {after} of the account's {total} concurrent executions "
                f"unreserved, fewer than the minimum of {minimum}",
                desired, allowed,
            )
        )
    return outcome


def check_account(module, kms_client, lambda_client):
    """Run every check; fail once with all problems, else return the facts read."""
    params = module.params
    problems = []
    keys = [check_kms_key(module, kms_client, entry, problems) for entry in params["kms_keys"]]
    concurrency = {"checked": False, "account_limit": None, "unreserved": None,
                   "function_reserved": None, "unreserved_after": None}
    if params["concurrency"]:
        concurrency = check_concurrency(module, lambda_client, params["concurrency"], problems)
    if problems:
        count = f"{len(problems)} problem{'s' if len(problems) > 1 else ''}"
        module.fail_json(
            msg="Pre-flight found the account cannot take the settings; nothing was changed. "
            f"{count}, one per line:\n" + "\n".join(problems),
            errors=problems, kms_keys=keys, concurrency=concurrency,
        )
    return {"changed": False, "kms_keys": keys, "concurrency": concurrency}


def validate(module):
    """Checks the argument spec cannot express; run before any AWS call."""
    concurrency = module.params["concurrency"]
    if not concurrency:
        return
    for option in ("reserved_concurrency", "min_unreserved"):
        value = concurrency[option]
        if value < 0:
            module.fail_json(
                msg=f"concurrency.{option}: below the minimum of 0; got {value}; allowed: a "
                "whole number, 0 or more"
            )


def main():
    argument_spec = dict(
        kms_keys=dict(
            type="list",
            elements="dict",
            default=[],
            options=dict(
                setting=dict(type="str", required=True),
                key=dict(type="str", required=True, no_log=False),
                origin=dict(type="str"),
            ),
        ),
        concurrency=dict(
            type="dict",
            options=dict(
                setting=dict(type="str", default="reserved_concurrency"),
                function_name=dict(type="str", required=True),
                reserved_concurrency=dict(type="int", required=True),
                min_unreserved=dict(type="int", default=100),
                origin=dict(type="str"),
            ),
        ),
    )
    module = AWSModule(argument_spec=argument_spec, supports_check_mode=True)
    validate(module)
    kms_client = module.client("kms", retry_decorator=DEFAULT_RETRY)
    lambda_client = module.client("lambda", retry_decorator=DEFAULT_RETRY)
    module.exit_json(**check_account(module, kms_client, lambda_client))


if __name__ == "__main__":
    main()
