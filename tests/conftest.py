"""Fixtures shared by every test folder."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

# The moto server of the venv running the tests: .venv/bin/python -> .venv/bin/moto_server.
MOTO_SERVER = Path(sys.executable).parent / "moto_server"
MOTO_START_TIMEOUT = 30.0
# Anything the server might otherwise pick up from the machine: no real account, no
# instance metadata, no proxy between the tests and 127.0.0.1.
_DROPPED_ENV = (
    "AWS_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_ENDPOINT_URL",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "http_proxy",
    "https_proxy",
)


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(url):
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        opener.open(url, timeout=1).close()
    except urllib.error.HTTPError:
        return True  # an HTTP status of any kind means the server is up
    except OSError:
        return False
    return True


@pytest.fixture(scope="session")
def moto_endpoint(tmp_path_factory):
    """URL of a moto server on 127.0.0.1, started once per test session.

    Sets nothing in this process: tests pass the URL to their own clients.
    """
    if not MOTO_SERVER.exists():
        pytest.fail(f"{MOTO_SERVER} not found: run bin/setup to create the venv")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {key: value for key, value in os.environ.items() if key not in _DROPPED_ENV}
    env.update(
        AWS_EC2_METADATA_DISABLED="true",
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
    )
    log_path = tmp_path_factory.mktemp("moto") / "moto_server.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(MOTO_SERVER), "-H", "127.0.0.1", "-p", str(port)],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + MOTO_START_TIMEOUT
        while not _answers(f"{url}/moto-api/"):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(
                    f"moto server on {url} did not start:\n{log_path.read_text(errors='replace')}"
                )
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
