"""API Gateway REST proxy responses with JSON bodies."""

import json

JSON_HEADERS = {"Content-Type": "application/json"}


def json_response(status, payload, headers=None):
    """A proxy response whose body is payload serialised as compact JSON."""
    return {
        "statusCode": status,
        "headers": {**JSON_HEADERS, **(headers or {})},
        "body": json.dumps(payload, separators=(",", ":"), ensure_ascii=False),
        "isBase64Encoded": False,
    }


def no_content():
    """204: no body and so no Content-Type."""
    return {"statusCode": 204, "headers": {}, "body": "", "isBase64Encoded": False}
