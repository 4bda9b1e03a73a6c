"""Runs site.yml against moto through a counting proxy and reads pre-flight's verdict."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from counting_proxy import CountingProxy

ROOT = Path(__file__).resolve().parents[2]
CASES = Path(__file__).resolve().parent / "cases"
ANSIBLE_PLAYBOOK = Path(sys.executable).parent / "ansible-playbook"
PLAYBOOK_TIMEOUT = 300


def _aws_env(endpoint):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "ANSIBLE_")) and key.lower() not in ("http_proxy",
                                                                           "https_proxy")
    }
    env.update(
        AWS_ENDPOINT_URL=endpoint,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE="/dev/null",
        AWS_SHARED_CREDENTIALS_FILE="/dev/null",
        ANSIBLE_STDOUT_CALLBACK="ansible.builtin.json",
        ANSIBLE_NOCOLOR="1",
    )
    return env


class Run:
    """The outcome of one ansible-playbook run and the calls the endpoint received."""

    def __init__(self, completed, calls):
        self.returncode = completed.returncode
        self.stderr = completed.stderr
        self.calls = calls
        try:
            self.report = json.loads(completed.stdout)
        except ValueError:
            pytest.fail(f"ansible-playbook printed no JSON:\n{completed.stdout}\n{self.stderr}")

    def results(self):
        """(task name, result) of every task on every host, in order."""
        for play in self.report.get("plays", []):
            for task in play.get("tasks", []):
                for result in task["hosts"].values():
                    yield task["task"]["name"], result

    def failure(self):
        """(task name, msg) of the failed task, or (None, None)."""
        for name, result in self.results():
            if result.get("failed"):
                return name, result.get("msg", "")
        return None, None

    def problem_lines(self):
        """The problem lines of the failure message (its first line is a summary)."""
        _, msg = self.failure()
        return msg.splitlines()[1:] if msg else []

    def warnings(self):
        return [warning for _, result in self.results() for warning in
                result.get("warnings", [])]

    def deprecations(self):
        return [item["msg"] for _, result in self.results() for item in
                result.get("deprecations", [])]

    @property
    def writes(self):
        return [call for call in self.calls if call.kind == "write"]


def run_site(upstream, inventory, extra_vars_files=(), tags=None):
    """ansible-playbook -i inventories/<inventory> site.yml through a fresh counting proxy."""
    command = [str(ANSIBLE_PLAYBOOK), "-i", f"inventories/{inventory}", "site.yml"]
    for path in extra_vars_files:
        command += ["-e", f"@{path}"]
    if tags:
        command += ["--tags", tags]
    with CountingProxy(upstream) as proxy:
        completed = subprocess.run(
            command, cwd=ROOT, env=_aws_env(proxy.url), capture_output=True, text=True,
            timeout=PLAYBOOK_TIMEOUT, check=False,
        )
    return Run(completed, list(proxy.calls))


def load_case(path):
    """A case file's header: inventory, phase and the expected lines, in order."""
    case = {"name": path.stem, "path": path, "inventory": "dev", "phase": "settings",
            "errors": [], "description": []}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        text = line[1:].strip()
        key, _, value = text.partition(": ")
        if key in ("inventory", "phase"):
            case[key] = value.strip()
        elif key == "error":
            case["errors"].append(value)
        else:
            case["description"].append(text)
    return case


def all_cases():
    return [load_case(path) for path in sorted(CASES.glob("*.yml"))]
