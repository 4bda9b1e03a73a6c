# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The OpenAPI 3.0 documents serverless.rest_api.apigw_rest_api builds REST APIs from.

One set of rules for two readers: the module checks the document it is given, and
pre-flight checks the apigateway role's definition file before any AWS call, so a document
the module would refuse never gets past pre-flight. check_definition() returns the
operations and a list of Issue objects; each issue is worded twice from the same facts, for
the module (located by a dotted path under `definition`) and for pre-flight (located by
path and method, with the value given and what is allowed).
"""

import json
import re

ANY_METHOD_KEY = "x-amazon-apigateway-any-method"
INTEGRATION_KEY = "x-amazon-apigateway-integration"
EXTENSION_PREFIX = "x-amazon-apigateway-"
OPERATION_KEYS = ["get", "put", "post", "delete", "options", "head", "patch", ANY_METHOD_KEY]
# Path item fields of OpenAPI 3.0 that carry no API Gateway configuration.
IGNORED_PATH_ITEM_KEYS = {"summary", "description", "parameters", "servers"}
INTEGRATION_FIELDS = ["type", "httpMethod", "uri", "timeoutInMillis"]
DEFAULT_TIMEOUT_MS = 29000
MIN_TIMEOUT_MS = 50

PATHS_SHAPE = (
    '{"/items": {"get": {"x-amazon-apigateway-integration": '
    '{"type": "aws_proxy", "httpMethod": "POST"}}}}'
)
PATH_ITEM_SHAPE = '{"get": {"x-amazon-apigateway-integration": {...}}}'
OPERATION_SHAPE = '{"x-amazon-apigateway-integration": {"type": "aws_proxy", "httpMethod": "POST"}}'
INTEGRATION_SHAPE = '{"type": "aws_proxy", "httpMethod": "POST"}'
SECURITY_SHAPE = '[{"api_key": []}]'
SCHEMES_SHAPE = '{"api_key": {"type": "apiKey", "in": "header", "name": "x-api-key"}}'
API_KEY_SCHEME = "type apiKey, in header, name x-api-key"
LAMBDA_URI_SHAPE = (
    "arn:<partition>:apigateway:<region>:lambda:path/2015-03-31/functions/<function arn>"
    "/invocations"
)
SEGMENTS_ALLOWED = "a literal of [A-Za-z0-9._-]+, {name} or a final {name+}"
METHODS_ALLOWED = (
    "the operation keys get, put, post, delete, options, head, patch and "
    f"{ANY_METHOD_KEY} (methods GET, PUT, POST, DELETE, OPTIONS, HEAD, PATCH and ANY)"
)
VERSION_ALLOWED = "3.0.x (an OpenAPI 3.0 document)"

OPENAPI_VERSION_RE = re.compile(r"3\.0(\.\d+)?")
LITERAL_SEGMENT_RE = re.compile(r"[A-Za-z0-9._-]+")
VARIABLE_SEGMENT_RE = re.compile(r"\{[A-Za-z0-9._-]+\}")
GREEDY_SEGMENT_RE = re.compile(r"\{[A-Za-z0-9._-]+\+\}")
LAMBDA_URI_RE = re.compile(
    r"arn:aws[a-z-]*:apigateway:[a-z0-9-]+:lambda:path/2015-03-31/functions/\S+/invocations"
)

# Marks a value that is not in the document at all (as opposed to null).
ABSENT = object()


class Index(int):
    """A list index among an issue's keys (a mapping key may be an integer too)."""

_KINDS = {
    dict: "a mapping",
    list: "a list",
    str: "a string",
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    type(None): "null",
}


def show(value):
    """A value as it appears in an error message (JSON where possible)."""
    try:
        return json.dumps(value, sort_keys=True)
    except (TypeError, ValueError):
        return repr(value)


def kind(value):
    return _KINDS.get(type(value), type(value).__name__)


def method_name(key):
    """The API Gateway method of an operation key (get -> GET, the any-method key -> ANY)."""
    if key == ANY_METHOD_KEY:
        return "ANY"
    return key.upper() if isinstance(key, str) else str(key)


def place(keys):
    """Where in a document the keys lead, in words, e.g. "the integration of GET /items"."""
    keys = tuple(keys)
    if len(keys) >= 2 and keys[0] == "paths":
        if len(keys) == 2:
            return f"path {keys[1]}"
        where = f"{method_name(keys[2])} {keys[1]}"
        if len(keys) == 3:
            return where
        if keys[3] == INTEGRATION_KEY:
            return f"the integration of {where}"
        if keys[3] == "security":
            return f"the security of {where}"
        return f"{keys[3]} of {where}"
    if len(keys) >= 3 and keys[:2] == ("components", "securitySchemes"):
        return f"security scheme {keys[2]}"
    if keys[:1] == ("security",):
        return "the document's security"
    if keys and keys[0] in ("paths", "components"):
        return ".".join(str(key) for key in keys)
    return "the document"


class Issue:
    """One problem of a document, with what both wordings need.

    keys: where the problem is, as the mapping keys and list indexes (Index) from the root.
    text: the module's wording, which follows the dotted location.
    problem: pre-flight's wording, which follows "<place> in <file>".
    given: the value pre-flight shows as the one given (ABSENT when nothing was given).
    allowed: what is allowed, in pre-flight's wording.
    at: the keys of the line pre-flight points to (the keys themselves by default).
    """

    def __init__(self, keys, text, problem, given=ABSENT, allowed="", at=None):
        self.keys = tuple(keys)
        self.text = text
        self.problem = problem
        self.given = given
        self.allowed = allowed
        self.at = self.keys if at is None else tuple(at)

    def location(self):
        """The dotted location the module reports, e.g. definition.paths./items.get."""
        parts = ["definition"]
        for key in self.keys:
            parts.append(f"[{key}]" if isinstance(key, Index) else f".{key}")
        return "".join(parts)

    def module_text(self):
        return f"{self.location()}: {self.text}"

    def place(self):
        return place(self.keys)


def _wrong_kind(keys, value, expected, example=None, missing=False):
    """An issue for a value of the wrong kind (the module says what it got)."""
    shape = f", e.g. {example}" if example else ""
    return Issue(
        keys,
        f"expected {expected}{shape}; got {kind(value)}",
        "is missing" if missing else f"is {kind(value)}, not {expected}",
        ABSENT if missing else value,
        f"{expected}{shape}",
    )


def _unsupported_value(keys, value, allowed, problem):
    return Issue(keys, f"unsupported value {show(value)}; allowed: {allowed}", problem, value,
                 allowed)


# ---------------------------------------------------------------------------------------------
# The rules
# ---------------------------------------------------------------------------------------------


def _check_path(path, issues):
    """Segments of a declared path, or None (with an issue recorded) when it is invalid."""
    keys = ("paths", path)
    if not isinstance(path, str) or not path.startswith("/"):
        allowed = 'a path starting with "/", e.g. /items/{id}'
        issues.append(
            Issue(keys, f"invalid path {show(path)}; allowed: {allowed}",
                  'does not start with "/"', path, allowed)
        )
        return None
    if path == "/":
        return []
    segments = path[1:].split("/")
    valid = True
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if LITERAL_SEGMENT_RE.fullmatch(segment) or VARIABLE_SEGMENT_RE.fullmatch(segment):
            continue
        if GREEDY_SEGMENT_RE.fullmatch(segment) and last:
            continue
        if segment == "":
            problem = "has an empty segment (a trailing / or two / in a row)"
        elif GREEDY_SEGMENT_RE.fullmatch(segment):
            problem = f"has the greedy segment {show(segment)} before its last segment"
        else:
            problem = f"has an invalid segment {show(segment)}"
        issues.append(
            Issue(keys, f"invalid path segment {show(segment)}; allowed: {SEGMENTS_ALLOWED}",
                  problem, path, SEGMENTS_ALLOWED)
        )
        valid = False
    return segments if valid else None


def _security_schemes(definition, issues):
    components = definition.get("components")
    if components is None:
        return {}
    if not isinstance(components, dict):
        issues.append(_wrong_kind(("components",), components, "a mapping"))
        return {}
    schemes = components.get("securitySchemes")
    if schemes is None:
        return {}
    if not isinstance(schemes, dict):
        issues.append(
            _wrong_kind(("components", "securitySchemes"), schemes,
                        "a mapping of scheme name to scheme", SCHEMES_SHAPE)
        )
        return {}
    return schemes


def _is_api_key_scheme(scheme):
    return (
        isinstance(scheme, dict)
        and scheme.get("type") == "apiKey"
        and scheme.get("in") == "header"
        and str(scheme.get("name", "")).lower() == "x-api-key"
    )


def _requires_api_key(security, keys, schemes, issues, reported):
    """Whether a security requirement list asks for the API key; None when it is invalid."""
    if not isinstance(security, list):
        issues.append(
            _wrong_kind(keys, security, "a list of security requirements", SECURITY_SHAPE)
        )
        return None
    flags = []
    valid = True
    for index, requirement in enumerate(security):
        item = keys + (Index(index),)
        if not isinstance(requirement, dict):
            issues.append(
                _wrong_kind(item, requirement, "a mapping of scheme name to scopes",
                            '{"api_key": []}')
            )
            valid = False
            continue
        for scheme_name, scopes in requirement.items():
            if scheme_name not in schemes:
                defined = ", ".join(sorted(str(k) for k in schemes)) or "none"
                issues.append(
                    Issue(
                        item,
                        f"unknown security scheme {show(scheme_name)}; defined in "
                        f"components.securitySchemes: {defined}",
                        "names a security scheme components.securitySchemes does not define",
                        scheme_name,
                        f"a scheme defined in components.securitySchemes ({defined})",
                        at=item + (scheme_name,),
                    )
                )
                valid = False
            elif not _is_api_key_scheme(schemes[scheme_name]):
                if scheme_name not in reported:
                    reported.add(scheme_name)
                    issues.append(
                        Issue(
                            ("components", "securitySchemes", scheme_name),
                            f"unsupported security scheme {show(schemes[scheme_name])}; "
                            f"allowed: {API_KEY_SCHEME}",
                            "is not the API key scheme API Gateway checks",
                            schemes[scheme_name],
                            API_KEY_SCHEME,
                        )
                    )
                valid = False
            if scopes not in (None, []):
                allowed = "[] (API keys have no scopes)"
                issues.append(
                    Issue(item + (scheme_name,),
                          f"unsupported scopes {show(scopes)}; allowed: {allowed}",
                          f"gives scopes to {scheme_name}", scopes, allowed)
                )
                valid = False
        flags.append(bool(requirement))
    if flags and any(flags) and not all(flags):
        allowed = (
            "either the key is required or not (API Gateway cannot make an API key optional)"
        )
        issues.append(
            Issue(keys,
                  f"mixes an empty requirement {{}} with API key requirements; allowed: {allowed}",
                  "mixes an empty requirement {} with API key requirements", security, allowed)
        )
        valid = False
    if not valid:
        return None
    return bool(flags) and all(flags)


def _check_integration(integration, keys, lambda_arn_set, issues):
    """(uri or None, timeout) of a valid integration, or None when it is invalid."""
    keys = keys + (INTEGRATION_KEY,)
    if not isinstance(integration, dict):
        issues.append(_wrong_kind(keys, integration, "a mapping", INTEGRATION_SHAPE))
        return None
    valid = True
    for key in integration:
        if key not in INTEGRATION_FIELDS:
            allowed = ", ".join(INTEGRATION_FIELDS)
            issues.append(
                Issue(keys, f"unsupported key {show(key)}; allowed: {allowed}",
                      "has a key the deploy would not apply", key,
                      f"the keys {allowed}", at=keys + (key,))
            )
            valid = False
    integration_type = integration.get("type")
    if not isinstance(integration_type, str) or integration_type.lower() != "aws_proxy":
        issues.append(
            _unsupported_value(keys + ("type",), integration_type, "aws_proxy",
                               "has a type other than aws_proxy (a Lambda proxy integration)")
        )
        valid = False
    http_method = integration.get("httpMethod")
    if not isinstance(http_method, str) or http_method.upper() != "POST":
        issues.append(
            _unsupported_value(
                keys + ("httpMethod",), http_method,
                "POST (API Gateway always invokes Lambda proxy integrations with POST)",
                "has an httpMethod other than POST",
            )
        )
        valid = False
    uri = integration.get("uri")
    if uri is None:
        if not lambda_arn_set:
            allowed = f"a uri {LAMBDA_URI_SHAPE}, or set integration_lambda_arn"
            issues.append(
                Issue(keys + ("uri",),
                      f"missing and integration_lambda_arn is not set; allowed: {allowed}",
                      "has no uri and integration_lambda_arn is not set", ABSENT, allowed,
                      at=keys)
            )
            valid = False
    elif not isinstance(uri, str) or not LAMBDA_URI_RE.fullmatch(uri):
        issues.append(
            _unsupported_value(keys + ("uri",), uri, LAMBDA_URI_SHAPE,
                               "has a uri that is no Lambda invocation URI")
        )
        valid = False
    timeout = integration.get("timeoutInMillis", DEFAULT_TIMEOUT_MS)
    if (
        isinstance(timeout, bool)
        or not isinstance(timeout, int)
        or not MIN_TIMEOUT_MS <= timeout <= DEFAULT_TIMEOUT_MS
    ):
        issues.append(
            _unsupported_value(
                keys + ("timeoutInMillis",), timeout,
                f"an integer from {MIN_TIMEOUT_MS} to {DEFAULT_TIMEOUT_MS}",
                "has a timeoutInMillis API Gateway does not accept",
            )
        )
        valid = False
    return (uri, timeout) if valid else None


def _check_operation(operation, keys, context, issues):
    """The parsed operation (dict) or None when it is invalid."""
    if not isinstance(operation, dict):
        issues.append(_wrong_kind(keys, operation, "a mapping", OPERATION_SHAPE))
        return None
    valid = True
    for key in operation:
        extension = isinstance(key, str) and key.startswith(EXTENSION_PREFIX)
        if extension and key != INTEGRATION_KEY:
            allowed = f"{INTEGRATION_KEY} (other API Gateway extensions would be ignored)"
            issues.append(
                Issue(keys, f"unsupported key {show(key)}; allowed: {allowed}",
                      "has an API Gateway extension the deploy would ignore", key,
                      f"{INTEGRATION_KEY} as the only API Gateway extension of an operation",
                      at=keys + (key,))
            )
            valid = False
    if INTEGRATION_KEY not in operation:
        allowed = f"an operation with a Lambda proxy integration, e.g. {OPERATION_SHAPE}"
        issues.append(
            Issue(keys, f"missing {INTEGRATION_KEY}; allowed: {allowed}",
                  f"has no {INTEGRATION_KEY}", ABSENT, allowed)
        )
        return None
    integration = _check_integration(
        operation[INTEGRATION_KEY], keys, context["lambda_arn_set"], issues
    )
    if "security" in operation:
        requires_key = _requires_api_key(
            operation["security"], keys + ("security",), context["schemes"], issues,
            context["reported"],
        )
    else:
        requires_key = context["root_requires_key"]
    if integration is None or requires_key is None or not valid:
        return None
    uri, timeout = integration
    return {"uri": uri, "timeout": timeout, "api_key_required": requires_key}


def _check_path_item(path, path_item, segments, context, issues, operations):
    keys = ("paths", path)
    if not isinstance(path_item, dict):
        issues.append(
            _wrong_kind(keys, path_item, "a mapping of operation to operation object",
                        PATH_ITEM_SHAPE)
        )
        return
    for key, operation in path_item.items():
        if key in IGNORED_PATH_ITEM_KEYS:
            continue
        if isinstance(key, str) and key.startswith("x-") and key != ANY_METHOD_KEY:
            if key.startswith(EXTENSION_PREFIX):
                issues.append(
                    Issue(keys,
                          f"unsupported key {show(key)}; allowed: {', '.join(OPERATION_KEYS)}",
                          "has an API Gateway extension the deploy would ignore", key,
                          METHODS_ALLOWED, at=keys + (key,))
                )
            continue
        if key not in OPERATION_KEYS:
            issues.append(
                Issue(keys,
                      f"unsupported operation {show(key)}; allowed: {', '.join(OPERATION_KEYS)}",
                      "has an HTTP method API Gateway does not know", key, METHODS_ALLOWED,
                      at=keys + (key,))
            )
            continue
        parsed = _check_operation(operation, keys + (key,), context, issues)
        if parsed is not None and segments is not None:
            parsed.update(path=path, http_method=method_name(key))
            operations.append(parsed)


def check_definition(definition, lambda_arn_set):
    """Check an OpenAPI document; return (operations, issues).

    operations: list of {path, http_method, uri, timeout, api_key_required} for valid ones.
    lambda_arn_set: whether integrations without a uri get one from the caller.
    """
    issues = []
    operations = []
    version = definition.get("openapi", ABSENT)
    missing = version is ABSENT or version is None
    if missing or not OPENAPI_VERSION_RE.fullmatch(str(version)):
        shown = None if version is ABSENT else version
        issues.append(
            Issue(("openapi",),
                  f"unsupported version {show(shown)}; allowed: {VERSION_ALLOWED}",
                  "has no openapi version" if missing
                  else "declares an openapi version other than 3.0",
                  version, VERSION_ALLOWED, at=() if version is ABSENT else None)
        )
    for key in definition:
        if isinstance(key, str) and key.startswith(EXTENSION_PREFIX):
            issues.append(
                Issue((key,),
                      "unsupported key; allowed: paths with Lambda proxy integrations (this "
                      "module would ignore it)",
                      "has an API Gateway extension the deploy would ignore", key,
                      "no API Gateway extensions at the root of the document")
            )
    reported = set()
    schemes = _security_schemes(definition, issues)
    root_requires_key = False
    if "security" in definition:
        root_requires_key = _requires_api_key(
            definition["security"], ("security",), schemes, issues, reported
        )
    context = {
        "lambda_arn_set": lambda_arn_set,
        "schemes": schemes,
        "reported": reported,
        # An invalid root security is reported once; operations relying on it stay valid.
        "root_requires_key": bool(root_requires_key),
    }
    paths = definition.get("paths")
    if not isinstance(paths, dict):
        issues.append(
            _wrong_kind(("paths",), paths, "a mapping of path to operations", PATHS_SHAPE,
                        missing="paths" not in definition)
        )
        return operations, issues
    variable_children = {}
    for path, path_item in paths.items():
        segments = _check_path(path, issues)
        if segments is not None:
            for depth, segment in enumerate(segments):
                if segment.startswith("{"):
                    parent = "/" + "/".join(segments[:depth])
                    children = variable_children.setdefault(parent, {})
                    children.setdefault(segment, path)
        _check_path_item(path, path_item, segments, context, issues, operations)
    for parent, children in variable_children.items():
        if len(children) > 1:
            prefix = parent.rstrip("/")
            names = ", ".join(f"{prefix}/{child}" for child in sorted(children))
            allowed = f"one variable path segment under {parent}"
            issues.append(
                Issue(("paths",), f"{names} are variable siblings; allowed: {allowed}",
                      f"give {parent} more than one variable child", sorted(children),
                      allowed, at=("paths", list(children.values())[1]))
            )
    if not operations and not issues:
        allowed = "at least one operation (API Gateway cannot deploy an API without methods)"
        issues.append(
            Issue(("paths",), f"no operations declared; allowed: {allowed}",
                  "declare no operation", paths, allowed)
        )
    return operations, issues
