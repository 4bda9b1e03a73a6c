"""Pre-flight refuses each invalid configuration of the catalog before any write call.

Each case is a variables file in cases/, given with -e @file to
`ansible-playbook -i inventories/<inventory> site.yml` (the whole deploy, so a case that
pre-flight let through would reach the write calls of the roles). Its header holds the
exact lines pre-flight must report:

    # inventory: prod          (optional; dev by default)
    # phase: account           (optional; the failure comes from the account checks)
    # <what is wrong>
    # error: <the exact line>  (one per problem, in the order reported)

The playbook talks to moto through a counting proxy on 127.0.0.1 that classifies every
request as a read or a write (see counting_proxy.py).
"""

import pytest

from playbook_runs import CASES, all_cases, load_case, run_site

CATALOG = all_cases()
PREFLIGHT_TASK = "serverless.rest_api.preflight : "
# The only warning a valid configuration may give against moto, which lacks Lambda's
# GetAccountSettings.
MOTO_WARNING = (
    "Skipped the concurrency quota check: the endpoint does not implement Lambda "
    "GetAccountSettings, so the account's concurrency limit is unknown"
)
# What the account checks read: both KMS keys, then the account's concurrency settings.
ACCOUNT_READS = [
    ("kms", "DescribeKey"),
    ("kms", "DescribeKey"),
    ("lambda", "GET /2016-08-19/account-settings"),
]


def test_catalog_has_thirty_cases_or_more_each_with_its_expected_lines():
    # given the catalog of invalid configurations
    names = {case["name"] for case in CATALOG}
    # then it is large enough, holds the cases the project requires, and each case says
    # exactly what it expects
    assert len(CATALOG) >= 30
    assert {"sse_as_list", "openapi_star_method", "unknown_setting_typo", "five_mistakes"} <= (
        names
    )
    for case in CATALOG:
        assert case["errors"], f"{case['name']} has no '# error:' line"
        assert case["inventory"] in ("dev", "prod"), case["name"]
        assert case["phase"] in ("settings", "account"), case["name"]


@pytest.mark.parametrize("case", CATALOG, ids=[case["name"] for case in CATALOG])
def test_invalid_configuration_is_refused_with_its_exact_lines_and_no_write(
    case, preflight_endpoint
):
    # given a deploy of the case's inventory with the case's variables
    # when site.yml runs against moto through the counting proxy
    run = run_site(preflight_endpoint, case["inventory"], [case["path"]])
    # then pre-flight fails the play with exactly the expected lines
    task, _ = run.failure()
    assert run.returncode != 0
    assert task is not None and task.startswith(PREFLIGHT_TASK), task
    assert run.problem_lines() == case["errors"]
    # and the endpoint received no write call
    assert run.writes == []
    if case["phase"] == "settings":
        # the settings are refused before any AWS call at all
        assert run.calls == []
    else:
        assert [(call.service, call.operation) for call in run.calls] == ACCOUNT_READS


def test_five_independent_mistakes_are_reported_in_one_run(preflight_endpoint):
    # given a configuration with five unrelated mistakes
    case = load_case(CASES / "five_mistakes.yml")
    # when site.yml runs once
    run = run_site(preflight_endpoint, "dev", [case["path"]])
    # then one failure names all five settings, one line each
    lines = run.problem_lines()
    assert [line.split(":")[0] for line in lines] == [
        "table_sse",
        "lambda_memory_size",
        "lambda_log_retention_days",
        "apigateway_stage_name",
        "lambda_reserved_concurency",
    ]
    assert lines == case["errors"]
    assert run.calls == []


@pytest.mark.parametrize("inventory", ["dev", "prod"])
def test_valid_configuration_passes_preflight_with_only_the_moto_warning(
    inventory, preflight_endpoint
):
    # given the inventory's own settings, unchanged
    # when only pre-flight runs (--tags preflight)
    run = run_site(preflight_endpoint, inventory, tags="preflight")
    # then it passes, and the only warning is the documented moto one
    assert run.returncode == 0, run.stderr
    assert run.failure() == (None, None)
    assert run.warnings() == [MOTO_WARNING]
    assert run.deprecations() == []
    tasks = [name for name, _ in run.results()]
    assert f"{PREFLIGHT_TASK}Ensure every setting is valid before any AWS call" in tasks
    assert any(name.startswith(f"{PREFLIGHT_TASK}Ensure the KMS keys exist") for name in tasks)
    # and it only read the account: the two keys and the concurrency settings
    assert run.writes == []
    assert [(call.service, call.operation) for call in run.calls] == ACCOUNT_READS


def test_valid_configuration_accepts_ansible_booleans_and_numbers_given_as_strings(
    preflight_endpoint, tmp_path
):
    # given settings written the way templates and -e often give them
    extra = tmp_path / "strings.yml"
    extra.write_text(
        'table_deletion_protection: "yes"\n'
        'apigateway_tracing_enabled: "off"\n'
        'lambda_memory_size: "512"\n'
        "apigateway_throttle_rate_limit: 0.5\n",
        encoding="utf-8",
    )
    # when only pre-flight runs
    run = run_site(preflight_endpoint, "dev", [extra], tags="preflight")
    # then they pass: Ansible's boolean words, digit strings, and a rate whose double
    # (the derived burst) is whole
    assert run.returncode == 0, run.problem_lines()
    assert run.warnings() == [MOTO_WARNING]
