# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rules of a Lambda function's environment variables.

Shared by serverless.rest_api.lambda_function and pre-flight, so that both refuse the same
names and sizes.
"""

import json
import re

# The names the Lambda Developer Guide lists as reserved ("Defined runtime environment
# variables"): the runtime sets them, and CreateFunction and UpdateFunctionConfiguration
# refuse them. The guide lists TZ, LANG, PATH, LD_LIBRARY_PATH, PYTHONPATH, NODE_OPTIONS,
# AWS_LAMBDA_EXEC_WRAPPER and the X-Ray variables as not reserved: a function may set those.
RESERVED_ENV_KEYS = frozenset(
    [
        "_HANDLER",
        "_X_AMZN_TRACE_ID",
        "AWS_DEFAULT_REGION",
        "AWS_REGION",
        "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE",
        "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_ACCESS_KEY",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_LAMBDA_RUNTIME_API",
        "LAMBDA_TASK_ROOT",
        "LAMBDA_RUNTIME_DIR",
        "AWS_LAMBDA_MAX_CONCURRENCY",
        "AWS_LAMBDA_METADATA_API",
        "AWS_LAMBDA_METADATA_TOKEN",
    ]
)

# A letter, then letters, digits and underscores; two characters or more.
ENV_KEY_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9_]+$")

# Lambda allows 4 KB of environment variables per function. It measures the variables as one
# compact JSON object (its refusal quotes the "String measured"), so the quotes, colons and
# commas count as well as the keys and values.
MAX_ENV_BYTES = 4 * 1024


def environment_size(variables):
    """Bytes the variables (a dict of strings) take as Lambda measures them."""
    text = json.dumps(variables, separators=(",", ":"), ensure_ascii=False)
    return len(text.encode("utf-8"))


def environment_value_text(value):
    """The text Lambda is sent for a value, or None when the value is refused.

    Strings are sent as they are and numbers as their decimal text. Booleans are refused
    (YAML's true would reach the function as "True"; quote the text you mean), and so are
    null, lists and mappings.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return str(value)
