"""The only module that talks to DynamoDB. Items are plain dicts keyed by `id` (type S)."""

import base64
from decimal import Decimal

import boto3
from boto3.dynamodb.types import Binary, TypeDeserializer, TypeSerializer
from botocore.config import Config as BotoConfig

# API Gateway gives up on the integration after 29 s; keep every call well inside that.
_CLIENT_CONFIG = BotoConfig(
    connect_timeout=3,
    read_timeout=5,
    retries={"mode": "standard", "max_attempts": 3},
)
_ID_NAMES = {"#id": "id"}
_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def to_plain(value):
    """A deserialised DynamoDB value made JSON-ready.

    Numbers come back as Decimal: whole ones become int, others float. Sets become sorted
    lists and binary values base64 text, since JSON has neither.
    """
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: to_plain(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [to_plain(inner) for inner in value]
    if isinstance(value, (set, frozenset)):
        return sorted(to_plain(inner) for inner in value)
    if isinstance(value, Binary):
        return base64.b64encode(value.value).decode("ascii")
    return value


def _from_dynamodb(attributes):
    return {key: to_plain(_deserializer.deserialize(value)) for key, value in attributes.items()}


def _to_dynamodb(item):
    return {key: _serializer.serialize(value) for key, value in item.items()}


def _key(item_id):
    return {"id": {"S": item_id}}


class ItemStore:
    def __init__(self, client, table_name):
        self._client = client
        self._table = table_name

    def create(self, item):
        """Write a new item. A clash on id (never expected for uuid4) is a server fault."""
        self._client.put_item(
            TableName=self._table,
            Item=_to_dynamodb(item),
            ConditionExpression="attribute_not_exists(#id)",
            ExpressionAttributeNames=_ID_NAMES,
        )

    def get(self, item_id):
        """The item, or None when there is none with that id."""
        response = self._client.get_item(
            TableName=self._table, Key=_key(item_id), ConsistentRead=True
        )
        item = response.get("Item")
        return _from_dynamodb(item) if item else None

    def replace(self, item):
        """Overwrite an existing item whole; False (and no write) when it does not exist."""
        try:
            self._client.put_item(
                TableName=self._table,
                Item=_to_dynamodb(item),
                ConditionExpression="attribute_exists(#id)",
                ExpressionAttributeNames=_ID_NAMES,
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def delete(self, item_id):
        """Delete an item; False when it did not exist."""
        try:
            self._client.delete_item(
                TableName=self._table,
                Key=_key(item_id),
                ConditionExpression="attribute_exists(#id)",
                ExpressionAttributeNames=_ID_NAMES,
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def list(self, limit, start_after=None):
        """(items, id to continue after or None) for one page of at most limit items.

        A Scan reads in key-hash order, not by name or date. DynamoDB may hand back a
        continuation id even when no items are left; the next page is then empty.
        """
        request = {"TableName": self._table, "Limit": limit, "ConsistentRead": True}
        if start_after is not None:
            request["ExclusiveStartKey"] = _key(start_after)
        response = self._client.scan(**request)
        items = [_from_dynamodb(item) for item in response.get("Items", [])]
        last_key = response.get("LastEvaluatedKey")
        return items, (last_key["id"]["S"] if last_key else None)


def create_store(config):
    """A store on the configured table, with a client from the Lambda's own credentials."""
    client = boto3.client("dynamodb", config=_CLIENT_CONFIG)
    return ItemStore(client, config.table_name)
