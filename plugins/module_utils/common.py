# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers shared by the serverless.rest_api modules."""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

# API Gateway throttles control-plane calls hard (TooManyRequests) and refuses concurrent
# changes to one API (Conflict); both clear up on their own, so they are retried.
APIGATEWAY_RETRY = AWSRetry.jittered_backoff(
    retries=10,
    delay=1,
    max_delay=30,
    catch_extra_error_codes=["TooManyRequestsException", "ConflictException"],
)

DEFAULT_RETRY = AWSRetry.jittered_backoff(retries=10, delay=1, max_delay=30)

# Lambda refuses a change while an earlier one to the same function is still in progress
# (ResourceConflictException); that clears up once the earlier change finishes.
LAMBDA_RETRY = AWSRetry.jittered_backoff(
    retries=10,
    delay=1,
    max_delay=30,
    catch_extra_error_codes=["ResourceConflictException"],
)

# Error codes an endpoint gives for an operation it does not implement. moto answers a
# missing route with a bare HTTP 404 page, which botocore reports as code "404".
_NOT_IMPLEMENTED_CODES = ["404", "NotImplemented", "UnknownOperationException", "NotFound"]


def is_not_implemented(error):
    """True when the endpoint does not implement the operation (moto's known gaps)."""
    response = getattr(error, "response", None) or {}
    return response.get("Error", {}).get("Code") in _NOT_IMPLEMENTED_CODES


def tag_changes(current, desired, purge):
    """Return (to_set, to_remove) for a tag dict; desired None means leave tags alone."""
    current = current or {}
    if desired is None:
        return {}, []
    to_set = {k: v for k, v in desired.items() if current.get(k) != v}
    to_remove = sorted(k for k in current if k not in desired) if purge else []
    return to_set, to_remove


def merged_tags(current, desired, purge):
    """The tag dict that results from applying desired to current."""
    if desired is None:
        return dict(current or {})
    result = {} if purge else dict(current or {})
    result.update(desired)
    return result


def list_all_items(method, **params):
    """Every item of a position-paginated API Gateway listing (GetApiKeys, GetUsagePlans...).

    method is a client method wrapped with a retry decorator; 500 is the largest page AWS
    allows. Endpoints that do not paginate simply return no `position`.
    """
    items = []
    while True:
        page = method(aws_retry=True, limit=500, **params)
        items.extend(page.get("items") or [])
        position = page.get("position")
        if not position:
            return items
        params["position"] = position


def string_tags(tags):
    """A tag dict with keys and values as strings (YAML may give numbers or booleans)."""
    if tags is None:
        return None
    return {str(key): str(value) for key, value in tags.items()}


def lookup_tag_conflicts(tags, lookup_tags):
    """Keys whose value in tags differs from the one in lookup_tags (both string dicts)."""
    if not tags:
        return []
    return sorted(key for key, value in lookup_tags.items() if key in tags and tags[key] != value)


def matching_named_items(items, name, lookup_tags):
    """Items called name whose tags hold every lookup tag (names are not unique in AWS)."""
    found = []
    for item in items:
        item_tags = item.get("tags") or {}
        if item.get("name") != name:
            continue
        if all(item_tags.get(key) == value for key, value in lookup_tags.items()):
            found.append(item)
    return found


def apigateway_arn(client, path):
    """ARN of an API Gateway resource, e.g. path "/usageplans/abc123", for TagResource."""
    return f"arn:{client.meta.partition}:apigateway:{client.meta.region_name}::{path}"


class AWSModule(AnsibleAWSModule):
    """AnsibleAWSModule that leaves warnings to ansible-core.

    amazon.aws 11.4 copies a module's warnings into the exit_json and fail_json arguments.
    ansible-core 2.19 and newer report warnings given to AnsibleModule.warn themselves and
    answer the copy with a deprecation warning on every run that warns, which would bury
    the one warning that matters (such as a skipped quota check) under noise.
    """

    def _should_inject_warnings(self):
        return False
