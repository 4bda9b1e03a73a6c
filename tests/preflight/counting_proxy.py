"""An HTTP proxy on 127.0.0.1 that forwards AWS API calls to moto and records each one.

Point AWS_ENDPOINT_URL at the proxy; every request is forwarded unchanged to the upstream
moto server and recorded as a Call(service, operation, kind), where kind is "read" or
"write":

- JSON protocols (DynamoDB, KMS, CloudWatch Logs...): the operation is the part of the
  X-Amz-Target header after the dot;
- query protocols (IAM, STS): the operation is the Action parameter of the form body or
  the query string;
- REST protocols (Lambda, API Gateway...): the operation is "<METHOD> <path>" and only
  GET and HEAD are reads.

Operations named Get*, List*, Describe* (and DynamoDB's BatchGetItem, Query and Scan) are
reads; everything else is a write, and so is a request without a SigV4 signature naming
its service.
"""

import http.client
import re
import threading
import urllib.parse
from collections import namedtuple
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Call = namedtuple("Call", "service operation kind")

READ_PREFIXES = ("Get", "List", "Describe", "BatchGet")
READ_OPERATIONS = {"Query", "Scan"}
REST_READ_METHODS = {"GET", "HEAD"}
# Headers that belong to one hop and are not forwarded either way.
HOP_HEADERS = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"}
_SERVICE_RE = re.compile(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/aws4_request")


def is_read_operation(operation):
    return operation.startswith(READ_PREFIXES) or operation in READ_OPERATIONS


def classify(method, path, headers, body):
    """The Call a request makes; unknown requests count as writes.

    headers: a mapping with lower-case names.
    """
    match = _SERVICE_RE.search(headers.get("authorization", ""))
    if not match:
        return Call("unknown", f"{method} {path}", "write")
    service = match.group(1)
    target = headers.get("x-amz-target")
    if target:
        operation = target.rsplit(".", 1)[-1]
        return Call(service, operation, "read" if is_read_operation(operation) else "write")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    form = {}
    if "x-www-form-urlencoded" in headers.get("content-type", ""):
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
    action = (form.get("Action") or query.get("Action") or [None])[0]
    if action:
        return Call(service, action, "read" if is_read_operation(action) else "write")
    operation = f"{method} {urllib.parse.urlsplit(path).path}"
    return Call(service, operation, "read" if method in REST_READ_METHODS else "write")


class CountingProxy:
    """A forwarding proxy that records calls; use as a context manager."""

    def __init__(self, upstream):
        parts = urllib.parse.urlsplit(upstream)
        self._upstream = (parts.hostname, parts.port)
        self.calls = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    @property
    def writes(self):
        return [call for call in self.calls if call.kind == "write"]

    @property
    def reads(self):
        return [call for call in self.calls if call.kind == "read"]

    def _record(self, call):
        with self._lock:
            self.calls.append(call)

    def _handler_class(self):
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _forward(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                lower = {key.lower(): value for key, value in self.headers.items()}
                proxy._record(classify(self.command, self.path, lower, body))
                headers = {
                    key: value
                    for key, value in self.headers.items()
                    if key.lower() not in HOP_HEADERS
                }
                connection = http.client.HTTPConnection(*proxy._upstream, timeout=60)
                try:
                    connection.request(self.command, self.path, body=body, headers=headers)
                    reply = connection.getresponse()
                    payload = reply.read()
                    self.send_response(reply.status, reply.reason)
                    for key, value in reply.getheaders():
                        if key.lower() not in HOP_HEADERS | {"content-length"}:
                            self.send_header(key, value)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(payload)
                finally:
                    connection.close()

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _forward

            def log_message(self, format, *args):  # noqa: A002 - the base class's name
                pass  # keep pytest output clean

        return Handler
