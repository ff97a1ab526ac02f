"""« La journée en direct »: the coordinator's page of the day, per site, updated by server-sent events.

Without JavaScript the page shows the state when it was loaded (and a « Mettre à jour » link); with it,
htmx's SSE extension replaces a site's section whenever the stream says that site changed. The page and the
sections come from the console's read model of the day for the coordinator's scope (organisation and roles),
read from the services with the coordinator's own token and kept fresh by the stream; each change is
rendered once per scope and shared by its pages (`LiveHub`).
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from markupsafe import Markup

from jobdating.console.adapters.coordination import coordinator
from jobdating.console.adapters.http_answers import DOWN
from jobdating.console.adapters.live_feed import EVERY_SITE, LiveFeed
from jobdating.console.adapters.live_hub import LiveHub, server_event
from jobdating.console.adapters.web import SignInAgain, Web
from jobdating.console.application import duplicates, live_day
from jobdating.console.application.live_model import scope_of
from jobdating.console.application.ports import Refused, Unreachable

# A comment line now and then: proxies keep the connection, the browser notices a dead one.
KEEPALIVE_SECONDS = 15.0


def router(web: Web, feed: LiveFeed) -> APIRouter:
    api = APIRouter(include_in_schema=False)

    @functools.lru_cache(maxsize=4096)
    def render(site: live_day.SiteDay) -> str:
        # A site's section changes with its state only: most of a page's sections were rendered before.
        return web.templates.env.get_template("live_site.html").render(site=site)

    hub = LiveHub(feed, web.services, web.clock.now, render)

    @api.get("/coordination/direct")
    def live_page(request: Request) -> Response:
        session, token = coordinator(web, request)
        try:
            jd = live_day.job_dating_of_the_day(web.services, token)
            if jd is None:
                view = live_day.LiveDay(job_dating_id=None, title="", sites=[])
            else:
                model = feed.models.model(scope_of(session.org, session.roles), str(jd["job_dating_id"]))
                view = model.view(web.services, token, web.clock.now())
        except Refused as exc:
            if exc.status == 401:
                raise SignInAgain("expiree") from exc
            return web.refused(request, session, 403 if exc.status == 403 else 400, exc.reasons)
        except Unreachable:
            return web.refused(request, session, 503, [DOWN])
        # Markup: each section is the output of the autoescaped template, its names already escaped.
        sections = [Markup(render(site)) for site in view.sites]  # noqa: S704
        waiting = duplicates.waiting(web.services, token)
        return web.page(request, "live_day.html", session, view=view, sections=sections, waiting=waiting)

    @api.get("/coordination/direct/flux")
    async def live_stream(request: Request, jd: str) -> Response:
        session, token = coordinator(web, request)
        scope = scope_of(session.org, session.roles)
        model = feed.models.model(scope, jd)
        last = request.headers.get("last-event-id", "")
        backlog = feed.since(int(last)) if last.isdigit() else []
        try:
            # Read before answering: a job dating this scope may not read gets no stream.
            await run_in_threadpool(model.sites, web.services, token, [], web.clock.now())
        except (Refused, Unreachable):
            return Response(status_code=503)

        async def resumed() -> str:
            out: list[str] = []
            for change in backlog:
                wanted = model.site_ids if change.site_id == EVERY_SITE else [change.site_id]
                try:
                    days = await run_in_threadpool(model.sites, web.services, token, wanted, web.clock.now())
                except (Refused, Unreachable):
                    continue  # a service away: the next change tells
                out.extend(server_event(change.sequence, day, render(day)) for day in days)
            return "".join(out)

        async def events() -> AsyncIterator[str]:
            listener = hub.join(scope, jd, session)  # before `retry`: a change from then on is sent
            try:
                yield "retry: 2000\n\n"
                if backlog:
                    yield await resumed()
                while True:
                    sections = await listener.take(KEEPALIVE_SECONDS)
                    yield "".join(s.event for s in sections) if sections else ": toujours là\n\n"
                    for section in sections:
                        feed.trace.written(section.sequence)
            finally:
                hub.leave(scope, jd, listener)

        return StreamingResponse(events(), media_type="text/event-stream")

    return api
