"""A Python HTTP service that is safe behind a Kubernetes rolling update, with the standard library only.

Traffic on PORT, probes on MANAGEMENT_PORT (/readyz, /livez). On SIGTERM: readiness fails, every answer says
Connection: close, it keeps serving for SHUTDOWN_DELAY_SECONDS while routers stop sending, then the listener
closes, requests in flight finish (idle or stuck connections time out after IDLE_SECONDS) and it exits 0.
"""

import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

IDLE_SECONDS = 2


def env_seconds(name, fallback):
    raw = os.environ.get(name, "")
    if raw == "":
        return fallback
    if not raw.isdigit():
        sys.exit(f"{name} must be a whole number of seconds (got {raw!r})")
    return int(raw)


# At least the time your cluster takes to stop routing new connections to a deleted pod.
DELAY = env_seconds("SHUTDOWN_DELAY_SECONDS", 3)
draining = threading.Event()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real clients use it
    timeout = IDLE_SECONDS  # an idle or half-sent connection is closed after this

    def answer(self, status, body=b""):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        if draining.is_set():
            # While draining, every answer tells keep-alive clients to reconnect (to another pod).
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


class Traffic(Handler):
    def do_GET(self):
        if self.path == "/slow":
            time.sleep(3)
            self.answer(200, b"slow\n")
        else:
            self.answer(200, json.dumps({"hello": "python"}).encode() + b"\n")


class Management(Handler):
    def do_GET(self):
        if self.path == "/readyz":
            self.answer(503 if draining.is_set() else 200)
        elif self.path == "/livez":
            self.answer(200)
        else:
            self.answer(404)


def main():
    traffic = ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Traffic)
    # Request threads are joined on close: the requests in flight finish before the process exits.
    traffic.daemon_threads = False
    management = ThreadingHTTPServer(("127.0.0.1", int(os.environ["MANAGEMENT_PORT"])), Management)
    management.daemon_threads = True
    threading.Thread(target=management.serve_forever, daemon=True).start()

    def drain():
        time.sleep(DELAY)
        traffic.shutdown()

    def on_signal(signum, frame):
        if draining.is_set():
            return
        draining.set()
        print(f"draining: serving for {DELAY} s more", file=sys.stderr, flush=True)
        threading.Thread(target=drain, daemon=True).start()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    print(f"listening on {traffic.server_address[1]}", file=sys.stderr, flush=True)
    traffic.serve_forever(poll_interval=0.1)
    traffic.server_close()  # closes the listener, then waits for the request threads
    management.shutdown()
    print("stopped", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
