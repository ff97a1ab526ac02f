"""« Doublons possibles » (`/coordination/doublons`): the coordinator reads the suspected duplicates of their
organisation's candidates and says, for each, same person or two different people, with a short reason. A
refused decision shows the page again with the reason next to the field and what was typed kept."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse

from jobdating.console.adapters.coordination import ONLY_COORDINATION
from jobdating.console.adapters.http_answers import form_refusal, shown
from jobdating.console.adapters.pages import Gate
from jobdating.console.adapters.web import Web
from jobdating.console.application import duplicates
from jobdating.console.application.ports import Refused, Unreachable
from jobdating.console.application.sessions import Session
from jobdating.console.domain.permissions import may_coordinate

PAGE = "/coordination/doublons"
TEMPLATE = "duplicates.html"


def router(web: Web) -> APIRouter:
    api = APIRouter(include_in_schema=False)
    coordination = Gate(web, may_coordinate, ONLY_COORDINATION)

    @api.get(PAGE)
    def duplicates_page(request: Request) -> Response:
        return coordination.page(
            request,
            TEMPLATE,
            lambda _, token: duplicates.duplicates(web.services, token),
            form=duplicates.Resolution(),
            errors={},
            here="duplicates",
            reason_length=duplicates.REASON_LENGTH,
        )

    def again(
        request: Request, session: Session, form: duplicates.Resolution, errors: dict[str, str], status: int
    ) -> Response:
        def render() -> Response:
            view = duplicates.duplicates(web.services, str(session.token))
            return web.page(
                request,
                TEMPLATE,
                session,
                status,
                view=view,
                form=form,
                errors=errors,
                here="duplicates",
                reason_length=duplicates.REASON_LENGTH,
            )

        return shown(web, request, render)

    @api.post(PAGE + "/{duplicate_id}")
    async def resolve(duplicate_id: str, request: Request) -> Response:
        session, token, fields = await coordination.form(request)
        form = duplicates.Resolution(
            duplicate_id=duplicate_id, verdict=fields.get("verdict", ""), reason=fields.get("reason", "")
        )
        if wrong := duplicates.problems(form):
            return await run_in_threadpool(again, request, session, form, wrong, 400)
        try:
            await run_in_threadpool(duplicates.resolve, web.services, token, form)
        except (Refused, Unreachable) as exc:
            status, reasons = form_refusal(exc, duplicates.NOT_RECORDED)
            errors = duplicates.refusal_by_field(exc) if isinstance(exc, Refused) else {"": reasons[0]}
            return await run_in_threadpool(again, request, session, form, errors, status)
        web.flash(session, duplicates.done(form))
        return RedirectResponse(PAGE, status_code=303)

    return api
