#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: apigw_api_key
short_description: Manage an API Gateway API key without ever handling its value
version_added: 0.1.0
description:
  - Creates, updates or deletes an Amazon API Gateway API key.
  - API key names are not unique in an account, so the key is found by O(name) together
    with O(lookup_tags) (the key called O(name) whose tags contain every lookup tag).
  - AWS generates the key value. This module never asks AWS for it, and never returns,
    logs or diffs it. Read the value by key id with the API Gateway console or API, for
    example C(aws apigateway get-api-key --api-key <id> --include-value).
options:
  name:
    description:
      - Name of the API key.
    type: str
    required: true
  lookup_tags:
    description:
      - Tags that, together with O(name), identify the key.
      - When several keys have this name and all these tags, the module fails and lists
        their ids.
      - The lookup tags are always added to the tags of a new key and kept on an existing
        one, even with O(purge_tags=true), so the next run finds the same key.
      - Values are compared as strings.
    type: dict
    default: {}
  state:
    description:
      - V(present) creates or updates the key, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  description:
    description:
      - Description of the key. Left as it is when not given.
    type: str
  enabled:
    description:
      - Whether callers can use the key.
    type: bool
    default: true
notes:
  - The key value cannot be set or read with this module; see the description.
  - Tags are applied with TagResource and UntagResource on
    C(arn:<partition>:apigateway:<region>::/apikeys/<id>).
    Tag values are compared as strings. Tag keys starting with C(aws:) belong to AWS and are
    never removed.
  - When TagResource or UntagResource fails because the endpoint does not implement it for
    API keys (error code C(404) - an HTTP 404 without an AWS error body - C(NotImplemented),
    C(UnknownOperationException) or C(NotFound)), the module does not fail. It adds one
    warning, returns the tags it reads back rather than the desired ones and does not count
    the skipped write as a change, so a run whose only change is such a tag change reports
    C(changed=false) and the same warning on every run. Any other tagging error fails the
    module. AWS implements both calls for API keys.
  - "Local endpoint (moto 5.2.5) gaps: the key listing ignores the name filter (the module
    always filters by name itself); it routes TagResource and UntagResource only for stage
    ARNs and answers HTTP 404 for a key, so there the tags of an existing key are not
    changed (with the warning above; tags given at creation work)."
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
attributes:
  check_mode:
    description: Reports what would change, with the predicted key, without any write call.
    support: full
  diff_mode:
    description: Returns the key before and after the change (never the key value).
    support: full
author:
  - Items API platform team
"""

EXAMPLES = r"""
- name: Ensure the items API key for the web client exists
  serverless.rest_api.apigw_api_key:
    name: items-dev-web
    description: Key of the web client of the items API (dev)
    lookup_tags:
      project: items-api
      environment: dev
    tags:
      owner: platform
  register: items_api_key

- name: Ensure the web client key is disabled
  serverless.rest_api.apigw_api_key:
    name: items-dev-web
    lookup_tags:
      project: items-api
      environment: dev
    enabled: false

- name: Ensure the old key is gone
  serverless.rest_api.apigw_api_key:
    name: items-dev-legacy
    lookup_tags:
      project: items-api
      environment: dev
    state: absent
"""

RETURN = r"""
api_key:
  description:
    - The key after the run (predicted in check mode). Empty when O(state=absent).
    - The key value is never part of it.
  returned: always
  type: dict
  contains:
    id:
      description: Id of the key; null in check mode when the key would be created.
      type: str
      sample: a1b2c3d4e5
    name:
      description: Name of the key.
      type: str
      sample: items-dev-web
    enabled:
      description: Whether the key can be used.
      type: bool
      sample: true
    description:
      description: Description of the key.
      type: str
      sample: Key of the web client of the items API (dev)
    tags:
      description: Tags of the key.
      type: dict
      sample: {"project": "items-api", "environment": "dev"}
    created_date:
      description: When the key was created (ISO 8601); null in check mode on creation.
      type: str
      sample: "2024-05-01T10:00:00+00:00"
diff:
  description: The key before and after, when diff mode is on.
  returned: when diff mode is on
  type: dict
  contains:
    before:
      description: The key before the run; empty when it did not exist.
      type: dict
    after:
      description: The key after the run; empty when it was deleted.
      type: dict
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError

    AWS_ERRORS = (ClientError, BotoCoreError)
except ImportError:
    AWS_ERRORS = ()  # AnsibleAWSModule reports the missing SDK before any AWS call


from ansible_collections.serverless.rest_api.plugins.module_utils.apigateway import (
    apply_tags,
    predicted_tags,
    tag_updates,
)
from ansible_collections.serverless.rest_api.plugins.module_utils.common import (
    AWSModule,
    APIGATEWAY_RETRY,
    apigateway_arn,
    list_all_items,
    lookup_tag_conflicts,
    matching_named_items,
    string_tags,
)


def _iso(value):
    if value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def key_facts(key):
    """The snake_case facts of an ApiKey response; the value is deliberately left out."""
    return {
        "id": key.get("id"),
        "name": key.get("name"),
        "enabled": bool(key.get("enabled")),
        "description": key.get("description"),
        "tags": dict(key.get("tags") or {}),
        "created_date": _iso(key.get("createdDate")),
    }


def validate(module):
    """Checks the argument spec cannot express.

    Returns (lookup_tags, desired_tags) as string dicts; desired_tags is None when tags are
    to be left alone, else the given tags plus the lookup tags (which identify the key).
    """
    lookup_tags = string_tags(module.params["lookup_tags"])
    tags = string_tags(module.params["tags"])
    conflicts = lookup_tag_conflicts(tags, lookup_tags)
    if conflicts:
        details = ", ".join(
            f"tags.{key}={tags[key]!r} but lookup_tags.{key}={lookup_tags[key]!r}"
            for key in conflicts
        )
        module.fail_json(
            msg=f"tags and lookup_tags disagree ({details}); a tag named in lookup_tags must "
            "have the same value in tags or be left out of tags."
        )
    return lookup_tags, None if tags is None else {**lookup_tags, **tags}


def find_key(module, client, name, lookup_tags):
    """The key called name carrying every lookup tag, or None; fails when it is ambiguous."""
    try:
        # nameQuery narrows the listing on AWS (it matches a prefix) and is ignored by
        # moto, so the exact name is always checked here as well.
        items = list_all_items(client.get_api_keys, nameQuery=name)
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg=f"Failed to find API key {name}")
    found = matching_named_items(items, name, lookup_tags)
    if len(found) > 1:
        ids = ", ".join(sorted(item["id"] for item in found))
        module.fail_json(
            msg=f"Found {len(found)} API keys named {name} with tags {lookup_tags}: {ids}. "
            "Add lookup_tags that tell them apart, or delete the extra keys."
        )
    return found[0] if found else None


def read_key(module, client, key_id, name):
    try:
        # includeValue is never passed: the value is not wanted anywhere in this module.
        return client.get_api_key(apiKey=key_id, aws_retry=True)
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg=f"Failed to read API key {name}")


def finish(module, changed, before, after):
    result = {"changed": changed, "api_key": after}
    if module._diff:
        result["diff"] = {"before": before, "after": after}
    module.exit_json(**result)


def delete_key(module, client, current):
    name = module.params["name"]
    before = key_facts(current)
    if not module.check_mode:
        try:
            client.delete_api_key(apiKey=current["id"], aws_retry=True)
        except AWS_ERRORS as e:
            module.fail_json_aws(e, msg=f"Failed to delete API key {name}")
    finish(module, True, before, {})


def create_key(module, client, lookup_tags, desired_tags):
    params = module.params
    name = params["name"]
    new_tags = lookup_tags if desired_tags is None else desired_tags
    predicted = {
        "id": None,
        "name": name,
        "enabled": params["enabled"],
        "description": params["description"],
        "tags": new_tags,
        "created_date": None,
    }
    if module.check_mode:
        finish(module, True, {}, predicted)
    request = {"name": name, "enabled": params["enabled"]}
    if params["description"] is not None:
        request["description"] = params["description"]
    if new_tags:
        request["tags"] = new_tags
    try:
        # The response carries the generated value; only the id is kept from it.
        key_id = client.create_api_key(aws_retry=True, **request)["id"]
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg=f"Failed to create API key {name}")
    finish(module, True, {}, key_facts(read_key(module, client, key_id, name)))


def update_key(module, client, current, desired_tags):
    params = module.params
    name = params["name"]
    before = key_facts(current)
    operations = []
    description = params["description"]
    if description is not None and description != (before["description"] or ""):
        operations.append({"op": "replace", "path": "/description", "value": description})
    if params["enabled"] != before["enabled"]:
        value = "true" if params["enabled"] else "false"
        operations.append({"op": "replace", "path": "/enabled", "value": value})
    purge_tags = params["purge_tags"]
    # Keys starting with aws: belong to AWS and are never removed.
    to_set, to_remove = tag_updates(before["tags"], desired_tags, purge_tags)

    if not operations and not to_set and not to_remove:
        finish(module, False, before, before)

    predicted = dict(before)
    if description is not None:
        predicted["description"] = description
    predicted["enabled"] = params["enabled"]
    predicted["tags"] = predicted_tags(before["tags"], desired_tags, purge_tags)
    if module.check_mode:
        finish(module, True, before, predicted)

    if operations:
        try:
            client.update_api_key(
                apiKey=current["id"], patchOperations=operations, aws_retry=True
            )
        except AWS_ERRORS as e:
            module.fail_json_aws(e, msg=f"Failed to update API key {name}")
    arn = apigateway_arn(client, f"/apikeys/{current['id']}")
    # False also when the endpoint does not implement tagging for keys (a warning then says
    # so, and the tags read back below are reported).
    tags_written = apply_tags(
        module, client, arn, before["tags"], desired_tags, purge_tags, f"API key {name}"
    )
    changed = bool(operations) or tags_written
    finish(module, changed, before, key_facts(read_key(module, client, current["id"], name)))


def ensure_api_key(module, client):
    """Bring the API key to the requested state and exit the module."""
    lookup_tags, desired_tags = validate(module)
    current = find_key(module, client, module.params["name"], lookup_tags)
    if module.params["state"] == "absent":
        if current is None:
            finish(module, False, {}, {})
        delete_key(module, client, current)
    if current is None:
        create_key(module, client, lookup_tags, desired_tags)
    update_key(module, client, current, desired_tags)


def build_module():
    argument_spec = dict(
        name=dict(type="str", required=True),
        lookup_tags=dict(type="dict", default={}),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        description=dict(type="str"),
        enabled=dict(type="bool", default=True),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    return AWSModule(argument_spec=argument_spec, supports_check_mode=True)


def main():
    module = build_module()
    client = module.client("apigateway", retry_decorator=APIGATEWAY_RETRY)
    ensure_api_key(module, client)


if __name__ == "__main__":
    main()
