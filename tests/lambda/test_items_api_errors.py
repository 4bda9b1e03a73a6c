"""Every 4xx the items API gives, and the generic 500."""

import json
import uuid

import pytest

from items_api import handler


def create(invoke, api_event, body):
    status, _, item = invoke(api_event("POST", "/items", body=body))
    assert status == 201
    return item


def count_items(dynamodb, table):
    return dynamodb.scan(TableName=table, Select="COUNT")["Count"]


# ---- malformed or non-object bodies ------------------------------------------------------

@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('{"name": "x"', "request body is not valid JSON"),
        ("", "request body is not valid JSON"),
        ("name=x", "request body is not valid JSON"),
        ('{"name": "x", "quantity": NaN}', "request body is not valid JSON"),
        ('{"name": "x", "name": "y"}', "request body repeats the key 'name'"),
        ("[" * 100_000 + "]" * 100_000, "request body is not valid JSON"),
        ('{"quantity": 1' + "0" * 5000 + "}", "request body is not valid JSON"),
        ('["name"]', "request body must be a JSON object"),
        ('"name"', "request body must be a JSON object"),
        ("42", "request body must be a JSON object"),
        ("null", "request body must be a JSON object"),
    ],
    ids=["truncated", "empty", "form", "nan", "duplicate-key", "deep", "huge-int",
         "array", "string", "number", "null"],
)
@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_unreadable_body_is_400(invoke, api_event, dynamodb, items_table, method, body,
                                message):
    # given a request whose body cannot be read as a JSON object
    path = "/items" if method == "POST" else f"/items/{uuid.uuid4()}"
    # when it is sent
    status, _, error = invoke(api_event(method, path, body=body))
    # then it is refused with a message saying why, and nothing is written
    assert status == 400
    assert error == {"message": message}
    assert count_items(dynamodb, items_table) == 0


@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_missing_body_is_400(invoke, api_event, method):
    # given a write request without a body
    path = "/items" if method == "POST" else f"/items/{uuid.uuid4()}"
    # when it is sent
    status, _, error = invoke(api_event(method, path))
    # then it is refused
    assert (status, error) == (400, {"message": "request body is required"})


@pytest.mark.parametrize(
    "raw",
    [b"not base64!", b"//79"],
    ids=["not-base64", "not-utf8"],
)
def test_undecodable_base64_body_is_400(invoke, api_event, raw):
    # given a base64-flagged body that is not base64, or decodes to bytes that are not UTF-8
    event = api_event("POST", "/items")
    event["body"] = raw.decode("ascii")
    event["isBase64Encoded"] = True
    # when it is sent
    status, _, error = invoke(event)
    # then it is refused
    assert (status, error) == (
        400, {"message": "request body is not valid base64-encoded UTF-8"}
    )


# ---- invalid fields --------------------------------------------------------------------

@pytest.mark.parametrize(
    ("body", "problems"),
    [
        ({}, ["name is required"]),
        ({"description": "no name"}, ["name is required"]),
        ({"name": ""}, ["name must not be empty or only whitespace"]),
        ({"name": "  \t"}, ["name must not be empty or only whitespace"]),
        ({"name": 5}, ["name must be a string"]),
        ({"name": None}, ["name must be a string"]),
        ({"name": "n" * 201}, ["name must be at most 200 characters (got 201)"]),
        ({"name": "x", "description": 1}, ["description must be a string"]),
        ({"name": "x", "description": None}, ["description must be a string"]),
        ({"name": "x", "description": "d" * 2001},
         ["description must be at most 2000 characters (got 2001)"]),
        ({"name": "x", "quantity": -1}, ["quantity must be 0 or more (got -1)"]),
        ({"name": "x", "quantity": 1.5}, ["quantity must be an integer"]),
        ({"name": "x", "quantity": 2.0}, ["quantity must be an integer"]),
        ({"name": "x", "quantity": True}, ["quantity must be an integer"]),
        ({"name": "x", "quantity": "3"}, ["quantity must be an integer"]),
        ({"name": "x", "quantity": 2**53}, [f"quantity must be at most {2**53 - 1}"]),
        ({"name": "x", "colour": "red", "id": "abc"},
         ["unknown field 'colour'", "unknown field 'id'"]),
        ({"colour": "red", "name": "", "quantity": -2},
         ["unknown field 'colour'", "name must not be empty or only whitespace",
          "quantity must be 0 or more (got -2)"]),
    ],
    ids=["empty-object", "no-name", "empty-name", "blank-name", "name-number", "name-null",
         "name-too-long", "description-number", "description-null", "description-too-long",
         "quantity-negative", "quantity-fraction", "quantity-float", "quantity-bool",
         "quantity-string", "quantity-too-large", "unknown-fields", "several-problems"],
)
def test_invalid_fields_on_create_are_400_with_every_problem(
    invoke, api_event, dynamodb, items_table, body, problems
):
    # given a JSON object that breaks the item rules
    # when it is posted
    status, _, error = invoke(api_event("POST", "/items", body=body))
    # then every problem is listed and nothing is written
    assert status == 400
    assert error == {"message": "request is invalid", "problems": problems}
    assert count_items(dynamodb, items_table) == 0


def test_invalid_fields_on_replace_are_400_and_leave_the_item(
    invoke, api_event, dynamodb, items_table
):
    # given an existing item
    created = create(invoke, api_event, {"name": "Keep", "quantity": 4})
    # when a PUT carries an unknown field and a bad quantity
    event = api_event("PUT", f"/items/{created['id']}",
                      body={"name": "Changed", "quantity": -1, "price": 3})
    status, _, error = invoke(event)
    # then it is refused naming both, and the item is unchanged
    assert status == 400
    assert error["problems"] == ["unknown field 'price'", "quantity must be 0 or more (got -1)"]
    assert invoke(api_event("GET", f"/items/{created['id']}"))[2] == created


# ---- unknown ids -------------------------------------------------------------------------

@pytest.mark.parametrize("item_id", [str(uuid.uuid4()), "not-a-uuid", "x" * 3000])
@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_unknown_id_is_404(invoke, api_event, method, item_id):
    # given an id no item has (including one longer than any DynamoDB key)
    # when it is read or deleted
    status, _, error = invoke(api_event(method, f"/items/{item_id}"))
    # then the answer is 404
    assert (status, error) == (404, {"message": "item not found"})


def test_put_on_an_unknown_id_is_404_and_creates_nothing(
    invoke, api_event, dynamodb, items_table
):
    # given an empty table
    item_id = str(uuid.uuid4())
    # when a valid body is PUT to an id that does not exist
    status, _, error = invoke(api_event("PUT", f"/items/{item_id}", body={"name": "Ghost"}))
    # then it is 404 and no item was made
    assert (status, error) == (404, {"message": "item not found"})
    assert count_items(dynamodb, items_table) == 0


def test_delete_twice_is_404_the_second_time(invoke, api_event):
    # given an item deleted once
    created = create(invoke, api_event, {"name": "Once"})
    assert invoke(api_event("DELETE", f"/items/{created['id']}"))[0] == 204
    # when it is deleted again
    status, _, error = invoke(api_event("DELETE", f"/items/{created['id']}"))
    # then the item is not found
    assert (status, error) == (404, {"message": "item not found"})


# ---- list parameters ---------------------------------------------------------------------

@pytest.mark.parametrize(
    ("query", "problems"),
    [
        ({"limit": "0"}, ["limit must be an integer from 1 to 100"]),
        ({"limit": "101"}, ["limit must be an integer from 1 to 100"]),
        ({"limit": "-1"}, ["limit must be an integer from 1 to 100"]),
        ({"limit": "ten"}, ["limit must be an integer from 1 to 100"]),
        ({"limit": ""}, ["limit must be an integer from 1 to 100"]),
        ({"limit": "2.5"}, ["limit must be an integer from 1 to 100"]),
        ({"limit": "１０"}, ["limit must be an integer from 1 to 100"]),
        ({"next": "not a cursor"}, ["next is not a cursor this API returned"]),
        ({"next": ""}, ["next is not a cursor this API returned"]),
        ({"next": "W10"}, ["next is not a cursor this API returned"]),
        ({"next": "eyJpZCI6IDV9"}, ["next is not a cursor this API returned"]),
        ({"sort": "name"}, ["unknown query parameter 'sort'"]),
        ({"limit": "0", "page": "2"},
         ["unknown query parameter 'page'", "limit must be an integer from 1 to 100"]),
    ],
    ids=["zero", "over-100", "negative", "word", "empty", "fraction", "fullwidth-digits",
         "garbage-cursor", "empty-cursor", "array-cursor", "number-id-cursor",
         "unknown-parameter", "several-problems"],
)
def test_invalid_list_parameters_are_400(invoke, api_event, query, problems):
    # given list parameters outside the rules
    # when the list is fetched
    status, _, error = invoke(api_event("GET", "/items", query=query))
    # then every problem is listed
    assert (status, error) == (400, {"message": "request is invalid", "problems": problems})


# ---- routes and methods ------------------------------------------------------------------

@pytest.mark.parametrize(
    ("path", "resource"),
    [
        ("/widgets", "/widgets"),
        ("/", "/"),
        ("/items/abc/parts", "/items/{id}/parts"),
        ("/items/abc/parts", "/{proxy+}"),
    ],
)
def test_unknown_route_is_404(invoke, api_event, path, resource):
    # given a request for a path the API does not serve
    # when it arrives
    status, _, error = invoke(api_event("GET", path, resource=resource))
    # then the route is not found
    assert (status, error) == (404, {"message": "route not found"})


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PATCH", "/items", "GET, POST"),
        ("DELETE", "/items", "GET, POST"),
        ("PUT", "/items", "GET, POST"),
        ("POST", "/items/abc", "DELETE, GET, PUT"),
        ("PATCH", "/items/abc", "DELETE, GET, PUT"),
        ("OPTIONS", "/items/abc", "DELETE, GET, PUT"),
    ],
)
def test_wrong_method_on_a_known_path_is_405_with_allow(invoke, api_event, method, path,
                                                         allow):
    # given a method the path does not support
    # when it is used
    status, headers, error = invoke(api_event(method, path))
    # then it is 405 and Allow lists the methods that are supported
    assert (status, error) == (405, {"message": "method not allowed"})
    assert headers["Allow"] == allow


def test_greedy_proxy_resource_is_routed_by_path(invoke, api_event):
    # given an API that sends every path to the function through {proxy+}
    created = create(invoke, api_event, {"name": "Proxied"})
    event = api_event("GET", f"/items/{created['id']}", resource="/{proxy+}")
    event["pathParameters"] = {"proxy": f"items/{created['id']}"}
    # when an item path arrives
    status, _, item = invoke(event)
    # then it reaches the item route
    assert (status, item) == (200, created)


# ---- server faults -----------------------------------------------------------------------

def test_aws_failure_is_a_generic_500(api_event, lambda_env, capsys):
    # given a function configured for a table that does not exist
    lambda_env.setenv("TABLE_NAME", "items-missing")
    handler.get_runtime.cache_clear()
    # when an item is fetched
    response = handler.handle(api_event("GET", f"/items/{uuid.uuid4()}"), None)
    # then the client gets a generic JSON error with no detail
    assert response["statusCode"] == 500
    assert response["headers"] == {"Content-Type": "application/json"}
    assert json.loads(response["body"]) == {"message": "internal server error"}
    # and the log names the AWS error code, not the message
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    fault = next(line for line in lines if line["event"] == "unhandled error")
    assert fault["error_type"] == "ResourceNotFoundException"
    assert fault["aws_error_code"] == "ResourceNotFoundException"
    assert fault["aws_operation"] == "GetItem"
    assert fault["level"] == "error"


def test_unexpected_exception_is_a_generic_500_without_trace(
    invoke, api_event, lambda_env, capsys
):
    # given a store that fails with an exception carrying internal detail
    class Exploding:
        def get(self, item_id):
            raise RuntimeError("secret internal detail")

    lambda_env.setattr(handler.store, "create_store", lambda config: Exploding())
    handler.get_runtime.cache_clear()
    # when an item is fetched
    status, headers, error = invoke(api_event("GET", f"/items/{uuid.uuid4()}"))
    # then the answer is the generic 500, and neither answer nor log holds the detail
    assert (status, error) == (500, {"message": "internal server error"})
    output = capsys.readouterr().out
    assert "secret internal detail" not in output
    assert "Traceback" not in output
    fault = next(json.loads(line) for line in output.splitlines()
                 if json.loads(line)["event"] == "unhandled error")
    assert fault["error_type"] == "RuntimeError"
    assert fault["where"][-1].startswith("test_items_api_errors.py:")


def test_missing_table_name_is_a_500_logged_as_configuration_error(
    invoke, api_event, lambda_env, capsys
):
    # given a function deployed without TABLE_NAME
    lambda_env.delenv("TABLE_NAME")
    handler.get_runtime.cache_clear()
    # when a request arrives
    status, _, error = invoke(api_event("GET", "/items"))
    # then the client gets the generic 500 and the log says what is wrong
    assert (status, error) == (500, {"message": "internal server error"})
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines[0]["event"] == "configuration error"
    assert lines[0]["problem"] == "TABLE_NAME is not set"
    assert lines[1]["status"] == 500
