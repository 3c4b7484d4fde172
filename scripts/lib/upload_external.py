"""An external upload server for ejabberd's external_secret, for ejup's tests.

It speaks prosody's mod_http_upload_external protocol (version 1), which ejabberd's
mod_http_upload uses when external_secret is set (make_query_string in mod_http_upload.erl):
the PUT URL is put_url/<slot path>?v=<hex HMAC-SHA256 of "<slot path> <size>" keyed with the
secret>, so a PUT is honest only when its path and its Content-Length are the ones ejabberd
signed. It answers 201 on a stored file, 403 on a missing or wrong token, 409 on a path already
used, 404 on a GET of a file it does not have.

--insecure skips the token check: the classic broken external server, an open file host.
--http 1.0 answers as HTTP/1.0 (one request per connection), 1.1 keeps connections alive.

Run with Debian's /usr/bin/python3 (python3-flask); scripts/local-upload-external does.
Prints "PORT=<n>" once it listens on 127.0.0.1 (port 0 picks a free one).
"""
import argparse
import hashlib
import hmac
import os
import sys

from flask import Flask, Response, abort, request
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.utils import safe_join


def build(root, secret, insecure, prefix):
    app = Flask("ejup-upload-external")
    types = {}

    @app.route(prefix + "/<path:slot>", methods=["PUT"])
    def put(slot):
        size = request.content_length
        if size is None:
            abort(411)
        if not insecure:
            wanted = hmac.new(secret, ("%s %d" % (slot, size)).encode(), hashlib.sha256).hexdigest()
            if not hmac.compare_digest(wanted, request.args.get("v", "")):
                abort(403)
        path = safe_join(root, slot)
        if path is None:
            abort(400)
        if os.path.exists(path):
            abort(409)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        body = request.get_data(cache=False)
        if len(body) != size:
            abort(400)
        with open(path, "wb") as out:
            out.write(body)
        types[path] = request.content_type or "application/octet-stream"
        return Response("Created\n", status=201, mimetype="text/plain")

    @app.route(prefix + "/<path:slot>", methods=["GET", "HEAD"])
    def get(slot):
        path = safe_join(root, slot)
        if path is None or not os.path.isfile(path):
            abort(404)
        with open(path, "rb") as f:
            data = f.read()
        return Response(data, status=200, content_type=types.get(path, "application/octet-stream"))

    return app


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--root", required=True)
    parser.add_argument("--secret-file", required=True)
    parser.add_argument("--prefix", default="/upload")
    parser.add_argument("--http", choices=["1.0", "1.1"], default="1.1")
    parser.add_argument("--insecure", action="store_true")
    args = parser.parse_args()
    with open(args.secret_file, "rb") as f:
        secret = f.read().strip()
    WSGIRequestHandler.protocol_version = "HTTP/" + args.http
    app = build(args.root, secret, args.insecure, args.prefix.rstrip("/"))
    server = make_server("127.0.0.1", args.port, app, threaded=args.http == "1.1")
    print("PORT=%d" % server.port, flush=True)
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
