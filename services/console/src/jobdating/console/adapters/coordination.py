"""What the coordination's pages share: only the coordination opens them, and a service's refusal or
silence becomes a French page (an expired token: sign in again). `NotHere` carries that page out of the
route (web.install answers with it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from fastapi import Request

from jobdating.console.adapters.http_answers import DOWN
from jobdating.console.adapters.pages import Gate
from jobdating.console.adapters.web import NotHere, SignInAgain, Web
from jobdating.console.application.ports import Refused, Unreachable
from jobdating.console.application.sessions import Session
from jobdating.console.domain.permissions import may_coordinate

T = TypeVar("T")
ONLY_COORDINATION = "Cette page est réservée à la coordination."


def coordinator(web: Web, request: Request) -> tuple[Session, str]:
    """The signed-in coordinator's session and token (else a sign-in redirect, or a refusal page)."""
    return Gate(web, may_coordinate, ONLY_COORDINATION).person(request)


def asked(web: Web, request: Request, session: Session, ask: Callable[[], T]) -> T:
    """What the services answer, or the page saying why they did not."""
    try:
        return ask()
    except Refused as exc:
        if exc.status == 401:
            raise SignInAgain("expiree") from exc
        status = exc.status if exc.status in (403, 404) else 400
        reasons = exc.reasons or ["Cette page ne vous est pas accessible."]
        raise NotHere(web.refused(request, session, status, reasons)) from exc
    except Unreachable as exc:
        raise NotHere(web.refused(request, session, 503, [DOWN])) from exc
