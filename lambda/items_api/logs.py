"""Structured logs: one JSON object per line on stdout, which Lambda sends to CloudWatch.

Callers pass a short lowercase event phrase and named fields. Never pass whole events,
headers, query strings or bodies: clients send API keys in headers.
"""

import json
import logging
import os
import sys
import traceback
from datetime import datetime, timezone

_LOGGER = logging.getLogger("items_api")


class _StdoutHandler(logging.Handler):
    # sys.stdout is looked up on every record, not kept, so a replaced stream is honoured.
    def emit(self, record):
        try:
            sys.stdout.write(self.format(record) + "\n")
            sys.stdout.flush()
        except Exception:
            self.handleError(record)


class _JsonFormatter(logging.Formatter):
    def format(self, record):
        document = {
            "timestamp": datetime.fromtimestamp(record.created, timezone.utc).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname.lower(),
            "event": record.getMessage(),
        }
        document.update(getattr(record, "fields", {}))
        return json.dumps(document, default=str, separators=(",", ":"))


def configure(level="INFO"):
    """Set the level; install the JSON handler once (Lambda's own root handler is bypassed)."""
    if not any(isinstance(handler, _StdoutHandler) for handler in _LOGGER.handlers):
        handler = _StdoutHandler()
        handler.setFormatter(_JsonFormatter())
        _LOGGER.addHandler(handler)
    _LOGGER.propagate = False
    _LOGGER.setLevel(level)


def _log(level, event, fields):
    _LOGGER.log(level, event, extra={"fields": fields})


def debug(event, **fields):
    _log(logging.DEBUG, event, fields)


def info(event, **fields):
    _log(logging.INFO, event, fields)


def warning(event, **fields):
    _log(logging.WARNING, event, fields)


def error(event, **fields):
    _log(logging.ERROR, event, fields)


def exception_fields(exc):
    """What to log about an unexpected exception without its message.

    Exception messages can quote request data, so only the type, the AWS error code and
    operation (for botocore errors) and where it was raised are kept.
    """
    fields = {"error_type": type(exc).__name__}
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        fields["aws_error_code"] = response.get("Error", {}).get("Code")
        fields["aws_operation"] = getattr(exc, "operation_name", None)
    frames = traceback.extract_tb(exc.__traceback__)[-5:]
    fields["where"] = [
        f"{os.path.basename(frame.filename)}:{frame.lineno} {frame.name}" for frame in frames
    ]
    return fields


configure()
