"""The README's generated tables match the roles' argument specs and the inventories."""

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_readme_settings_and_environment_tables_are_current():
    # given the README and the sources its tables are generated from
    # when the generator checks the README
    result = subprocess.run(
        [sys.executable, os.path.join(ROOT, "bin", "settings_doc.py"), "--check"],
        capture_output=True, text=True, check=False,
    )
    # then nothing is out of date
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_inventory_setting_is_in_the_environment_table():
    # given the README's environment table
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as handle:
        readme = handle.read()
    table = readme.split("<!-- environments:start -->")[1].split("<!-- environments:end -->")[0]
    # then each variable the prod inventory sets has a row there
    for name in ("lambda_reserved_concurrency", "table_point_in_time_recovery",
                 "table_deletion_protection", "apigateway_api_key_required",
                 "apigateway_usage_plan_enabled", "lambda_log_retention_days"):
        assert f"| `{name}` |" in table
    assert "| `lambda_reserved_concurrency` | `10` | `100` |" in table
