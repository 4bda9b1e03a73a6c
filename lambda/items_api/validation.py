"""Reading and checking what a client sent: body, item fields, list parameters."""

import base64
import binascii
import json

from items_api.errors import BadRequest, ValidationFailed

ITEM_FIELDS = ("name", "description", "quantity")
NAME_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 2000
# The largest integer every JSON client reads exactly (IEEE double); DynamoDB itself would
# take up to 38 digits and refuse more, which would otherwise surface as a server error.
QUANTITY_MAX = 2**53 - 1

LIST_PARAMETERS = ("limit", "next")
LIMIT_MIN = 1
LIMIT_MAX = 100
LIMIT_DEFAULT = 25
# DynamoDB refuses partition keys longer than 2048 bytes; no longer id can exist.
ID_MAX_BYTES = 2048


class _DuplicateKey(ValueError):
    def __init__(self, key):
        super().__init__(key)
        self.key = key


def _object_without_duplicates(pairs):
    result = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _reject_constant(name):
    # Python's json reads NaN and Infinity, which are not JSON.
    raise ValueError(f"{name} is not JSON")


def parse_json_body(event):
    """The request body as a dict; BadRequest when it is absent, undecodable or no object."""
    body = event.get("body")
    if body is None:
        raise BadRequest("request body is required")
    if event.get("isBase64Encoded"):
        try:
            body = base64.b64decode(body, validate=True).decode("utf-8")
        except (binascii.Error, ValueError):
            raise BadRequest("request body is not valid base64-encoded UTF-8") from None
    try:
        data = json.loads(
            body,
            object_pairs_hook=_object_without_duplicates,
            parse_constant=_reject_constant,
        )
    except _DuplicateKey as error:
        raise BadRequest(f"request body repeats the key {error.key!r}") from None
    except (ValueError, TypeError, RecursionError):
        # ValueError covers JSONDecodeError and integers beyond Python's digit limit;
        # RecursionError a body nested deeper than the parser can follow.
        raise BadRequest("request body is not valid JSON") from None
    if not isinstance(data, dict):
        raise BadRequest("request body must be a JSON object")
    return data


def validate_item(data):
    """The item fields from a request body; ValidationFailed listing every problem."""
    problems = [f"unknown field {name!r}" for name in sorted(set(data) - set(ITEM_FIELDS))]

    if "name" not in data:
        problems.append("name is required")
    else:
        name = data["name"]
        if not isinstance(name, str):
            problems.append("name must be a string")
        elif not name.strip():
            problems.append("name must not be empty or only whitespace")
        elif len(name) > NAME_MAX_LENGTH:
            problems.append(
                f"name must be at most {NAME_MAX_LENGTH} characters (got {len(name)})"
            )

    if "description" in data:
        description = data["description"]
        if not isinstance(description, str):
            problems.append("description must be a string")
        elif len(description) > DESCRIPTION_MAX_LENGTH:
            problems.append(
                f"description must be at most {DESCRIPTION_MAX_LENGTH} characters "
                f"(got {len(description)})"
            )

    if "quantity" in data:
        quantity = data["quantity"]
        # bool is a subclass of int in Python, but true/false are not quantities.
        if not isinstance(quantity, int) or isinstance(quantity, bool):
            problems.append("quantity must be an integer")
        elif quantity < 0:
            problems.append(f"quantity must be 0 or more (got {quantity})")
        elif quantity > QUANTITY_MAX:
            problems.append(f"quantity must be at most {QUANTITY_MAX}")

    if problems:
        raise ValidationFailed(problems)
    return {field: data[field] for field in ITEM_FIELDS if field in data}


def is_possible_id(item_id):
    """False for ids no item can have (empty, not text, longer than DynamoDB allows)."""
    return (
        isinstance(item_id, str)
        and 0 < len(item_id.encode("utf-8", "surrogatepass")) <= ID_MAX_BYTES
    )


def encode_cursor(last_id):
    """The opaque `next` token for a page that ended at the item last_id."""
    raw = json.dumps({"id": last_id}, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _decode_cursor(token):
    """The item id a `next` token names, or None when the token is not one of ours."""
    try:
        padded = token + "=" * (-len(token) % 4)
        decoded = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, TypeError, RecursionError):
        return None
    if not isinstance(decoded, dict) or set(decoded) != {"id"}:
        return None
    return decoded["id"] if is_possible_id(decoded["id"]) else None


def validate_list_query(params):
    """(limit, start_after id or None) from the list query; ValidationFailed otherwise."""
    params = params or {}
    problems = [
        f"unknown query parameter {name!r}"
        for name in sorted(set(params) - set(LIST_PARAMETERS))
    ]

    limit = LIMIT_DEFAULT
    if "limit" in params:
        raw = params["limit"]
        if isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) <= 3:
            limit = int(raw)
        else:
            limit = None
        if limit is None or not LIMIT_MIN <= limit <= LIMIT_MAX:
            problems.append(f"limit must be an integer from {LIMIT_MIN} to {LIMIT_MAX}")

    start_after = None
    if "next" in params:
        start_after = _decode_cursor(params["next"]) if isinstance(params["next"], str) else None
        if start_after is None:
            problems.append("next is not a cursor this API returned")

    if problems:
        raise ValidationFailed(problems)
    return limit, start_after
