"""The handler's structured logs: one JSON line per request, nothing the client sent."""

import json
import uuid


LOG_KEYS = {"timestamp", "level", "event", "request_id", "lambda_request_id", "method", "path",
            "status", "duration_ms"}


def log_lines(capsys):
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_each_request_logs_one_json_line_with_its_ids(
    invoke, api_event, lambda_context, capsys
):
    # given a list request with a known API Gateway request id
    event = api_event("GET", "/items", query={"limit": "5"})
    capsys.readouterr()
    # when it is handled
    status, _, _ = invoke(event)
    # then exactly one line is logged, naming request, method, path, status and duration
    lines = log_lines(capsys)
    assert status == 200
    assert len(lines) == 1
    line = lines[0]
    assert set(line) == LOG_KEYS
    assert line["event"] == "request handled"
    assert line["level"] == "info"
    assert line["request_id"] == event["requestContext"]["requestId"]
    assert line["lambda_request_id"] == lambda_context.aws_request_id
    assert (line["method"], line["path"], line["status"]) == ("GET", "/items", 200)
    assert isinstance(line["duration_ms"], (int, float)) and line["duration_ms"] >= 0


def test_logs_never_carry_headers_bodies_or_query_values(invoke, api_event, api_key, capsys):
    # given requests carrying an API key, a cookie and marked bodies and query values
    marker = "BODY-MARKER-5c1e"
    headers = {"Authorization": "Bearer token-4d2f8a", "Cookie": "session=cookie-9b7e1c"}
    _, _, created = invoke(api_event("POST", "/items", headers=headers,
                                     body={"name": marker, "description": marker}))
    item_path = f"/items/{created['id']}"
    events = [
        api_event("GET", item_path, headers=headers),
        api_event("PUT", item_path, headers=headers, body={"name": marker, marker: 1}),
        api_event("PUT", item_path, headers=headers, body={"name": marker}, base64_body=True),
        api_event("POST", "/items", headers=headers, body='{"name": "' + marker),
        api_event("POST", "/items", headers=headers, body=[marker]),
        api_event("GET", "/items", headers=headers, query={"next": marker, marker: "x"}),
        api_event("PATCH", "/items", headers=headers, body={"name": marker}),
        api_event("GET", f"/items/{uuid.uuid4()}", headers=headers),
        api_event("DELETE", item_path, headers=headers),
    ]
    # when they are all handled
    statuses = [invoke(event)[0] for event in events]
    # then every one was logged, and no header value, body or query value appears
    assert statuses == [200, 400, 200, 400, 400, 400, 405, 404, 204]
    output = capsys.readouterr().out
    assert len(output.splitlines()) == len(events) + 1
    forbidden = {api_key, marker, "token-4d2f8a", "cookie-9b7e1c"}
    forbidden |= {value for value in events[0]["headers"].values() if len(value) >= 8}
    for value in sorted(forbidden):
        assert value not in output, value


def test_log_level_error_silences_request_lines(invoke, api_event, lambda_env, capsys):
    # given a function configured with LOG_LEVEL=error
    lambda_env.setenv("LOG_LEVEL", "error")
    # when a request succeeds
    status, _, _ = invoke(api_event("GET", "/items"))
    # then nothing is logged
    assert status == 200
    assert capsys.readouterr().out == ""
