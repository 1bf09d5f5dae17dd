"""The read-path baseline: a bare aiohttp handler returning the same JSON bytes from memory.

    python -m bench.bare_server PORT BODIES.json

BODIES.json maps a path to the exact bytes (as text) the real API returned for
it. Same process setup as ``medisync serve``: one process, ``web.run_app``,
no access log. No auth, no database, no middleware.
"""

from __future__ import annotations

import json
import sys

from aiohttp import web


def main() -> None:
    port, bodies_file = int(sys.argv[1]), sys.argv[2]
    with open(bodies_file, encoding="utf-8") as handle:
        bodies = {path: body.encode() for path, body in json.load(handle).items()}

    async def serve(request: web.Request) -> web.Response:
        body = bodies.get(request.path)
        if body is None:
            return web.Response(status=404)
        return web.Response(body=body, content_type="application/json")

    app = web.Application()
    app.router.add_get("/{tail:.*}", serve)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


if __name__ == "__main__":
    main()
