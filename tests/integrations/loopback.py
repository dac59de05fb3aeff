"""A real HTTP server on 127.0.0.1, in a thread, for the duration of a test: it records every
request (method, path, headers, body) and answers from a script — a list of statuses for a
webhook receiver, or recorded responses by path for a tracker's API."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"


def recorded(name, **values):
    """A recorded response: {"status": …, "headers": {…}, "body": … (JSON or text)}, its
    dates (CLOSED_AT, DUE_ON …) filled in relative to the test's today."""
    text = (FIXTURES / f"{name}.json").read_text()
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return json.loads(text)


class Loopback:
    def __init__(self):
        self.requests = []
        self.statuses = []  # a receiver's next answers, in order; then 200
        self.routes = {}  # path → recorded response (a tracker)
        self.default = {"status": 200, "headers": {}, "body": {"ok": True}}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                server.requests.append(
                    {
                        "method": self.command,
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": body,
                    }
                )
                answer = server.answer_for(self.path)
                payload = answer.get("body", "")
                raw = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
                self.send_response(answer["status"])
                for name, value in answer.get("headers", {}).items():
                    self.send_header(name, value)
                if "Content-Type" not in answer.get("headers", {}):
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            do_GET = do_POST = _answer

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self):
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def answer_for(self, path):
        if self.statuses:
            return {"status": self.statuses.pop(0), "body": {"ok": False}}
        bare = path.split("?")[0]
        return self.routes.get(bare) or self.routes.get(path) or self.default

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
