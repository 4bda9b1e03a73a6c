"""Read one environment of the items API back from the account and print it as JSON.

Used by verify.yml, which asserts on the result; this script only reads (Describe/Get/List
calls) and decides nothing. The endpoint and credentials come from the environment, as
for boto3 anywhere (AWS_ENDPOINT_URL for the local endpoint).
"""

import argparse
import json

import boto3


def _tagged(items, project, environment):
    return [
        item for item in items
        if (item.get("tags") or {}).get("project") == project
        and (item.get("tags") or {}).get("environment") == environment
    ]


def read_table(session, name):
    dynamodb = session.client("dynamodb")
    table = dynamodb.describe_table(TableName=name)["Table"]
    backups = dynamodb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
    pitr = backups.get("PointInTimeRecoveryDescription", {})
    sse = table.get("SSEDescription") or {}
    return {
        "status": table["TableStatus"],
        "sse_status": sse.get("Status"),
        "sse_type": sse.get("SSEType"),
        "sse_kms_key_arn": sse.get("KMSMasterKeyArn"),
        "pitr": pitr.get("PointInTimeRecoveryStatus"),
        "deletion_protection": table.get("DeletionProtectionEnabled", False),
        "tags": {
            tag["Key"]: tag["Value"]
            for tag in dynamodb.list_tags_of_resource(ResourceArn=table["TableArn"])["Tags"]
        },
    }


def read_function(session, name):
    client = session.client("lambda")
    function = client.get_function(FunctionName=name)
    config = function["Configuration"]
    return {
        "kms_key_arn": config.get("KMSKeyArn"),
        "env_var_names": sorted(config.get("Environment", {}).get("Variables", {})),
        "reserved_concurrency": function.get("Concurrency", {}).get(
            "ReservedConcurrentExecutions"
        ),
        "tags": function.get("Tags", {}),
    }


def read_log_group(session, name):
    logs = session.client("logs")
    groups = logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    group = next((g for g in groups if g["logGroupName"] == name), None)
    return {"exists": group is not None, "retention": (group or {}).get("retentionInDays")}


def read_api(session, project, environment, stage_name):
    apigateway = session.client("apigateway")
    apis = _tagged(apigateway.get_rest_apis(limit=500)["items"], project, environment)
    result = {"rest_api_count": len(apis), "methods": [], "stage": None, "usage_plans": []}
    if len(apis) != 1:
        return result
    api_id = apis[0]["id"]
    resources = apigateway.get_resources(restApiId=api_id, embed=["methods"], limit=500)
    for resource in resources["items"]:
        for verb, method in (resource.get("resourceMethods") or {}).items():
            integration = method.get("methodIntegration") or {}
            result["methods"].append({
                "path": resource["path"],
                "http_method": verb,
                "api_key_required": method.get("apiKeyRequired", False),
                "integration_type": integration.get("type"),
            })
    stages = {s["stageName"]: s for s in apigateway.get_stages(restApiId=api_id)["item"]}
    stage = stages.get(stage_name)
    if stage:
        result["stage"] = {"name": stage_name, "deployment_id": stage.get("deploymentId")}
    plans = _tagged(apigateway.get_usage_plans(limit=500)["items"], project, environment)
    for plan in plans:
        keys = apigateway.get_usage_plan_keys(usagePlanId=plan["id"])["items"]
        result["usage_plans"].append({
            "throttle": plan.get("throttle"),
            "quota": plan.get("quota"),
            "stages": [f"{s['apiId']}:{s['stage']}" for s in plan.get("apiStages", [])],
            "key_count": len(keys),
        })
    result["api_id"] = api_id
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for option in ("region", "project", "environment", "table", "function", "stage"):
        parser.add_argument(f"--{option}", required=True)
    args = parser.parse_args()
    session = boto3.Session(region_name=args.region)
    print(json.dumps({
        "table": read_table(session, args.table),
        "function": read_function(session, args.function),
        "log_group": read_log_group(session, f"/aws/lambda/{args.function}"),
        "api": read_api(session, args.project, args.environment, args.stage),
        "aws_managed_keys": {
            alias: session.client("kms").describe_key(KeyId=alias)["KeyMetadata"]["Arn"]
            for alias in ("alias/aws/dynamodb", "alias/aws/lambda")
        },
    }, default=str))


if __name__ == "__main__":
    main()
