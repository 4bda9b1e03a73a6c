#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: lambda_function
short_description: Manage the code, configuration and tags of one AWS Lambda function
version_added: 0.1.0
description:
  - Creates, updates or deletes one zip-packaged AWS Lambda function.
  - Reads the function first and compares every managed setting with what is asked for, after
    normalising both sides the same way. Only the settings that differ are sent, in a single
    C(UpdateFunctionConfiguration) call; the code is uploaded only when the SHA-256 of the
    local package differs from the function's C(CodeSha256).
  - A run that finds nothing to change makes no write call and reports C(changed=false).
  - Works on the unpublished C($LATEST) version only and never publishes versions.
options:
  name:
    description:
      - Name of the function, 1 to 64 letters, digits, hyphens or underscores.
      - A function ARN or a qualified name is not accepted.
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the function, V(absent) deletes it.
      - Deleting a function that does not exist is not an error and changes nothing.
    type: str
    choices: [present, absent]
    default: present
  zip_file:
    description:
      - Path on the control node to the deployment package, a zip archive of at most 50 MiB.
      - The package should be built deterministically (same sources, same bytes), because
        the module compares its SHA-256 with the function's C(CodeSha256) to decide whether
        to upload it.
      - Required when O(state=present).
    type: path
  runtime:
    description:
      - Runtime identifier, for example V(python3.12).
      - Required when O(state=present).
    type: str
  handler:
    description:
      - Function entry point inside the package, for example V(app.handler); at most 128
        characters without whitespace.
      - Required when O(state=present).
    type: str
  role:
    description:
      - ARN of the IAM execution role the function assumes
        (V(arn:<partition>:iam::<account>:role/<name>)).
      - Required when O(state=present).
    type: str
  description:
    description:
      - Description of the function, at most 256 characters.
    type: str
    default: ""
  memory_size:
    description:
      - Memory in MiB, from 128 to 10240.
    type: int
    default: 128
  timeout:
    description:
      - Maximum run time of one invocation in seconds, from 1 to 900.
    type: int
    default: 3
  architecture:
    description:
      - Instruction set architecture of the function.
      - A change is sent with the code upload (C(UpdateFunctionCode) C(Architectures)), so
        the package must suit the new architecture.
    type: str
    choices: [x86_64, arm64]
    default: x86_64
  tracing_mode:
    description:
      - AWS X-Ray tracing mode.
    type: str
    choices: [Active, PassThrough]
    default: PassThrough
  environment_variables:
    description:
      - Environment variables of the function, the complete set; variables not listed here
        are removed.
      - Keys start with a letter, have at least two characters, contain only letters, digits
        and underscores, and must not be one of the names Lambda reserves (for example
        C(AWS_REGION), C(AWS_LAMBDA_FUNCTION_NAME), C(LAMBDA_TASK_ROOT)). C(TZ), C(LANG) and
        C(AWS_LAMBDA_EXEC_WRAPPER) are not reserved and may be set.
      - Values must be strings or numbers; numbers are sent as their decimal text. Booleans
        are refused, quote them (V("true")) so the function sees the text you mean.
      - Keys and values together must stay within 4 KiB (4096 bytes), measured as Lambda
        measures them, as one compact JSON object (quotes, colons and commas included).
    type: dict
    default: {}
  kms_key_arn:
    description:
      - ARN of the KMS key (V(arn:<partition>:kms:<region>:<account>:key/<id>)) that encrypts
        the environment variables at rest.
      - When omitted the function uses the AWS-managed key of Lambda; a function that has a
        customer key is set back to it.
      - An alias or a bare key id is refused; give the key ARN.
    type: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
attributes:
  check_mode:
    support: full
    description: Reports the predicted result and diff and makes no write call.
  diff_mode:
    support: full
    description: Returns the configuration, code hash and tags before and after.
notes:
  - Environment variable values are configuration, not secrets. They appear in the diff, in
    the returned facts and in the output of C(GetFunction) for anyone allowed to read the
    function. Keep secrets in AWS Secrets Manager or SSM Parameter Store and put only
    their names in O(environment_variables).
  - Only the options above are managed. Reserved concurrency (see
    C(serverless.rest_api.lambda_concurrency)), VPC settings, layers, dead-letter queues,
    ephemeral storage, logging configuration, SnapStart, aliases and versions are left as
    they are.
  - Packages are uploaded directly (C(ZipFile)); uploads from S3 and container images are
    not supported, and a function whose package type is C(Image) is refused.
  - After every write the module waits until the function is C(Active) and its
    C(LastUpdateStatus) is C(Successful) (AWS refuses a second update while one is in
    progress), reads the function back and fails if a setting it sent was not applied. It
    never reports success for a setting, an encryption key in particular, that is not in
    place.
  - The local endpoint moto 5.2.5 stores C(KMSKeyArn) on C(CreateFunction) but ignores it on
    C(UpdateFunctionConfiguration), and ignores C(Architectures) on C(UpdateFunctionCode).
    Against moto, changing the key or the architecture of an existing function therefore
    fails with a message saying the endpoint did not apply it.
  - moto 5.2.5 reports C(LastUpdateStatus=Successful) at once, so the waits finish
    immediately there and are only exercised against AWS.
  - Tag keys beginning with C(aws:) are reserved by AWS; they are refused in O(tags) and
    never removed by O(purge_tags).
  - A role created moments before the function may not be usable by Lambda yet; creation is
    tried again every 5 seconds for up to a minute while AWS says the role cannot be assumed.
author:
  - Items API platform team
"""

EXAMPLES = r"""
- name: Ensure the items API function runs the current package
  serverless.rest_api.lambda_function:
    name: items-api-dev
    zip_file: "{{ playbook_dir }}/build/items_api.zip"
    runtime: python3.12
    handler: items_api.app.handler
    role: arn:aws:iam::123456789012:role/items-api-dev-lambda
    description: Items REST API
    memory_size: 256
    timeout: 10
    architecture: arm64
    tracing_mode: Active
    environment_variables:
      TABLE_NAME: items-dev
      LOG_LEVEL: INFO
    kms_key_arn: arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
    tags:
      project: items-api
      environment: dev
  register: items_lambda

- name: Ensure the items API function is gone
  serverless.rest_api.lambda_function:
    name: items-api-dev
    state: absent
"""

RETURN = r"""
function:
  description:
    - Facts of the function after the run (the predicted facts in check mode).
    - Empty when the function does not exist or was deleted.
  returned: always
  type: dict
  contains:
    name:
      description: Function name.
      type: str
      sample: items-api-dev
    arn:
      description: Unqualified function ARN; V(null) in check mode for a new function.
      type: str
      sample: arn:aws:lambda:eu-west-1:123456789012:function:items-api-dev
    runtime:
      description: Runtime identifier.
      type: str
      sample: python3.12
    handler:
      description: Entry point.
      type: str
      sample: items_api.app.handler
    role:
      description: Execution role ARN.
      type: str
      sample: arn:aws:iam::123456789012:role/items-api-dev-lambda
    description:
      description: Description; an empty string when none is set.
      type: str
      sample: Items REST API
    memory_size:
      description: Memory in MiB.
      type: int
      sample: 256
    timeout:
      description: Timeout in seconds.
      type: int
      sample: 10
    architecture:
      description: Instruction set architecture.
      type: str
      sample: arm64
    tracing_mode:
      description: X-Ray tracing mode.
      type: str
      sample: Active
    code_sha256:
      description: Base64-encoded SHA-256 of the deployment package.
      type: str
      sample: pwTOeCfToX/dHf10sxyzMFkykoDYUwPB00cnN4zHoiQ=
    environment_variables:
      description: Environment variables; an empty dict when none are set.
      type: dict
      sample: {"TABLE_NAME": "items-dev", "LOG_LEVEL": "INFO"}
    kms_key_arn:
      description: Customer KMS key ARN; V(null) when the AWS-managed key is used.
      type: str
      sample: arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
    tags:
      description: Tags of the function.
      type: dict
      sample: {"project": "items-api", "environment": "dev"}
    state:
      description: Lifecycle state (C(Pending), C(Active), C(Inactive), C(Failed)).
      type: str
      sample: Active
    last_update_status:
      description: Status of the last update (C(Successful), C(Failed), C(InProgress)).
      type: str
      sample: Successful
"""

import base64
import hashlib
import os
import re
import time
import zipfile

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # AnsibleAWSModule reports the missing botocore

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code

from ansible_collections.serverless.rest_api.plugins.module_utils.common import (
    AWSModule,
    LAMBDA_RETRY,
    merged_tags,
    tag_changes,
)
from ansible_collections.serverless.rest_api.plugins.module_utils.lambda_environment import (
    ENV_KEY_RE,
    MAX_ENV_BYTES,
    RESERVED_ENV_KEYS,
    environment_size,
    environment_value_text,
)


# IAM is eventually consistent: for some seconds after a role is created, CreateFunction
# answers that Lambda cannot assume it. About a minute covers what AWS documents.
ROLE_PROPAGATION_ATTEMPTS = 12
ROLE_PROPAGATION_DELAY = 5

NAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
ROLE_ARN_RE = re.compile(r"^arn:aws[a-zA-Z-]*:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-/]+$")
KMS_KEY_ARN_RE = re.compile(r"^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]+$")
MAX_ZIP_BYTES = 50 * 1024 * 1024
MAX_TAGS = 50

# Configuration settings compared field by field: option -> UpdateFunctionConfiguration field.
CONFIG_FIELDS = {
    "runtime": "Runtime",
    "handler": "Handler",
    "role": "Role",
    "description": "Description",
    "memory_size": "MemorySize",
    "timeout": "Timeout",
    "tracing_mode": "TracingConfig",
    "environment_variables": "Environment",
    "kms_key_arn": "KMSKeyArn",
}
# Settings that go with UpdateFunctionCode.
CODE_FIELDS = ("code_sha256", "architecture")
DIFF_FIELDS = tuple(CONFIG_FIELDS) + CODE_FIELDS + ("tags",)


# ---------------------------------------------------------------------------------------------
# Input checks (all before any AWS call)
# ---------------------------------------------------------------------------------------------


def _render_string_map(module, option, mapping):
    """Return mapping with string values; numbers become text, anything else is refused."""
    rendered = {}
    for key, value in (mapping or {}).items():
        text = environment_value_text(value)
        if text is None:
            module.fail_json(
                msg=(
                    f"{option}: the value of {key!r} is {value!r} ({type(value).__name__});"
                    " only strings and numbers are allowed (quote booleans, e.g. \"true\")"
                )
            )
        rendered[str(key)] = text
    return rendered


def _check_environment(module, variables):
    for key in variables:
        if not ENV_KEY_RE.match(key):
            module.fail_json(
                msg=(
                    f"environment_variables: key {key!r} is not allowed; keys start with a"
                    " letter, have at least two characters and contain only letters, digits"
                    " and underscores"
                )
            )
        if key in RESERVED_ENV_KEYS:
            module.fail_json(
                msg=(
                    f"environment_variables: key {key!r} is reserved by Lambda; reserved keys"
                    f" are {', '.join(sorted(RESERVED_ENV_KEYS))}"
                )
            )
    size = environment_size(variables)
    if size > MAX_ENV_BYTES:
        module.fail_json(
            msg=(
                f"environment_variables: keys and values take {size} bytes as Lambda measures"
                f" them (one compact JSON object); Lambda allows at most {MAX_ENV_BYTES} bytes"
                " in total"
            )
        )


def _check_tags(module, tags):
    if tags is None:
        return
    if len(tags) > MAX_TAGS:
        module.fail_json(
            msg=f"tags: {len(tags)} tags given; a Lambda function has at most {MAX_TAGS}"
        )
    for key, value in tags.items():
        if key.lower().startswith("aws:"):
            module.fail_json(
                msg=f"tags: key {key!r} is not allowed; the prefix aws: is reserved by AWS"
            )
        if not 1 <= len(key) <= 128:
            module.fail_json(msg=f"tags: key {key!r} must have 1 to 128 characters")
        if len(value) > 256:
            module.fail_json(
                msg=f"tags: the value of {key!r} has {len(value)} characters; at most 256"
            )


def _read_package(module, path):
    """Return the bytes of the deployment package, refusing what AWS would refuse."""
    if not os.path.isfile(path):
        module.fail_json(msg=f"zip_file: {path!r} is not a file")
    size = os.path.getsize(path)
    if size > MAX_ZIP_BYTES:
        module.fail_json(
            msg=(
                f"zip_file: {path!r} has {size} bytes; a package uploaded directly may have at"
                f" most {MAX_ZIP_BYTES} bytes"
            )
        )
    if not zipfile.is_zipfile(path):
        module.fail_json(msg=f"zip_file: {path!r} is not a zip archive")
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as e:
        module.fail_json(msg=f"zip_file: cannot read {path!r}: {e}")


def code_sha256(data):
    """The value Lambda reports as CodeSha256 for this package: base64 of the SHA-256."""
    return base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")


def validate_params(module):
    """Check what argument_spec cannot express.

    Returns None for state=absent, else (desired settings, package bytes, rendered tags).
    """
    params = module.params
    name = params["name"]
    if not NAME_RE.match(name):
        module.fail_json(
            msg=(
                f"name: {name!r} is not a valid function name; use 1 to 64 letters, digits,"
                " hyphens or underscores"
            )
        )
    if params["state"] == "absent":
        return None

    if not ROLE_ARN_RE.match(params["role"]):
        module.fail_json(
            msg=(
                f"role: {params['role']!r} is not an IAM role ARN"
                " (arn:<partition>:iam::<account>:role/<name>)"
            )
        )
    handler = params["handler"]
    if not handler or len(handler) > 128 or re.search(r"\s", handler):
        module.fail_json(
            msg=f"handler: {handler!r} must have 1 to 128 characters and no whitespace"
        )
    if not params["runtime"]:
        module.fail_json(msg="runtime: an empty runtime is not allowed, e.g. python3.12")
    if len(params["description"]) > 256:
        module.fail_json(
            msg=f"description: {len(params['description'])} characters given; at most 256"
        )
    if not 128 <= params["memory_size"] <= 10240:
        module.fail_json(msg=f"memory_size: {params['memory_size']} is outside 128-10240 (MiB)")
    if not 1 <= params["timeout"] <= 900:
        module.fail_json(msg=f"timeout: {params['timeout']} is outside 1-900 (seconds)")
    kms_key_arn = params["kms_key_arn"] or None
    if kms_key_arn is not None and not KMS_KEY_ARN_RE.match(kms_key_arn):
        module.fail_json(
            msg=(
                f"kms_key_arn: {kms_key_arn!r} is not a KMS key ARN"
                " (arn:<partition>:kms:<region>:<account>:key/<key id>); aliases and bare key"
                " ids are not accepted"
            )
        )
    variables = _render_string_map(module, "environment_variables", params["environment_variables"])
    _check_environment(module, variables)
    tags = params["tags"]
    if tags is not None:
        tags = _render_string_map(module, "tags", tags)
        _check_tags(module, tags)
    package = _read_package(module, params["zip_file"])

    desired = {
        "runtime": params["runtime"],
        "handler": handler,
        "role": params["role"],
        "description": params["description"],
        "memory_size": params["memory_size"],
        "timeout": params["timeout"],
        "tracing_mode": params["tracing_mode"],
        "environment_variables": variables,
        "kms_key_arn": kms_key_arn,
        "code_sha256": code_sha256(package),
        "architecture": params["architecture"],
    }
    return desired, package, tags


# ---------------------------------------------------------------------------------------------
# Reading and normalising
# ---------------------------------------------------------------------------------------------


def unqualified_arn(arn):
    """Drop a version or alias suffix: tags live on the unqualified function ARN."""
    return ":".join(arn.split(":")[:7])


def get_function(module, client, name):
    try:
        return client.get_function(FunctionName=name, aws_retry=True)
    except is_boto3_error_code("ResourceNotFoundException"):
        return None
    except (BotoCoreError, ClientError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Failed to get Lambda function {name}")


def get_tags(module, client, name, arn):
    try:
        return client.list_tags(Resource=arn, aws_retry=True).get("Tags", {})
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to list tags of Lambda function {name}")


def normalise(module, name, configuration):
    """Managed settings of a function as this module names them, absent fields filled in."""
    environment = configuration.get("Environment") or {}
    if environment.get("Error"):
        # GetFunction returns an error instead of the variables when the caller may not
        # decrypt them; comparing against an empty set would rewrite them on every run.
        error = environment["Error"]
        module.fail_json(
            msg=(
                f"Failed to read the environment variables of Lambda function {name}:"
                f" {error.get('ErrorCode')}: {error.get('Message')}"
            )
        )
    return {
        "runtime": configuration.get("Runtime"),
        "handler": configuration.get("Handler"),
        "role": configuration.get("Role"),
        "description": configuration.get("Description") or "",
        "memory_size": configuration.get("MemorySize"),
        "timeout": configuration.get("Timeout"),
        "tracing_mode": (configuration.get("TracingConfig") or {}).get("Mode") or "PassThrough",
        "environment_variables": dict(environment.get("Variables") or {}),
        "kms_key_arn": configuration.get("KMSKeyArn") or None,
        "code_sha256": configuration.get("CodeSha256"),
        "architecture": (configuration.get("Architectures") or ["x86_64"])[0],
    }


def facts(name, arn, settings, tags, state, last_update_status):
    return {
        "name": name,
        "arn": arn,
        "runtime": settings["runtime"],
        "handler": settings["handler"],
        "role": settings["role"],
        "description": settings["description"],
        "memory_size": settings["memory_size"],
        "timeout": settings["timeout"],
        "architecture": settings["architecture"],
        "tracing_mode": settings["tracing_mode"],
        "code_sha256": settings["code_sha256"],
        "environment_variables": settings["environment_variables"],
        "kms_key_arn": settings["kms_key_arn"],
        "tags": tags,
        "state": state,
        "last_update_status": last_update_status,
    }


def diff_view(function_facts):
    if not function_facts:
        return {}
    return {field: function_facts[field] for field in DIFF_FIELDS}


def configuration_request(changed_settings):
    """UpdateFunctionConfiguration fields for the settings that differ."""
    request = {}
    for option, value in changed_settings.items():
        field = CONFIG_FIELDS[option]
        if option == "tracing_mode":
            value = {"Mode": value}
        elif option == "environment_variables":
            value = {"Variables": value}
        elif option == "kms_key_arn":
            # An empty string sets the function back to the AWS-managed key.
            value = value or ""
        request[field] = value
    return request


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


def wait_for(module, client, name, waiter_name):
    """Block until the function is Active (function_active_v2) or its update is done."""
    try:
        client.get_waiter(waiter_name).wait(FunctionName=name)
    except (BotoCoreError, ClientError) as e:
        verb = "wait for" if waiter_name == "function_active_v2" else "wait for the update of"
        module.fail_json_aws(e, msg=f"Failed to {verb} Lambda function {name}")


def wait_until_idle(module, client, name, configuration):
    """Before a write: let a creation or update still running elsewhere finish."""
    if configuration.get("State") == "Pending":
        wait_for(module, client, name, "function_active_v2")
    if configuration.get("LastUpdateStatus") == "InProgress":
        wait_for(module, client, name, "function_updated_v2")


def verify_applied(module, name, desired, applied, function_facts, fields):
    """Fail when the function read back does not have what was sent."""
    if "kms_key_arn" in fields and applied["kms_key_arn"] != desired["kms_key_arn"]:
        asked = desired["kms_key_arn"] or "the AWS-managed key"
        got = applied["kms_key_arn"] or "the AWS-managed key"
        module.fail_json(
            msg=(
                f"Failed to update Lambda function {name}: the endpoint did not apply the"
                f" encryption key of the environment variables (asked for {asked}, the"
                f" function reports {got})"
            ),
            changed=True,
            function=function_facts,
        )
    missing = [
        f"{field} (asked for {desired[field]!r}, got {applied[field]!r})"
        for field in fields
        if applied[field] != desired[field]
    ]
    if missing:
        module.fail_json(
            msg=(
                f"Failed to update Lambda function {name}: the endpoint did not apply"
                f" {'; '.join(missing)}"
            ),
            changed=True,
            function=function_facts,
        )


def is_role_not_ready(error):
    """True for the error AWS gives while a just-created execution role has not propagated."""
    details = error.response.get("Error", {})
    return (
        details.get("Code") == "InvalidParameterValueException"
        and "cannot be assumed by Lambda" in details.get("Message", "")
    )


def create_function(module, client, name, desired, package, tags):
    request = {
        "FunctionName": name,
        "Runtime": desired["runtime"],
        "Role": desired["role"],
        "Handler": desired["handler"],
        "Code": {"ZipFile": package},
        "Description": desired["description"],
        "Timeout": desired["timeout"],
        "MemorySize": desired["memory_size"],
        "Publish": False,
        "PackageType": "Zip",
        "TracingConfig": {"Mode": desired["tracing_mode"]},
        "Architectures": [desired["architecture"]],
    }
    if desired["environment_variables"]:
        request["Environment"] = {"Variables": desired["environment_variables"]}
    if desired["kms_key_arn"]:
        request["KMSKeyArn"] = desired["kms_key_arn"]
    if tags:
        request["Tags"] = tags
    for attempt in range(ROLE_PROPAGATION_ATTEMPTS):
        try:
            client.create_function(aws_retry=True, **request)
            break
        except ClientError as e:
            if not is_role_not_ready(e) or attempt == ROLE_PROPAGATION_ATTEMPTS - 1:
                module.fail_json_aws(e, msg=f"Failed to create Lambda function {name}")
            time.sleep(ROLE_PROPAGATION_DELAY)
        except BotoCoreError as e:
            module.fail_json_aws(e, msg=f"Failed to create Lambda function {name}")
    wait_for(module, client, name, "function_active_v2")


def update_tags(module, client, name, arn, to_set, to_remove):
    try:
        if to_remove:
            client.untag_resource(Resource=arn, TagKeys=to_remove, aws_retry=True)
        if to_set:
            client.tag_resource(Resource=arn, Tags=to_set, aws_retry=True)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to tag Lambda function {name}")


def read_back(module, client, name):
    response = get_function(module, client, name)
    if response is None:
        module.fail_json(
            msg=f"Failed to read back Lambda function {name}: it was not found", changed=True
        )
    configuration = response["Configuration"]
    arn = unqualified_arn(configuration["FunctionArn"])
    settings = normalise(module, name, configuration)
    tags = get_tags(module, client, name, arn)
    function_facts = facts(
        name,
        arn,
        settings,
        tags,
        configuration.get("State"),
        configuration.get("LastUpdateStatus"),
    )
    return settings, function_facts


# ---------------------------------------------------------------------------------------------
# The work
# ---------------------------------------------------------------------------------------------


def ensure_absent(module, client, name, current):
    result = {"changed": False, "function": {}}
    if current is not None:
        configuration = current["Configuration"]
        arn = unqualified_arn(configuration["FunctionArn"])
        before = facts(
            name,
            arn,
            normalise(module, name, configuration),
            get_tags(module, client, name, arn) if module._diff else {},
            configuration.get("State"),
            configuration.get("LastUpdateStatus"),
        )
        result["changed"] = True
        if not module.check_mode:
            try:
                client.delete_function(FunctionName=name, aws_retry=True)
            except is_boto3_error_code("ResourceNotFoundException"):
                result["changed"] = False
            except (BotoCoreError, ClientError) as e:  # pylint: disable=duplicate-except
                module.fail_json_aws(e, msg=f"Failed to delete Lambda function {name}")
        if module._diff:
            result["diff"] = {"before": diff_view(before), "after": {}}
    elif module._diff:
        result["diff"] = {"before": {}, "after": {}}
    return result


def ensure_present(module, client, name, current, desired, package, tags):
    purge_tags = module.params["purge_tags"]

    if current is None:
        predicted = facts(name, None, desired, dict(tags or {}), None, None)
        result = {"changed": True, "function": predicted}
        if not module.check_mode:
            create_function(module, client, name, desired, package, tags)
            applied, result["function"] = read_back(module, client, name)
            verify_applied(module, name, desired, applied, result["function"], CONFIG_FIELDS)
            verify_applied(module, name, desired, applied, result["function"], CODE_FIELDS)
        if module._diff:
            result["diff"] = {"before": {}, "after": diff_view(result["function"])}
        return result

    configuration = current["Configuration"]
    if configuration.get("PackageType") == "Image":
        module.fail_json(
            msg=(
                f"Lambda function {name} is a container image function; this module manages"
                " zip packages only"
            )
        )
    arn = unqualified_arn(configuration["FunctionArn"])
    settings = normalise(module, name, configuration)
    current_tags = get_tags(module, client, name, arn)
    before = facts(
        name,
        arn,
        settings,
        current_tags,
        configuration.get("State"),
        configuration.get("LastUpdateStatus"),
    )

    config_changes = {f: desired[f] for f in CONFIG_FIELDS if settings[f] != desired[f]}
    code_changes = {f: desired[f] for f in CODE_FIELDS if settings[f] != desired[f]}
    # Tags whose keys start with aws: belong to AWS and are never removed.
    removable = {k: v for k, v in current_tags.items() if not k.lower().startswith("aws:")}
    to_set, to_remove = tag_changes(removable, tags, purge_tags)
    expected_tags = merged_tags(removable, tags, purge_tags)
    expected_tags.update({k: v for k, v in current_tags.items() if k not in removable})

    changed = bool(config_changes or code_changes or to_set or to_remove)
    predicted = dict(before)
    predicted.update(config_changes)
    predicted.update(code_changes)
    predicted["tags"] = expected_tags
    result = {"changed": changed, "function": predicted if changed else before}

    if changed and not module.check_mode:
        if config_changes or code_changes:
            wait_until_idle(module, client, name, configuration)
        if config_changes:
            try:
                client.update_function_configuration(
                    FunctionName=name, aws_retry=True, **configuration_request(config_changes)
                )
            except (BotoCoreError, ClientError) as e:
                module.fail_json_aws(e, msg=f"Failed to update Lambda function {name}")
            wait_for(module, client, name, "function_updated_v2")
        if code_changes:
            try:
                client.update_function_code(
                    FunctionName=name,
                    ZipFile=package,
                    Architectures=[desired["architecture"]],
                    Publish=False,
                    aws_retry=True,
                )
            except (BotoCoreError, ClientError) as e:
                module.fail_json_aws(e, msg=f"Failed to update the code of Lambda function {name}")
            wait_for(module, client, name, "function_updated_v2")
        if to_set or to_remove:
            update_tags(module, client, name, arn, to_set, to_remove)
        applied, result["function"] = read_back(module, client, name)
        verify_applied(module, name, desired, applied, result["function"], config_changes)
        verify_applied(module, name, desired, applied, result["function"], code_changes)

    if module._diff:
        result["diff"] = {"before": diff_view(before), "after": diff_view(result["function"])}
    return result


def run_module(module, client):
    """Bring the function to the requested state; return the module result."""
    checked = validate_params(module)
    name = module.params["name"]
    current = get_function(module, client, name)
    if module.params["state"] == "absent":
        return ensure_absent(module, client, name, current)
    desired, package, tags = checked
    return ensure_present(module, client, name, current, desired, package, tags)


def build_module():
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        zip_file=dict(type="path"),
        runtime=dict(type="str"),
        handler=dict(type="str"),
        role=dict(type="str"),
        description=dict(type="str", default=""),
        memory_size=dict(type="int", default=128),
        timeout=dict(type="int", default=3),
        architecture=dict(type="str", choices=["x86_64", "arm64"], default="x86_64"),
        tracing_mode=dict(type="str", choices=["Active", "PassThrough"], default="PassThrough"),
        environment_variables=dict(type="dict", default={}),
        kms_key_arn=dict(type="str"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    return AWSModule(
        argument_spec=argument_spec,
        required_if=[("state", "present", ["zip_file", "runtime", "handler", "role"])],
        supports_check_mode=True,
    )


def main():
    module = build_module()
    client = module.client("lambda", retry_decorator=LAMBDA_RETRY)
    module.exit_json(**run_module(module, client))


if __name__ == "__main__":
    main()
