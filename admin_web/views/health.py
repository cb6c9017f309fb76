"""GET /healthz: what a load balancer and an operator need to know, as JSON."""

from aiohttp import web

from admin_web.keys import HEALTH


async def healthz(request: web.Request) -> web.Response:
    report = await request.app[HEALTH]()
    status = 200 if report.get("status") == "ok" else 503
    return web.json_response(report, status=status)
