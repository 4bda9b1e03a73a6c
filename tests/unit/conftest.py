"""Make serverless.rest_api importable the way Ansible loads it during a run, and give the
unit tests their shared fixtures (the helpers that go with them are in harness.py)."""

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLLECTIONS = os.path.join(ROOT, "collections")

# ansible_collections is a namespace package: the pip-installed ansible package supplies
# amazon.aws under it, and this repository supplies serverless.rest_api through the link
# collections/ansible_collections/serverless/rest_api -> repository root.
if COLLECTIONS not in sys.path:
    sys.path.insert(0, COLLECTIONS)

# These imports need the path above in place first.
import pytest  # noqa: E402
from ansible.module_utils.basic import AnsibleModule  # noqa: E402
from botocore.stub import Stubber  # noqa: E402

from harness import Exited, Failed, local_client  # noqa: E402


@pytest.fixture
def stubbed(monkeypatch):
    """stubbed(service) gives an active Stubber on a local_client(service).

    No request ever leaves the process; after the test, every Stubber must have had all
    of its responses used.
    """
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    stubs = []

    def make(service):
        stub = Stubber(local_client(service))
        stub.activate()
        stubs.append(stub)
        return stub

    try:
        yield make
        for stub in stubs:
            stub.assert_no_pending_responses()
    finally:
        for stub in stubs:
            stub.deactivate()


@pytest.fixture
def module_exits(monkeypatch):
    """exit_json raises harness.Exited and fail_json raises harness.Failed."""

    def exit_json(self, **kwargs):
        raise Exited(kwargs)

    def fail_json(self, **kwargs):
        raise Failed(kwargs)

    monkeypatch.setattr(AnsibleModule, "exit_json", exit_json)
    monkeypatch.setattr(AnsibleModule, "fail_json", fail_json)


@pytest.fixture
def warnings(monkeypatch):
    """The warnings the module adds during a test, in order."""
    seen = []
    monkeypatch.setattr(AnsibleModule, "warn", lambda self, warning, **kwargs: seen.append(warning))
    return seen
