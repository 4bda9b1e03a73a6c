#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: apigw_rest_api
short_description: Manage an API Gateway REST API with Lambda proxy methods and one stage
version_added: 0.1.0
description:
  - Creates, updates or deletes one Amazon API Gateway REST API together with its resources,
    methods, Lambda proxy integrations, deployments and one stage.
  - The resources and methods come from an OpenAPI 3.0 document. The module builds them with
    explicit calls (CreateResource, PutMethod, PutIntegration, DeleteMethod, DeleteResource)
    rather than importing the document, and removes resources and methods the document no
    longer declares.
  - A method whose own settings differ from the desired ones (API key requirement,
    authorization type) is replaced, on every endpoint alike - DeleteMethod, then PutMethod
    with the desired settings, then PutIntegration - and never patched with UpdateMethod. A
    method whose integration alone differs keeps the method and gets its integration
    overwritten with PutIntegration. After these writes the module reads the methods back and
    fails, before deploying, when a method is missing or its API key requirement or
    authorization type is not the one asked for.
  - A new deployment is made only when the stage does not exist, when a resource, method or
    integration was changed in the same run, or when the deployment the stage points to was not
    made from the desired configuration. The module recognises its deployments by the text
    C(config-sha256:<hex>) in the deployment description, a SHA-256 over the canonical JSON of
    the desired resources, methods, API key flags, authorization types and integrations.
  - The whole document and every option are checked before any AWS call; all problems are
    reported together.
author:
  - Items API platform team
options:
  name:
    description:
      - Name of the REST API.
      - Names are not unique in AWS. When several REST APIs carry this name, only those whose
        tags include every tag in O(lookup_tags) are considered; if more than one is left the
        module fails and lists their ids.
    type: str
    required: true
  lookup_tags:
    description:
      - Tags that tell this REST API apart from others with the same O(name). They are
        consulted only when several REST APIs carry that name.
      - When O(tags) is set, these tags are merged under it (a key in both must have the same
        value). When O(tags) is not set, a new REST API and a new stage are created with
        these tags, so that the next run can find them again.
    type: dict
    default: {}
  state:
    description:
      - V(present) creates or updates the REST API and its stage.
      - V(absent) deletes the REST API, and so all of its stages and deployments. A REST API
        that does not exist is not an error.
    type: str
    choices: [present, absent]
    default: present
  description:
    description:
      - Description of the REST API. When not set, an existing description is left alone.
    type: str
  endpoint_type:
    description:
      - Endpoint type of the REST API. Changing it on an existing REST API updates it in place.
      - V(PRIVATE) needs a resource policy before it can be deployed; this module does not
        manage resource policies.
    type: str
    choices: [REGIONAL, EDGE, PRIVATE]
    default: REGIONAL
  definition:
    description:
      - An OpenAPI 3.0 document (a dictionary, for example read with
        C(lookup('ansible.builtin.file', 'openapi.yml') | from_yaml)).
      - The module reads C(paths). Each path is made of literal segments
        (C([A-Za-z0-9._-]+)), C({name}) segments and an optional final C({name+}) segment.
        A parent can have only one variable child.
      - Operations are the keys C(get), C(put), C(post), C(delete), C(options), C(head),
        C(patch) and C(x-amazon-apigateway-any-method) (the API Gateway method C(ANY)).
        C(summary), C(description), C(parameters), C(servers) and other C(x-) keys of a path
        are ignored.
      - Every operation needs C(x-amazon-apigateway-integration) with C(type) C(aws_proxy)
        and C(httpMethod) C(POST). C(uri) is optional when O(integration_lambda_arn) is set;
        C(timeoutInMillis) is optional (50 to 29000, default 29000). Other integration keys
        are rejected because the module would not apply them.
      - C(security) on the operation, otherwise at the root of the document, makes the method
        require an API key when it names a security scheme of C(type) C(apiKey), C(in)
        C(header) and C(name) C(x-api-key). Other schemes are rejected.
      - Root-level C(x-amazon-apigateway-*) keys are rejected (they would be ignored).
      - Required when O(state=present).
    type: dict
  integration_lambda_arn:
    description:
      - ARN of the Lambda function that every C(aws_proxy) integration without its own C(uri)
        invokes. The module turns it into the integration URI
        C(arn:<partition>:apigateway:<region>:lambda:path/2015-03-31/functions/<arn>/invocations).
      - The module does not grant API Gateway permission to invoke the function; use
        RV(execution_arn) for the Lambda permission's source ARN.
    type: str
  api_key_required:
    description:
      - When set, every method requires (V(true)) or does not require (V(false)) an API key,
        whatever the document's C(security) says.
    type: bool
  stage_name:
    description:
      - Name of the stage; 1 to 128 characters of letters, digits, C(_) and C(-).
      - Required when O(state=present).
    type: str
  stage_description:
    description:
      - Description of the stage. When not set, an existing description is left alone.
    type: str
  stage_variables:
    description:
      - Stage variables. Names are 1 to 64 letters, digits and C(_); values are strings of 1 to
        512 characters from C(A-Za-z0-9-._~:/?#&=,).
      - When set, the stage has exactly these variables; when not set, they are left alone.
    type: dict
  tracing_enabled:
    description:
      - Whether AWS X-Ray tracing is enabled on the stage.
    type: bool
    default: false
  stage_throttle:
    description:
      - Stage-wide throttling, applied to all methods (method settings C(*/*)).
      - When not set, the stage's throttling is left alone.
    type: dict
    suboptions:
      rate_limit:
        description:
          - Steady-state requests per second, a number >= 0.
        type: float
        required: true
      burst_limit:
        description:
          - Burst size, an integer >= 0.
        type: int
        required: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
attributes:
  check_mode:
    description: Reads only and reports the predicted API, methods and stage; ids of what
      would be created are null.
    support: full
  diff_mode:
    description: Returns the normalised model, stage settings and tags before and after.
    support: full
notes:
  - O(tags) and O(purge_tags) apply to the REST API and to the stage alike.
  - Methods are created with authorization type C(NONE); the module manages API key
    requirement, not authorizers, and replaces a method found with another authorization
    type. Request validators, models, method responses, CORS and
    resource policies in the document are not applied.
  - Resources that are no longer declared are deleted deepest first, so a parent is never
    deleted before its children.
  - The module never removes stage-wide throttling once set; give new values in
    O(stage_throttle) to change it. (The local moto endpoint ignores C(remove) operations on
    stage method settings, so removal could not be tested locally either.)
  - After creating a deployment the module reads the stage again and applies the stage
    settings and tags against what it reads, so settings are restored even by an endpoint
    that resets the stage on deployment (moto 5.2.5 does).
  - Older deployments are kept; the module only points the stage at the newest one.
  - The module does not grant API Gateway permission to invoke the Lambda function.
  - Replacing a method (see the description) drops whatever else was set on it outside this
    module, such as method responses or request parameters. Clients keep being served by the
    deployment the stage points to until the module's new deployment replaces it, so they do
    not see the method while it is missing. Should a run stop between DeleteMethod and
    PutMethod, the next run finds the method missing and creates it.
  - The module never calls UpdateMethod (moto 5.2.5 does not implement it; it answers HTTP
    500), so changing the API key requirement works on moto and AWS alike.
  - When TagResource or UntagResource fails because the endpoint does not implement it for
    the resource (error code C(404) - an HTTP 404 without an AWS error body -
    C(NotImplemented), C(UnknownOperationException) or C(NotFound)), the module does not
    fail. It adds one warning per resource, returns the tags it reads back rather than the
    desired ones and does not count the skipped write as a change; any other tagging error
    fails the module. moto 5.2.5 is such an endpoint for REST APIs (it routes these calls
    only for stage ARNs and answers HTTP 404 otherwise), so against moto a REST API's tags
    can be set only when it is created, while stage tags can be changed. AWS implements both
    calls for REST APIs and stages.
  - moto 5.2.5 ignores the C(embed), C(limit) and C(position) parameters of GetResources and
    always embeds methods.
"""

EXAMPLES = r"""
- name: Ensure the items REST API is deployed to the prod stage
  serverless.rest_api.apigw_rest_api:
    name: items-api
    lookup_tags:
      project: items
      environment: prod
    description: Items REST API
    endpoint_type: REGIONAL
    definition: "{{ lookup('ansible.builtin.file', 'openapi.yml') | from_yaml }}"
    integration_lambda_arn: arn:aws:lambda:eu-west-1:123456789012:function:items-api
    api_key_required: true
    stage_name: prod
    stage_variables:
      table: items-prod
    tracing_enabled: true
    stage_throttle:
      rate_limit: 50
      burst_limit: 100
    tags:
      owner: platform
  register: apigw_rest_api_result

- name: Ensure a small API is declared inline
  serverless.rest_api.apigw_rest_api:
    name: ping-api
    definition:
      openapi: "3.0.1"
      info:
        title: ping
        version: "1"
      paths:
        /ping:
          get:
            x-amazon-apigateway-integration:
              type: aws_proxy
              httpMethod: POST
              timeoutInMillis: 3000
    integration_lambda_arn: arn:aws:lambda:eu-west-1:123456789012:function:ping
    stage_name: dev

- name: Ensure the dev REST API is gone
  serverless.rest_api.apigw_rest_api:
    name: items-api
    lookup_tags:
      environment: dev
    state: absent
"""

RETURN = r"""
rest_api:
  description:
    - The REST API; ids are null in check mode when the API would be created.
    - Null when O(state=absent).
  returned: always
  type: dict
  contains:
    id:
      description: Id of the REST API.
      type: str
      sample: a1b2c3d4e5
    name:
      description: Name of the REST API.
      type: str
      sample: items-api
    description:
      description: Description of the REST API.
      type: str
      sample: Items REST API
    root_resource_id:
      description: Id of the root resource C(/).
      type: str
      sample: r00tid1234
    endpoint_type:
      description: Endpoint type.
      type: str
      sample: REGIONAL
    tags:
      description: Tags of the REST API.
      type: dict
      sample: {"environment": "prod"}
stage:
  description: The stage.
  returned: when state=present
  type: dict
  contains:
    name:
      description: Name of the stage.
      type: str
      sample: prod
    description:
      description: Description of the stage.
      type: str
      sample: Production
    deployment_id:
      description: Id of the deployment the stage points to; null in check mode when a new
        deployment would be made.
      type: str
      sample: dep123
    config_sha256:
      description: SHA-256 of the deployed configuration, as stored in the deployment
        description.
      type: str
      sample: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
    variables:
      description: Stage variables.
      type: dict
      sample: {"table": "items-prod"}
    throttle:
      description: Stage-wide throttling, null when none is set.
      type: dict
      sample: {"rate_limit": 50.0, "burst_limit": 100}
    tracing_enabled:
      description: Whether X-Ray tracing is enabled.
      type: bool
      sample: true
    tags:
      description: Tags of the stage.
      type: dict
      sample: {"environment": "prod"}
invoke_url:
  description: Default invoke URL of the stage; null when the REST API id is not known yet.
  returned: when state=present
  type: str
  sample: https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/prod
execution_arn:
  description: execute-api ARN of the REST API, for Lambda permissions; null when the id is not
    known yet.
  returned: when state=present
  type: str
  sample: arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5
methods:
  description: The declared methods, sorted by path and method.
  returned: when state=present
  type: list
  elements: dict
  sample: [{"path": "/items", "http_method": "GET", "api_key_required": true}]
"""

import hashlib
import json
import re

try:
    from botocore.exceptions import BotoCoreError
    from botocore.exceptions import ClientError
except ImportError:
    pass  # AnsibleAWSModule reports the missing SDK


from ansible_collections.serverless.rest_api.plugins.module_utils.apigateway import apply_tags
from ansible_collections.serverless.rest_api.plugins.module_utils.apigateway import execute_api_arn
from ansible_collections.serverless.rest_api.plugins.module_utils.apigateway import invoke_url
from ansible_collections.serverless.rest_api.plugins.module_utils.apigateway import is_not_found
from ansible_collections.serverless.rest_api.plugins.module_utils.apigateway import (
    lambda_integration_uri,
)
from ansible_collections.serverless.rest_api.plugins.module_utils.apigateway import predicted_tags
from ansible_collections.serverless.rest_api.plugins.module_utils.apigateway import read_tags
from ansible_collections.serverless.rest_api.plugins.module_utils.apigateway import rest_api_arn
from ansible_collections.serverless.rest_api.plugins.module_utils.apigateway import stage_arn
from ansible_collections.serverless.rest_api.plugins.module_utils.apigateway import tag_updates
from ansible_collections.serverless.rest_api.plugins.module_utils.common import APIGATEWAY_RETRY
from ansible_collections.serverless.rest_api.plugins.module_utils.common import DEFAULT_RETRY
from ansible_collections.serverless.rest_api.plugins.module_utils.common import list_all_items
from ansible_collections.serverless.rest_api.plugins.module_utils.common import (
    AWSModule,
    lookup_tag_conflicts,
)
from ansible_collections.serverless.rest_api.plugins.module_utils.common import (
    matching_named_items,
)
from ansible_collections.serverless.rest_api.plugins.module_utils.common import string_tags
from ansible_collections.serverless.rest_api.plugins.module_utils.openapi import (
    DEFAULT_TIMEOUT_MS,
)
from ansible_collections.serverless.rest_api.plugins.module_utils.openapi import check_definition
from ansible_collections.serverless.rest_api.plugins.module_utils.openapi import kind
from ansible_collections.serverless.rest_api.plugins.module_utils.openapi import show

HASH_PREFIX = "config-sha256:"
THROTTLE_KEY = "*/*"
# Method fields set by PutMethod: a difference in any of them replaces the method.
METHOD_SETTINGS = ("api_key_required", "authorization_type")

STAGE_NAME_RE = re.compile(r"[A-Za-z0-9_-]{1,128}")
STAGE_VARIABLE_NAME_RE = re.compile(r"[A-Za-z0-9_]{1,64}")
STAGE_VARIABLE_VALUE_RE = re.compile(r"[A-Za-z0-9\-._~:/?#&=,]{1,512}")
LAMBDA_ARN_RE = re.compile(
    r"arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}"
    r"(:(\$LATEST|[A-Za-z0-9_-]{1,128}))?"
)
HASH_RE = re.compile(re.escape(HASH_PREFIX) + r"([0-9a-f]{64})")


# ---------------------------------------------------------------------------------------------
# Validation of the options and of the OpenAPI document (no AWS call)
# ---------------------------------------------------------------------------------------------


def parse_definition(definition, lambda_arn_set):
    """Check an OpenAPI document; return (operations, problems).

    The rules live in module_utils/openapi.py, shared with pre-flight. operations: list of
    {path, http_method, uri, timeout, api_key_required} for the valid ones.
    """
    operations, issues = check_definition(definition, lambda_arn_set)
    return operations, [issue.module_text() for issue in issues]


def _check_options(params, tags, lookup_tags):
    problems = []
    if not params["name"]:
        problems.append('name: empty value ""; allowed: a non-empty string')
    if tags is not None:
        for key in sorted(tags):
            if key.startswith("aws:"):
                problems.append(
                    f'tags: reserved key {show(key)}; allowed: keys not starting with "aws:"'
                )
        for key in lookup_tag_conflicts(tags, lookup_tags):
            problems.append(
                f"tags.{key}: value {show(tags[key])} differs from lookup_tags.{key} "
                f"{show(lookup_tags[key])}; allowed: the lookup_tags value, or leave the key out"
            )
    if params["state"] == "absent":
        return problems
    stage_name = params["stage_name"]
    if stage_name is not None and not STAGE_NAME_RE.fullmatch(stage_name):
        problems.append(
            f"stage_name: invalid value {show(stage_name)}; allowed: 1-128 characters of "
            "A-Z, a-z, 0-9, _ and -"
        )
    for key, value in (params["stage_variables"] or {}).items():
        if not STAGE_VARIABLE_NAME_RE.fullmatch(str(key)):
            problems.append(
                f"stage_variables: invalid variable name {show(key)}; allowed: 1-64 characters "
                "of A-Z, a-z, 0-9 and _"
            )
        if not isinstance(value, str):
            problems.append(
                f"stage_variables.{key}: value {show(value)} is {kind(value)}; allowed: a string "
                "(quote it)"
            )
        elif not STAGE_VARIABLE_VALUE_RE.fullmatch(value):
            problems.append(
                f"stage_variables.{key}: invalid value {show(value)}; allowed: 1-512 characters "
                "of A-Z, a-z, 0-9 and -._~:/?#&=,"
            )
    throttle = params["stage_throttle"]
    if throttle is not None:
        if throttle["rate_limit"] < 0:
            problems.append(
                f"stage_throttle.rate_limit: invalid value {show(throttle['rate_limit'])}; "
                "allowed: a number >= 0"
            )
        if throttle["burst_limit"] < 0:
            problems.append(
                f"stage_throttle.burst_limit: invalid value {show(throttle['burst_limit'])}; "
                "allowed: an integer >= 0"
            )
    lambda_arn = params["integration_lambda_arn"]
    if lambda_arn is not None and not LAMBDA_ARN_RE.fullmatch(lambda_arn):
        problems.append(
            f"integration_lambda_arn: invalid value {show(lambda_arn)}; allowed: a Lambda "
            "function ARN, arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>]"
        )
    return problems


# ---------------------------------------------------------------------------------------------
# The normalised model: {path: {HTTP_METHOD: {api_key_required, integration}}}
# ---------------------------------------------------------------------------------------------


def normalise_method(method):
    """A method as API Gateway returns it (GetResources embed=methods), reduced to what the
    module manages."""
    integration = method.get("methodIntegration")
    if integration:
        integration = {
            "type": (integration.get("type") or "").upper() or None,
            "http_method": (integration.get("httpMethod") or "").upper() or None,
            "uri": integration.get("uri"),
            "timeout_in_millis": int(integration.get("timeoutInMillis") or DEFAULT_TIMEOUT_MS),
        }
    return {
        "api_key_required": bool(method.get("apiKeyRequired")),
        "authorization_type": (method.get("authorizationType") or "NONE").upper(),
        "integration": integration or None,
    }


def current_model(resources):
    """(model, resource ids by path) of the resources of a REST API."""
    model = {}
    ids = {}
    for resource in resources:
        path = resource["path"]
        ids[path] = resource["id"]
        methods = resource.get("resourceMethods") or {}
        model[path] = {name: normalise_method(method) for name, method in methods.items()}
    return model, ids


def desired_model(client, operations, params):
    """The model the options and the document ask for, every parent resource included."""
    model = {"/": {}}
    default_uri = None
    if params["integration_lambda_arn"]:
        default_uri = lambda_integration_uri(client, params["integration_lambda_arn"])
    for operation in operations:
        path = operation["path"]
        segments = path[1:].split("/") if path != "/" else []
        for depth in range(1, len(segments) + 1):
            model.setdefault("/" + "/".join(segments[:depth]), {})
        key_required = params["api_key_required"]
        if key_required is None:
            key_required = operation["api_key_required"]
        # Built in the shape AWS returns so that both sides go through normalise_method.
        aws_shaped = {
            "apiKeyRequired": key_required,
            "authorizationType": "NONE",
            "methodIntegration": {
                "type": "AWS_PROXY",
                "httpMethod": "POST",
                "uri": operation["uri"] or default_uri,
                "timeoutInMillis": operation["timeout"],
            },
        }
        model[path][operation["http_method"]] = normalise_method(aws_shaped)
    return model


def model_hash(model):
    canonical = json.dumps(model, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _depth(path):
    return 0 if path == "/" else path.count("/")


def plan_model_changes(current, desired):
    """The calls that turn current into desired, in the order they must be made.

    A method whose own settings differ is replaced (DeleteMethod, PutMethod, PutIntegration)
    rather than patched, so that one code path works on every endpoint; the change reaches
    clients only with the deployment made afterwards. An integration that alone differs is
    overwritten with PutIntegration.
    """
    steps = []
    for path in sorted(current):
        if path in desired:
            for method in sorted(current[path]):
                if method not in desired[path]:
                    steps.append(("delete_method", path, method))
    for path in sorted((p for p in current if p not in desired), key=lambda p: (-_depth(p), p)):
        steps.append(("delete_resource", path, None))
    for path in sorted((p for p in desired if p not in current), key=lambda p: (_depth(p), p)):
        steps.append(("create_resource", path, None))
    for path in sorted(desired):
        for method in sorted(desired[path]):
            want = desired[path][method]
            have = current.get(path, {}).get(method)
            if have is None:
                steps.append(("put_method", path, method))
                steps.append(("put_integration", path, method))
                continue
            if any(have[setting] != want[setting] for setting in METHOD_SETTINGS):
                steps.append(("delete_method", path, method))
                steps.append(("put_method", path, method))
                steps.append(("put_integration", path, method))
            elif have["integration"] != want["integration"]:
                steps.append(("put_integration", path, method))
    return steps


def methods_list(model):
    return [
        {
            "path": path,
            "http_method": method,
            "api_key_required": model[path][method]["api_key_required"],
        }
        for path in sorted(model)
        for method in sorted(model[path])
    ]


# ---------------------------------------------------------------------------------------------
# Facts of the REST API and the stage
# ---------------------------------------------------------------------------------------------


def api_facts(api):
    types = (api.get("endpointConfiguration") or {}).get("types") or [None]
    return {
        "id": api.get("id"),
        "name": api.get("name"),
        "description": api.get("description") or "",
        "root_resource_id": api.get("rootResourceId"),
        "endpoint_type": types[0],
        "tags": read_tags(api),
    }


def _throttle(stage):
    settings = (stage.get("methodSettings") or {}).get(THROTTLE_KEY) or {}
    if "throttlingRateLimit" not in settings and "throttlingBurstLimit" not in settings:
        return None
    rate = settings.get("throttlingRateLimit")
    burst = settings.get("throttlingBurstLimit")
    return {
        "rate_limit": None if rate is None else float(rate),
        "burst_limit": None if burst is None else int(burst),
    }


def stage_facts(stage, config_sha256):
    return {
        "name": stage.get("stageName"),
        "description": stage.get("description") or "",
        "deployment_id": stage.get("deploymentId"),
        "config_sha256": config_sha256,
        "variables": dict(stage.get("variables") or {}),
        "throttle": _throttle(stage),
        "tracing_enabled": bool(stage.get("tracingEnabled")),
        "tags": read_tags(stage),
    }


def _desired_throttle(params):
    throttle = params["stage_throttle"]
    if throttle is None:
        return None
    return {
        "rate_limit": float(throttle["rate_limit"]),
        "burst_limit": int(throttle["burst_limit"]),
    }


def stage_patch_operations(facts, params):
    """UpdateStage patch operations that bring stage facts to the options."""
    operations = []
    description = params["stage_description"]
    if description is not None and description != facts["description"]:
        operations.append({"op": "replace", "path": "/description", "value": description})
    variables = params["stage_variables"]
    if variables is not None:
        for key in sorted(variables):
            if facts["variables"].get(key) != variables[key]:
                operations.append(
                    {"op": "replace", "path": f"/variables/{key}", "value": variables[key]}
                )
        for key in sorted(facts["variables"]):
            if key not in variables:
                operations.append({"op": "remove", "path": f"/variables/{key}"})
    if params["tracing_enabled"] != facts["tracing_enabled"]:
        value = "true" if params["tracing_enabled"] else "false"
        operations.append({"op": "replace", "path": "/tracingEnabled", "value": value})
    throttle = _desired_throttle(params)
    if throttle is not None and throttle != facts["throttle"]:
        for setting, key in (("rateLimit", "rate_limit"), ("burstLimit", "burst_limit")):
            operations.append(
                {
                    "op": "replace",
                    "path": f"/{THROTTLE_KEY}/throttling/{setting}",
                    "value": str(throttle[key]),
                }
            )
    return operations


def predicted_stage(facts, params, stage_tags):
    """Stage facts once the options are applied (deployment and hash are set by the caller)."""
    result = dict(facts)
    if params["stage_description"] is not None:
        result["description"] = params["stage_description"]
    if params["stage_variables"] is not None:
        result["variables"] = dict(params["stage_variables"])
    result["tracing_enabled"] = params["tracing_enabled"]
    if params["stage_throttle"] is not None:
        result["throttle"] = _desired_throttle(params)
    result["tags"] = predicted_tags(facts["tags"], stage_tags, params["purge_tags"])
    return result


def _view(api, model, stage):
    """The part of the state shown in the diff."""
    api_part = {key: api[key] for key in ("name", "description", "endpoint_type", "tags")}
    stage_part = None
    if stage:
        stage_part = {key: value for key, value in stage.items() if key != "deployment_id"}
    return {"rest_api": api_part, "resources": model, "stage": stage_part}


# ---------------------------------------------------------------------------------------------
# AWS reads
# ---------------------------------------------------------------------------------------------

def find_rest_api(module, client, name, lookup_tags):
    """The REST API called name (lookup_tags decide between several), or None."""
    try:
        items = list_all_items(client.get_rest_apis)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to list REST APIs named {name}")
    named = [item for item in items if item.get("name") == name]
    if len(named) > 1:
        named = matching_named_items(named, name, lookup_tags)
    if len(named) > 1:
        ids = ", ".join(sorted(item["id"] for item in named))
        module.fail_json(
            msg=(
                f"Found {len(named)} REST APIs named {name} carrying the lookup_tags "
                f"{show(lookup_tags)}: {ids}; set lookup_tags so that only one matches"
            )
        )
    return named[0] if named else None


def read_resources(module, client, api_id, name):
    try:
        return list_all_items(client.get_resources, restApiId=api_id, embed=["methods"])
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to read resources of REST API {name}")


def read_stage(module, client, api_id, stage_name):
    try:
        return client.get_stage(aws_retry=True, restApiId=api_id, stageName=stage_name)
    except (BotoCoreError, ClientError) as e:
        if is_not_found(e):
            return None
        module.fail_json_aws(e, msg=f"Failed to read stage {stage_name}")


def read_deployed_hash(module, client, api_id, stage):
    """The configuration hash in the description of the stage's deployment, or None."""
    deployment_id = stage.get("deploymentId")
    if not deployment_id:
        return None
    try:
        deployment = client.get_deployment(
            aws_retry=True, restApiId=api_id, deploymentId=deployment_id
        )
    except (BotoCoreError, ClientError) as e:
        if is_not_found(e):
            return None
        module.fail_json_aws(e, msg=f"Failed to read deployment {deployment_id}")
    match = HASH_RE.search(deployment.get("description") or "")
    return match.group(1) if match else None


def account_id(module):
    sts = module.client("sts", retry_decorator=DEFAULT_RETRY)
    try:
        return sts.get_caller_identity(aws_retry=True)["Account"]
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg="Failed to read caller identity account")


# ---------------------------------------------------------------------------------------------
# AWS writes
# ---------------------------------------------------------------------------------------------


def apply_model_steps(module, client, api_id, name, steps, desired, ids):
    """Make the planned resource and method calls; ids gains the new resource ids."""
    for action, path, method in steps:
        label = f"{method} {path}" if method else path
        try:
            if action == "delete_method":
                client.delete_method(
                    aws_retry=True, restApiId=api_id, resourceId=ids[path], httpMethod=method
                )
            elif action == "delete_resource":
                client.delete_resource(aws_retry=True, restApiId=api_id, resourceId=ids[path])
            elif action == "create_resource":
                parent, _, part = path.rpartition("/")
                created = client.create_resource(
                    aws_retry=True, restApiId=api_id, parentId=ids[parent or "/"], pathPart=part
                )
                ids[path] = created["id"]
            elif action == "put_method":
                client.put_method(
                    aws_retry=True,
                    restApiId=api_id,
                    resourceId=ids[path],
                    httpMethod=method,
                    authorizationType=desired[path][method]["authorization_type"],
                    apiKeyRequired=desired[path][method]["api_key_required"],
                )
            else:
                integration = desired[path][method]["integration"]
                client.put_integration(
                    aws_retry=True,
                    restApiId=api_id,
                    resourceId=ids[path],
                    httpMethod=method,
                    type=integration["type"],
                    integrationHttpMethod=integration["http_method"],
                    uri=integration["uri"],
                    timeoutInMillis=integration["timeout_in_millis"],
                )
        except (BotoCoreError, ClientError) as e:
            verb, what = action.split("_", 1)
            module.fail_json_aws(e, msg=f"Failed to {verb} {what} {label} of REST API {name}")


def verify_methods(module, client, api_id, name, desired):
    """Read the methods back and fail unless each has the settings asked for."""
    have, _ids = current_model(read_resources(module, client, api_id, name))
    problems = []
    for path in sorted(desired):
        for method in sorted(desired[path]):
            want = desired[path][method]
            got = have.get(path, {}).get(method)
            if got is None:
                problems.append(f"{method} {path} is missing")
                continue
            if got["api_key_required"] != want["api_key_required"]:
                problems.append(
                    f"{method} {path} has apiKeyRequired {str(got['api_key_required']).lower()}, "
                    f"asked for {str(want['api_key_required']).lower()}"
                )
            if got["authorization_type"] != want["authorization_type"]:
                problems.append(
                    f"{method} {path} has authorizationType {got['authorization_type']}, "
                    f"asked for {want['authorization_type']}"
                )
    if problems:
        module.fail_json(
            msg=(
                f"Methods of REST API {name} read back differently after the update "
                f"(nothing was deployed): {'; '.join(problems)}"
            ),
            errors=problems,
        )


def deploy(module, client, api_id, params, stage, config_hash, create_tags):
    """Create a deployment and point the stage at it, creating the stage when missing."""
    stage_name = params["stage_name"]
    description = f"{HASH_PREFIX}{config_hash}"
    try:
        if stage is not None:
            client.create_deployment(
                aws_retry=True, restApiId=api_id, stageName=stage_name, description=description
            )
            return
        deployment = client.create_deployment(
            aws_retry=True, restApiId=api_id, description=description
        )
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to create deployment of REST API {params['name']}")
    kwargs = {"tracingEnabled": params["tracing_enabled"]}
    if params["stage_description"] is not None:
        kwargs["description"] = params["stage_description"]
    if params["stage_variables"]:
        kwargs["variables"] = params["stage_variables"]
    if create_tags:
        kwargs["tags"] = create_tags
    try:
        client.create_stage(
            aws_retry=True,
            restApiId=api_id,
            stageName=stage_name,
            deploymentId=deployment["id"],
            **kwargs,
        )
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to create stage {stage_name}")


# ---------------------------------------------------------------------------------------------
# The work
# ---------------------------------------------------------------------------------------------


def _fail_on_problems(module, problems):
    if problems:
        module.fail_json(
            msg="Invalid arguments:\n- " + "\n- ".join(problems),
            errors=problems,
        )


def ensure_absent(module, client, current, name):
    result = {"changed": False, "rest_api": None}
    if current is None:
        if module._diff:
            result["diff"] = {"before": {}, "after": {}}
        return result
    result["changed"] = True
    if module._diff:
        model, _ids = current_model(read_resources(module, client, current["id"], name))
        result["diff"] = {"before": _view(api_facts(current), model, None), "after": {}}
    if not module.check_mode:
        try:
            client.delete_rest_api(aws_retry=True, restApiId=current["id"])
        except (BotoCoreError, ClientError) as e:
            if not is_not_found(e):
                module.fail_json_aws(e, msg=f"Failed to delete REST API {name}")
    return result


def _api_patch_operations(before_api, params):
    operations = []
    description = params["description"]
    if description is not None and description != before_api["description"]:
        operations.append({"op": "replace", "path": "/description", "value": description})
    if params["endpoint_type"] != before_api["endpoint_type"]:
        operations.append(
            {
                "op": "replace",
                "path": f"/endpointConfiguration/types/{before_api['endpoint_type']}",
                "value": params["endpoint_type"],
            }
        )
    return operations


def _new_stage(params, create_tags):
    """The stage as CreateStage will make it, in the shape GetStage returns."""
    return {
        "stageName": params["stage_name"],
        "description": params["stage_description"],
        "variables": params["stage_variables"],
        "tracingEnabled": params["tracing_enabled"],
        "tags": create_tags,
    }


def plan_changes(module, client, current, operations, tags, lookup_tags):
    """Read the current state and work out every change (no write call)."""
    params = module.params
    purge = params["purge_tags"]
    # New objects get the lookup tags even without `tags`, so that they can be found again.
    create_tags = tags if tags is not None else (lookup_tags or None)
    desired = desired_model(client, operations, params)
    config_hash = model_hash(desired)
    plan = {
        "desired": desired,
        "config_hash": config_hash,
        "tags": tags,
        "create_tags": create_tags,
        "before_api": None,
        "before_stage": None,
        "have": {"/": {}},
        "ids": {},
        "api_operations": [],
        "api_tag_change": False,
    }
    if current is None:
        plan["after_api"] = {
            "id": None,
            "name": params["name"],
            "description": params["description"] or "",
            "root_resource_id": None,
            "endpoint_type": params["endpoint_type"],
            "tags": dict(create_tags or {}),
        }
    else:
        api_id = current["id"]
        before_api = api_facts(current)
        plan["before_api"] = before_api
        plan["have"], plan["ids"] = current_model(
            read_resources(module, client, api_id, params["name"])
        )
        stage = read_stage(module, client, api_id, params["stage_name"])
        if stage is not None:
            deployed_hash = read_deployed_hash(module, client, api_id, stage)
            plan["before_stage"] = stage_facts(stage, deployed_hash)
        plan["api_operations"] = _api_patch_operations(before_api, params)
        plan["api_tag_change"] = any(tag_updates(before_api["tags"], tags, purge))
        after_api = dict(before_api)
        if params["description"] is not None:
            after_api["description"] = params["description"]
        after_api["endpoint_type"] = params["endpoint_type"]
        after_api["tags"] = predicted_tags(before_api["tags"], tags, purge)
        plan["after_api"] = after_api

    before_stage = plan["before_stage"]
    plan["steps"] = plan_model_changes(plan["have"], desired)
    plan["needs_deployment"] = (
        before_stage is None or bool(plan["steps"]) or before_stage["config_sha256"] != config_hash
    )
    if before_stage is None:
        stage_basis = stage_facts(_new_stage(params, create_tags), config_hash)
        after_stage = predicted_stage(stage_basis, params, create_tags)
        plan["stage_tag_change"] = False
    else:
        stage_basis = before_stage
        after_stage = predicted_stage(stage_basis, params, tags)
        plan["stage_tag_change"] = any(tag_updates(before_stage["tags"], tags, purge))
    plan["stage_operations"] = stage_patch_operations(stage_basis, params)
    after_stage["config_sha256"] = config_hash
    if plan["needs_deployment"]:
        after_stage["deployment_id"] = None
    plan["after_stage"] = after_stage
    # Changes other than tags: a tag write the endpoint refuses as not implemented is
    # skipped with a warning and then does not count as a change (see apply_tags).
    plan["settings_changed"] = (
        current is None
        or bool(plan["api_operations"])
        or plan["needs_deployment"]
        or bool(plan["stage_operations"])
    )
    plan["changed"] = (
        plan["settings_changed"] or plan["api_tag_change"] or plan["stage_tag_change"]
    )
    return plan


def apply_changes(module, client, current, plan):
    """Make every write of the plan.

    Returns (api facts, stage facts, changed), the facts as read back afterwards; changed is
    False only when the sole planned change was a tag write the endpoint does not implement.
    """
    params = module.params
    name = params["name"]
    stage_name = params["stage_name"]
    purge = params["purge_tags"]
    tags = plan["tags"]
    ids = plan["ids"]
    tags_written = False
    if current is None:
        kwargs = {"name": name, "endpointConfiguration": {"types": [params["endpoint_type"]]}}
        if params["description"]:
            kwargs["description"] = params["description"]
        if plan["create_tags"]:
            kwargs["tags"] = plan["create_tags"]
        try:
            created = client.create_rest_api(aws_retry=True, **kwargs)
        except (BotoCoreError, ClientError) as e:
            module.fail_json_aws(e, msg=f"Failed to create REST API {name}")
        api_id = created["id"]
        ids["/"] = created["rootResourceId"]
    else:
        api_id = current["id"]
        if plan["api_operations"]:
            try:
                client.update_rest_api(
                    aws_retry=True, restApiId=api_id, patchOperations=plan["api_operations"]
                )
            except (BotoCoreError, ClientError) as e:
                module.fail_json_aws(e, msg=f"Failed to update REST API {name}")
        api_label = f"REST API {name}"
        arn = rest_api_arn(client, api_id)
        tags_written = apply_tags(module, client, arn, read_tags(current), tags, purge, api_label)

    apply_model_steps(module, client, api_id, name, plan["steps"], plan["desired"], ids)
    if plan["steps"]:
        verify_methods(module, client, api_id, name, plan["desired"])

    facts = plan["before_stage"]
    if plan["needs_deployment"]:
        deploy(module, client, api_id, params, facts, plan["config_hash"], plan["create_tags"])
        # Read the stage again and compare against that: an endpoint may reset stage settings
        # on deployment (moto does), and a new stage still needs its throttling.
        stage = read_stage(module, client, api_id, stage_name)
        if stage is None:
            module.fail_json(
                msg=f"Stage {stage_name} of REST API {name} is missing after deployment"
            )
        facts = stage_facts(stage, plan["config_hash"])
    stage_operations = stage_patch_operations(facts, params)
    if stage_operations:
        try:
            client.update_stage(
                aws_retry=True,
                restApiId=api_id,
                stageName=stage_name,
                patchOperations=stage_operations,
            )
        except (BotoCoreError, ClientError) as e:
            module.fail_json_aws(e, msg=f"Failed to update stage {stage_name}")
    arn = stage_arn(client, api_id, stage_name)
    stage_label = f"stage {stage_name}"
    if apply_tags(module, client, arn, facts["tags"], tags, purge, stage_label):
        tags_written = True

    try:
        api = client.get_rest_api(aws_retry=True, restApiId=api_id)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to read REST API {name}")
    stage = read_stage(module, client, api_id, stage_name)
    if stage is None:
        module.fail_json(msg=f"Stage {stage_name} of REST API {name} is missing after the update")
    changed = plan["settings_changed"] or tags_written
    return api_facts(api), stage_facts(stage, plan["config_hash"]), changed


def ensure_present(module, client, current, operations, tags, lookup_tags):
    plan = plan_changes(module, client, current, operations, tags, lookup_tags)
    after_api, after_stage = plan["after_api"], plan["after_stage"]
    changed = plan["changed"]
    if not changed:
        after_api, after_stage = plan["before_api"], plan["before_stage"]
    elif not module.check_mode:
        after_api, after_stage, changed = apply_changes(module, client, current, plan)

    stage_name = module.params["stage_name"]
    api_keys = ("id", "name", "description", "root_resource_id", "endpoint_type", "tags")
    result = {
        "changed": changed,
        "rest_api": {key: after_api[key] for key in api_keys},
        "stage": after_stage,
        "methods": methods_list(plan["desired"]),
        "invoke_url": None,
        "execution_arn": None,
    }
    if after_api["id"]:
        result["invoke_url"] = invoke_url(client, after_api["id"], stage_name)
        result["execution_arn"] = execute_api_arn(client, account_id(module), after_api["id"])
    if module._diff:
        before = {}
        if current is not None:
            before = _view(plan["before_api"], plan["have"], plan["before_stage"])
        after = _view(after_api, plan["desired"], after_stage)
        result["diff"] = {"before": before, "after": after}
    return result


def ensure_rest_api(module, client):
    """Validate the arguments, then bring the REST API to the requested state."""
    params = module.params
    tags = string_tags(params["tags"])
    lookup_tags = string_tags(params["lookup_tags"]) or {}
    problems = _check_options(params, tags, lookup_tags)
    operations = []
    if params["state"] == "present":
        operations, definition_problems = parse_definition(
            params["definition"], bool(params["integration_lambda_arn"])
        )
        problems.extend(definition_problems)
    _fail_on_problems(module, problems)
    # lookup_tags are part of the tags the options ask for (merged under tags).
    if tags is not None:
        tags = {**lookup_tags, **tags}

    current = find_rest_api(module, client, params["name"], lookup_tags)
    if params["state"] == "absent":
        return ensure_absent(module, client, current, params["name"])
    return ensure_present(module, client, current, operations, tags, lookup_tags)


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        lookup_tags=dict(type="dict", default={}),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        description=dict(type="str"),
        endpoint_type=dict(type="str", default="REGIONAL", choices=["REGIONAL", "EDGE", "PRIVATE"]),
        definition=dict(type="dict"),
        integration_lambda_arn=dict(type="str"),
        api_key_required=dict(type="bool"),
        stage_name=dict(type="str"),
        stage_description=dict(type="str"),
        stage_variables=dict(type="dict"),
        tracing_enabled=dict(type="bool", default=False),
        stage_throttle=dict(
            type="dict",
            options=dict(
                rate_limit=dict(type="float", required=True),
                burst_limit=dict(type="int", required=True),
            ),
        ),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AWSModule(
        argument_spec=argument_spec,
        required_if=[("state", "present", ["definition", "stage_name"])],
        supports_check_mode=True,
    )
    client = module.client("apigateway", retry_decorator=APIGATEWAY_RETRY)
    module.exit_json(**ensure_rest_api(module, client))


if __name__ == "__main__":
    main()
