"""A test upload server that records what reaches it, written as simple ones are: Python's
http.server, HTTP/1.0, the connection closed after every answer. Slots come from
mod_ejup_odd_slots.lua; the first path segment is the slot's shape, and the server checks the
headers that shape needs, as a real one would (401 without them):
  cookies/...  both Cookie lines, a=1 then b=2
  newline/...  Authorization: Bearer abcdef (the line feed stripped, not replaced)
  drop/...     a GET of a path never stored gets no answer: the connection is closed
PUT stores (201; 409 on a used path), GET serves (404 for anything never stored).
GET /_received?path=P answers the headers of every PUT to P as JSON [[name, value], ...] lists.
Prints its port, then serves until killed."""
import http.server
import json
import sys
import urllib.parse

stored = {}
received = {}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def answer(self, code, body=b"", content_type="application/octet-stream"):
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_PUT(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        received.setdefault(self.path, []).append([[k, v] for k, v in self.headers.items()])
        shape = self.path.split("/")[1]
        if shape == "cookies" and self.headers.get_all("Cookie") != ["a=1", "b=2"]:
            return self.answer(401)
        if shape == "newline" and self.headers.get("Authorization") != "Bearer abcdef":
            return self.answer(401)
        if self.path in stored:
            return self.answer(409)
        stored[self.path] = body
        self.answer(201)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/_received":
            path = urllib.parse.parse_qs(url.query)["path"][0]
            return self.answer(200, json.dumps(received.get(path, [])).encode(), "application/json")
        body = stored.get(self.path)
        if body is None and self.path.startswith("/drop/"):
            self.close_connection = True
            return
        if body is None:
            return self.answer(404)
        self.answer(200, body)

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
sys.stdout.close()
server.serve_forever()
