"""What each operation does, as plain functions of a store and the request's parts."""

import uuid

from items_api import validation
from items_api.errors import ItemNotFound


def create_item(store, body):
    fields = validation.validate_item(body)
    item = {"id": str(uuid.uuid4()), **fields}
    store.create(item)
    return item


def list_items(store, query):
    limit, start_after = validation.validate_list_query(query)
    items, last_id = store.list(limit, start_after)
    return {
        "items": items,
        "next": validation.encode_cursor(last_id) if last_id is not None else None,
    }


def get_item(store, item_id):
    item = store.get(item_id) if validation.is_possible_id(item_id) else None
    if item is None:
        raise ItemNotFound(item_id)
    return item


def replace_item(store, item_id, body):
    """Full replace: fields left out of the body are removed from the item."""
    fields = validation.validate_item(body)
    if not validation.is_possible_id(item_id):
        raise ItemNotFound(item_id)
    item = {"id": item_id, **fields}
    if not store.replace(item):
        raise ItemNotFound(item_id)
    return item


def delete_item(store, item_id):
    if not validation.is_possible_id(item_id) or not store.delete(item_id):
        raise ItemNotFound(item_id)
