"""How a page answers when a service says no or does not answer: a page shown is replaced by the French
refusal; a change sent is told in the next page's notice. One place, so that every page says it alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Request, Response
from fastapi.concurrency import run_in_threadpool

from jobdating.console.adapters.web import SignInAgain, Web
from jobdating.console.application.ports import Refused, Unreachable
from jobdating.console.application.sessions import Session

T = TypeVar("T")
DOWN = "Un service ne répond pas pour l'instant. Réessayez dans un moment."


def shown(web: Web, request: Request, render: Callable[[], Response]) -> Response:
    """The page `render` makes from the services' answers, or the refusal in French."""
    try:
        return render()
    except Refused as exc:
        return refused(web, request, exc)
    except Unreachable:
        return web.refused(request, web.session(request), 503, [DOWN])


def shown_page(
    web: Web, request: Request, session: Session, name: str, read: Callable[[str], dict[str, Any]]
) -> Response:
    """The template `name` filled with what `read` asks of the services with the session's token, or the
    refusal in French."""
    token = str(session.token)
    return shown(web, request, lambda: web.page(request, name, session, **read(token)))


def refused(web: Web, request: Request, exc: Refused) -> Response:
    if exc.status == 401:
        raise SignInAgain("expiree") from exc
    session = web.session(request)
    reasons = exc.reasons or ["Cette page ne vous est pas accessible."]
    return web.refused(request, session, exc.status if exc.status in (403, 404) else 400, reasons)


def form_refusal(exc: Refused | Unreachable, fallback: str) -> tuple[int, list[str]]:
    """The status and reasons a form page shows again when a service says no (`fallback` when it gives no
    reason) or does not answer; an expired token signs in again."""
    if isinstance(exc, Unreachable):
        return 503, [DOWN]
    if exc.status == 401:
        raise SignInAgain("expiree") from exc
    return 403 if exc.status == 403 else 400, exc.reasons or [fallback]


async def sent(
    web: Web, session: Session, done: str | Callable[[T], str], failed: str, change: Callable[[], T]
) -> bool:
    """Send one change; the next page's notice says `done` (or what `done` makes of the change's result),
    or `failed` with the service's reasons."""
    try:
        result = await run_in_threadpool(change)
    except Refused as exc:
        if exc.status == 401:
            raise SignInAgain("expiree") from exc
        web.flash(session, f"{failed} : " + " ".join(exc.reasons))
        return False
    except Unreachable:
        web.flash(session, DOWN)
        return False
    web.flash(session, done if isinstance(done, str) else done(result))
    return True
