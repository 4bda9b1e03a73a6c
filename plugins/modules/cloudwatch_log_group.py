#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: cloudwatch_log_group
short_description: Manage a CloudWatch Logs log group, its retention, KMS key and tags
version_added: 0.1.0
description:
  - Creates, updates or deletes one Amazon CloudWatch Logs log group.
  - The group is read first and only the settings that differ are written, so a second run
    with the same arguments makes no write call. Check mode makes no write call at all.
options:
  name:
    description:
      - Name of the log group, for example C(/aws/lambda/items-api-dev).
      - 1 to 512 characters of C(a-z), C(A-Z), C(0-9), C(_), C(-), C(/), C(.) and C(#); it
        must not start with C(aws/).
    type: str
    required: true
  state:
    description:
      - V(present) creates the group or brings an existing one to the requested settings.
      - V(absent) deletes the group with all its log streams and log events.
    type: str
    choices: [present, absent]
    default: present
  retention_days:
    description:
      - Days CloudWatch Logs keeps the log events of the group.
      - Only the values CloudWatch Logs offers are accepted, 1, 3, 5, 7, 14, 30, 60, 90, 120,
        150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653.
      - When not given or null, log events never expire; an existing retention policy is
        removed with C(DeleteRetentionPolicy).
    type: int
  kms_key_arn:
    description:
      - ARN of the symmetric KMS key that encrypts newly ingested log events, in the form
        C(arn:<partition>:kms:<region>:<account>:key/<key id>). Alias names and alias ARNs
        are not accepted by CloudWatch Logs.
      - An empty string removes the key from the group (C(DisassociateKmsKey)).
      - When not given, the key of an existing group is left as it is.
    type: str
notes:
  - A new group gets its key and tags from C(CreateLogGroup) and its retention from
    C(PutRetentionPolicy). On an existing group retention is set with C(PutRetentionPolicy) or
    removed with C(DeleteRetentionPolicy), the key is changed with C(AssociateKmsKey) or
    removed with C(DisassociateKmsKey), and tags are changed with C(TagResource) and
    C(UntagResource) and read with C(ListTagsForResource). The tagging calls use the group
    ARN without the trailing C(:*), as AWS requires; the deprecated C(TagLogGroup),
    C(UntagLogGroup) and C(ListTagsLogGroup) are not used.
  - CloudWatch Logs needs a key policy that lets the C(logs.<region>.amazonaws.com) service
    principal use the key; without it AWS refuses the association. A key change can take up
    to five minutes to apply to ingested events. Events ingested under a previous key stay
    encrypted with it.
  - Tag keys starting with C(aws:) belong to AWS; they cannot be set and are never removed.
  - A group is found by its exact name through C(DescribeLogGroups) with the name as prefix.
  - "Local endpoint (moto 5.2.5) gaps: it accepts retention values and names that AWS
    refuses (the module checks both itself); it implements neither C(AssociateKmsKey) nor
    C(DisassociateKmsKey) and answers them with HTTP 500, so there a key can only be set when
    the group is created and a key change of an existing group fails."
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
attributes:
  check_mode:
    description: Reports what would change, with the predicted log group, without any write call.
    support: full
  diff_mode:
    description: Returns the log group before and after the change.
    support: full
author:
  - Items API platform team
"""

EXAMPLES = r"""
- name: Ensure the items handler's log group keeps logs for 90 days
  serverless.rest_api.cloudwatch_log_group:
    name: /aws/lambda/items-api-prod
    retention_days: 90
    tags:
      project: items-api
      environment: prod

- name: Ensure the audit log group is encrypted with the audit key and never expires
  serverless.rest_api.cloudwatch_log_group:
    name: /items-api/audit
    kms_key_arn: arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
    purge_tags: false

- name: Ensure the log group is gone
  serverless.rest_api.cloudwatch_log_group:
    name: /aws/lambda/items-api-dev
    state: absent
"""

RETURN = r"""
log_group:
  description: The log group after the run (predicted in check mode). Empty when O(state=absent).
  returned: always
  type: dict
  contains:
    name:
      description: Name of the group.
      type: str
      sample: /aws/lambda/items-api-dev
    arn:
      description:
        - ARN of the group without the trailing C(:*), the form the tagging APIs take.
        - Null in check mode when the group would be created.
      type: str
      sample: arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/items-api-dev
    retention_days:
      description: Days log events are kept; null when they never expire.
      type: int
      sample: 7
    kms_key_arn:
      description: ARN of the KMS key that encrypts the group; null when there is none.
      type: str
      sample: arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
    tags:
      description: Tags of the group.
      type: dict
      sample: {"project": "items-api", "environment": "dev"}
diff:
  description: The log group before and after, when diff mode is on.
  returned: when diff mode is on
  type: dict
  contains:
    before:
      description: The group before the run; empty when it did not exist.
      type: dict
    after:
      description: The group after the run; empty when it was deleted.
      type: dict
"""

import re

try:
    from botocore.exceptions import BotoCoreError, ClientError

    AWS_ERRORS = (ClientError, BotoCoreError)
except ImportError:
    AWS_ERRORS = ()  # AnsibleAWSModule reports the missing SDK before any AWS call

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code

from ansible_collections.serverless.rest_api.plugins.module_utils.common import (
    AWSModule,
    DEFAULT_RETRY,
    string_tags,
    tag_changes,
)

RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
    2922, 3288, 3653,
]
NAME_PATTERN = re.compile(r"[.\-_/#A-Za-z0-9]{1,512}")
KMS_KEY_ARN_PATTERN = re.compile(r"arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]+")
# Tag keys with this prefix belong to AWS: they can be neither set nor removed by a user.
AWS_TAG_PREFIX = "aws:"
MAX_TAGS = 50


def validate(module):
    """Checks the argument spec cannot express, made before any AWS call.

    Returns the desired settings: retention_days (None = never expire), kms_key_arn
    (None = leave alone, "" = no key) and tags (None = leave alone).
    """
    params = module.params
    errors = []
    # Checked here rather than with choices: choices would refuse an explicit null, which
    # means "never expire".
    days = params["retention_days"]
    if days is not None and (isinstance(days, bool) or days not in RETENTION_DAYS):
        allowed = ", ".join(str(value) for value in RETENTION_DAYS)
        errors.append(
            f"retention_days is {days}; CloudWatch Logs offers only {allowed} (days), or null "
            "for never expire."
        )
    name = params["name"]
    if not NAME_PATTERN.fullmatch(name):
        errors.append(
            f"name is {name!r}; it must be 1 to 512 characters of a-z, A-Z, 0-9, '_', '-', "
            "'/', '.' and '#'."
        )
    elif name.startswith("aws/"):
        errors.append(f"name is {name!r}; CloudWatch Logs reserves names starting with 'aws/'.")

    key = params["kms_key_arn"]
    if key and not KMS_KEY_ARN_PATTERN.fullmatch(key):
        errors.append(
            f"kms_key_arn is {key!r}; it must be a KMS key ARN "
            "(arn:<partition>:kms:<region>:<account>:key/<key id>), or an empty string to "
            "remove the key. Alias names and alias ARNs are not accepted."
        )

    tags = string_tags(params["tags"])
    if tags is not None:
        if len(tags) > MAX_TAGS:
            errors.append(f"tags has {len(tags)} tags; a log group can have at most {MAX_TAGS}.")
        for tag_key, value in sorted(tags.items()):
            if tag_key.startswith(AWS_TAG_PREFIX):
                errors.append(f"tags.{tag_key}: keys starting with 'aws:' are reserved by AWS.")
            elif not 1 <= len(tag_key) <= 128:
                errors.append(f"tags key {tag_key!r} must be 1 to 128 characters long.")
            if len(value) > 256:
                errors.append(f"tags.{tag_key} has {len(value)} characters; at most 256.")
    if errors:
        module.fail_json(msg=" ".join(errors))
    return {"retention_days": params["retention_days"], "kms_key_arn": key, "tags": tags}


def group_arn(group):
    """ARN without the trailing :*, the form TagResource and ListTagsForResource expect."""
    arn = group.get("logGroupArn")
    if arn:
        return arn
    arn = group.get("arn") or ""
    return arn[:-2] if arn.endswith(":*") else arn


def find_group(module, client, name):
    """The DescribeLogGroups entry named exactly name, or None."""
    params = {"logGroupNamePrefix": name}
    try:
        while True:
            page = client.describe_log_groups(aws_retry=True, **params)
            for group in page.get("logGroups") or []:
                if group.get("logGroupName") == name:
                    return group
            token = page.get("nextToken")
            if not token:
                return None
            params["nextToken"] = token
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg=f"Failed to describe log group {name}")


def read_tags(module, client, name, arn):
    try:
        return client.list_tags_for_resource(resourceArn=arn, aws_retry=True).get("tags") or {}
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg=f"Failed to list tags of log group {name}")


def read_group(module, client, name):
    """The log group as facts (see RETURN), or None when it does not exist."""
    group = find_group(module, client, name)
    if group is None:
        return None
    arn = group_arn(group)
    return {
        "name": group["logGroupName"],
        "arn": arn,
        "retention_days": group.get("retentionInDays"),
        "kms_key_arn": group.get("kmsKeyId"),
        "tags": dict(read_tags(module, client, name, arn)),
    }


def tag_updates(current, desired, purge):
    """(to_set, to_remove) for desired tags; keys starting with aws: are never removed."""
    to_set, to_remove = tag_changes(current, desired, purge)
    return to_set, [key for key in to_remove if not key.startswith(AWS_TAG_PREFIX)]


def predicted_tags(current, desired, purge):
    to_set, to_remove = tag_updates(current, desired, purge)
    result = {k: v for k, v in current.items() if k not in to_remove}
    result.update(to_set)
    return result


def finish(module, changed, before, after):
    result = {"changed": changed, "log_group": after}
    if module._diff:
        result["diff"] = {"before": before, "after": after}
    module.exit_json(**result)


def delete_group(module, client, before):
    name = before["name"]
    if module.check_mode:
        finish(module, True, before, {})
    try:
        client.delete_log_group(logGroupName=name, aws_retry=True)
    except is_boto3_error_code("ResourceNotFoundException"):
        pass  # deleted by someone else since it was read: the requested state holds
    except AWS_ERRORS as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Failed to delete log group {name}")
    finish(module, True, before, {})


def put_retention(module, client, name, days):
    try:
        if days is None:
            client.delete_retention_policy(logGroupName=name, aws_retry=True)
        else:
            client.put_retention_policy(logGroupName=name, retentionInDays=days, aws_retry=True)
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg=f"Failed to set the retention of log group {name}")


def read_back(module, client, name):
    after = read_group(module, client, name)
    if after is None:
        module.fail_json(msg=f"Failed to read log group {name}: it is gone after the change")
    return after


def create_group(module, client, desired):
    name = module.params["name"]
    tags = desired["tags"] or {}
    predicted = {
        "name": name,
        "arn": None,
        "retention_days": desired["retention_days"],
        "kms_key_arn": desired["kms_key_arn"] or None,
        "tags": dict(tags),
    }
    if module.check_mode:
        finish(module, True, {}, predicted)

    request = {"logGroupName": name}
    if desired["kms_key_arn"]:
        request["kmsKeyId"] = desired["kms_key_arn"]
    if tags:
        request["tags"] = tags
    try:
        client.create_log_group(aws_retry=True, **request)
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg=f"Failed to create log group {name}")
    # A new group keeps its events forever until a retention policy is put.
    if desired["retention_days"] is not None:
        put_retention(module, client, name, desired["retention_days"])
    finish(module, True, {}, read_back(module, client, name))


def update_group(module, client, before, desired):
    name = before["name"]
    purge_tags = module.params["purge_tags"]
    changes = {}
    if before["retention_days"] != desired["retention_days"]:
        changes["retention_days"] = desired["retention_days"]
    if desired["kms_key_arn"] is not None:
        key = desired["kms_key_arn"] or None
        if before["kms_key_arn"] != key:
            changes["kms_key_arn"] = key
    tags_to_set, tags_to_remove = tag_updates(before["tags"], desired["tags"], purge_tags)
    if not (changes or tags_to_set or tags_to_remove):
        finish(module, False, before, before)

    predicted = dict(before, **changes)
    predicted["tags"] = predicted_tags(before["tags"], desired["tags"], purge_tags)
    if module.check_mode:
        finish(module, True, before, predicted)

    if "retention_days" in changes:
        put_retention(module, client, name, changes["retention_days"])
    if "kms_key_arn" in changes:
        key = changes["kms_key_arn"]
        try:
            if key is None:
                client.disassociate_kms_key(logGroupName=name, aws_retry=True)
            else:
                client.associate_kms_key(logGroupName=name, kmsKeyId=key, aws_retry=True)
        except AWS_ERRORS as e:
            verb = "remove the KMS key of" if key is None else "associate the KMS key with"
            module.fail_json_aws(e, msg=f"Failed to {verb} log group {name}")
    try:
        if tags_to_remove:
            client.untag_resource(
                resourceArn=before["arn"], tagKeys=tags_to_remove, aws_retry=True
            )
        if tags_to_set:
            client.tag_resource(resourceArn=before["arn"], tags=tags_to_set, aws_retry=True)
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg=f"Failed to update tags of log group {name}")
    finish(module, True, before, read_back(module, client, name))


def ensure_log_group(module, client):
    """Bring the log group to the requested state and exit the module."""
    desired = validate(module)
    name = module.params["name"]
    before = read_group(module, client, name)
    if module.params["state"] == "absent":
        if before is None:
            finish(module, False, {}, {})
        delete_group(module, client, before)
    if before is None:
        create_group(module, client, desired)
    update_group(module, client, before, desired)


def build_module():
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        retention_days=dict(type="int"),
        kms_key_arn=dict(type="str"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    return AWSModule(argument_spec=argument_spec, supports_check_mode=True)


def main():
    module = build_module()
    client = module.client("logs", retry_decorator=DEFAULT_RETRY)
    ensure_log_group(module, client)


if __name__ == "__main__":
    main()
