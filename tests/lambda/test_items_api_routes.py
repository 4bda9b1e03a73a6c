"""Every route of the items API, run in-process against DynamoDB on the moto server."""

import uuid

import pytest

UUID4_TEXT = r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"


def stored(dynamodb, table, item_id):
    """The item as DynamoDB holds it (typed attribute values), or None."""
    return dynamodb.get_item(TableName=table, Key={"id": {"S": item_id}}).get("Item")


def create(invoke, api_event, body):
    status, _, item = invoke(api_event("POST", "/items", body=body))
    assert status == 201
    return item


def test_create_returns_201_with_a_generated_uuid4_and_stores_the_item(
    invoke, api_event, dynamodb, items_table
):
    # given a complete, valid body
    body = {"name": "Widget", "description": "A small widget", "quantity": 3}
    # when it is posted to /items
    status, headers, item = invoke(api_event("POST", "/items", body=body))
    # then the item comes back with a server-made uuid4 id
    assert status == 201
    assert headers["Content-Type"] == "application/json"
    assert set(item) == {"id", "name", "description", "quantity"}
    assert str(uuid.UUID(item["id"], version=4)) == item["id"]
    assert {k: item[k] for k in body} == body
    # and DynamoDB holds exactly that item
    assert stored(dynamodb, items_table, item["id"]) == {
        "id": {"S": item["id"]},
        "name": {"S": "Widget"},
        "description": {"S": "A small widget"},
        "quantity": {"N": "3"},
    }


def test_create_with_only_a_name_stores_no_optional_fields(
    invoke, api_event, dynamodb, items_table
):
    # given a body with the one required field
    # when it is posted
    item = create(invoke, api_event, {"name": "Bare"})
    # then nothing else is stored
    assert item == {"id": item["id"], "name": "Bare"}
    assert stored(dynamodb, items_table, item["id"]) == {
        "id": {"S": item["id"]},
        "name": {"S": "Bare"},
    }


def test_create_gives_each_item_its_own_id(invoke, api_event):
    # given the same body posted twice
    first = create(invoke, api_event, {"name": "Twin"})
    second = create(invoke, api_event, {"name": "Twin"})
    # then two items exist with different ids
    assert first["id"] != second["id"]


def test_create_reads_a_base64_encoded_body(invoke, api_event, dynamodb, items_table):
    # given a body API Gateway passed base64-encoded, with non-ASCII text
    event = api_event("POST", "/items", body={"name": "Zürich mug"}, base64_body=True)
    # when it is posted
    status, _, item = invoke(event)
    # then it was decoded as UTF-8 JSON
    assert status == 201
    assert item["name"] == "Zürich mug"
    assert stored(dynamodb, items_table, item["id"])["name"] == {"S": "Zürich mug"}


def test_create_accepts_the_field_limits_exactly(invoke, api_event):
    # given fields exactly at their limits
    body = {"name": "n" * 200, "description": "d" * 2000, "quantity": 0}
    # when posted
    item = create(invoke, api_event, body)
    # then they are stored as given
    assert {k: item[k] for k in body} == body


def test_get_returns_the_item(invoke, api_event):
    # given an existing item
    created = create(invoke, api_event, {"name": "Lamp", "quantity": 2})
    # when it is fetched by id
    status, headers, item = invoke(api_event("GET", f"/items/{created['id']}"))
    # then it comes back whole
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert item == created


def test_put_replaces_the_whole_item(invoke, api_event, dynamodb, items_table):
    # given an item with every field set
    created = create(invoke, api_event, {"name": "Old", "description": "old", "quantity": 9})
    # when it is replaced by a body without description
    event = api_event("PUT", f"/items/{created['id']}", body={"name": "New", "quantity": 1})
    status, _, item = invoke(event)
    # then the response and the stored item both lack the omitted field
    assert status == 200
    assert item == {"id": created["id"], "name": "New", "quantity": 1}
    assert stored(dynamodb, items_table, created["id"]) == {
        "id": {"S": created["id"]},
        "name": {"S": "New"},
        "quantity": {"N": "1"},
    }
    # and a later GET sees the replacement
    assert invoke(api_event("GET", f"/items/{created['id']}"))[2] == item


def test_delete_returns_204_and_removes_the_item(invoke, api_event, dynamodb, items_table):
    # given an existing item
    created = create(invoke, api_event, {"name": "Doomed"})
    # when it is deleted
    status, headers, body = invoke(api_event("DELETE", f"/items/{created['id']}"))
    # then the answer is 204 with an empty body and no content type
    assert (status, body) == (204, None)
    assert "Content-Type" not in headers
    # and the item is gone from the table and from the API
    assert stored(dynamodb, items_table, created["id"]) is None
    assert invoke(api_event("GET", f"/items/{created['id']}"))[0] == 404


def test_list_of_an_empty_table(invoke, api_event):
    # given no items
    # when the list is fetched
    status, _, page = invoke(api_event("GET", "/items"))
    # then it is empty and has no continuation
    assert status == 200
    assert page == {"items": [], "next": None}


def test_list_returns_every_item_when_they_fit_one_page(invoke, api_event):
    # given three items
    created = [create(invoke, api_event, {"name": f"item {n}", "quantity": n}) for n in range(3)]
    # when the list is fetched with the default limit
    status, _, page = invoke(api_event("GET", "/items"))
    # then all three come back, with no continuation
    assert status == 200
    assert sorted(page["items"], key=lambda item: item["id"]) == sorted(
        created, key=lambda item: item["id"]
    )
    assert page["next"] is None


def test_list_default_limit_is_25(invoke, api_event):
    # given 30 items
    ids = {create(invoke, api_event, {"name": f"item {n}"})["id"] for n in range(30)}
    # when the first page is fetched without a limit
    status, _, first = invoke(api_event("GET", "/items"))
    # then it holds 25 items and a cursor
    assert status == 200
    assert len(first["items"]) == 25
    assert isinstance(first["next"], str) and first["next"]
    # and the cursor's page holds the other 5
    _, _, second = invoke(api_event("GET", "/items", query={"next": first["next"]}))
    assert len(second["items"]) == 5
    assert {item["id"] for item in first["items"] + second["items"]} == ids


def test_pagination_walks_every_item_exactly_once(invoke, api_event):
    # given 7 items
    ids = {create(invoke, api_event, {"name": f"item {n}"})["id"] for n in range(7)}
    # when pages of 3 are followed until there is no cursor
    seen, sizes, cursor = [], [], None
    for _ in range(10):
        query = {"limit": "3", **({"next": cursor} if cursor else {})}
        status, _, page = invoke(api_event("GET", "/items", query=query))
        assert status == 200
        seen += [item["id"] for item in page["items"]]
        sizes.append(len(page["items"]))
        cursor = page["next"]
        if cursor is None:
            break
    # then each item was seen once and no page went over the limit
    assert sorted(seen) == sorted(ids)
    assert max(sizes) == 3
    assert cursor is None


@pytest.mark.parametrize("limit", ["1", "100"])
def test_list_accepts_the_limit_bounds(invoke, api_event, limit):
    # given two items
    for n in range(2):
        create(invoke, api_event, {"name": f"item {n}"})
    # when the list is fetched with a limit at a bound
    status, _, page = invoke(api_event("GET", "/items", query={"limit": limit}))
    # then the page is no larger than the limit
    assert status == 200
    assert len(page["items"]) == min(int(limit), 2)
    assert (page["next"] is not None) == (limit == "1")


def test_numbers_stored_as_decimal_come_back_as_json_numbers(
    invoke, api_event, dynamodb, items_table
):
    # given an item written straight to DynamoDB with whole, fractional and nested numbers
    item_id = str(uuid.uuid4())
    dynamodb.put_item(
        TableName=items_table,
        Item={
            "id": {"S": item_id},
            "name": {"S": "Imported"},
            "quantity": {"N": "7"},
            "weight": {"N": "0.25"},
            "dimensions": {"M": {"height": {"N": "1E+2"}, "depths": {"L": [{"N": "2.50"}]}}},
            "sizes": {"NS": ["3", "1"]},
        },
    )
    # when it is read through the API, alone and in a list
    status, _, item = invoke(api_event("GET", f"/items/{item_id}"))
    _, _, page = invoke(api_event("GET", "/items"))
    # then whole numbers are ints, others floats, sets sorted lists
    assert status == 200
    expected = {
        "id": item_id,
        "name": "Imported",
        "quantity": 7,
        "weight": 0.25,
        "dimensions": {"height": 100, "depths": [2.5]},
        "sizes": [1, 3],
    }
    assert item == expected
    assert type(item["quantity"]) is int and type(item["dimensions"]["height"]) is int
    assert page["items"] == [expected]
