"""Start, reuse or stop the local AWS endpoint: a moto server on 127.0.0.1.

Usage: local_endpoint.py start|stop|status [--port PORT] [--all]

The port is --port, else MOTO_PORT, else 5000. `start` prints the endpoint URL on stdout. A
moto server already answering on the port is reused; anything else on the port is an
error. The server started here keeps running in the background (its log and pid are in
.state/) until `stop`; `stop --all` stops every server started from this checkout.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STATE_DIR = os.path.join(ROOT, ".state")
DEFAULT_PORT = 5000
# What AWS gives a default account; with it moto refuses reservations that leave fewer
# than 100 unreserved executions, as AWS does, instead of accepting any number.
ACCOUNT_CONCURRENCY_LIMIT = "1000"


def _url(port):
    return f"http://127.0.0.1:{port}"


def probe(port):
    """'moto' if a moto server answers on the port, 'other' if something else, None if free."""
    # /moto-api/config answers with moto's settings as JSON whatever the server holds
    # (data.json fails once some resources exist).
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"{_url(port)}/moto-api/config", timeout=2) as reply:
            return "moto" if "lambda" in json.load(reply) else "other"
    except urllib.error.HTTPError:
        return "other"
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None
    except (ValueError, TypeError):
        return "other"


def _pid_file(port):
    return os.path.join(STATE_DIR, f"moto-{port}.pid")


def start(port):
    state = probe(port)
    if state == "moto":
        print(f"local endpoint: reusing the moto server on {_url(port)}", file=sys.stderr)
        return 0
    if state == "other":
        print(
            f"local endpoint: port {port} on 127.0.0.1 is in use by something that is not a"
            " moto server; choose another with MOTO_PORT",
            file=sys.stderr,
        )
        return 1
    os.makedirs(STATE_DIR, exist_ok=True)
    server = os.path.join(os.path.dirname(sys.executable), "moto_server")
    env = dict(os.environ)
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    env["MOTO_LAMBDA_CONCURRENCY_QUOTA"] = ACCOUNT_CONCURRENCY_LIMIT
    log_path = os.path.join(STATE_DIR, f"moto-{port}.log")
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [server, "-H", "127.0.0.1", "-p", str(port)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    with open(_pid_file(port), "w", encoding="utf-8") as handle:
        handle.write(str(process.pid))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            print(f"local endpoint: moto server exited; see {log_path}", file=sys.stderr)
            return 1
        if probe(port) == "moto":
            print(f"local endpoint: started a moto server on {_url(port)}", file=sys.stderr)
            return 0
        time.sleep(0.2)
    print(f"local endpoint: moto server did not answer within 60 s; see {log_path}",
          file=sys.stderr)
    return 1


def stop(port):
    try:
        with open(_pid_file(port), encoding="utf-8") as handle:
            pid = int(handle.read().strip())
    except (OSError, ValueError):
        print(f"local endpoint: no server started here on port {port}", file=sys.stderr)
        return 0
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    os.remove(_pid_file(port))
    print(f"local endpoint: stopped the moto server on port {port}", file=sys.stderr)
    return 0


def stop_all():
    names = os.listdir(STATE_DIR) if os.path.isdir(STATE_DIR) else []
    ports = sorted(
        int(name[len("moto-"):-len(".pid")])
        for name in names
        if name.startswith("moto-") and name.endswith(".pid")
    )
    if not ports:
        print("local endpoint: no server started here is running", file=sys.stderr)
    for port in ports:
        stop(port)
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["start", "stop", "status"])
    parser.add_argument("--port", type=int, default=int(os.environ.get("MOTO_PORT", DEFAULT_PORT)))
    parser.add_argument("--all", action="store_true",
                        help="with stop: every server started from this checkout")
    args = parser.parse_args(argv)
    if args.action == "start":
        code = start(args.port)
        if code == 0:
            print(_url(args.port))
        return code
    if args.action == "stop":
        return stop_all() if args.all else stop(args.port)
    state = probe(args.port)
    print({"moto": "moto server running", "other": "port used by another program"}.get(
        state, "not running") + f" on {_url(args.port)}")
    return 0 if state == "moto" else 1


if __name__ == "__main__":
    sys.exit(main())
