"""What the unit tests share to run a module without AWS.

Two ways in:

- run_main() runs a module's main() against real botocore clients held by a Stubber
  (conftest's `stubbed` fixture makes them), so a test states every AWS call, in order,
  with its parameters, and a call nobody expected fails the test.
- run_work() builds the module and calls its work function with a mocked client; the
  `module_exits` fixture in conftest turns exit_json and fail_json into Exited and Failed.
"""

from contextlib import ExitStack
from unittest import mock

import boto3
from botocore.exceptions import ClientError

from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper

REGION = "eu-west-1"
# Port 9 (discard) has no listener here: a request that got past a Stubber is refused locally.
ENDPOINT = "http://127.0.0.1:9"


def local_client(service):
    """A botocore client with test credentials, bound for 127.0.0.1 and never for AWS."""
    return boto3.client(
        service,
        region_name=REGION,
        endpoint_url=ENDPOINT,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


class ModuleExit(Exception):
    """Raised by the patched exit_json and fail_json of run_main(); carries the result."""

    def __init__(self, result):
        super().__init__(result)
        self.result = result


def run_main(module, clients, args, check_mode=False, diff=False, patches=()):
    """Run module.main() with clients (service -> botocore client) in place of AWS.

    Returns the result dict, with failed=True and msg when the module failed. Warnings
    given to AnsibleModule.warn are added to the result under "warnings", as ansible-core
    does. patches: more context managers to hold while main() runs.
    """
    module_args = {**args, "_ansible_check_mode": check_mode, "_ansible_diff": diff}
    warnings = []

    def fake_client(self, service, retry_decorator=None, **kwargs):
        assert service in clients, f"the module asked for an unexpected {service} client"
        return RetryingBotoClientWrapper(clients[service], retry_decorator)

    def warn(self, warning, **kwargs):
        warnings.append(warning)

    def with_warnings(result):
        return {**result, "warnings": warnings} if warnings else result

    def exit_json(self, **kwargs):
        raise ModuleExit(with_warnings(kwargs))

    def fail_json(self, msg, **kwargs):
        raise ModuleExit({**with_warnings(kwargs), "msg": msg, "failed": True})

    with ExitStack() as stack:
        stack.enter_context(patch_module_args(module_args))
        stack.enter_context(mock.patch.object(AnsibleAWSModule, "client", fake_client))
        stack.enter_context(mock.patch.object(basic.AnsibleModule, "warn", warn))
        stack.enter_context(mock.patch.object(basic.AnsibleModule, "exit_json", exit_json))
        stack.enter_context(mock.patch.object(basic.AnsibleModule, "fail_json", fail_json))
        for patch in patches:
            stack.enter_context(patch)
        try:
            module.main()
        except ModuleExit as e:
            return e.result
    raise AssertionError("the module neither exited nor failed")


class Exited(Exception):
    """Raised by exit_json under the module_exits fixture; carries its keyword arguments."""

    def __init__(self, kwargs):
        super().__init__("exit_json")
        self.result = kwargs


class Failed(Exception):
    """Raised by fail_json under the module_exits fixture; carries its keyword arguments."""

    def __init__(self, kwargs):
        super().__init__(kwargs.get("msg"))
        self.result = kwargs


def run_work(build_module, work, module_args, client, check_mode=False, diff=False):
    """Build the module from module_args and run work(module, client).

    Needs the module_exits fixture. Returns ("exit" | "fail", result).
    """
    module_args = dict(module_args, _ansible_check_mode=check_mode, _ansible_diff=diff)
    try:
        with patch_module_args(module_args):
            module = build_module()
        work(module, client)
    except Exited as e:
        return "exit", e.result
    except Failed as e:
        return "fail", e.result
    raise AssertionError("the module neither exited nor failed")


def calls_named(client, names):
    """The calls made on a MagicMock client whose method is in names, in order."""
    return [c for c in client.mock_calls if c[0] in names]


def refused(code, operation):
    """The ClientError botocore raises when AWS answers operation with error code."""
    return ClientError({"Error": {"Code": code, "Message": "refused"}}, operation)
