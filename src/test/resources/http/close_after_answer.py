"""An upload server as simple ones are written: Python's http.server, HTTP/1.0, the connection
closed after every answer without a Connection header saying so. PUT stores, GET serves,
GET /puts tells how many PUT requests arrived. Prints its port, then serves until killed."""
import http.server
import sys

stored = {}
puts = [0]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def do_PUT(self):
        puts[0] += 1
        stored[self.path] = self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(201)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        body = str(puts[0]).encode() if self.path == "/puts" else stored.get(self.path)
        if body is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
sys.stdout.close()
server.serve_forever()
