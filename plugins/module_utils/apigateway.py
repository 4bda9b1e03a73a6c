# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""API Gateway (REST API) helpers shared by the serverless.rest_api modules.

ARN and URL builders take the boto3 client so that partition and region always match the
endpoint the module talks to. Tag helpers read tags from the `tags` field that GetRestApi,
GetStage, GetUsagePlan and GetApiKey return, because the local test endpoint (moto) has no
GetTags.
"""

try:
    from botocore.exceptions import BotoCoreError
    from botocore.exceptions import ClientError
except ImportError:
    pass  # AnsibleAWSModule reports the missing SDK

from ansible_collections.serverless.rest_api.plugins.module_utils.common import apigateway_arn
from ansible_collections.serverless.rest_api.plugins.module_utils.common import (
    is_not_implemented,
)
from ansible_collections.serverless.rest_api.plugins.module_utils.common import tag_changes

# Tag keys with this prefix belong to AWS: they can be neither set nor removed by a user.
AWS_TAG_PREFIX = "aws:"

_DNS_SUFFIXES = {"aws-cn": "amazonaws.com.cn"}


def rest_api_arn(client, api_id):
    """ARN of a REST API, as TagResource and UntagResource expect it."""
    return apigateway_arn(client, f"/restapis/{api_id}")


def stage_arn(client, api_id, stage_name):
    """ARN of a REST API stage, as TagResource and UntagResource expect it."""
    return apigateway_arn(client, f"/restapis/{api_id}/stages/{stage_name}")


def execute_api_arn(client, account_id, api_id):
    """The execute-api ARN of a REST API, the prefix of Lambda permission source ARNs."""
    meta = client.meta
    return f"arn:{meta.partition}:execute-api:{meta.region_name}:{account_id}:{api_id}"


def invoke_url(client, api_id, stage_name):
    """The default invoke URL of a REST API stage."""
    suffix = _DNS_SUFFIXES.get(client.meta.partition, "amazonaws.com")
    return f"https://{api_id}.execute-api.{client.meta.region_name}.{suffix}/{stage_name}"


def lambda_integration_uri(client, function_arn):
    """The integration URI through which API Gateway invokes a Lambda function."""
    return (
        f"arn:{client.meta.partition}:apigateway:{client.meta.region_name}:lambda:path"
        f"/2015-03-31/functions/{function_arn}/invocations"
    )


def is_not_found(error):
    """True when an API Gateway call failed because the object does not exist."""
    response = getattr(error, "response", None) or {}
    return response.get("Error", {}).get("Code") == "NotFoundException"


def read_tags(item):
    """The tag dict of an API Gateway object as returned by its Get call (None -> {})."""
    return dict((item or {}).get("tags") or {})


def tag_updates(current, desired, purge):
    """(to_set, to_remove) for desired tags; keys starting with aws: are never removed."""
    to_set, to_remove = tag_changes(current, desired, purge)
    return to_set, [key for key in to_remove if not key.startswith(AWS_TAG_PREFIX)]


def predicted_tags(current, desired, purge):
    """The tags an object will carry once desired is applied (aws: keys are kept)."""
    current = current or {}
    if desired is None:
        return dict(current)
    if purge:
        result = {k: v for k, v in current.items() if k.startswith(AWS_TAG_PREFIX)}
    else:
        result = dict(current)
    result.update(desired)
    return result


def apply_tags(module, client, arn, current, desired, purge, label):
    """Bring the tags of arn from current to desired; True when tags were (or would be) written.

    label names the object in messages, e.g. "REST API items-api". In check mode nothing is
    written. When the endpoint does not implement TagResource or UntagResource for this kind
    of resource (common.is_not_implemented), one warning is added and the function returns
    without failing: the caller then reports the tags it reads back, not the desired ones,
    and does not count the skipped write as a change. Any other error fails the module.
    """
    to_set, to_remove = tag_updates(current, desired, purge)
    if not to_set and not to_remove:
        return False
    if module.check_mode:
        return True
    calls = []
    if to_remove:
        calls.append(("UntagResource", client.untag_resource, {"tagKeys": to_remove}))
    if to_set:
        calls.append(("TagResource", client.tag_resource, {"tags": to_set}))
    written = False
    for operation, method, kwargs in calls:
        try:
            method(aws_retry=True, resourceArn=arn, **kwargs)
        except (BotoCoreError, ClientError) as e:
            if not is_not_implemented(e):
                module.fail_json_aws(e, msg=f"Failed to update tags of {label}")
            outcome = "were only partly updated" if written else "were not updated"
            module.warn(
                f"Tags of {label} {outcome}: the endpoint does not implement {operation} "
                "for this resource (moto lacks it; AWS has it)"
            )
            return written
        written = True
    return written
