"""Make serverless.rest_api importable the way Ansible loads it during a run."""

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLLECTIONS = os.path.join(ROOT, "collections")

# ansible_collections is a namespace package: the pip-installed ansible package supplies
# amazon.aws under it, and this repository supplies serverless.rest_api through the link
# collections/ansible_collections/serverless/rest_api -> repository root.
if COLLECTIONS not in sys.path:
    sys.path.insert(0, COLLECTIONS)
