"""Rules of serverless.rest_api.validate_settings, checked without running a playbook.

The settings are given already templated, against the roles' real meta/argument_specs.yml.
"""

import os

import pytest
import yaml

from ansible_collections.serverless.rest_api.plugins.action import validate_settings
from ansible_collections.serverless.rest_api.plugins.modules import lambda_function
from ansible_collections.serverless.rest_api.plugins.action.validate_settings import (
    KMS_KEY_RE,
    MISSING,
    SettingsCheck,
    created_variables,
)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROLES = ["preflight", "table", "lambda", "apigateway", "summary"]
# Values of the settings whose defaults are templates, as the dev inventory renders them.
RENDERED = {
    "deploy_project": "items-api",
    "deploy_environment": "dev",
    "deploy_region": "eu-west-1",
    "deploy_tags": {"project": "items-api", "environment": "dev", "managed_by": "ansible"},
    "table_name": "items-api-dev-items",
    "lambda_function_name": "items-api-dev-items",
    "lambda_description": "Items API of items-api (dev)",
    "lambda_source_dir": os.path.join(ROOT, "lambda"),
    "lambda_build_dir": os.path.join(ROOT, ".cache", "build"),
    "lambda_role_name": "items-api-dev-items",
    "lambda_table_name": "items-api-dev-items",
    "apigateway_api_name": "items-api-dev",
    "apigateway_description": "Items API of items-api (dev)",
    "apigateway_definition_file": os.path.join(ROOT, "roles", "apigateway", "files",
                                               "openapi.yml"),
    "apigateway_lambda_function_name": "items-api-dev-items",
    "apigateway_stage_name": "dev",
    "apigateway_api_key_name": "items-api-dev-key",
    "apigateway_usage_plan_name": "items-api-dev-plan",
    "summary_endpoint_url": "",
}


def declarations():
    for role in ROLES:
        path = os.path.join(ROOT, "roles", role, "meta", "argument_specs.yml")
        with open(path, encoding="utf-8") as handle:
            yield yaml.safe_load(handle)["argument_specs"]["main"]["options"]


def check(raw=None, **settings):
    """A SettingsCheck over the dev settings with `settings` changed; returns the lines.

    raw: untemplated values by name, for the checks that look at templates.
    """
    values = dict(RENDERED, **settings)
    result = SettingsCheck()
    for options in declarations():
        for name, spec in options.items():
            if name in result.values:
                continue
            value = values.get(name, spec.get("default", MISSING))
            result.raw[name] = (raw or {}).get(name, value)
            result.check_declared(name, spec, value)
    result.check_rules()
    return result


def test_dev_settings_pass():
    # given the dev settings; when they are checked; then there is nothing to report
    assert check().lines() == ([], [])


def test_ansible_boolean_words_and_digit_strings_are_converted():
    # given booleans and numbers as strings, as -e and templates often give them
    result = check(table_deletion_protection="yes", apigateway_tracing_enabled="Off",
                   lambda_memory_size="512")
    # then they pass and are converted
    assert result.lines() == ([], [])
    assert result.values["table_deletion_protection"] is True
    assert result.values["apigateway_tracing_enabled"] is False
    assert result.values["lambda_memory_size"] == 512


@pytest.mark.parametrize("value", [["items_api.handler.handle"], {"module": "x"}, True])
def test_string_setting_refuses_lists_mappings_and_booleans(value):
    # given a container or boolean where a string is declared (ansible would convert it)
    errors, _ = check(lambda_handler=value).lines()
    # then it is refused, naming the kind given
    kind = {list: "a list", dict: "a mapping", bool: "a boolean"}[type(value)]
    assert errors == [
        f"lambda_handler: expected a string, not {kind}; got {validate_settings.show(value)}; "
        "allowed: module path and function name without spaces, at most 128 characters, such "
        "as items_api.handler.handle"
    ]


@pytest.mark.parametrize(
    "key",
    [
        "1234abcd-12ab-34cd-56ef-1234567890ab",
        "mrk-1234abcd12ab34cd56ef1234567890ab",
        "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "alias/aws/dynamodb",
        "alias/items_api-key/v2",
        "arn:aws:kms:eu-west-1:123456789012:alias/items",
        "arn:aws-us-gov:kms:us-gov-west-1:123456789012:alias/items",
    ],
)
def test_kms_key_formats_aws_accepts(key):
    assert KMS_KEY_RE.fullmatch(key)


@pytest.mark.parametrize(
    "key",
    [
        "items",  # a bare name
        "alias/",  # an alias prefix without a name
        "alias/items key",  # a space
        "1234ABCD-12AB-34CD-56EF-1234567890AB",  # key ids are lower case
        "arn:aws:kms:eu-west-1:1234:key/1234abcd-12ab-34cd-56ef-1234567890ab",  # short account
        "arn:aws:kms:eu-west-1:123456789012:items",  # neither key/ nor alias/
    ],
)
def test_kms_key_formats_aws_refuses(key):
    assert not KMS_KEY_RE.fullmatch(key)


def test_burst_is_derived_when_twice_the_rate_is_whole():
    # 0.5 x 2 = 1: the derived burst is whole
    assert check(apigateway_throttle_rate_limit=0.5).lines() == ([], [])
    # an explicit burst makes any rate fine
    assert check(apigateway_throttle_rate_limit=0.25,
                 apigateway_throttle_burst_limit=1).lines() == ([], [])


def test_burst_not_derivable_asks_for_an_explicit_one():
    errors, _ = check(apigateway_throttle_rate_limit=0.25).lines()
    assert errors == [
        "apigateway_throttle_burst_limit: not set, and twice apigateway_throttle_rate_limit "
        "(0.25 x 2 = 0.5) is not a whole number; got null; allowed: an explicit whole "
        "number, 0 or more"
    ]


def test_timeout_above_the_integration_limit_is_a_warning_only():
    errors, warnings = check(lambda_timeout=30).lines()
    assert errors == []
    assert warnings == [
        "lambda_timeout: longer than API Gateway's 29-second integration timeout, so clients "
        "get HTTP 504 before the function gives up; got 30; allowed: 1 to 29 seconds for a "
        "function behind API Gateway"
    ]


def test_fifty_tags_with_deploy_tags_pass_and_fifty_one_do_not():
    fifty = {f"team{index:02d}": "x" for index in range(47)}
    assert check(table_tags=fifty).lines() == ([], [])
    errors, _ = check(table_tags=dict(fifty, extra="x")).lines()
    assert errors == [
        "table_tags: the table would carry 51 tags with deploy_tags; got 48 tags; allowed: at "
        "most 50 tags per resource, deploy_tags included"
    ]


def test_error_of_a_setting_derived_from_a_refused_one_is_left_out():
    # given an invalid table name and lambda_table_name left at its default {{ table_name }}
    result = check(
        raw={"lambda_table_name": "{{ table_name }}"},
        table_name="ab",
        lambda_table_name="ab",
    )
    # then only the table name is reported
    errors, _ = result.lines()
    assert [line.split(":")[0] for line in errors] == ["table_name"]


def test_environment_values_are_never_shown():
    # given an environment variable whose value is a mapping
    errors, _ = check(lambda_environment={"API_TOKEN": {"secret": "s3cr3t"}}).lines()
    # then the problem names the variable but not its value
    assert errors == [
        "lambda_environment.API_TOKEN: environment values are strings, not a mapping; got "
        "(value not shown); allowed: a string; numbers are sent as their text"
    ]
    assert "s3cr3t" not in errors[0]


def test_created_variables_are_found_in_the_roles_tasks_and_vars():
    # given the collection's roles
    def load(path):
        with open(path, encoding="utf-8") as handle:
            return yaml.safe_load(handle)

    # when the variables they create are collected
    names = created_variables(os.path.join(ROOT, "roles"), load)
    # then registered results and derived vars are all there, and no setting is
    assert {
        "table_result", "lambda_function_result", "lambda_caller", "lambda_kms_key_info",
        "lambda_package_result", "lambda_log_group_result", "lambda_role_result",
        "lambda_concurrency_result", "apigateway_rest_api_result",
        "apigateway_api_key_result", "apigateway_usage_plan_result",
        "apigateway_identity_tags", "apigateway_lambda_arn", "apigateway_burst_limit",
        "preflight_settings_result", "preflight_account_result",
    } <= names
    declared = {name for options in declarations() for name in options}
    assert names.isdisjoint(declared)


# ---------------------------------------------------------------------------------------------
# Rules shared with the modules, names, tags and the build folder
# ---------------------------------------------------------------------------------------------


def test_environment_rules_are_the_lambda_function_modules_own():
    # given the environment rules pre-flight applies
    # then they are the very objects the lambda_function module applies, not copies
    assert validate_settings.RESERVED_ENV_KEYS is lambda_function.RESERVED_ENV_KEYS
    assert validate_settings.MAX_ENV_BYTES == lambda_function.MAX_ENV_BYTES == 4096
    assert validate_settings.environment_size is lambda_function.environment_size
    # and TZ, which the Lambda Developer Guide lists as not reserved, is not among them
    assert "TZ" not in validate_settings.RESERVED_ENV_KEYS


@pytest.mark.parametrize(
    "environment",
    [{"TZ": "Europe/Amsterdam"}, {"AWS_LAMBDA_EXEC_WRAPPER": "/opt/wrapper"}, {"PAGE_SIZE": 25}],
)
def test_unreserved_names_and_numbers_pass(environment):
    assert check(lambda_environment=environment).lines() == ([], [])


def test_environment_of_4096_bytes_passes_and_4097_does_not():
    # given the role's own variables, as compact JSON:
    # {"TABLE_NAME":"items-api-dev-items","LOG_LEVEL":"INFO","PADDING":"..."} is 68 bytes
    # around the value of PADDING
    fits = {"PADDING": "p" * (4096 - 68)}
    assert check(lambda_environment=fits).lines() == ([], [])
    errors, _ = check(lambda_environment={"PADDING": "p" * (4097 - 68)}).lines()
    assert errors == [
        "lambda_environment: the function's variables (TABLE_NAME and LOG_LEVEL included) take "
        "4097 bytes as Lambda measures them, one compact JSON object; got 3 variables of 4097 "
        "bytes; allowed: at most 4096 bytes (4 KB) in total"
    ]


@pytest.mark.parametrize("runtime", ["python3.10", "python3.14"])
def test_runtime_rule_accepts_what_lambda_creates_functions_with(runtime):
    # given a declaration without choices, so that only the rule decides
    result = SettingsCheck()
    result.check_declared("lambda_runtime", {"type": "str"}, runtime)
    result.check_lambda()
    assert result.lines() == ([], [])


@pytest.mark.parametrize("runtime", ["python3.9", "python3", "nodejs22.x"])
def test_runtime_rule_refuses_what_lambda_no_longer_creates_functions_with(runtime):
    result = SettingsCheck()
    result.check_declared("lambda_runtime", {"type": "str"}, runtime)
    result.check_lambda()
    assert result.lines() == (
        [
            f'lambda_runtime: not a Python runtime Lambda creates new functions with; got '
            f'"{runtime}"; allowed: one of python3.10, python3.11, python3.12, python3.13, '
            "python3.14"
        ],
        [],
    )


def test_api_name_fits_the_permission_statement_id_up_to_89_characters():
    # apigateway-<name>: 11 + 89 = 100 characters, the statement id's limit
    assert check(apigateway_api_name="a" * 89, apigateway_api_key_name="k",
                 apigateway_usage_plan_name="p").lines() == ([], [])
    errors, _ = check(apigateway_api_name="a" * 90, apigateway_api_key_name="k",
                      apigateway_usage_plan_name="p").lines()
    assert [line.split(";")[0] for line in errors] == [
        "apigateway_api_name: not usable in the Lambda permission's statement id "
        "apigateway-<name>"
    ]


def test_api_key_name_of_1024_characters_passes_and_1025_does_not():
    assert check(apigateway_api_key_name="k" * 1024).lines() == ([], [])
    errors, _ = check(apigateway_api_key_name="k" * 1025).lines()
    assert [line.split(";")[0] for line in errors] == [
        "apigateway_api_key_name: not a valid API key name"
    ]


def test_deploy_tags_must_name_the_project_and_environment_of_the_settings():
    # given deploy_tags whose environment is another one and whose project is missing
    errors, _ = check(deploy_tags={"environment": "prod", "owner": "platform"}).lines()
    # then both are reported, the missing tag first
    assert errors == [
        "deploy_tags: has no project tag; every resource carries it, and the API, its key and "
        'usage plan are found by it; got the tags environment, owner; allowed: project: '
        '"{{ deploy_project }}" among the tags (now "items-api")',
        'deploy_tags.environment: differs from deploy_environment ("dev"), the environment the '
        'API, its key and usage plan are found by; got "prod"; allowed: the value of '
        'deploy_environment, e.g. environment: "{{ deploy_environment }}"',
    ]


def test_role_tags_may_add_tags_but_not_the_deploy_wide_ones():
    assert check(lambda_tags={"owner": "platform"}).lines() == ([], [])
    errors, _ = check(lambda_tags={"project": "items-api"}).lines()
    assert [line.split(";")[0] for line in errors] == [
        "lambda_tags.project: a tag deploy_tags sets on every resource"
    ]


@pytest.mark.parametrize("value", [5, 1.5, False])
def test_tag_values_must_be_strings_and_the_error_shows_them_quoted(value):
    errors, _ = check(table_tags={"tier": value}).lines()
    text = str(value).lower() if isinstance(value, bool) else str(value)
    assert len(errors) == 1
    assert errors[0].endswith(f'allowed: a string of 0 to 256 characters; quote it: "{text}"')


def test_build_folder_that_can_be_created_passes(tmp_path):
    assert check(lambda_build_dir=str(tmp_path / "new" / "build")).lines() == ([], [])


def test_build_folder_that_is_a_file_is_refused(tmp_path):
    target = tmp_path / "build"
    target.write_text("not a folder", encoding="utf-8")
    errors, _ = check(lambda_build_dir=str(target)).lines()
    assert errors == [
        f'lambda_build_dir: exists and is not a folder; got "{target}"; allowed: a folder the '
        "deploy can write to, or one it can create"
    ]


def test_definition_file_that_is_no_mapping_is_refused(tmp_path):
    path = tmp_path / "openapi.yml"
    path.write_text("- /items\n", encoding="utf-8")
    errors, _ = check(apigateway_definition_file=str(path)).lines()
    assert errors == [
        f"apigateway_definition_file: {path} is a list, not an OpenAPI document; got "
        f'"{path}"; allowed: an OpenAPI 3.0 document: a mapping with openapi and paths'
    ]


def test_definition_file_that_is_not_yaml_is_refused_with_the_line(tmp_path):
    path = tmp_path / "openapi.yml"
    path.write_text("openapi: 3.0.3\npaths: {/items: [\n", encoding="utf-8")
    errors, _ = check(apigateway_definition_file=str(path)).lines()
    assert len(errors) == 1
    assert errors[0].startswith("apigateway_definition_file: cannot be read as YAML or JSON (")
    assert "at line 3)" in errors[0]
