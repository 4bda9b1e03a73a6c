"""The README's deploy command and plain ansible-playbook, end to end on a moto server.

Each test module run starts its own moto server through bin/deploy (the local default),
so the account holds only what these tests deploy.
"""

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import boto3
import pytest

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
TIMEOUT = 600
RECAP = re.compile(r"^(items-api-\w+)\s+: ok=\d+\s+changed=(\d+)\s+unreachable=0\s+failed=(\d+)",
                   re.M)


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _clean_env(tmp_path, **extra):
    """An environment with no AWS target configured at all: no credentials, no endpoint."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ANSIBLE_"))}
    env.update(HOME=str(tmp_path), ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0", **extra)
    return env


def _run(argv, env):
    completed = subprocess.run(
        argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]
    return completed


def _changed(output):
    """{host: changed count} from the play recap; every host must have failed=0."""
    found = {host: int(changed) for host, changed, failed in RECAP.findall(output)
             if failed == "0"}
    assert found, output[-3000:]
    return found


@pytest.fixture(scope="module")
def local_endpoint(tmp_path_factory):
    port = _free_port()
    home = tmp_path_factory.mktemp("home")
    yield port, home
    subprocess.run(
        [str(VENV_BIN / "python"), str(ROOT / "bin" / "local_endpoint.py"), "stop",
         "--port", str(port)],
        cwd=ROOT, capture_output=True, check=False,
    )


@pytest.fixture(scope="module")
def dev_deployed(local_endpoint):
    # given no AWS target configured, when the README's deploy command runs twice
    port, home = local_endpoint
    env = _clean_env(home, MOTO_PORT=str(port))
    first = _run([str(ROOT / "bin" / "deploy")], env)
    second = _run([str(ROOT / "bin" / "deploy"), "dev"], env)
    return first, second, f"http://127.0.0.1:{port}"


def _aws(endpoint, service):
    return boto3.client(
        service, region_name="eu-west-1", endpoint_url=endpoint,
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )


def test_deploy_command_starts_moto_and_deploys_dev(dev_deployed):
    first, _, endpoint = dev_deployed
    # then it said where it deployed and printed the summary
    assert f"deploy: dev -> local moto server {endpoint}" in first.stderr
    assert "started a moto server" in first.stderr
    for line in ("invoke URL:       https://", "stage:            dev (deployment ",
                 "table:            items-api-dev-items", "reserved conc.: 10",
                 "env-var key:    arn:aws:kms:eu-west-1:", "usage plan:       none"):
        assert line in first.stdout
    assert _changed(first.stdout)["items-api-dev"] > 0
    # and the account holds what the summary says
    table = _aws(endpoint, "dynamodb").describe_table(TableName="items-api-dev-items")["Table"]
    assert table["SSEDescription"]["SSEType"] == "KMS"
    function = _aws(endpoint, "lambda").get_function(FunctionName="items-api-dev-items")
    assert function["Concurrency"]["ReservedConcurrentExecutions"] == 10


def test_deploy_command_reuses_the_server_and_changes_nothing(dev_deployed):
    _, second, endpoint = dev_deployed
    assert f"reusing the moto server on {endpoint}" in second.stderr
    assert _changed(second.stdout) == {"items-api-dev": 0}


def test_deploy_command_with_a_local_endpoint_needs_no_credentials(dev_deployed, tmp_path):
    # given only AWS_ENDPOINT_URL, pointing at the running local server
    _, _, endpoint = dev_deployed
    env = _clean_env(tmp_path, AWS_ENDPOINT_URL=endpoint)
    # when dev is deployed again through it
    completed = _run([str(ROOT / "bin" / "deploy"), "dev"], env)
    # then the test credentials were used and nothing changed
    assert f"deploy: dev -> endpoint {endpoint} (AWS_ENDPOINT_URL)" in completed.stderr
    assert _changed(completed.stdout) == {"items-api-dev": 0}


def test_prod_with_the_endpoint_variable_is_idempotent_and_previews_no_change(
    dev_deployed, tmp_path
):
    _, _, endpoint = dev_deployed
    env = _clean_env(tmp_path, AWS_ENDPOINT_URL=endpoint, AWS_ACCESS_KEY_ID="testing",
                     AWS_SECRET_ACCESS_KEY="testing", AWS_EC2_METADATA_DISABLED="true")
    playbook = [str(VENV_BIN / "ansible-playbook"), "-i", "inventories/prod", "site.yml"]
    # when prod is deployed with plain ansible-playbook, twice, then previewed
    first = _run(playbook, env)
    second = _run(playbook, env)
    preview = _run(playbook + ["--check", "--diff"], env)
    # then the first run changed things and the others changed nothing
    assert _changed(first.stdout)["items-api-prod"] > 0
    assert _changed(second.stdout) == {"items-api-prod": 0}
    assert _changed(preview.stdout) == {"items-api-prod": 0}
    assert "usage plan:       " in first.stdout and "(rate 50.0/s, burst 100" in first.stdout
    # and the API key's value is printed nowhere
    key_id = re.search(r"API key:\s+(\w+)", first.stdout).group(1)
    value = _aws(endpoint, "apigateway").get_api_key(apiKey=key_id, includeValue=True)["value"]
    for output in (first, second, preview):
        assert value not in output.stdout + output.stderr


def test_deploy_refuses_an_unknown_environment(tmp_path):
    completed = subprocess.run(
        [str(ROOT / "bin" / "deploy"), "staging"], cwd=ROOT, env=_clean_env(tmp_path),
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert completed.returncode == 2
    assert completed.stderr.strip() == (
        "deploy: no inventory for 'staging'; choose one of: dev prod"
    )
