"""« La journée en direct »: the coordinator's page of the day, per site, updated by server-sent events.

Without JavaScript the page shows the state when it was loaded (and a « Mettre à jour » link); with it,
htmx's SSE extension replaces a site's section whenever the stream says that site changed. Each section is
rendered from the services' APIs with the coordinator's own token, as the page itself is.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from jobdating.console.adapters.coordination import coordinator
from jobdating.console.adapters.http_answers import DOWN
from jobdating.console.adapters.live_feed import EVERY_SITE, Change, LiveFeed
from jobdating.console.adapters.web import SignInAgain, Web
from jobdating.console.application import live_day
from jobdating.console.application.ports import Refused, Unreachable

# A comment line now and then: proxies keep the connection, the browser notices a dead one.
KEEPALIVE_SECONDS = 15.0


def router(web: Web, feed: LiveFeed) -> APIRouter:
    api = APIRouter(include_in_schema=False)

    @api.get("/coordination/direct")
    def live_page(request: Request) -> Response:
        session, token = coordinator(web, request)
        try:
            view = live_day.live_day(web.services, token, web.clock.now())
            for site in view.sites:
                _learn_computers(feed, site)
        except Refused as exc:
            if exc.status == 401:
                raise SignInAgain("expiree") from exc
            return web.refused(request, session, 403 if exc.status == 403 else 400, exc.reasons)
        except Unreachable:
            return web.refused(request, session, 503, [DOWN])
        return web.page(request, "live_day.html", session, view=view)

    @api.get("/coordination/direct/flux")
    async def live_stream(request: Request, jd: str) -> Response:
        _, token = coordinator(web, request)
        try:
            names = {
                s["site_id"]: s["name"]
                for s in await run_in_threadpool(web.services.get, "sites", "/sites", token)
            }
        except (Refused, Unreachable):
            return Response(status_code=503)
        last = request.headers.get("last-event-id", "")
        backlog = feed.since(int(last)) if last.isdigit() else []
        queue = feed.listen()

        async def render(change: Change) -> str:
            sites = sorted(names) if change.site_id == EVERY_SITE else [change.site_id]
            out = []
            for site_id in sites:
                try:
                    site = await run_in_threadpool(
                        live_day.site_day,
                        web.services,
                        token,
                        jd,
                        site_id,
                        names.get(site_id, site_id),
                        web.clock.now(),
                    )
                except (Refused, Unreachable):
                    continue  # not one of this job dating's sites, or a service away: the next change tells
                _learn_computers(feed, site)
                html = web.templates.env.get_template("live_site.html").render(site=site)
                data = "".join(f"data: {line}\n" for line in html.splitlines())
                out.append(f"id: {change.sequence}\nevent: site-{site_id}\n{data}\n")
            return "".join(out)

        async def events() -> AsyncIterator[str]:
            try:
                yield "retry: 2000\n\n"
                for change in backlog:
                    yield await render(change)
                while True:
                    try:
                        change = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
                    except TimeoutError:
                        yield ": toujours là\n\n"
                        continue
                    yield await render(change)
            finally:
                feed.forget(queue)

        return StreamingResponse(events(), media_type="text/event-stream")

    return api


def _learn_computers(feed: LiveFeed, site: live_day.SiteDay) -> None:
    """Which site each computer stands at: a computer's events name the computer only."""
    for computer_id in site.computer_ids:
        feed.computer_sites[computer_id] = site.site_id
