"""Settings read once from the environment into an immutable object."""

import os
import re
from dataclasses import dataclass

# DynamoDB table names: 3-255 characters of letters, digits, underscore, dot and hyphen.
_TABLE_NAME = re.compile(r"^[A-Za-z0-9_.-]{3,255}$")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
DEFAULT_LOG_LEVEL = "INFO"


class ConfigError(Exception):
    """The environment does not describe a usable configuration."""


@dataclass(frozen=True)
class Config:
    table_name: str
    log_level: str = DEFAULT_LOG_LEVEL


def load_config(environ=None):
    """Build a Config from environment variables (os.environ unless given)."""
    environ = os.environ if environ is None else environ
    table_name = environ.get("TABLE_NAME", "")
    if not table_name:
        raise ConfigError("TABLE_NAME is not set")
    if not _TABLE_NAME.match(table_name):
        raise ConfigError(
            f"TABLE_NAME {table_name!r} is not a DynamoDB table name "
            "(3-255 characters of A-Z, a-z, 0-9, '_', '.', '-')"
        )
    log_level = (environ.get("LOG_LEVEL") or DEFAULT_LOG_LEVEL).upper()
    if log_level not in LOG_LEVELS:
        raise ConfigError(
            f"LOG_LEVEL {environ.get('LOG_LEVEL')!r} is not one of {', '.join(LOG_LEVELS)}"
        )
    return Config(table_name=table_name, log_level=log_level)
