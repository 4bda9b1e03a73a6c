#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: apigw_usage_plan
short_description: Manage an API Gateway usage plan, its stages and its API keys
version_added: 0.1.0
description:
  - Creates, updates or deletes an Amazon API Gateway usage plan, with its throttle, quota,
    API stages and associated API keys.
  - Usage plan names are not unique in an account, so the plan is found by O(name) together
    with O(lookup_tags) (the plan called O(name) whose tags contain every lookup tag).
  - An existing plan is changed with one C(UpdateUsagePlan) call holding only the patch
    operations needed; keys are attached and detached with C(CreateUsagePlanKey) and
    C(DeleteUsagePlanKey).
options:
  name:
    description:
      - Name of the usage plan.
    type: str
    required: true
  lookup_tags:
    description:
      - Tags that, together with O(name), identify the plan.
      - When several plans have this name and all these tags, the module fails and lists
        their ids.
      - The lookup tags are always added to the tags of a new plan and kept on an existing
        one, even with O(purge_tags=true), so the next run finds the same plan.
      - Values are compared as strings.
    type: dict
    default: {}
  state:
    description:
      - V(present) creates or updates the plan.
      - V(absent) detaches its API keys and stages, then deletes it.
    type: str
    choices: [present, absent]
    default: present
  description:
    description:
      - Description of the plan. Left as it is when not given.
    type: str
  throttle:
    description:
      - Request rate limits for every key of the plan.
      - When given, the plan's throttle is made to match it exactly. When not given, the
        current throttle is left as it is, unless O(purge_throttle=true).
    type: dict
    suboptions:
      rate_limit:
        description:
          - Steady-state requests per second; a finite number >= 0.
        type: float
        required: true
      burst_limit:
        description:
          - Largest burst of requests; an integer >= 0 (V(2.5) is refused, not truncated).
        type: int
        required: true
  purge_throttle:
    description:
      - Whether the plan's throttle is removed when O(throttle) is not given, so that keys of
        the plan are limited only by the stage and account throttles.
      - Ignored when O(throttle) is given.
    type: bool
    default: false
  quota:
    description:
      - Number of requests a key may make per period.
      - When given, the plan's quota is made to match it exactly. When not given, the
        current quota is left as it is, unless O(purge_quota=true).
    type: dict
    suboptions:
      limit:
        description:
          - Requests allowed per period; an integer > 0.
        type: int
        required: true
      offset:
        description:
          - Requests subtracted from the limit in the first period; an integer >= 0.
        type: int
        default: 0
      period:
        description:
          - The period the limit applies to.
        type: str
        choices: [DAY, WEEK, MONTH]
        required: true
  purge_quota:
    description:
      - Whether the plan's quota is removed when O(quota) is not given, so that keys of the
        plan may make any number of requests.
      - Ignored when O(quota) is given.
    type: bool
    default: false
  api_stages:
    description:
      - Stages of REST APIs the plan applies to.
      - Each stage must exist before it is added; the module checks this with C(GetStage)
        before any change and fails if one is missing.
      - Per-method throttles of a stage are neither set nor changed by this module.
      - When not given, the plan's stages are left as they are.
    type: list
    elements: dict
    suboptions:
      api_id:
        description:
          - Id of the REST API.
        type: str
        required: true
      stage:
        description:
          - Name of the stage.
        type: str
        required: true
  purge_api_stages:
    description:
      - Whether stages attached to the plan but not in O(api_stages) are detached.
      - Ignored when O(api_stages) is not given.
    type: bool
    default: true
  api_key_ids:
    description:
      - Ids of the API keys associated with the plan (see M(serverless.rest_api.apigw_api_key)).
      - Each key must exist; the module checks this before any change.
      - When not given, the plan's keys are left as they are.
    type: list
    elements: str
  purge_api_key_ids:
    description:
      - Whether keys associated with the plan but not in O(api_key_ids) are detached.
      - Ignored when O(api_key_ids) is not given.
    type: bool
    default: true
notes:
  - AWS refuses to associate one API key with two usage plans that share an API stage;
    the error comes from AWS when a key is added.
  - Tags are applied with TagResource and UntagResource on
    C(arn:<partition>:apigateway:<region>::/usageplans/<id>) and read from the plan itself.
    Tag keys starting with C(aws:) belong to AWS and are never removed.
  - When TagResource or UntagResource fails because the endpoint does not implement it for
    usage plans (error code C(404) - an HTTP 404 without an AWS error body -
    C(NotImplemented), C(UnknownOperationException) or C(NotFound)), the module does not
    fail. It adds one warning, returns the tags it reads back rather than the desired ones
    and does not count the skipped write as a change, so a run whose only change is such a
    tag change reports C(changed=false) and the same warning on every run. Any other tagging
    error fails the module. AWS implements both calls for usage plans.
  - A throttle or quota is removed only with O(purge_throttle=true) or O(purge_quota=true),
    by an C(UpdateUsagePlan) operation C(remove) on path C(/throttle) or C(/quota).
  - "Local endpoint (moto 5.2.5) gaps: it accepts stages that do not exist (the module
    checks them itself) and deleting a plan with stages attached (the module detaches them
    first, as AWS requires); it truncates a patched rate limit to an integer and fails on a
    fractional one (HTTP 500), so on moto only whole rates can be changed; it routes
    TagResource and UntagResource only for stage ARNs and answers HTTP 404 for a plan, so
    there the tags of an existing plan are not changed (with the warning above; tags given
    at creation work); it has no GetTags. It does remove a quota or throttle on C(remove)
    C(/quota) or C(/throttle), as AWS does."
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
attributes:
  check_mode:
    description: Reports what would change, with the predicted plan, without any write call.
    support: full
  diff_mode:
    description: Returns the plan before and after the change.
    support: full
author:
  - Items API platform team
"""

EXAMPLES = r"""
- name: Ensure the items API usage plan limits the web client
  serverless.rest_api.apigw_usage_plan:
    name: items-dev-standard
    description: Standard plan of the items API (dev)
    lookup_tags:
      project: items-api
      environment: dev
    throttle:
      rate_limit: 50
      burst_limit: 100
    quota:
      limit: 10000
      period: DAY
    api_stages:
      - api_id: "{{ items_rest_api.rest_api.id }}"
        stage: dev
    api_key_ids:
      - "{{ items_api_key.api_key.id }}"
  register: items_usage_plan

- name: Ensure the items API usage plan throttles but sets no quota
  serverless.rest_api.apigw_usage_plan:
    name: items-dev-standard
    lookup_tags:
      project: items-api
      environment: dev
    throttle:
      rate_limit: 50
      burst_limit: 100
    purge_quota: true

- name: Ensure the usage plan is gone
  serverless.rest_api.apigw_usage_plan:
    name: items-dev-standard
    lookup_tags:
      project: items-api
      environment: dev
    state: absent
"""

RETURN = r"""
usage_plan:
  description: The plan after the run (predicted in check mode). Empty when O(state=absent).
  returned: always
  type: dict
  contains:
    id:
      description: Id of the plan; null in check mode when the plan would be created.
      type: str
      sample: k1l2m3
    name:
      description: Name of the plan.
      type: str
      sample: items-dev-standard
    description:
      description: Description of the plan.
      type: str
      sample: Standard plan of the items API (dev)
    throttle:
      description: Throttle of the plan; null when it has none.
      type: dict
      sample: {"rate_limit": 50.0, "burst_limit": 100}
    quota:
      description: Quota of the plan; null when it has none.
      type: dict
      sample: {"limit": 10000, "offset": 0, "period": "DAY"}
    api_stages:
      description: Stages the plan applies to, sorted.
      type: list
      elements: dict
      sample: [{"api_id": "a1b2c3", "stage": "dev"}]
    api_key_ids:
      description: Ids of the associated API keys, sorted.
      type: list
      elements: str
      sample: ["x9y8z7"]
    tags:
      description: Tags of the plan.
      type: dict
      sample: {"project": "items-api", "environment": "dev"}
patch_operations:
  description:
    - The C(UpdateUsagePlan) operations sent (or that would be sent in check mode).
    - Empty when nothing in the plan itself changed or when the plan was created.
  returned: always
  type: list
  elements: dict
  sample: [{"op": "replace", "path": "/throttle/rateLimit", "value": "60"}]
diff:
  description: The plan before and after, when diff mode is on.
  returned: when diff mode is on
  type: dict
  contains:
    before:
      description: The plan before the run; empty when it did not exist.
      type: dict
    after:
      description: The plan after the run; empty when it was deleted.
      type: dict
"""

import math

try:
    from botocore.exceptions import BotoCoreError, ClientError

    AWS_ERRORS = (ClientError, BotoCoreError)
except ImportError:
    AWS_ERRORS = ()  # AnsibleAWSModule reports the missing SDK before any AWS call

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code

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


def rate_value(rate):
    """A rate as a patch value: whole rates without a decimal part ("50", not "50.0")."""
    return str(int(rate)) if float(rate).is_integer() else repr(float(rate))


def throttle_facts(throttle):
    if not throttle:
        return None
    rate = throttle.get("rateLimit")
    burst = throttle.get("burstLimit")
    return {
        "rate_limit": None if rate is None else float(rate),
        "burst_limit": None if burst is None else int(burst),
    }


def quota_facts(quota):
    if not quota:
        return None
    limit = quota.get("limit")
    # moto stores patched quota numbers as strings; int() makes either form compare equal.
    return {
        "limit": None if limit is None else int(limit),
        "offset": int(quota.get("offset") or 0),
        "period": quota.get("period"),
    }


def plan_facts(plan, key_ids):
    stages = {(stage["apiId"], stage["stage"]) for stage in plan.get("apiStages") or []}
    return {
        "id": plan.get("id"),
        "name": plan.get("name"),
        "description": plan.get("description"),
        "throttle": throttle_facts(plan.get("throttle")),
        "quota": quota_facts(plan.get("quota")),
        "api_stages": [{"api_id": api, "stage": stage} for api, stage in sorted(stages)],
        "api_key_ids": sorted(key_ids),
        "tags": dict(plan.get("tags") or {}),
    }


def validate(module):
    """Checks the argument spec cannot express, made before any AWS call.

    Returns a dict of the desired settings, normalised like plan_facts (None = leave alone).
    """
    params = module.params
    errors = []
    throttle = params["throttle"]
    if throttle is not None:
        rate, burst = throttle["rate_limit"], throttle["burst_limit"]
        if not math.isfinite(rate) or rate < 0:
            errors.append(
                f"throttle.rate_limit is {rate!r}; it must be a finite number >= 0 "
                "(requests per second)."
            )
        if isinstance(burst, bool) or burst < 0:
            errors.append(f"throttle.burst_limit is {burst!r}; it must be an integer >= 0.")
        throttle = {"rate_limit": float(rate), "burst_limit": int(burst)}
    quota = params["quota"]
    if quota is not None:
        for field, low, allowed in (("limit", 1, "> 0"), ("offset", 0, ">= 0")):
            value = quota[field]
            if isinstance(value, bool) or value < low:
                errors.append(f"quota.{field} is {value!r}; it must be an integer {allowed}.")
        quota = {"limit": quota["limit"], "offset": quota["offset"], "period": quota["period"]}

    stages = None
    if params["api_stages"] is not None:
        stages = []
        for index, entry in enumerate(params["api_stages"]):
            for field in ("api_id", "stage"):
                if not entry[field] or ":" in entry[field]:
                    errors.append(
                        f"api_stages[{index}].{field} is {entry[field]!r}; it must be a "
                        "non-empty name without ':'."
                    )
            pair = (entry["api_id"], entry["stage"])
            if pair in stages:
                errors.append(f"api_stages lists {pair[0]}:{pair[1]} more than once.")
            stages.append(pair)
        stages = set(stages)

    key_ids = None
    if params["api_key_ids"] is not None:
        for index, key_id in enumerate(params["api_key_ids"]):
            if not key_id:
                errors.append(f"api_key_ids[{index}] is empty; it must be an API key id.")
        key_ids = set(params["api_key_ids"])

    lookup_tags = string_tags(params["lookup_tags"])
    tags = string_tags(params["tags"])
    for key in lookup_tag_conflicts(tags, lookup_tags):
        errors.append(
            f"tags.{key} is {tags[key]!r} but lookup_tags.{key} is {lookup_tags[key]!r}; a "
            "tag named in lookup_tags must have the same value in tags or be left out of tags."
        )
    if errors:
        module.fail_json(msg=" ".join(errors))
    return {
        "description": params["description"],
        "throttle": throttle,
        "quota": quota,
        "purge_throttle": params["purge_throttle"],
        "purge_quota": params["purge_quota"],
        "api_stages": stages,
        "api_key_ids": key_ids,
        "lookup_tags": lookup_tags,
        "tags": None if tags is None else {**lookup_tags, **tags},
    }


def find_plan(module, client, name, lookup_tags):
    """The plan called name carrying every lookup tag, or None; fails when it is ambiguous."""
    try:
        items = list_all_items(client.get_usage_plans)
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg=f"Failed to find usage plan {name}")
    found = matching_named_items(items, name, lookup_tags)
    if len(found) > 1:
        ids = ", ".join(sorted(item["id"] for item in found))
        module.fail_json(
            msg=f"Found {len(found)} usage plans named {name} with tags {lookup_tags}: {ids}. "
            "Add lookup_tags that tell them apart, or delete the extra plans."
        )
    return found[0] if found else None


def read_key_ids(module, client, plan_id, name):
    try:
        items = list_all_items(client.get_usage_plan_keys, usagePlanId=plan_id)
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg=f"Failed to read the API keys of usage plan {name}")
    # Only ids are kept: the items also carry each key's value.
    return [item["id"] for item in items]


def read_plan(module, client, plan_id, name):
    try:
        plan = client.get_usage_plan(usagePlanId=plan_id, aws_retry=True)
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg=f"Failed to read usage plan {name}")
    return plan_facts(plan, read_key_ids(module, client, plan_id, name))


def check_stages_exist(module, client, stages):
    """Fail unless every (api_id, stage) exists: AWS refuses plans naming missing stages."""
    name = module.params["name"]
    for api_id, stage in sorted(stages):
        try:
            client.get_stage(restApiId=api_id, stageName=stage, aws_retry=True)
        except is_boto3_error_code("NotFoundException"):
            module.fail_json(
                msg=f"api_stages: stage {stage} of REST API {api_id} does not exist; deploy "
                f"the stage before adding it to usage plan {name}."
            )
        except AWS_ERRORS as e:  # pylint: disable=duplicate-except
            module.fail_json_aws(
                e, msg=f"Failed to check stage {api_id}:{stage} for usage plan {name}"
            )


def check_keys_exist(module, client, key_ids):
    name = module.params["name"]
    for key_id in sorted(key_ids):
        try:
            # No includeValue: only the key's existence matters here.
            client.get_api_key(apiKey=key_id, aws_retry=True)
        except is_boto3_error_code("NotFoundException"):
            module.fail_json(
                msg=f"api_key_ids: API key {key_id} does not exist; create it before adding "
                f"it to usage plan {name}."
            )
        except AWS_ERRORS as e:  # pylint: disable=duplicate-except
            module.fail_json_aws(
                e, msg=f"Failed to check API key {key_id} for usage plan {name}"
            )


def stage_operations(op, stages):
    return [{"op": op, "path": "/apiStages", "value": f"{api}:{stage}"} for api, stage in stages]


def setting_operations(before, desired):
    """Operations for description, throttle and quota fields that differ.

    replace for each field that differs; remove of the whole throttle or quota when it is not
    given, the plan has one and its purge option is on.
    """
    operations = []
    description = desired["description"]
    if description is not None and description != (before["description"] or ""):
        operations.append({"op": "replace", "path": "/description", "value": description})
    if desired["throttle"] is None:
        if desired["purge_throttle"] and before["throttle"]:
            operations.append({"op": "remove", "path": "/throttle"})
    else:
        current = before["throttle"] or {}
        wanted = desired["throttle"]
        if current.get("rate_limit") != wanted["rate_limit"]:
            operations.append({
                "op": "replace",
                "path": "/throttle/rateLimit",
                "value": rate_value(wanted["rate_limit"]),
            })
        if current.get("burst_limit") != wanted["burst_limit"]:
            operations.append({
                "op": "replace",
                "path": "/throttle/burstLimit",
                "value": str(wanted["burst_limit"]),
            })
    if desired["quota"] is None:
        if desired["purge_quota"] and before["quota"]:
            operations.append({"op": "remove", "path": "/quota"})
    else:
        current = before["quota"] or {}
        for field in ("limit", "offset", "period"):
            if current.get(field) != desired["quota"][field]:
                operations.append({
                    "op": "replace",
                    "path": f"/quota/{field}",
                    "value": str(desired["quota"][field]),
                })
    return operations


def finish(module, changed, before, after, operations):
    result = {"changed": changed, "usage_plan": after, "patch_operations": operations}
    if module._diff:
        result["diff"] = {"before": before, "after": after}
    module.exit_json(**result)


def delete_plan(module, client, before):
    name = module.params["name"]
    plan_id = before["id"]
    stages = [(s["api_id"], s["stage"]) for s in before["api_stages"]]
    operations = stage_operations("remove", stages)
    if module.check_mode:
        finish(module, True, before, {}, operations)
    for key_id in before["api_key_ids"]:
        try:
            client.delete_usage_plan_key(usagePlanId=plan_id, keyId=key_id, aws_retry=True)
        except AWS_ERRORS as e:
            module.fail_json_aws(e, msg=f"Failed to remove API key {key_id} from usage plan {name}")
    # AWS refuses to delete a plan that still has stages.
    if operations:
        try:
            client.update_usage_plan(
                usagePlanId=plan_id, patchOperations=operations, aws_retry=True
            )
        except AWS_ERRORS as e:
            module.fail_json_aws(e, msg=f"Failed to detach stages from usage plan {name}")
    try:
        client.delete_usage_plan(usagePlanId=plan_id, aws_retry=True)
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg=f"Failed to delete usage plan {name}")
    finish(module, True, before, {}, operations)


def add_keys(module, client, plan_id, key_ids):
    name = module.params["name"]
    for key_id in sorted(key_ids):
        try:
            client.create_usage_plan_key(
                usagePlanId=plan_id, keyId=key_id, keyType="API_KEY", aws_retry=True
            )
        except AWS_ERRORS as e:
            module.fail_json_aws(e, msg=f"Failed to add API key {key_id} to usage plan {name}")


def create_plan(module, client, desired):
    name = module.params["name"]
    stages = desired["api_stages"] or set()
    key_ids = desired["api_key_ids"] or set()
    tags = desired["lookup_tags"] if desired["tags"] is None else desired["tags"]
    check_stages_exist(module, client, stages)
    check_keys_exist(module, client, key_ids)
    predicted = {
        "id": None,
        "name": name,
        "description": desired["description"],
        "throttle": desired["throttle"],
        "quota": desired["quota"],
        "api_stages": [{"api_id": api, "stage": stage} for api, stage in sorted(stages)],
        "api_key_ids": sorted(key_ids),
        "tags": tags,
    }
    if module.check_mode:
        finish(module, True, {}, predicted, [])

    request = {"name": name}
    if desired["description"] is not None:
        request["description"] = desired["description"]
    if desired["throttle"] is not None:
        request["throttle"] = {
            "rateLimit": desired["throttle"]["rate_limit"],
            "burstLimit": desired["throttle"]["burst_limit"],
        }
    if desired["quota"] is not None:
        request["quota"] = dict(desired["quota"])
    if stages:
        request["apiStages"] = [{"apiId": api, "stage": stage} for api, stage in sorted(stages)]
    if tags:
        request["tags"] = tags
    try:
        plan_id = client.create_usage_plan(aws_retry=True, **request)["id"]
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg=f"Failed to create usage plan {name}")
    add_keys(module, client, plan_id, key_ids)
    finish(module, True, {}, read_plan(module, client, plan_id, name), [])


def update_plan(module, client, before, desired):
    params = module.params
    name = params["name"]
    plan_id = before["id"]

    current_stages = {(s["api_id"], s["stage"]) for s in before["api_stages"]}
    stages_to_add, stages_to_remove = set(), set()
    if desired["api_stages"] is not None:
        stages_to_add = desired["api_stages"] - current_stages
        if params["purge_api_stages"]:
            stages_to_remove = current_stages - desired["api_stages"]

    current_keys = set(before["api_key_ids"])
    keys_to_add, keys_to_remove = set(), set()
    if desired["api_key_ids"] is not None:
        keys_to_add = desired["api_key_ids"] - current_keys
        if params["purge_api_key_ids"]:
            keys_to_remove = current_keys - desired["api_key_ids"]

    purge_tags = params["purge_tags"]
    # Keys starting with aws: belong to AWS and are never removed.
    tags_to_set, tags_to_remove = tag_updates(before["tags"], desired["tags"], purge_tags)
    operations = (
        stage_operations("remove", sorted(stages_to_remove))
        + stage_operations("add", sorted(stages_to_add))
        + setting_operations(before, desired)
    )
    if not (operations or keys_to_add or keys_to_remove or tags_to_set or tags_to_remove):
        finish(module, False, before, before, [])

    check_stages_exist(module, client, stages_to_add)
    check_keys_exist(module, client, keys_to_add)

    predicted = dict(before)
    if desired["description"] is not None:
        predicted["description"] = desired["description"]
    if desired["throttle"] is not None:
        predicted["throttle"] = desired["throttle"]
    elif desired["purge_throttle"]:
        predicted["throttle"] = None
    if desired["quota"] is not None:
        predicted["quota"] = desired["quota"]
    elif desired["purge_quota"]:
        predicted["quota"] = None
    stages = (current_stages - stages_to_remove) | stages_to_add
    predicted["api_stages"] = [{"api_id": api, "stage": stage} for api, stage in sorted(stages)]
    predicted["api_key_ids"] = sorted((current_keys - keys_to_remove) | keys_to_add)
    predicted["tags"] = predicted_tags(before["tags"], desired["tags"], purge_tags)
    if module.check_mode:
        finish(module, True, before, predicted, operations)

    for key_id in sorted(keys_to_remove):
        try:
            client.delete_usage_plan_key(usagePlanId=plan_id, keyId=key_id, aws_retry=True)
        except AWS_ERRORS as e:
            module.fail_json_aws(e, msg=f"Failed to remove API key {key_id} from usage plan {name}")
    if operations:
        try:
            client.update_usage_plan(
                usagePlanId=plan_id, patchOperations=operations, aws_retry=True
            )
        except AWS_ERRORS as e:
            module.fail_json_aws(e, msg=f"Failed to update usage plan {name}")
    # Keys are added after the stages so that a key never waits on a stage it needs.
    add_keys(module, client, plan_id, keys_to_add)
    arn = apigateway_arn(client, f"/usageplans/{plan_id}")
    # False also when the endpoint does not implement tagging for plans (a warning then says
    # so, and the tags read back below are reported).
    tags_written = apply_tags(
        module, client, arn, before["tags"], desired["tags"], purge_tags, f"usage plan {name}"
    )
    changed = bool(operations or keys_to_add or keys_to_remove or tags_written)
    finish(module, changed, before, read_plan(module, client, plan_id, name), operations)


def ensure_usage_plan(module, client):
    """Bring the usage plan to the requested state and exit the module."""
    desired = validate(module)
    name = module.params["name"]
    plan = find_plan(module, client, name, desired["lookup_tags"])
    before = None
    if plan is not None:
        before = plan_facts(plan, read_key_ids(module, client, plan["id"], name))
    if module.params["state"] == "absent":
        if before is None:
            finish(module, False, {}, {}, [])
        delete_plan(module, client, before)
    if before is None:
        create_plan(module, client, desired)
    update_plan(module, client, before, desired)


def build_module():
    argument_spec = dict(
        name=dict(type="str", required=True),
        lookup_tags=dict(type="dict", default={}),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        description=dict(type="str"),
        throttle=dict(
            type="dict",
            options=dict(
                rate_limit=dict(type="float", required=True),
                burst_limit=dict(type="int", required=True),
            ),
        ),
        purge_throttle=dict(type="bool", default=False),
        quota=dict(
            type="dict",
            options=dict(
                limit=dict(type="int", required=True),
                offset=dict(type="int", default=0),
                period=dict(type="str", choices=["DAY", "WEEK", "MONTH"], required=True),
            ),
        ),
        purge_quota=dict(type="bool", default=False),
        api_stages=dict(
            type="list",
            elements="dict",
            options=dict(
                api_id=dict(type="str", required=True),
                stage=dict(type="str", required=True),
            ),
        ),
        purge_api_stages=dict(type="bool", default=True),
        api_key_ids=dict(type="list", elements="str"),
        purge_api_key_ids=dict(type="bool", default=True),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    return AWSModule(argument_spec=argument_spec, supports_check_mode=True)


def main():
    module = build_module()
    client = module.client("apigateway", retry_decorator=APIGATEWAY_RETRY)
    ensure_usage_plan(module, client)


if __name__ == "__main__":
    main()
