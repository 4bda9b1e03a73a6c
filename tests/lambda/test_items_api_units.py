"""Pieces of the items API that need no DynamoDB: config, errors, conversion, cursors."""

import dataclasses
from decimal import Decimal

import pytest
from boto3.dynamodb.types import Binary

from items_api import config, errors, handler, store, validation


# ---- config -------------------------------------------------------------------------------

def test_config_reads_table_name_and_log_level():
    # given both variables set, the level in lower case
    environ = {"TABLE_NAME": "items-dev", "LOG_LEVEL": "debug"}
    # when the config is loaded
    settings = config.load_config(environ)
    # then it holds them, the level normalised
    assert settings == config.Config(table_name="items-dev", log_level="DEBUG")


def test_config_log_level_defaults_to_info():
    # given no LOG_LEVEL
    # when the config is loaded
    settings = config.load_config({"TABLE_NAME": "items-dev"})
    # then INFO is used
    assert settings.log_level == "INFO"


def test_config_is_frozen():
    # given a loaded config
    settings = config.load_config({"TABLE_NAME": "items-dev"})
    # when a field is assigned
    # then it is refused
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.table_name = "other"


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({}, "TABLE_NAME is not set"),
        ({"TABLE_NAME": ""}, "TABLE_NAME is not set"),
        ({"TABLE_NAME": "ab"}, "TABLE_NAME 'ab' is not a DynamoDB table name"),
        ({"TABLE_NAME": "items/dev"}, "TABLE_NAME 'items/dev' is not a DynamoDB table name"),
        ({"TABLE_NAME": "items", "LOG_LEVEL": "loud"},
         "LOG_LEVEL 'loud' is not one of DEBUG, INFO, WARNING, ERROR"),
    ],
)
def test_config_rejects_bad_values(environ, message):
    # given an environment with a missing or bad value
    # when the config is loaded
    # then the error names the variable and the value
    with pytest.raises(config.ConfigError) as raised:
        config.load_config(environ)
    assert str(raised.value).startswith(message)


def test_runtime_is_built_once_per_container(lambda_env):
    # given a runtime built from the environment
    first = handler.get_runtime()
    # when the environment changes afterwards
    lambda_env.setenv("TABLE_NAME", "another-table")
    # then later requests keep the first configuration
    assert handler.get_runtime() is first
    assert first.config.table_name != "another-table"


# ---- errors -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("error", "status"),
    [
        (errors.BadRequest("x"), 400),
        (errors.ValidationFailed(["x"]), 400),
        (errors.ItemNotFound("id"), 404),
        (errors.RouteNotFound(), 404),
        (errors.MethodNotAllowed({"GET"}), 405),
        (config.ConfigError("x"), 500),
        (KeyError("x"), 500),
    ],
)
def test_status_for_each_error(error, status):
    # given an error raised while handling a request
    # when it is mapped
    # then it gets its status, and anything unknown is a 500
    assert errors.status_for(error) == status


# ---- DynamoDB values ----------------------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "plain"),
    [
        (Decimal("7"), 7),
        (Decimal("7.0"), 7),
        (Decimal("1E+3"), 1000),
        (Decimal("-0.5"), -0.5),
        (Decimal("12345678901234567890123456789012345678"),
         12345678901234567890123456789012345678),
        ({"a": [Decimal("1"), {"b": Decimal("2.5")}]}, {"a": [1, {"b": 2.5}]}),
        ({Decimal("3"), Decimal("1")}, [1, 3]),
        ({"b", "a"}, ["a", "b"]),
        (Binary(b"\x00\xff"), "AP8="),
        ("text", "text"),
        (True, True),
        (None, None),
    ],
)
def test_to_plain_converts_dynamodb_values(value, plain):
    # given a value as boto3 deserialises it
    # when it is converted
    result = store.to_plain(value)
    # then it is the JSON-ready equivalent, whole numbers as int
    assert result == plain
    assert type(result) is type(plain)


# ---- cursors ------------------------------------------------------------------------------

def test_cursor_round_trips_to_the_item_id():
    # given a cursor made for an id
    token = validation.encode_cursor("3f0c8d52-8f0e-4c43-9d35-0b7d1f7b6a10")
    # when it is read back as the next parameter
    limit, start_after = validation.validate_list_query({"next": token})
    # then it names the same id, the token is URL-safe and the limit the default
    assert start_after == "3f0c8d52-8f0e-4c43-9d35-0b7d1f7b6a10"
    assert limit == 25
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
