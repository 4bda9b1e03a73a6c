"""Domain errors and the one place that turns them into HTTP responses."""

from items_api import responses


class DomainError(Exception):
    """Base for errors a client caused; message and problems are safe to show to it."""

    def __init__(self, message, problems=None):
        super().__init__(message)
        self.message = message
        self.problems = list(problems) if problems else []


class BadRequest(DomainError):
    """The request cannot be read: body not JSON, not an object, not decodable."""


class ValidationFailed(DomainError):
    """The request was read but fields or parameters break the rules (see problems)."""

    def __init__(self, problems):
        super().__init__("request is invalid", problems)


class ItemNotFound(DomainError):
    def __init__(self, item_id):
        super().__init__("item not found")
        self.item_id = item_id


class RouteNotFound(DomainError):
    def __init__(self):
        super().__init__("route not found")


class MethodNotAllowed(DomainError):
    def __init__(self, allowed):
        super().__init__("method not allowed")
        self.allowed = sorted(allowed)


# Checked in order; the first class the error is an instance of gives the status.
_STATUS_BY_ERROR = (
    (BadRequest, 400),
    (ValidationFailed, 400),
    (ItemNotFound, 404),
    (RouteNotFound, 404),
    (MethodNotAllowed, 405),
)

INTERNAL_ERROR_MESSAGE = "internal server error"


def status_for(error):
    """HTTP status for a domain error; anything else is a server fault (500)."""
    for error_class, status in _STATUS_BY_ERROR:
        if isinstance(error, error_class):
            return status
    return 500


def error_response(error):
    """The API Gateway proxy response for an error raised while handling a request.

    Only DomainError text reaches the client; every other exception becomes a generic
    500 so that no internal detail (stack, table name, AWS error text) leaks.
    """
    status = status_for(error)
    if status == 500:
        return responses.json_response(500, {"message": INTERNAL_ERROR_MESSAGE})
    payload = {"message": error.message}
    if error.problems:
        payload["problems"] = error.problems
    headers = {}
    if isinstance(error, MethodNotAllowed):
        headers["Allow"] = ", ".join(error.allowed)
    return responses.json_response(status, payload, headers)
