"""Partners and invitations (`/partenaires`): the organisations and their accounts; invite a partner's
admin (coordination) or a member of staff (a partner's admin), by name, address and role."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse

from jobdating.console.adapters.http_answers import form_refusal, shown
from jobdating.console.adapters.pages import Gate
from jobdating.console.adapters.web import Web
from jobdating.console.application import partners
from jobdating.console.application.ports import Refused, Unreachable
from jobdating.console.application.sessions import Session
from jobdating.console.domain.permissions import may_invite

ONLY_ADMINS = "Cette page est réservée à la coordination et aux administrateurs des partenaires."


def router(web: Web) -> APIRouter:
    api = APIRouter(include_in_schema=False)
    admins = Gate(web, may_invite, ONLY_ADMINS)

    def show(
        request: Request, session: Session, form: partners.Invitation, errors: list[str], status: int = 200
    ) -> Response:
        def render() -> Response:
            view = partners.partners(web.services, str(session.token), session.org, session.roles)
            return web.page(
                request,
                "partners.html",
                session,
                status,
                view=view,
                form=form,
                errors=errors,
                here="partners",
            )

        return shown(web, request, render)

    @api.get("/partenaires")
    def partners_page(request: Request) -> Response:
        return admins.page(
            request,
            "partners.html",
            lambda session, token: partners.partners(web.services, token, session.org, session.roles),
            form=partners.Invitation(),
            errors=[],
            here="partners",
        )

    @api.post("/partenaires/invitations")
    async def invite(request: Request) -> Response:
        session, token, fields = await admins.form(request)
        form = partners.Invitation(
            organisation_id=fields.get("organisation_id", ""),
            name=fields.get("name", ""),
            email=fields.get("email", ""),
            role=fields.get("role", ""),
        )
        try:
            view = await run_in_threadpool(partners.partners, web.services, token, session.org, session.roles)
            allowed = [o.organisation_id for o in view.organisations]
            wrong = partners.problems(form, partners.roles_to_invite(session.roles), allowed)
            if wrong:
                return show(request, session, form, wrong, 400)
            await run_in_threadpool(partners.invite, web.services, token, form)
        except (Refused, Unreachable) as exc:
            status, reasons = form_refusal(exc, "L'invitation n'a pas pu être envoyée.")
            return show(request, session, form, reasons, status)
        web.flash(
            session,
            f"Invitation envoyée à {form.email.strip()}. La personne reçoit un courriel avec un lien pour "
            "choisir son mot de passe.",
        )
        return RedirectResponse("/partenaires", status_code=303)

    return api
