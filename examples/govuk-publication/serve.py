#!/usr/bin/env python3
"""A stand-in for GOV.UK on 127.0.0.1, for the demo (scripts/demo.sh) and trying `track --govuk`
without a network.

    python3 serve.py SITE_DIR PORT_FILE

Serves SITE_DIR on a free port of 127.0.0.1 and writes the port to PORT_FILE once it listens:
  /api/content/<path>  -> SITE_DIR/api/<path>.json (application/json), where {{BASE}} becomes
                          this server's address, so attachment URLs point back here;
  any other path       -> SITE_DIR/<path>, with .md as text/markdown and .html (or no
                          extension) as text/html.
Files are read at each request: replace a publication's JSON to publish a re-issue.
"""
import http.server
import os
import sys


class Handler(http.server.BaseHTTPRequestHandler):
    site = "."

    def log_message(self, *args):  # quiet: the demo prints guidetrack's output only
        pass

    def reply(self, status, body, content_type):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        parts = [p for p in path.split("/") if p]
        if not parts or any(p in (".", "..") for p in parts):
            return self.reply(404, b"not found\n", "text/plain")
        if parts[:2] == ["api", "content"]:
            file = os.path.join(self.site, "api", *parts[2:]) + ".json"
            content_type = "application/json; charset=utf-8"
        else:
            file = os.path.join(self.site, *parts)
            ext = os.path.splitext(file)[1]
            content_type = {".md": "text/markdown; charset=utf-8",
                            ".pdf": "application/pdf"}.get(ext, "text/html; charset=utf-8")
            if not ext and os.path.isfile(file + ".html"):
                file += ".html"
        if not os.path.isfile(file):
            return self.reply(404, b"not found\n", "text/plain")
        with open(file, "rb") as f:
            body = f.read()
        if content_type.startswith("application/json"):
            base = "http://127.0.0.1:%d" % self.server.server_address[1]
            body = body.replace(b"{{BASE}}", base.encode())
        self.reply(200, body, content_type)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: serve.py SITE_DIR PORT_FILE")
    Handler.site = sys.argv[1]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    tmp = sys.argv[2] + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.replace(tmp, sys.argv[2])
    server.serve_forever()


if __name__ == "__main__":
    main()
