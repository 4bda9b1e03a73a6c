#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: dynamodb_table
short_description: Manage one DynamoDB table with its encryption, backups and protection
version_added: 0.1.0
description:
  - Creates, updates or deletes one DynamoDB table.
  - Manages the table's keys, billing mode, server-side encryption (SSE), point-in-time
    recovery (PITR), deletion protection and tags.
  - The key schema of an existing table is never changed and the table is never recreated.
    When the keys given differ from the table's, the module fails and names the option.
  - Secondary indexes, streams and the table class are not managed.
options:
  name:
    description:
      - Name of the table.
      - 3 to 255 characters, each a letter, a digit, V(_), V(.) or V(-).
    type: str
    required: true
  state:
    description:
      - V(present) creates the table or brings it in line with the options.
      - V(absent) deletes the table. A table with deletion protection on is not deleted;
        the module fails instead and never switches the protection off by itself.
    type: str
    choices: [present, absent]
    default: present
  hash_key_name:
    description:
      - Name of the partition (hash) key attribute.
      - Required when O(state=present).
    type: str
  hash_key_type:
    description:
      - Type of the partition key attribute, V(S) string, V(N) number or V(B) binary.
    type: str
    choices: [S, N, B]
    default: S
  range_key_name:
    description:
      - Name of the sort (range) key attribute. Leave out for a table without sort key.
    type: str
  range_key_type:
    description:
      - Type of the sort key attribute. V(S) when O(range_key_name) is set and this is not.
    type: str
    choices: [S, N, B]
  billing_mode:
    description:
      - V(PAY_PER_REQUEST) (on-demand) or V(PROVISIONED) capacity.
    type: str
    choices: [PAY_PER_REQUEST, PROVISIONED]
    default: PAY_PER_REQUEST
  read_capacity:
    description:
      - Provisioned read capacity units, at least 1.
      - Required with O(billing_mode=PROVISIONED), refused with V(PAY_PER_REQUEST).
    type: int
  write_capacity:
    description:
      - Provisioned write capacity units, at least 1.
      - Required with O(billing_mode=PROVISIONED), refused with V(PAY_PER_REQUEST).
    type: int
  sse:
    description:
      - "Server-side encryption, a mapping with the keys C(enabled) (boolean, default
        V(true)) and C(kms_key) (string, optional), for example
        C({enabled: true, kms_key: alias/aws/dynamodb})."
      - C(enabled=true) without C(kms_key) uses the AWS-managed key C(alias/aws/dynamodb).
      - C(enabled=true) with C(kms_key) uses that customer-managed key, given as key id, key
        ARN, alias name (C(alias/name)) or alias ARN.
      - C(enabled=false) uses the AWS-owned key; C(kms_key) is refused then.
      - The key is compared by ARN, so every way of naming the same key is the same setting.
        It must be in the C(Enabled) state, which is checked before any change is made.
      - Required when O(state=present).
    type: raw
  point_in_time_recovery:
    description:
      - Whether point-in-time recovery (continuous backups) is on.
    type: bool
    default: false
  recovery_period_days:
    description:
      - Days of point-in-time recovery history to keep, 1 to 35.
      - Only with O(point_in_time_recovery=true). When left out, the current period of the
        table is kept; AWS uses 35 when recovery is switched on without one.
    type: int
  deletion_protection:
    description:
      - Whether deletion protection is on.
    type: bool
    default: false
  wait_timeout:
    description:
      - Seconds to wait for the table to become C(ACTIVE) (or to be gone) after a change.
    type: int
    default: 300
notes:
  - A table's keys cannot change; a different O(hash_key_name), O(hash_key_type),
    O(range_key_name) or O(range_key_type) fails and names the option.
  - After a change of O(sse) the module reads the table back. If the endpoint accepted the
    change but did not apply it, the module fails with a message saying so rather than
    report encryption that is not in place. moto 5.2.5 ignores C(SSESpecification) on
    C(UpdateTable), so changing O(sse) on an existing table always fails there; encryption
    given at creation works.
  - Resolving the key needs C(kms:DescribeKey). On AWS, describing C(alias/aws/dynamodb)
    creates the AWS-managed key if the account does not have it yet, also in check mode.
  - Each kind of change (billing, deletion protection, encryption) is its own
    C(UpdateTable) call followed by a wait for C(ACTIVE), as DynamoDB takes one change at a
    time. AWS limits how often a table may switch billing mode.
  - Only the encryption is verified after a change; the other settings are reported as
    DynamoDB returns them.
  - Tags are read with C(ListTagsOfResource), which AWS documents as eventually consistent.
attributes:
  check_mode:
    description: Reports the predicted table and makes no change.
    support: full
  diff_mode:
    description: Returns the table before and after the change.
    support: full
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
author:
  - Items API platform team
"""

EXAMPLES = r"""
- name: Ensure the items table exists, encrypted with the AWS-managed key
  serverless.rest_api.dynamodb_table:
    name: items-dev
    hash_key_name: id
    hash_key_type: S
    sse:
      enabled: true
    point_in_time_recovery: true
    recovery_period_days: 35
    deletion_protection: true
    tags:
      Environment: dev

- name: Ensure the orders table uses a customer-managed KMS key and provisioned capacity
  serverless.rest_api.dynamodb_table:
    name: orders
    hash_key_name: customer_id
    range_key_name: created_at
    range_key_type: N
    billing_mode: PROVISIONED
    read_capacity: 5
    write_capacity: 5
    sse:
      enabled: true
      kms_key: alias/orders-table

- name: Ensure the scratch table is gone
  serverless.rest_api.dynamodb_table:
    name: scratch
    state: absent
"""

RETURN = r"""
table:
  description:
    - The table as read back after the change (predicted in check mode).
    - An empty dict when O(state=absent).
  returned: always
  type: dict
  contains:
    name:
      description: Table name.
      type: str
      sample: items-dev
    arn:
      description: Table ARN; null in check mode before the table exists.
      type: str
      sample: arn:aws:dynamodb:eu-west-1:123456789012:table/items-dev
    status:
      description: Table status.
      type: str
      sample: ACTIVE
    billing_mode:
      description: Billing mode.
      type: str
      sample: PAY_PER_REQUEST
    read_capacity:
      description: Provisioned read capacity units; null for on-demand tables.
      type: int
      sample: null
    write_capacity:
      description: Provisioned write capacity units; null for on-demand tables.
      type: int
      sample: null
    hash_key_name:
      description: Partition key attribute.
      type: str
      sample: id
    hash_key_type:
      description: Partition key type.
      type: str
      sample: S
    range_key_name:
      description: Sort key attribute; null when the table has none.
      type: str
      sample: null
    range_key_type:
      description: Sort key type; null when the table has none.
      type: str
      sample: null
    sse:
      description: Server-side encryption.
      type: dict
      contains:
        enabled:
          description: True for a KMS key (AWS-managed or customer), false for the AWS-owned key.
          type: bool
        type:
          description: V(KMS), or null for the AWS-owned key.
          type: str
        kms_key_arn:
          description: ARN of the KMS key, or null for the AWS-owned key.
          type: str
      sample:
        enabled: true
        type: KMS
        kms_key_arn: arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
    point_in_time_recovery:
      description: Whether point-in-time recovery is on.
      type: bool
      sample: true
    recovery_period_days:
      description: Days of recovery history; null when recovery is off.
      type: int
      sample: 35
    deletion_protection:
      description: Whether deletion protection is on.
      type: bool
      sample: true
    tags:
      description: Tags of the table.
      type: dict
      sample:
        Environment: dev
"""

import re
import time

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore

from ansible.module_utils.parsing.convert_bool import boolean
from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
)

from ansible_collections.serverless.rest_api.plugins.module_utils.common import (
    AWSModule,
    DEFAULT_RETRY,
    merged_tags,
    tag_changes,
)

# Right after CreateTable, AWS refuses UpdateContinuousBackups for a while with
# ContinuousBackupsUnavailableException; it clears up on its own.
DYNAMODB_RETRY = AWSRetry.jittered_backoff(
    retries=10,
    delay=1,
    max_delay=30,
    catch_extra_error_codes=["ContinuousBackupsUnavailableException"],
)

NAME_PATTERN = re.compile(r"[A-Za-z0-9_.-]{3,255}")
AWS_MANAGED_KEY = "alias/aws/dynamodb"
SSE_SHAPE = "{enabled: true, kms_key: alias/aws/dynamodb}"
SSE_KEYS = ("enabled", "kms_key")
# SSEDescription.Status values while DynamoDB is still switching keys.
SSE_SETTLING = ("ENABLING", "DISABLING", "UPDATING")
AWS_OWNED_SSE = {"enabled": False, "type": None, "kms_key_arn": None}
KEY_OPTIONS = ("hash_key_name", "hash_key_type", "range_key_name", "range_key_type")
PITR_DEFAULT_DAYS = 35
POLL_SECONDS = 5
TYPE_WORDS = {
    list: "list",
    str: "string",
    bool: "boolean",
    int: "number",
    float: "number",
    type(None): "null",
}


# ---------------------------------------------------------------- input checks


def parse_sse(module, value):
    """Check the raw sse option and return {"enabled": bool, "kms_key": str or None}."""
    if not isinstance(value, dict):
        kind = TYPE_WORDS.get(type(value), type(value).__name__)
        module.fail_json(msg=f"sse must be a mapping like {SSE_SHAPE}, got a {kind}")
    unknown = sorted(str(k) for k in value if k not in SSE_KEYS)
    if unknown:
        module.fail_json(
            msg=f"sse has unknown key(s) {', '.join(unknown)}; allowed keys are enabled and "
            f"kms_key, as in {SSE_SHAPE}"
        )
    enabled = value.get("enabled", True)
    try:
        enabled = boolean(enabled, strict=True)
    except TypeError:
        module.fail_json(msg=f"sse.enabled must be true or false, got {enabled!r}")
    kms_key = value.get("kms_key")
    if kms_key is not None and (not isinstance(kms_key, str) or not kms_key.strip()):
        module.fail_json(
            msg="sse.kms_key must be a KMS key id, key ARN, alias name (alias/name) or alias "
            f"ARN, got {kms_key!r}"
        )
    if not enabled and kms_key is not None:
        module.fail_json(
            msg=f"sse.kms_key ({kms_key}) cannot be used with sse.enabled=false, which means "
            "the AWS-owned key; set enabled: true to encrypt with a KMS key"
        )
    return {"enabled": enabled, "kms_key": kms_key.strip() if kms_key else None}


def validate(module):
    """Checks the argument spec cannot express; runs before any AWS call."""
    params = module.params
    name = params["name"]
    if not NAME_PATTERN.fullmatch(name):
        module.fail_json(
            msg=f"name must be 3 to 255 characters of letters, digits, '_', '.' and '-', "
            f"got {name!r} ({len(name)} characters)"
        )
    if params["wait_timeout"] < 1:
        module.fail_json(msg=f"wait_timeout must be at least 1, got {params['wait_timeout']}")
    if params["state"] == "absent":
        return None
    provisioned = params["billing_mode"] == "PROVISIONED"
    for option in ("read_capacity", "write_capacity"):
        value = params[option]
        if value is None:
            continue
        if not provisioned:
            module.fail_json(
                msg=f"{option} ({value}) is only valid with billing_mode=PROVISIONED, "
                "got billing_mode=PAY_PER_REQUEST"
            )
        if value < 1:
            module.fail_json(msg=f"{option} must be at least 1, got {value}")
    if params["range_key_name"] is not None and params["range_key_name"] == params["hash_key_name"]:
        module.fail_json(
            msg=f"range_key_name must differ from hash_key_name, both are "
            f"{params['hash_key_name']!r}"
        )
    days = params["recovery_period_days"]
    if days is not None:
        if not 1 <= days <= 35:
            module.fail_json(msg=f"recovery_period_days must be between 1 and 35, got {days}")
        if not params["point_in_time_recovery"]:
            module.fail_json(
                msg=f"recovery_period_days ({days}) needs point_in_time_recovery=true, "
                "got point_in_time_recovery=false"
            )
    return parse_sse(module, params["sse"])


# ---------------------------------------------------------------- reading AWS


def describe_table(module, client, name):
    """The TableDescription, or None when there is no such table."""
    try:
        return client.describe_table(TableName=name, aws_retry=True)["Table"]
    except is_boto3_error_code("ResourceNotFoundException"):
        return None
    except (BotoCoreError, ClientError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Failed to describe DynamoDB table {name}")


def describe_key(module, kms, key_id):
    """KMS KeyMetadata for a key id, key ARN, alias name or alias ARN."""
    try:
        return kms.describe_key(KeyId=key_id, aws_retry=True)["KeyMetadata"]
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to describe KMS key {key_id}")


def read_pitr(module, client, name):
    """(enabled, recovery period in days or None) from DescribeContinuousBackups."""
    try:
        response = client.describe_continuous_backups(TableName=name, aws_retry=True)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(
            e, msg=f"Failed to describe continuous backups of DynamoDB table {name}"
        )
    pitr = response["ContinuousBackupsDescription"].get("PointInTimeRecoveryDescription", {})
    enabled = pitr.get("PointInTimeRecoveryStatus") == "ENABLED"
    return enabled, (pitr.get("RecoveryPeriodInDays") if enabled else None)


def read_tags(module, client, name, arn):
    tags = []
    kwargs = {"ResourceArn": arn}
    try:
        while True:
            response = client.list_tags_of_resource(aws_retry=True, **kwargs)
            tags.extend(response.get("Tags", []))
            if not response.get("NextToken"):
                break
            kwargs["NextToken"] = response["NextToken"]
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to list tags of DynamoDB table {name}")
    return boto3_tag_list_to_ansible_dict(tags)


def sse_facts(module, kms, description):
    """Normalised SSE of a table; the key always as a key ARN."""
    if not description or description.get("Status") in ("DISABLED", "DISABLING"):
        return dict(AWS_OWNED_SSE)
    key = description.get("KMSMasterKeyArn")
    if key and ":key/" not in key:
        # DynamoDB reports a key ARN; some endpoints echo the alias they were given.
        key = describe_key(module, kms, key)["Arn"]
    return {"enabled": True, "type": description.get("SSEType", "KMS"), "kms_key_arn": key}


def table_facts(module, client, kms, table):
    """Snake_case facts of an existing table, read from DynamoDB."""
    name = table["TableName"]
    roles = {k["KeyType"]: k["AttributeName"] for k in table["KeySchema"]}
    types = {a["AttributeName"]: a["AttributeType"] for a in table.get("AttributeDefinitions", [])}
    billing = table.get("BillingModeSummary", {}).get("BillingMode", "PROVISIONED")
    throughput = table.get("ProvisionedThroughput", {})
    provisioned = billing == "PROVISIONED"
    pitr, days = read_pitr(module, client, name)
    range_key = roles.get("RANGE")
    return {
        "name": name,
        "arn": table["TableArn"],
        "status": table["TableStatus"],
        "billing_mode": billing,
        "read_capacity": throughput.get("ReadCapacityUnits") if provisioned else None,
        "write_capacity": throughput.get("WriteCapacityUnits") if provisioned else None,
        "hash_key_name": roles["HASH"],
        "hash_key_type": types.get(roles["HASH"]),
        "range_key_name": range_key,
        "range_key_type": types.get(range_key) if range_key else None,
        "sse": sse_facts(module, kms, table.get("SSEDescription")),
        "point_in_time_recovery": pitr,
        "recovery_period_days": days,
        "deletion_protection": table.get("DeletionProtectionEnabled", False),
        "tags": read_tags(module, client, name, table["TableArn"]),
    }


# ---------------------------------------------------------------- waiting


def wait_ready(module, client, name):
    """Poll until the table is ACTIVE with settled encryption; returns its description."""
    timeout = module.params["wait_timeout"]
    deadline = time.monotonic() + timeout
    while True:
        table = describe_table(module, client, name)
        if table is None:
            module.fail_json(
                msg=f"DynamoDB table {name} disappeared while waiting for it to be ACTIVE"
            )
        sse_status = (table.get("SSEDescription") or {}).get("Status")
        if table["TableStatus"] == "ACTIVE" and sse_status not in SSE_SETTLING:
            return table
        if time.monotonic() >= deadline:
            detail = f", encryption status {sse_status}" if sse_status else ""
            module.fail_json(
                msg=f"Timed out after {timeout} seconds waiting for DynamoDB table {name} to be "
                f"ACTIVE (table status {table['TableStatus']}{detail})"
            )
        time.sleep(POLL_SECONDS)


def wait_gone(module, client, name):
    timeout = module.params["wait_timeout"]
    deadline = time.monotonic() + timeout
    while describe_table(module, client, name) is not None:
        if time.monotonic() >= deadline:
            module.fail_json(
                msg=f"Timed out after {timeout} seconds waiting for DynamoDB table {name} "
                "to be deleted"
            )
        time.sleep(POLL_SECONDS)


# ---------------------------------------------------------------- desired state


def desired_sse(module, kms, sse):
    """Normalised desired SSE; resolves the key and checks that it is usable."""
    if not sse["enabled"]:
        return dict(AWS_OWNED_SSE)
    key_id = sse["kms_key"] or AWS_MANAGED_KEY
    key = describe_key(module, kms, key_id)
    if key.get("KeyState") != "Enabled":
        module.fail_json(
            msg=f"sse.kms_key {key_id} ({key['Arn']}) is in state {key.get('KeyState')}; "
            "DynamoDB needs a key in state Enabled"
        )
    return {"enabled": True, "type": "KMS", "kms_key_arn": key["Arn"]}


def sse_specification(sse, target):
    if not target["enabled"]:
        return {"Enabled": False}
    spec = {"Enabled": True, "SSEType": "KMS"}
    if sse["kms_key"]:
        spec["KMSMasterKeyId"] = target["kms_key_arn"]
    return spec


def desired_keys(params):
    range_name = params["range_key_name"]
    return {
        "hash_key_name": params["hash_key_name"],
        "hash_key_type": params["hash_key_type"],
        "range_key_name": range_name,
        "range_key_type": (params["range_key_type"] or "S") if range_name else None,
    }


def user_tags(tags):
    """Tags without the aws: prefix, the only ones a user can change."""
    return {k: v for k, v in tags.items() if not k.startswith("aws:")}


def predict(params, current, target_sse):
    """The table facts once the options are applied to current (None: a new table)."""
    provisioned = params["billing_mode"] == "PROVISIONED"
    after = dict(current) if current else {"name": params["name"], "arn": None, "status": "ACTIVE"}
    after.update(desired_keys(params) if current is None else {})
    after.update(
        billing_mode=params["billing_mode"],
        read_capacity=params["read_capacity"] if provisioned else None,
        write_capacity=params["write_capacity"] if provisioned else None,
        sse=target_sse,
        point_in_time_recovery=params["point_in_time_recovery"],
        deletion_protection=params["deletion_protection"],
    )
    days = None
    if params["point_in_time_recovery"]:
        days = params["recovery_period_days"]
        if days is None:
            current_on = current and current["point_in_time_recovery"]
            days = current["recovery_period_days"] if current_on else PITR_DEFAULT_DAYS
    after["recovery_period_days"] = days
    current_tags = current["tags"] if current else {}
    aws_tags = {k: v for k, v in current_tags.items() if k.startswith("aws:")}
    after["tags"] = {
        **aws_tags,
        **merged_tags(user_tags(current_tags), params["tags"], params["purge_tags"]),
    }
    return after


def check_keys(module, current):
    """Fail when the key options differ from the table's; keys never change in place."""
    wanted = desired_keys(module.params)
    wrong = [
        f"{option} is {current[option]!r} on the table, got {wanted[option]!r}"
        for option in KEY_OPTIONS
        if wanted[option] != current[option]
    ]
    if wrong:
        module.fail_json(
            msg=f"Cannot change the key schema of existing DynamoDB table {current['name']}: "
            f"{'; '.join(wrong)}. DynamoDB keys are fixed at creation; this module never "
            "recreates a table, so create a new table and migrate the data instead"
        )


def describe_sse(sse):
    if not sse["enabled"]:
        return "the AWS-owned key"
    return f"KMS key {sse['kms_key_arn']}"


# ---------------------------------------------------------------- writing


def update_table(module, client, name, what, **kwargs):
    try:
        client.update_table(TableName=name, aws_retry=True, **kwargs)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to update {what} of DynamoDB table {name}")
    wait_ready(module, client, name)


def set_pitr(module, client, name, enabled, days):
    spec = {"PointInTimeRecoveryEnabled": enabled}
    if enabled and days is not None:
        spec["RecoveryPeriodInDays"] = days
    try:
        client.update_continuous_backups(
            TableName=name, PointInTimeRecoverySpecification=spec, aws_retry=True
        )
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(
            e, msg=f"Failed to update point-in-time recovery of DynamoDB table {name}"
        )


def set_tags(module, client, name, arn, to_set, to_remove):
    try:
        if to_remove:
            client.untag_resource(ResourceArn=arn, TagKeys=to_remove, aws_retry=True)
        if to_set:
            client.tag_resource(
                ResourceArn=arn, Tags=ansible_dict_to_boto3_tag_list(to_set), aws_retry=True
            )
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to tag DynamoDB table {name}")


def create_table(module, client, sse, target):
    params = module.params
    name = params["name"]
    keys = desired_keys(params)
    attributes = [{"AttributeName": keys["hash_key_name"], "AttributeType": keys["hash_key_type"]}]
    schema = [{"AttributeName": keys["hash_key_name"], "KeyType": "HASH"}]
    if keys["range_key_name"]:
        attributes.append(
            {"AttributeName": keys["range_key_name"], "AttributeType": keys["range_key_type"]}
        )
        schema.append({"AttributeName": keys["range_key_name"], "KeyType": "RANGE"})
    request = {
        "TableName": name,
        "AttributeDefinitions": attributes,
        "KeySchema": schema,
        "BillingMode": params["billing_mode"],
        "SSESpecification": sse_specification(sse, target["sse"]),
        "DeletionProtectionEnabled": params["deletion_protection"],
    }
    if params["billing_mode"] == "PROVISIONED":
        request["ProvisionedThroughput"] = {
            "ReadCapacityUnits": params["read_capacity"],
            "WriteCapacityUnits": params["write_capacity"],
        }
    if target["tags"]:
        request["Tags"] = ansible_dict_to_boto3_tag_list(target["tags"])
    try:
        client.create_table(aws_retry=True, **request)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to create DynamoDB table {name}")
    wait_ready(module, client, name)
    if target["point_in_time_recovery"]:
        set_pitr(module, client, name, True, params["recovery_period_days"])


def apply_changes(module, client, current, target, sse, changed_fields):
    """Send only what differs, one kind of change per UpdateTable call."""
    params = module.params
    name = params["name"]
    if changed_fields & {"billing_mode", "read_capacity", "write_capacity"}:
        kwargs = {"BillingMode": target["billing_mode"]}
        if target["billing_mode"] == "PROVISIONED":
            kwargs["ProvisionedThroughput"] = {
                "ReadCapacityUnits": target["read_capacity"],
                "WriteCapacityUnits": target["write_capacity"],
            }
        update_table(module, client, name, "the billing mode", **kwargs)
    if "deletion_protection" in changed_fields:
        update_table(
            module, client, name, "deletion protection",
            DeletionProtectionEnabled=target["deletion_protection"],
        )
    if changed_fields & {"point_in_time_recovery", "recovery_period_days"}:
        set_pitr(
            module, client, name, target["point_in_time_recovery"], params["recovery_period_days"]
        )
    if "tags" in changed_fields:
        to_set, to_remove = tag_changes(
            user_tags(current["tags"]), params["tags"], params["purge_tags"]
        )
        set_tags(module, client, name, current["arn"], to_set, to_remove)
    # Encryption last: if the endpoint does not apply it, everything else is already done.
    if "sse" in changed_fields:
        update_table(
            module, client, name, "encryption",
            SSESpecification=sse_specification(sse, target["sse"]),
        )


# ---------------------------------------------------------------- the work


def result(module, changed, before, after):
    outcome = {"changed": changed, "table": after or {}}
    if module._diff:
        outcome["diff"] = {"before": before or {}, "after": after or {}}
    return outcome


def ensure_absent(module, client, kms):
    name = module.params["name"]
    table = describe_table(module, client, name)
    if table is None:
        return result(module, False, None, None)
    if table["TableStatus"] == "DELETING":
        if not module.check_mode:
            wait_gone(module, client, name)
        return result(module, False, None, None)
    if table.get("DeletionProtectionEnabled"):
        module.fail_json(
            msg=f"DynamoDB table {name} has deletion protection enabled, so it is not deleted. "
            "This module never switches the protection off by itself: run it with "
            "state=present and deletion_protection=false first, then delete the table"
        )
    before = None
    if module._diff:
        before = table_facts(module, client, kms, table)
    if module.check_mode:
        return result(module, True, before, None)
    if table["TableStatus"] != "ACTIVE":
        wait_ready(module, client, name)
    try:
        client.delete_table(TableName=name, aws_retry=True)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to delete DynamoDB table {name}")
    wait_gone(module, client, name)
    return result(module, True, before, None)


def ensure_present(module, client, kms, sse):
    params = module.params
    name = params["name"]
    table = describe_table(module, client, name)
    if table is not None and table["TableStatus"] == "DELETING":
        if not module.check_mode:
            wait_gone(module, client, name)
        table = None
    if table is not None and table["TableStatus"] != "ACTIVE":
        table = wait_ready(module, client, name)
    current = table_facts(module, client, kms, table) if table else None
    if current:
        check_keys(module, current)
    target = predict(params, current, desired_sse(module, kms, sse))

    if current is None:
        changed_fields = set(target)
    else:
        changed_fields = {field for field in target if target[field] != current[field]}
    if not changed_fields:
        return result(module, False, current, current)
    if module.check_mode:
        return result(module, True, current, target)

    if current is None:
        create_table(module, client, sse, target)
    else:
        apply_changes(module, client, current, target, sse, changed_fields)

    after = table_facts(module, client, kms, wait_ready(module, client, name))
    if after["sse"] != target["sse"]:
        module.fail_json(
            msg=f"DynamoDB table {name} is not encrypted as requested: the endpoint accepted "
            f"the encryption setting but did not apply it. The table uses "
            f"{describe_sse(after['sse'])}, not {describe_sse(target['sse'])}",
            changed=True,
            table=after,
        )
    return result(module, True, current, after)


def manage_table(module, client, kms):
    """Bring one table to the requested state; returns the result for exit_json."""
    sse = validate(module)
    if module.params["state"] == "absent":
        return ensure_absent(module, client, kms)
    return ensure_present(module, client, kms, sse)


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        hash_key_name=dict(type="str"),
        hash_key_type=dict(type="str", choices=["S", "N", "B"], default="S"),
        range_key_name=dict(type="str"),
        range_key_type=dict(type="str", choices=["S", "N", "B"]),
        billing_mode=dict(
            type="str", choices=["PAY_PER_REQUEST", "PROVISIONED"], default="PAY_PER_REQUEST"
        ),
        read_capacity=dict(type="int"),
        write_capacity=dict(type="int"),
        sse=dict(type="raw"),
        point_in_time_recovery=dict(type="bool", default=False),
        recovery_period_days=dict(type="int"),
        deletion_protection=dict(type="bool", default=False),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=300),
    )
    module = AWSModule(
        argument_spec=argument_spec,
        required_if=[
            ("state", "present", ["hash_key_name", "sse"]),
            ("billing_mode", "PROVISIONED", ["read_capacity", "write_capacity"]),
        ],
        required_by={"range_key_type": "range_key_name"},
        supports_check_mode=True,
    )
    client = module.client("dynamodb", retry_decorator=DYNAMODB_RETRY)
    kms = module.client("kms", retry_decorator=DEFAULT_RETRY)
    module.exit_json(**manage_table(module, client, kms))


if __name__ == "__main__":
    main()
