"""The OpenAPI rules pre-flight shares with apigw_rest_api, and how it reads the file."""

import os

import pytest
import yaml

from ansible_collections.serverless.rest_api.plugins.module_utils.openapi import (
    check_definition,
)
from ansible_collections.serverless.rest_api.plugins.modules import apigw_rest_api
from ansible_collections.serverless.rest_api.plugins.plugin_utils.definition_file import (
    DefinitionFile,
)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FILES = os.path.join(ROOT, "tests", "preflight", "files")
ROLE_DEFINITION = os.path.join(ROOT, "roles", "apigateway", "files", "openapi.yml")
# Files whose only mistake is a key declared twice: once loaded, YAML has kept the last one.
DUPLICATE_FILES = ["duplicate_method.yml", "duplicate_path.yml"]
INVALID_FILES = sorted(
    name for name in os.listdir(FILES) if name.endswith(".yml") and name not in DUPLICATE_FILES
)


def load(path):
    """The document as the apigateway role hands it to the module (lookup, then from_yaml)."""
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def test_role_definition_passes_both_checks_with_its_five_operations():
    # given the role's own OpenAPI file
    document = DefinitionFile.read(ROLE_DEFINITION)
    # when pre-flight and the module check it
    operations, issues = check_definition(document.document, lambda_arn_set=True)
    module_operations, problems = apigw_rest_api.parse_definition(load(ROLE_DEFINITION), True)
    # then neither finds a problem, and both see the same five routes
    assert (document.error, document.duplicates, issues, problems) == (None, [], [], [])
    routes = sorted((op["http_method"], op["path"]) for op in operations)
    assert routes == [
        ("DELETE", "/items/{id}"), ("GET", "/items"), ("GET", "/items/{id}"),
        ("POST", "/items"), ("PUT", "/items/{id}"),
    ]
    assert module_operations == operations


@pytest.mark.parametrize("name", INVALID_FILES)
def test_module_refuses_every_catalog_file_pre_flight_refuses(name):
    # given an OpenAPI file of the pre-flight catalog
    path = os.path.join(FILES, name)
    # when pre-flight reads it and the module is given it as the role gives it
    _, issues = check_definition(DefinitionFile.read(path).document, lambda_arn_set=True)
    _, problems = apigw_rest_api.parse_definition(load(path), True)
    # then both refuse it, one problem for one issue, worded for each
    assert issues
    assert problems == [issue.module_text() for issue in issues]


@pytest.mark.parametrize("name", DUPLICATE_FILES)
def test_duplicate_keys_are_invisible_once_loaded_so_pre_flight_reads_the_file(name):
    # given a file with a key declared twice
    path = os.path.join(FILES, name)
    # when it is loaded as the role loads it, the module sees a valid document
    _, problems = apigw_rest_api.parse_definition(load(path), True)
    assert problems == []
    # but reading the file finds the key declared twice
    assert len(DefinitionFile.read(path).duplicates) == 1


def test_duplicate_path_is_found_with_both_lines_and_the_route_it_would_drop():
    source = DefinitionFile.read(os.path.join(FILES, "duplicate_path.yml"))
    [duplicate] = source.duplicates
    assert (duplicate.keys, duplicate.key) == (("paths",), "/items")
    assert (duplicate.first_line, duplicate.second_line) == (11, 17)
    # YAML keeps the second /items, which has no GET: that route would be lost silently
    assert list(source.document["paths"]["/items"]) == ["post"]


def test_merge_keys_and_reused_anchors_are_not_duplicates():
    text = (
        "base: &base\n"
        "  type: aws_proxy\n"
        "  httpMethod: POST\n"
        "a:\n"
        "  <<: *base\n"
        "  type: AWS_PROXY\n"
        "b: *base\n"
        "c: *base\n"
    )
    source = DefinitionFile(text)
    assert source.error is None
    assert source.duplicates == []
    assert source.document["a"] == {"type": "AWS_PROXY", "httpMethod": "POST"}


def test_line_of_nested_keys_list_items_aliases_and_missing_keys():
    text = (
        "openapi: 3.0.3\n"  # 1
        "shared: &proxy\n"  # 2
        "  type: aws_proxy\n"  # 3
        "paths:\n"  # 4
        "  /items:\n"  # 5
        "    get:\n"  # 6
        "      security:\n"  # 7
        "        - api_key: []\n"  # 8
        "      x-amazon-apigateway-integration: *proxy\n"  # 9
    )
    source = DefinitionFile(text)
    operation = ("paths", "/items", "get")
    assert source.line(operation) == 6
    assert source.line(operation + ("security", 0, "api_key")) == 8
    # an aliased value points at the anchor, where the value is written
    assert source.line(operation + ("x-amazon-apigateway-integration", "type")) == 3
    # a key that is not there points at the nearest enclosing one
    assert source.line(operation + ("responses",)) == 6


def test_json_file_is_read_too():
    source = DefinitionFile('{"openapi": "3.0.3",\n "paths": {"/a": {}, "/a": {"get": {}}}}')
    assert source.error is None
    assert [(d.key, d.first_line, d.second_line) for d in source.duplicates] == [("/a", 2, 2)]
