"""Imports (`/coordination/imports`): the coordinator sends a spreadsheet of candidates or companies to
registration and reads its report, one line per row."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from jobdating.console.adapters.coordination import ONLY_COORDINATION, coordinator
from jobdating.console.adapters.http_answers import DOWN, form_refusal
from jobdating.console.adapters.pages import Gate
from jobdating.console.adapters.web import Web
from jobdating.console.application import imports
from jobdating.console.application.ports import Refused, Unreachable
from jobdating.console.domain.permissions import may_coordinate

# Registration refuses past 32 MB; the console reads no more than that plus a margin.
MAX_BYTES = 33 * 2**20
TOO_BIG = "Fichier trop volumineux : 32 Mo au plus. Découpez-le en plusieurs fichiers."


def router(web: Web) -> APIRouter:
    api = APIRouter(include_in_schema=False)
    coordination = Gate(web, may_coordinate, ONLY_COORDINATION)

    @api.get("/coordination/imports")
    def imports_page(request: Request) -> Response:
        session, _ = coordinator(web, request)
        return web.page(
            request, "imports.html", session, kind="", dry_run=True, errors=[], report=None, here="imports"
        )

    @api.post("/coordination/imports")
    async def send(request: Request) -> Response:
        session, token, fields = await coordination.form(request)
        kind, dry_run = fields.get("kind", ""), fields.get("dry_run") == "oui"
        upload = (await request.form()).get("file")
        filename, content = "", b""
        if isinstance(upload, UploadFile):
            filename, content = upload.filename or "", await upload.read(MAX_BYTES + 1)

        def again(status: int, errors: list[str]) -> Response:
            return web.page(
                request,
                "imports.html",
                session,
                status,
                kind=kind,
                dry_run=dry_run,
                errors=errors,
                report=None,
            )

        if len(content) > MAX_BYTES:
            return again(413, [TOO_BIG])
        if wrong := imports.problems(kind, filename, content):
            return again(400, wrong)
        try:
            report = await run_in_threadpool(
                imports.send, web.services, token, kind, filename, content, dry_run
            )
        except (Refused, Unreachable) as exc:
            return again(*form_refusal(exc, DOWN))
        return web.page(
            request,
            "imports.html",
            session,
            kind=kind,
            dry_run=dry_run,
            errors=[],
            report=report,
            here="imports",
        )

    return api
