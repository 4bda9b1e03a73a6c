"""Lambda entry point (items_api.handler.handle): routes API Gateway REST proxy events."""

import functools
import re
import time
from dataclasses import dataclass

from items_api import config, errors, items, logs, responses, store, validation
from items_api.errors import DomainError, MethodNotAllowed, RouteNotFound


@dataclass(frozen=True)
class Runtime:
    config: config.Config
    store: store.ItemStore


@functools.cache
def get_runtime():
    """Configuration and store, built on the first request and kept for the container.

    A failure is not cached, so every request reports it until the environment is fixed.
    """
    settings = config.load_config()
    logs.configure(settings.log_level)
    return Runtime(config=settings, store=store.create_store(settings))


def _item_id(event):
    return (event.get("pathParameters") or {}).get("id")


def _list(event, item_store):
    page = items.list_items(item_store, event.get("queryStringParameters"))
    return responses.json_response(200, page)


def _create(event, item_store):
    item = items.create_item(item_store, validation.parse_json_body(event))
    return responses.json_response(201, item)


def _get(event, item_store):
    return responses.json_response(200, items.get_item(item_store, _item_id(event)))


def _replace(event, item_store):
    body = validation.parse_json_body(event)
    return responses.json_response(200, items.replace_item(item_store, _item_id(event), body))


def _delete(event, item_store):
    items.delete_item(item_store, _item_id(event))
    return responses.no_content()


ROUTES = {
    "/items": {"GET": _list, "POST": _create},
    "/items/{id}": {"GET": _get, "PUT": _replace, "DELETE": _delete},
}
# Used only when the event's resource is not one of ROUTES (a greedy {proxy+} resource).
_PATH_PATTERNS = (
    (re.compile(r"^/items/?$"), "/items"),
    (re.compile(r"^/items/(?P<id>[^/]+)/?$"), "/items/{id}"),
)


def resolve(event):
    """(operation, event with pathParameters filled) for the event; RouteNotFound or
    MethodNotAllowed when there is none."""
    resource = event.get("resource")
    if resource not in ROUTES:
        resource = None
        path = event.get("path")
        for pattern, template in _PATH_PATTERNS:
            match = pattern.match(path) if isinstance(path, str) else None
            if match:
                resource = template
                event = {**event, "pathParameters": match.groupdict() or None}
                break
    if resource is None:
        raise RouteNotFound()
    methods = ROUTES[resource]
    operation = methods.get(event.get("httpMethod"))
    if operation is None:
        raise MethodNotAllowed(methods)
    return operation, event


def handle(event, context):
    started = time.perf_counter()
    event = event if isinstance(event, dict) else {}
    request_context = event.get("requestContext") or {}
    log_fields = {
        "request_id": request_context.get("requestId"),
        "lambda_request_id": getattr(context, "aws_request_id", None),
        "method": event.get("httpMethod"),
        "path": event.get("path"),
    }
    try:
        operation, event = resolve(event)
        runtime = get_runtime()
        response = operation(event, runtime.store)
    except DomainError as error:
        response = errors.error_response(error)
    except config.ConfigError as error:
        logs.error("configuration error", **log_fields, problem=str(error))
        response = errors.error_response(error)
    except Exception as error:  # noqa: BLE001 - the client must get JSON, never a trace
        logs.error("unhandled error", **log_fields, **logs.exception_fields(error))
        response = errors.error_response(error)
    logs.info(
        "request handled",
        **log_fields,
        status=response["statusCode"],
        duration_ms=round((time.perf_counter() - started) * 1000, 1),
    )
    return response
