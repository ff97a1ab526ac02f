"""What every service's HTTP app shares: health, Prometheus metrics, correlation ids, 4xx with reasons."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
import structlog
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, generate_latest

from jobdating.runtime.auth import TokenTable
from jobdating.runtime.ids import new_id


class FieldError(msgspec.Struct, frozen=True):
    """One refused field and why, in plain French for the person who typed it."""

    field: str
    reason: str


class Refused(Exception):
    """A command refused for reasons the caller can fix; rendered as HTTP 4xx with each field."""

    def __init__(self, errors: list[FieldError], status_code: int = 422) -> None:
        super().__init__("; ".join(f"{e.field}: {e.reason}" for e in errors))
        self.errors = errors
        self.status_code = status_code


# pydantic's messages are English; the people typing read French.
FRENCH_REASONS = {
    "missing": "champ obligatoire",
    "extra_forbidden": "champ inconnu",
    "string_type": "texte attendu",
    "float_type": "nombre attendu",
    "float_parsing": "nombre attendu",
    "finite_number": "nombre attendu",
    "int_type": "nombre entier attendu",
    "int_parsing": "nombre entier attendu",
    "int_from_float": "nombre entier attendu",
    "bool_type": "oui (true) ou non (false) attendu",
    "bool_parsing": "oui (true) ou non (false) attendu",
    "date_type": "date attendue, au format AAAA-MM-JJ",
    "date_parsing": "date attendue, au format AAAA-MM-JJ",
    "date_from_datetime_parsing": "date attendue, au format AAAA-MM-JJ",
    "time_type": "heure attendue, au format HH:MM",
    "time_parsing": "heure attendue, au format HH:MM",
    "datetime_type": "date et heure attendues, au format AAAA-MM-JJTHH:MM",
    "datetime_parsing": "date et heure attendues, au format AAAA-MM-JJTHH:MM",
    "datetime_from_date_parsing": "date et heure attendues, au format AAAA-MM-JJTHH:MM",
    "list_type": "liste attendue",
    "model_type": "objet attendu",
    "model_attributes_type": "objet attendu",
    "dict_type": "objet attendu",
    "json_invalid": "JSON invalide",
}


def french_validation_error(err: Any) -> dict[str, str]:
    """One pydantic error as {field, reason} with the reason in French."""
    field = ".".join(str(p) for p in err["loc"] if p not in ("body", "query", "path"))
    if err["type"] == "literal_error":
        reason = f"valeur non reconnue (possibles : {err.get('ctx', {}).get('expected', '')})"
    else:
        reason = FRENCH_REASONS.get(err["type"], "valeur invalide")
    return {"field": field, "reason": reason}


def create_app(
    service: str,
    org: str,
    tokens: TokenTable,
    health: Callable[[], dict[str, Any]],
    title: str,
) -> FastAPI:
    """A FastAPI app with the shared middleware and endpoints; the service adds its routers."""
    app = FastAPI(title=title, version="0.1.0")
    app.state.tokens = tokens
    metrics = CollectorRegistry()
    app.state.metrics = metrics
    requests = Counter(
        "http_requests",
        "HTTP requests by route and status",
        ["method", "route", "status"],
        registry=metrics,
    )

    @app.middleware("http")
    async def correlate(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        correlation_id = request.headers.get("x-correlation-id") or new_id()
        request.state.correlation_id = correlation_id
        structlog.contextvars.bind_contextvars(correlation_id=correlation_id, service=service, org=org)
        try:
            response = await call_next(request)
        finally:
            structlog.contextvars.clear_contextvars()
        route = getattr(request.scope.get("route"), "path", "unmatched")
        requests.labels(request.method, route, str(response.status_code)).inc()
        response.headers["x-correlation-id"] = correlation_id
        return response

    @app.exception_handler(Refused)
    async def refused(_: Request, exc: Refused) -> JSONResponse:
        return JSONResponse(
            status_code=exc.status_code,
            content={"detail": [{"field": e.field, "reason": e.reason} for e in exc.errors]},
        )

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        detail = [french_validation_error(err) for err in exc.errors()]
        return JSONResponse(status_code=422, content={"detail": detail})

    @app.get("/health", tags=["ops"])
    def get_health() -> dict[str, Any]:
        return {"service": service, "org": org, **health()}

    @app.get("/metrics", tags=["ops"])
    def get_metrics() -> Response:
        return Response(generate_latest(metrics), media_type=CONTENT_TYPE_LATEST)

    return app
