"""Fixtures of the pre-flight tests: the moto server with the state the catalog needs."""

import sys
from pathlib import Path

import boto3
import pytest

ROOT = Path(__file__).resolve().parents[2]
REGION = "eu-west-1"
# A customer-managed key the fixture creates and disables, for the disabled-key case.
DISABLED_KEY_ALIAS = "alias/preflight-disabled"

# The plugins are imported the way Ansible loads them: serverless.rest_api is found through
# collections/ansible_collections/serverless/rest_api (a link to the repository root).
if str(ROOT / "collections") not in sys.path:
    sys.path.insert(0, str(ROOT / "collections"))


@pytest.fixture(scope="session")
def preflight_endpoint(moto_endpoint):
    """The session's moto server, with the disabled KMS key the catalog refers to."""
    kms = boto3.client(
        "kms", region_name=REGION, endpoint_url=moto_endpoint,
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )
    aliases = {alias["AliasName"] for alias in kms.list_aliases()["Aliases"]}
    if DISABLED_KEY_ALIAS not in aliases:
        key_id = kms.create_key(Description="pre-flight test: disabled")["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName=DISABLED_KEY_ALIAS, TargetKeyId=key_id)
        kms.disable_key(KeyId=key_id)
    return moto_endpoint
