# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller side of serverless.rest_api.validate_settings (documented in plugins/modules).

Checks every setting of the listed roles before any AWS call: first against the role's
meta/argument_specs.yml (with ansible's ArgumentSpecValidator), then against the rules the
declaration cannot express. Every problem becomes one line,
`<variable>: <problem>; got <value>; allowed: <what is allowed>`, followed by
` (from <file>:<line>)` where the value carries an Origin tag.
"""

from __future__ import annotations

import difflib
import json
import math
import os
import re

from ansible.errors import AnsibleActionFail, AnsibleError
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.errors import ArgumentValueError
from ansible.plugins.action import ActionBase

from ansible_collections.serverless.rest_api.plugins.module_utils.lambda_environment import (
    ENV_KEY_RE,
    MAX_ENV_BYTES,
    RESERVED_ENV_KEYS,
    environment_size,
    environment_value_text,
)
from ansible_collections.serverless.rest_api.plugins.module_utils.openapi import ABSENT
from ansible_collections.serverless.rest_api.plugins.module_utils.openapi import (
    check_definition,
)
from ansible_collections.serverless.rest_api.plugins.module_utils.openapi import place
from ansible_collections.serverless.rest_api.plugins.plugin_utils.definition_file import (
    DefinitionFile,
)

try:
    # ansible-core 2.19+ tags loaded values with the file and line they came from.
    from ansible._internal._datatag._tags import Origin
except ImportError:  # pragma: no cover - older cores: the lines just have no origin
    Origin = None

# This file is <collection>/plugins/action/validate_settings.py; the roles are beside plugins/.
COLLECTION_ROOT = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", ".."))

ARGUMENT_SPEC = {
    "roles": {"type": "list", "elements": "str", "required": True},
    "prefixes": {"type": "list", "elements": "str"},
    "not_settings": {"type": "list", "elements": "str", "default": []},
}

MISSING = object()  # the variable is not set anywhere and has no declared default
INVALID = object()  # the value failed its declaration; rules that need it are skipped

TYPE_TEXT = {
    "str": "a string",
    "path": "a file path",
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "dict": "a mapping",
    "list": "a list",
    "raw": "any value",
}

# What is allowed, by setting path; also used when a value has the wrong type.
ALLOWED = {
    "deploy_project": "letters, digits, _ and - (it prefixes the table, function and API names)",
    "deploy_environment": (
        "letters, digits, _ and - (it names the stage and is part of the table and function "
        "names)"
    ),
    "deploy_region": "an AWS region name such as eu-west-1",
    "deploy_tags": "a mapping of tag keys to string values",
    "table_name": "3 to 255 characters of letters, digits, _, . and -",
    "lambda_table_name": "3 to 255 characters of letters, digits, _, . and -",
    "table_hash_key_name": "1 to 255 characters",
    "table_read_capacity": "a whole number, 1 or more, with table_billing_mode PROVISIONED",
    "table_write_capacity": "a whole number, 1 or more, with table_billing_mode PROVISIONED",
    "table_sse": "a mapping like {enabled: true, kms_key: alias/aws/dynamodb}",
    "table_sse.enabled": "true",
    "table_sse.kms_key": "a KMS key id, key ARN, alias name (alias/...) or alias ARN",
    "table_recovery_period_days": "a whole number from 1 to 35 (days)",
    "table_tags": "a mapping of tag keys to string values",
    "lambda_function_name": "1 to 64 characters of letters, digits, _ and -",
    "apigateway_lambda_function_name": "1 to 64 characters of letters, digits, _ and -",
    "lambda_description": "a string of at most 256 characters",
    "lambda_build_dir": "a folder the deploy can write to, or one it can create",
    "lambda_handler": (
        "module path and function name without spaces, at most 128 characters, such as "
        "items_api.handler.handle"
    ),
    "lambda_memory_size": "a whole number from 128 to 10240 (MB)",
    "lambda_timeout": "a whole number from 1 to 900 (seconds)",
    "lambda_reserved_concurrency": "a whole number, 0 or more (0 throttles every invocation)",
    "lambda_min_unreserved_concurrency": "a whole number, 0 or more",
    "lambda_kms_key": "a KMS key id, key ARN, alias name (alias/...) or alias ARN",
    "lambda_environment": "a mapping of variable names to string values",
    "lambda_role_name": "1 to 64 characters of letters, digits and +=,.@_-",
    "lambda_source_dir": "an existing folder with the function code",
    "lambda_tags": "a mapping of tag keys to string values",
    "apigateway_definition_file": "an OpenAPI 3.0 file (YAML or JSON) with a paths mapping",
    "apigateway_api_name": (
        "1 to 89 letters, digits, _ and - (the Lambda permission's statement id "
        "apigateway-<name> takes at most 100 of them)"
    ),
    "apigateway_api_key_name": "1 to 1024 characters (API Gateway's limit for API key names)",
    "apigateway_usage_plan_name": "a name of 1 character or more",
    "apigateway_stage_name": "1 to 128 characters of letters, digits, _ and -",
    "apigateway_throttle_rate_limit": "a number, 0 or more (requests per second)",
    "apigateway_throttle_burst_limit": "a whole number, 0 or more (requests)",
    "apigateway_quota": "null or a mapping like {limit: 1000000, period: MONTH, offset: 0}",
    "apigateway_quota.limit": "a whole number, 1 or more (requests per period)",
    "apigateway_quota.offset": (
        "a whole number, 0 or more (requests taken off the limit of the first period)"
    ),
    "apigateway_tags": "a mapping of tag keys to string values",
    "summary_endpoint_url": "an empty string (AWS itself) or an http:// or https:// URL",
}

# Settings whose value must never appear in output (environment variables may hold data
# that should not be logged even though the README says not to put secrets there).
HIDDEN_VALUES = {"lambda_environment"}
HIDDEN = "(value not shown)"

NAME_RULES = {
    # setting: (full-match pattern, problem)
    "deploy_project": (r"[A-Za-z0-9_-]+", "not usable in resource names"),
    "deploy_environment": (r"[A-Za-z0-9_-]+", "not usable in resource names"),
    "deploy_region": (r"[a-z]{2}(-[a-z]+)+-[0-9]+", "not an AWS region name"),
    "table_name": (r"[A-Za-z0-9_.-]{3,255}", "not a valid DynamoDB table name"),
    "lambda_table_name": (r"[A-Za-z0-9_.-]{3,255}", "not a valid DynamoDB table name"),
    "table_hash_key_name": (r"(?s).{1,255}", "not a valid DynamoDB attribute name"),
    "lambda_function_name": (r"[A-Za-z0-9_-]{1,64}", "not a valid Lambda function name"),
    "apigateway_lambda_function_name": (
        r"[A-Za-z0-9_-]{1,64}",
        "not a valid Lambda function name",
    ),
    "lambda_role_name": (r"[A-Za-z0-9+=,.@_-]{1,64}", "not a valid IAM role name"),
    "apigateway_api_name": (
        r"[A-Za-z0-9_-]{1,89}",
        "not usable in the Lambda permission's statement id apigateway-<name>",
    ),
    "apigateway_api_key_name": (r"(?s).{1,1024}", "not a valid API key name"),
    "apigateway_usage_plan_name": (r"(?s).+", "not a valid usage plan name"),
    "lambda_handler": (r"\S{1,128}", "not a valid handler"),
    "lambda_description": (r"(?s).{0,256}", "longer than the 256 characters Lambda allows"),
    "apigateway_stage_name": (r"[A-Za-z0-9_-]{1,128}", "not a valid API Gateway stage name"),
    "summary_endpoint_url": (r"(https?://\S+)?", "not an http:// or https:// URL"),
}

RANGES = {
    # setting path: (minimum, maximum or None)
    "lambda_memory_size": (128, 10240),
    "lambda_timeout": (1, 900),
    "lambda_reserved_concurrency": (0, None),
    "lambda_min_unreserved_concurrency": (0, None),
    "table_recovery_period_days": (1, 35),
    "apigateway_throttle_rate_limit": (0, None),
    "apigateway_throttle_burst_limit": (0, None),
    "apigateway_quota.limit": (1, None),
    "apigateway_quota.offset": (0, None),
}

# API Gateway stops waiting for a Lambda integration after 29 seconds.
INTEGRATION_TIMEOUT = 29

LOG_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
    2922, 3288, 3653,
]

_KEY_ID = r"(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})"
_ALIAS = r"alias/[A-Za-z0-9/_-]{1,250}"
KMS_KEY_RE = re.compile(
    rf"{_KEY_ID}|{_ALIAS}"
    rf"|arn:aws[a-z-]*:kms:(?P<region>[a-z0-9-]+):[0-9]{{12}}:(?:key/{_KEY_ID}|{_ALIAS})"
)
KMS_KEY_SETTINGS = ["table_sse.kms_key", "lambda_kms_key"]

# Python runtimes Lambda still creates functions with (the Lambda Developer Guide's
# "Building Lambda functions with Python"; python3.10 is blocked for new functions from
# Nov 30, 2026). The function code needs 3.10 or newer.
LAMBDA_PYTHON_RUNTIMES = ["python3.10", "python3.11", "python3.12", "python3.13", "python3.14"]

TAG_SETTINGS = {
    "deploy_tags": "every resource",
    "table_tags": "the table",
    "lambda_tags": "the function, its role and its log group",
    "apigateway_tags": "the API, its stage, key and usage plan",
}
MAX_TAGS = 50
# Tags deploy_tags puts on every resource. The API Gateway modules find the API, its key and
# usage plan by name plus project and environment, so those two must equal the settings they
# come from, and no role's own tags may change any of the three.
DEPLOY_TAG_SOURCES = {"project": "deploy_project", "environment": "deploy_environment"}
DEPLOY_ONLY_TAGS = ["project", "environment", "managed_by"]
TAG_PUNCTUATION = set(" _.:/=+-@")

# Variables the lambda role sets from its own settings.
ROLE_ENVIRONMENT = {"TABLE_NAME": "lambda_table_name", "LOG_LEVEL": "lambda_log_level"}

SET_FACT_ACTIONS = ("set_fact", "ansible.builtin.set_fact", "ansible.legacy.set_fact")

_TEMPLATE_PART_RE = re.compile(r"{{(.*?)}}|{%(.*?)%}", re.S)
_IDENTIFIER_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def plain(value):
    """The value with builtin containers and scalars only, for display."""
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return str(value)


def show(value, limit=120):
    """A value as JSON, shortened past limit characters."""
    if value is MISSING:
        return "nothing"
    text = json.dumps(plain(value), ensure_ascii=False)
    return text if len(text) <= limit else f"{text[:limit - 3]}..."


def kind_of(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return type(value).__name__


def template_references(raw):
    """Names a raw (untemplated) value refers to in its {{ }} or {% %} parts."""
    names = set()
    if isinstance(raw, str):
        for match in _TEMPLATE_PART_RE.finditer(raw):
            names.update(_IDENTIFIER_RE.findall(match.group(1) or match.group(2)))
    elif isinstance(raw, dict):
        for item in raw.values():
            names |= template_references(item)
    elif isinstance(raw, (list, tuple)):
        for item in raw:
            names |= template_references(item)
    return names


def display_path(path):
    """A file path relative to the project (collection) root when inside it."""
    real = os.path.realpath(path)
    if real.startswith(COLLECTION_ROOT + os.sep):
        return os.path.relpath(real, COLLECTION_ROOT)
    return real


def origin_text(value):
    """`file:line` of a value loaded from a file, or None where Ansible cannot tell."""
    if Origin is None:
        return None
    origin = Origin.get_tag(value)
    if origin is None or not origin.path:
        return None
    if origin.line_num:
        return f"{display_path(origin.path)}:{origin.line_num}"
    return display_path(origin.path)


class Problem:
    """One line of the report."""

    def __init__(self, name, path, problem, shown, allowed, origin, warning):
        self.name = name  # the top-level variable, for ordering and suppression
        self.path = path
        self.problem = problem
        self.shown = shown
        self.allowed = allowed
        self.origin = origin
        self.warning = warning

    def line(self):
        text = f"{self.path}: {self.problem}; got {self.shown}; allowed: {self.allowed}"
        return f"{text} (from {self.origin})" if self.origin else text


class SettingsCheck:
    """Checks templated setting values; collects every problem instead of stopping."""

    def __init__(self):
        self.problems = []
        self.raw = {}  # name -> untemplated value (carries the Origin tags)
        self.values = {}  # name -> validated value, INVALID or MISSING
        self.specs = {}  # name -> declaration
        self.broken = set()  # names with an error; rules that need them are skipped
        self.given = {}  # path -> templated value before conversion, for display
        self.order = []  # declaration order of the names checked

    # Reporting

    def origin(self, path):
        """Origin of the raw value at path (a.b.c), falling back to its parents."""
        parts = path.split(".")
        current = self.raw.get(parts[0], MISSING)
        found = None if current is MISSING else origin_text(current)
        for part in parts[1:]:
            if not isinstance(current, dict) or part not in current:
                break
            current = current[part]
            found = origin_text(current) or found
        return found

    def report(self, path, problem, value, allowed=None, shown=None, origin=None, warning=False):
        name = path.split(".")[0]
        if not warning:
            self.broken.add(name)
        if shown is None:
            shown = HIDDEN if name in HIDDEN_VALUES else show(value)
        if allowed is None:
            allowed = ALLOWED.get(path) or self.type_allowed(path)
        self.problems.append(
            Problem(name, path, problem, shown, allowed, origin or self.origin(path), warning)
        )

    def type_allowed(self, path):
        spec = self.spec_at(path) or {}
        kind = spec.get("type", "str")
        if spec.get("choices"):
            return f"one of {', '.join(str(choice) for choice in spec['choices'])}"
        if kind == "list" and spec.get("elements"):
            return f"a list of {TYPE_TEXT.get(spec['elements'], spec['elements'])} items"
        return TYPE_TEXT.get(kind, kind)

    def spec_at(self, path):
        parts = path.split(".")
        spec = self.specs.get(parts[0])
        for part in parts[1:]:
            spec = ((spec or {}).get("options") or {}).get(part)
        return spec

    # Declarations

    def check_declared(self, name, spec, value):
        """Check a templated value against its declaration; record the validated value."""
        self.specs[name] = spec
        self.order.append(name)
        if value is INVALID:  # its template failed to render, already reported
            self.values[name] = INVALID
        else:
            self.values[name] = self.check_value(name, spec, value)

    def check_value(self, path, spec, value):
        kind = spec.get("type", "str")
        if value is MISSING or value is None:
            if spec.get("required"):
                self.report(path, "is required", value)
                return INVALID
            if value is None and spec.get("default") is not None:
                self.report(path, "must not be null", value)
                return INVALID
            return None if value is None else MISSING
        self.given[path] = value
        validated, problem = self.validate_leaf(spec, value)
        if problem is not None:
            self.report(path, problem, value)
            return INVALID
        if kind == "float" and not math.isfinite(validated):
            self.report(path, "expected a finite number", value)
            return INVALID
        if kind == "dict" and spec.get("options"):
            return self.check_options(path, spec["options"], validated)
        if kind == "list" and spec.get("options"):
            return [
                self.check_options(f"{path}.{index}", spec["options"], item)
                for index, item in enumerate(validated)
            ]
        return validated

    @classmethod
    def validate_leaf(cls, spec, value):
        """(converted value, None) or (None, problem), nested options left aside."""
        kind = spec.get("type", "str")
        problem = cls.strict_type_problem(kind, value)
        if problem is not None:
            return None, problem
        leaf = {key: spec[key] for key in ("type", "choices", "elements") if key in spec}
        outcome = ArgumentSpecValidator({"value": leaf}).validate(
            {"value": value}, validate_role_argument_spec=True
        )
        for error in outcome.errors:
            if isinstance(error, ArgumentValueError) and spec.get("choices"):
                problem = "not one of the allowed values"
                if isinstance(value, str) and value.upper() in spec["choices"]:
                    problem += " (they are case-sensitive)"
                return None, problem
            return None, f"expected {TYPE_TEXT.get(kind, kind)}, not {kind_of(value)}"
        return outcome.validated_parameters["value"], None

    @staticmethod
    def strict_type_problem(kind, value):
        """Refuse what ansible would convert silently (a list read as a string, True as 1)."""
        refused = {
            "str": (dict, list, tuple, bool),
            "path": (dict, list, tuple, bool),
            "int": (dict, list, tuple, bool),
            "float": (dict, list, tuple, bool),
            "bool": (dict, list, tuple),
            "dict": (str, int, float, list, tuple),
            "list": (str, int, float, dict),
        }.get(kind, ())
        if isinstance(value, refused):
            return f"expected {TYPE_TEXT.get(kind, kind)}, not {kind_of(value)}"
        return None

    def check_options(self, path, options, mapping):
        """The mapping with each option validated; invalid options hold INVALID.

        Siblings of an invalid option are still checked, so a mapping with three mistakes
        reports three lines.
        """
        if not isinstance(mapping, dict):
            self.report(path, f"expected a mapping, not {kind_of(mapping)}", mapping)
            return INVALID
        result = {}
        for key in mapping:
            if key not in options:
                guess = difflib.get_close_matches(str(key), list(options), n=1, cutoff=0.6)
                hint = f" (did you mean {guess[0]}?)" if guess else ""
                self.report(
                    f"{path}.{key}",
                    f"not a key of {path}{hint}",
                    mapping[key],
                    allowed=f"the keys {', '.join(options)}",
                )
                result[key] = INVALID
        for key, spec in options.items():
            if key in mapping:
                item = self.check_value(f"{path}.{key}", spec, mapping[key])
            elif "default" in spec:
                item = spec["default"]
            else:
                item = self.check_value(f"{path}.{key}", spec, MISSING)
            result[key] = None if item is MISSING else item
        return result

    # Explicit rules

    def ok(self, *names):
        """Whether every name was declared, set and wholly valid (rules need all inputs)."""
        return all(
            name in self.values
            and name not in self.broken
            and self.values[name] is not MISSING
            and not holds_invalid(self.values[name])
            for name in names
        )

    def value_at(self, path):
        """The validated value at path (a.b), or MISSING when it is unset or invalid."""
        parts = path.split(".")
        value = self.values.get(parts[0], MISSING)
        for part in parts[1:]:
            if not isinstance(value, dict):
                return MISSING
            value = value.get(part, MISSING)
        return MISSING if holds_invalid(value) else value

    def check_rules(self):
        self.check_names()
        self.check_ranges()
        self.check_lambda()
        self.check_table()
        self.check_kms_keys()
        self.check_throttling()
        self.check_tags()
        self.check_environment()
        self.check_definition()

    def check_names(self):
        for name, (pattern, problem) in NAME_RULES.items():
            if self.ok(name) and not re.fullmatch(pattern, str(self.values[name])):
                empty = self.values[name] == ""
                self.report(name, "is empty" if empty else problem, self.values[name])

    def check_ranges(self):
        for path, (low, high) in RANGES.items():
            value = self.value_at(path)
            if value in (MISSING, None):
                continue
            given = self.given.get(path, value)
            if value < low:
                self.report(path, f"below the minimum of {low}", given)
            elif high is not None and value > high:
                self.report(path, f"above the maximum of {high}", given)

    def check_lambda(self):
        if self.ok("lambda_timeout") and INTEGRATION_TIMEOUT < self.values["lambda_timeout"] <= 900:
            self.report(
                "lambda_timeout",
                f"longer than API Gateway's {INTEGRATION_TIMEOUT}-second integration timeout, "
                "so clients get HTTP 504 before the function gives up",
                self.values["lambda_timeout"],
                allowed=f"1 to {INTEGRATION_TIMEOUT} seconds for a function behind API Gateway",
                warning=True,
            )
        if self.ok("lambda_log_retention_days"):
            days = self.values["lambda_log_retention_days"]
            if days not in LOG_RETENTION_DAYS:
                self.report(
                    "lambda_log_retention_days",
                    "not a retention period CloudWatch Logs offers",
                    days,
                    allowed=f"one of {', '.join(str(day) for day in LOG_RETENTION_DAYS)} (days)",
                )
        if self.ok("lambda_source_dir"):
            source = self.values["lambda_source_dir"]
            if not os.path.isdir(source):
                self.report("lambda_source_dir", "no such folder", source)
        if self.ok("lambda_build_dir"):
            build = self.values["lambda_build_dir"]
            problem = folder_write_problem(build)
            if problem:
                self.report("lambda_build_dir", problem, None, shown=show(display_path(build)))
        if self.ok("lambda_runtime") and self.values["lambda_runtime"] not in (
            LAMBDA_PYTHON_RUNTIMES
        ):
            self.report(
                "lambda_runtime",
                "not a Python runtime Lambda creates new functions with",
                self.values["lambda_runtime"],
                allowed=f"one of {', '.join(LAMBDA_PYTHON_RUNTIMES)}",
            )

    def check_table(self):
        if self.ok("table_billing_mode"):
            mode = self.values["table_billing_mode"]
            for name in ("table_read_capacity", "table_write_capacity"):
                value = self.values.get(name, MISSING)
                if value is INVALID:
                    continue
                if mode == "PROVISIONED" and value in (None, MISSING):
                    self.report(
                        name,
                        "PROVISIONED billing needs a capacity",
                        None,
                        # null carries no origin; the billing mode is what was set.
                        origin=self.origin(name) or self.origin("table_billing_mode"),
                    )
                elif mode == "PAY_PER_REQUEST" and value not in (None, MISSING):
                    self.report(
                        name,
                        "on-demand billing (PAY_PER_REQUEST) takes no capacity",
                        value,
                        allowed="null with table_billing_mode PAY_PER_REQUEST",
                    )
                elif mode == "PROVISIONED" and value < 1:
                    self.report(name, "below the minimum of 1", value)
        enabled = self.value_at("table_sse.enabled")
        if enabled is False:
            self.report(
                "table_sse.enabled",
                "this project always encrypts with the KMS key named in table_sse.kms_key",
                enabled,
            )

    def check_kms_keys(self):
        region = self.values["deploy_region"] if self.ok("deploy_region") else None
        for path in KMS_KEY_SETTINGS:
            key = self.value_at(path)
            if key in (MISSING, None):
                continue
            match = KMS_KEY_RE.fullmatch(str(key))
            if not match:
                self.report(path, "not a KMS key id, key ARN, alias name or alias ARN", key)
            elif region and match.group("region") and match.group("region") != region:
                self.report(
                    path,
                    f"the key is in {match.group('region')}, not in deploy_region {region}",
                    key,
                    allowed=f"a key in {region}, the region of the resources it encrypts",
                )

    def check_throttling(self):
        if self.ok("apigateway_api_key_required", "apigateway_usage_plan_enabled"):
            if self.values["apigateway_api_key_required"] and not self.values[
                "apigateway_usage_plan_enabled"
            ]:
                self.report(
                    "apigateway_api_key_required",
                    "API keys work only through a usage plan, and "
                    "apigateway_usage_plan_enabled is false",
                    True,
                    allowed="false, or true with apigateway_usage_plan_enabled: true",
                )
        if self.ok("apigateway_throttle_rate_limit") and "apigateway_throttle_burst_limit" in (
            self.values
        ):
            burst = self.values["apigateway_throttle_burst_limit"]
            rate = self.values["apigateway_throttle_rate_limit"]
            doubled = rate * 2
            if burst in (None, MISSING) and rate >= 0 and doubled != int(doubled):
                self.report(
                    "apigateway_throttle_burst_limit",
                    f"not set, and twice apigateway_throttle_rate_limit ({rate:g} x 2 = "
                    f"{doubled:g}) is not a whole number",
                    None,
                    allowed="an explicit whole number, 0 or more",
                    # The default null carries no origin; the rate is what was set.
                    origin=self.origin("apigateway_throttle_rate_limit"),
                )

    def check_tags(self):
        for name in TAG_SETTINGS:
            if self.ok(name):
                self.check_tag_mapping(name, self.values[name])
        self.check_deploy_only_tags()
        if not self.ok("deploy_tags"):
            return
        common = {str(key) for key in self.values["deploy_tags"]}
        if len(common) > MAX_TAGS:
            self.report(
                "deploy_tags",
                f"{len(common)} tags, more than AWS allows on one resource",
                None,
                shown=f"{len(common)} tags",
                allowed=f"at most {MAX_TAGS} tags per resource",
            )
            return
        for name, resource in TAG_SETTINGS.items():
            if name == "deploy_tags" or not self.ok(name):
                continue
            merged = common | {str(key) for key in self.values[name]}
            if len(merged) > MAX_TAGS:
                self.report(
                    name,
                    f"{resource} would carry {len(merged)} tags with deploy_tags",
                    None,
                    shown=f"{len(self.values[name])} tags",
                    allowed=f"at most {MAX_TAGS} tags per resource, deploy_tags included",
                )

    def check_tag_mapping(self, name, tags):
        for key, value in tags.items():
            key_text = str(key)
            if not isinstance(key, str):
                self.report(name, f"tag keys are strings, not {kind_of(key)}", key,
                            allowed=f"a string of 1 to 128 characters; quote it: {quoted(key)}")
            elif not 1 <= len(key_text) <= 128:
                self.report(name, f"tag key of {len(key_text)} characters", key_text,
                            allowed="tag keys of 1 to 128 characters")
            elif key_text.lower().startswith("aws:"):
                self.report(name, "tag keys starting with aws: are reserved for AWS", key_text,
                            allowed="tag keys that do not start with aws:")
            elif not tag_text_ok(key_text):
                self.report(name, "tag key has characters AWS does not allow in tags",
                            key_text, allowed="letters, digits, spaces and _ . : / = + - @")
            path = f"{name}.{key_text}"
            if not isinstance(value, str):
                allowed = "a string of 0 to 256 characters"
                if value is not None and not isinstance(value, (dict, list, tuple)):
                    allowed = f"{allowed}; quote it: {quoted(value)}"
                self.report(path, f"tag values are strings, not {kind_of(value)}", value,
                            allowed=allowed)
            elif len(value) > 256:
                self.report(path, f"tag value of {len(value)} characters", value,
                            allowed="a string of 0 to 256 characters")
            elif not tag_text_ok(value):
                self.report(path, "tag value has characters AWS does not allow in tags", value,
                            allowed="letters, digits, spaces and _ . : / = + - @")

    def check_deploy_only_tags(self):
        """deploy_tags names the project and environment; no role's tags change them."""
        if self.ok("deploy_tags"):
            tags = self.values["deploy_tags"]
            for tag, setting in DEPLOY_TAG_SOURCES.items():
                if not self.ok(setting):
                    continue
                expected = self.values[setting]
                template = f'{tag}: "{{{{ {setting} }}}}"'
                if tag not in tags:
                    self.report(
                        "deploy_tags",
                        f"has no {tag} tag; every resource carries it, and the API, its key "
                        "and usage plan are found by it",
                        None,
                        shown=f"the tags {', '.join(str(key) for key in tags) or '(none)'}",
                        allowed=f"{template} among the tags (now {show(expected)})",
                    )
                elif isinstance(tags[tag], str) and tags[tag] != expected:
                    self.report(
                        f"deploy_tags.{tag}",
                        f"differs from {setting} ({show(expected)}), the {tag} the API, its key "
                        "and usage plan are found by",
                        tags[tag],
                        allowed=f"the value of {setting}, e.g. {template}",
                    )
        for name in TAG_SETTINGS:
            if name == "deploy_tags" or not self.ok(name):
                continue
            for tag in DEPLOY_ONLY_TAGS:
                if tag in self.values[name]:
                    self.report(
                        f"{name}.{tag}",
                        "a tag deploy_tags sets on every resource; a role's tags may not set it",
                        self.values[name][tag],
                        allowed=(
                            "tags other than project, environment and managed_by (those come "
                            "from deploy_tags)"
                        ),
                    )

    def check_environment(self):
        if not self.ok("lambda_environment"):
            return
        variables = {}  # as the function gets them: the role's own ones, then these
        for key, setting in ROLE_ENVIRONMENT.items():
            if self.ok(setting) and environment_value_text(self.values[setting]) is not None:
                variables[key] = environment_value_text(self.values[setting])
        for key, value in self.values["lambda_environment"].items():
            key_text = str(key)
            if not ENV_KEY_RE.fullmatch(key_text):
                self.report("lambda_environment", "not a valid environment variable name",
                            None, shown=show(key_text),
                            allowed="a letter, then letters, digits and _ (2 characters or more)")
            elif key_text in RESERVED_ENV_KEYS:
                self.report("lambda_environment", "a variable the Lambda runtime reserves",
                            None, shown=show(key_text),
                            allowed="names the runtime does not set itself")
            elif key_text in ROLE_ENVIRONMENT:
                self.report("lambda_environment",
                            f"a variable the lambda role sets from {ROLE_ENVIRONMENT[key_text]}",
                            None, shown=show(key_text),
                            allowed=f"{ROLE_ENVIRONMENT[key_text]} to change it")
            text = environment_value_text(value)
            if text is None:
                hint = ' (quote it, e.g. "true")' if isinstance(value, bool) else ""
                self.report(f"lambda_environment.{key_text}",
                            f"environment values are strings, not {kind_of(value)}", value,
                            allowed=f"a string{hint}; numbers are sent as their text")
            else:
                variables[key_text] = text
        size = environment_size(variables)
        if size > MAX_ENV_BYTES:
            self.report(
                "lambda_environment",
                f"the function's variables (TABLE_NAME and LOG_LEVEL included) take {size} "
                "bytes as Lambda measures them, one compact JSON object",
                None,
                shown=f"{len(variables)} variables of {size} bytes",
                allowed=f"at most {MAX_ENV_BYTES} bytes (4 KB) in total",
            )

    def check_definition(self):
        """The OpenAPI file, by the rules the apigw_rest_api module applies to it."""
        name = "apigateway_definition_file"
        if not self.ok(name):
            return
        path = self.values[name]
        if not os.path.isfile(path):
            self.report(name, "no such file", path)
            return
        shown = display_path(path)
        try:
            source = DefinitionFile.read(path)
        except (OSError, UnicodeDecodeError) as e:
            self.report(name, f"cannot be read ({e})", path)
            return
        if source.error:
            self.report(name, f"cannot be read as YAML or JSON ({source.error})", path)
            return
        for duplicate in source.duplicates:
            self.report(
                name,
                f"{place(duplicate.keys)} in {shown} declares {show(duplicate.key)} twice (lines "
                f"{duplicate.first_line} and {duplicate.second_line})",
                duplicate.key,
                allowed="each key once in a mapping (YAML keeps only the last one)",
                origin=f"{shown}:{duplicate.second_line}",
            )
        if not isinstance(source.document, dict):
            self.report(name, f"{shown} is {kind_of(source.document)}, not an OpenAPI document",
                        path, allowed="an OpenAPI 3.0 document: a mapping with openapi and paths")
            return
        # The apigateway role always passes the function's ARN, so integrations need no uri.
        _, issues = check_definition(source.document, lambda_arn_set=True)
        for issue in issues:
            line = source.line(issue.at)
            self.report(
                name,
                f"{issue.place()} in {shown} {issue.problem}",
                MISSING if issue.given is ABSENT else issue.given,
                allowed=issue.allowed,
                origin=f"{shown}:{line}" if line else shown,
            )

    # Unknown settings

    def check_unknown(self, variables, prefixes, known, not_settings):
        for name in sorted(str(key) for key in variables):
            if not name.startswith(tuple(prefixes)) or name in known or name in not_settings:
                continue
            guess = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.75)
            hint = f" (did you mean {guess[0]}?)" if guess else ""
            self.raw[name] = variables[name]
            self.report(
                name,
                f"not a setting of any role{hint}",
                variables[name],
                allowed="a setting declared in a role's meta/argument_specs.yml",
            )

    # Result

    def lines(self):
        """(errors, warnings) as lines, errors caused by another setting's error left out."""
        erroneous = {problem.name for problem in self.problems if not problem.warning}
        rank = {name: index for index, name in enumerate(self.order)}
        kept = []
        for index, problem in enumerate(self.problems):
            causes = template_references(self.raw.get(problem.name)) - {problem.name}
            if not problem.warning and causes & erroneous:
                continue  # derived from a setting already reported, e.g. {{ table_name }}
            kept.append((rank.get(problem.name, len(rank)), index, problem))
        kept.sort(key=lambda item: (item[0], item[2].name if item[0] == len(rank) else "",
                                    item[1]))
        errors = [problem.line() for _, _, problem in kept if not problem.warning]
        warnings = [problem.line() for _, _, problem in kept if problem.warning]
        return errors, warnings

    def account_checks(self):
        """What the read-only account checks need, from the validated values."""
        kms_keys = []
        for path in KMS_KEY_SETTINGS:
            key = self.value_at(path)
            if key not in (MISSING, None):
                entry = {"setting": path, "key": key}
                if self.origin(path):
                    entry["origin"] = self.origin(path)
                kms_keys.append(entry)
        concurrency = None
        needed = ("lambda_function_name", "lambda_reserved_concurrency")
        if self.ok(*needed):
            concurrency = {
                "setting": "lambda_reserved_concurrency",
                "function_name": self.values["lambda_function_name"],
                "reserved_concurrency": self.values["lambda_reserved_concurrency"],
            }
            if self.ok("lambda_min_unreserved_concurrency"):
                concurrency["min_unreserved"] = self.values["lambda_min_unreserved_concurrency"]
            if self.origin("lambda_reserved_concurrency"):
                concurrency["origin"] = self.origin("lambda_reserved_concurrency")
        return {"kms_keys": kms_keys, "concurrency": concurrency}


def holds_invalid(value):
    """Whether the value, or anything inside it, failed its declaration."""
    if value is INVALID:
        return True
    if isinstance(value, dict):
        return any(holds_invalid(item) for item in value.values())
    if isinstance(value, list):
        return any(holds_invalid(item) for item in value)
    return False


def created_variables(roles_dir, load):
    """Names the roles in roles_dir register, set as facts or derive in vars/.

    load(path) returns the parsed YAML of a file.
    """
    names = set()
    for role in sorted(os.listdir(roles_dir)):
        for folder in ("tasks", "handlers", "vars"):
            path = os.path.join(roles_dir, role, folder)
            if not os.path.isdir(path):
                continue
            for file_name in sorted(os.listdir(path)):
                if not file_name.endswith((".yml", ".yaml")):
                    continue
                data = load(os.path.join(path, file_name))
                if folder == "vars" and isinstance(data, dict):
                    names.update(str(key) for key in data)
                else:
                    names.update(created_by_tasks(data))
    return names


def created_by_tasks(data):
    """Variables a task list creates: `register:` names and `set_fact` keys, blocks included."""
    names = set()
    if isinstance(data, list):
        for item in data:
            names |= created_by_tasks(item)
    elif isinstance(data, dict):
        if isinstance(data.get("register"), str):
            names.add(str(data["register"]))
        for action in SET_FACT_ACTIONS:
            if isinstance(data.get(action), dict):
                names.update(str(key) for key in data[action] if key != "cacheable")
        for value in data.values():
            if isinstance(value, (list, dict)):
                names |= created_by_tasks(value)
    return names


def quoted(value):
    """A scalar as a quoted YAML string, e.g. 5 -> "5" and true -> "true"."""
    text = str(value).lower() if isinstance(value, bool) else str(value)
    return json.dumps(text)


def folder_write_problem(path):
    """Why the deploy could not write into folder path (creating it if missing), or None."""
    path = os.path.abspath(path)
    if os.path.exists(path):
        if not os.path.isdir(path):
            return "exists and is not a folder"
        if not os.access(path, os.W_OK | os.X_OK):
            return "is a folder this user cannot write to"
        return None
    parent = os.path.dirname(path)
    while not os.path.exists(parent):
        parent = os.path.dirname(parent)
    if not os.path.isdir(parent):
        return f"cannot be created: {display_path(parent)} is a file, not a folder"
    if not os.access(parent, os.W_OK | os.X_OK):
        return f"cannot be created: this user cannot write to {display_path(parent)}"
    return None


def tag_text_ok(text):
    return all(char.isalnum() or char in TAG_PUNCTUATION for char in text)


class ActionModule(ActionBase):
    """Validate the settings of the listed roles; see plugins/modules/validate_settings.py."""

    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        task_vars = task_vars or {}
        _, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        roles = args["roles"]
        prefixes = args["prefixes"] or [f"{role}_" for role in roles]

        declarations = {role: self._declaration(role) for role in self._collection_roles()}
        for role in roles:
            if role not in declarations:
                raise AnsibleActionFail(
                    f"roles: no role {role!r} with meta/argument_specs.yml in this collection; "
                    f"allowed: {', '.join(sorted(declarations))}"
                )
        known = {name for options in declarations.values() for name in options}
        not_settings = self._created_variables() | set(args["not_settings"])

        check = SettingsCheck()
        defaults = {}
        for role in roles:
            defaults.update(
                {key: value for key, value in self._defaults(role).items() if key not in defaults}
            )
        for role in roles:
            variables = dict(defaults)
            variables.update(task_vars)
            variables.update(role_path=self._role_dir(role), role_name=role)
            templar = self._templar.copy_with_new_env(available_variables=variables)
            for name, spec in declarations[role].items():
                if name in check.values:
                    continue  # declared by an earlier role too (deploy_*)
                raw = variables.get(name, spec.get("default", MISSING))
                check.raw[name] = raw
                check.check_declared(name, spec, self._render(check, templar, name, spec, raw))
        check.check_rules()
        check.check_unknown(task_vars, prefixes, known, not_settings)

        errors, warnings = check.lines()
        result.update(changed=False, errors=errors, warnings=warnings)
        if errors:
            count = f"{len(errors)} problem{'s' if len(errors) > 1 else ''}"
            result.update(
                failed=True,
                msg="Pre-flight refused the settings; nothing was sent to AWS. "
                f"{count}, one per line:\n" + "\n".join(errors),
            )
            return result
        result.update(
            msg=f"The settings of {', '.join(roles)} passed pre-flight",
            account_checks=check.account_checks(),
        )
        return result

    @staticmethod
    def _render(check, templar, name, spec, raw):
        """The templated value; a template that cannot be rendered is reported."""
        if raw is MISSING:
            return MISSING
        try:
            return templar.template(raw)
        except AnsibleError as e:
            first_line = (str(e.message) or str(e)).splitlines()[0]
            check.specs[name] = spec
            check.report(
                name,
                f"cannot be rendered ({first_line})",
                raw,
                allowed="a value or template that renders with the settings given",
            )
            return INVALID

    @staticmethod
    def _role_dir(role):
        return os.path.join(COLLECTION_ROOT, "roles", role)

    def _collection_roles(self):
        roles_dir = os.path.join(COLLECTION_ROOT, "roles")
        return sorted(
            role
            for role in os.listdir(roles_dir)
            if os.path.isfile(os.path.join(roles_dir, role, "meta", "argument_specs.yml"))
        )

    def _created_variables(self):
        return created_variables(
            os.path.join(COLLECTION_ROOT, "roles"),
            lambda path: self._loader.load_from_file(path, cache="none"),
        )

    def _declaration(self, role):
        """The options of the role's main entry point, as declared."""
        path = os.path.join(self._role_dir(role), "meta", "argument_specs.yml")
        specs = self._loader.load_from_file(path, cache="none", trusted_as_template=True) or {}
        entry = (specs.get("argument_specs") or {}).get("main") or {}
        return entry.get("options") or {}

    def _defaults(self, role):
        """The role's defaults, for plays that do not run the role itself."""
        path = os.path.join(self._role_dir(role), "defaults", "main.yml")
        if not os.path.isfile(path):
            return {}
        return self._loader.load_from_file(path, cache="none", trusted_as_template=True) or {}
