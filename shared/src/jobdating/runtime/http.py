"""What every service's HTTP app shares: health, Prometheus metrics, correlation ids, 4xx with reasons."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any, Final, Protocol

import msgspec
import structlog
from fastapi import FastAPI, Request, Response, status
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, generate_latest
from starlette.exceptions import HTTPException

from jobdating.eventstore.base import ConcurrencyConflict, EventStore
from jobdating.runtime import refusals
from jobdating.runtime.auth import TokenTable
from jobdating.runtime.http_inputs import (
    FRENCH_DETAILS,
    FRENCH_REASONS,
    MAX_POSITION,
    OWN_ERRORS,
    Body,
    LocalTime,
    Offset,
    Text,
    french_validation_error,
    to_command,
)
from jobdating.runtime.ids import new_id

# The inputs' types live in `http_inputs`; services import them from here as well.
__all__ = [
    "FRENCH_DETAILS",
    "FRENCH_REASONS",
    "MAX_POSITION",
    "OWN_ERRORS",
    "REFUSAL_STATUSES",
    "Body",
    "FieldError",
    "LocalTime",
    "Offset",
    "Problem",
    "Refused",
    "Text",
    "answers",
    "create_app",
    "declare_refusals",
    "french_validation_error",
    "install_refusals",
    "render_refused",
    "to_command",
]


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


class Problem(Protocol):
    """What a service's domain says of one refused field."""

    @property
    def field(self) -> str: ...

    @property
    def reason(self) -> str: ...


ExceptionHandler = Callable[[Request, Exception], Awaitable[Response]]


async def render_refused(request: Request, problems: Iterable[Problem], status_code: int) -> Response:
    """A domain refusal as the app's `Refused` handler renders it, so every service answers refusals in
    one shape: `{"detail": [{field, reason}]}` with `status_code`."""
    refused = Refused([FieldError(p.field, p.reason) for p in problems], status_code=status_code)
    response: Response = await request.app.exception_handlers[Refused](request, refused)
    return response


REFUSAL_STATUSES: Final[Sequence[tuple[type[Exception], int]]] = (
    (refusals.Invalid, status.HTTP_422_UNPROCESSABLE_CONTENT),
    (refusals.NotFound, status.HTTP_404_NOT_FOUND),
    (refusals.Conflict, status.HTTP_409_CONFLICT),
    (refusals.Forbidden, status.HTTP_403_FORBIDDEN),
)
"""The status of each kind of refusal the services' domains share (`jobdating.runtime.refusals`)."""


def install_refusals(
    app: FastAPI, refusal: type[Exception], statuses: Sequence[tuple[type[Exception], int]] = REFUSAL_STATUSES
) -> None:
    """Render a service's domain refusals (`refusal`, carrying `problems`, each a field and a reason) with
    the status of the first of `statuses` whose kind it is (400 if none), and a concurrent change as 409."""

    async def refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, refusal)
        code = next((code for kind, code in statuses if isinstance(exc, kind)), 400)
        problems: Iterable[Problem] = getattr(exc, "problems")  # noqa: B009 - each service's own type
        return await render_refused(request, problems, code)

    app.add_exception_handler(refusal, refused)
    app.add_exception_handler(ConcurrencyConflict, _conflict)


async def _conflict(request: Request, _: Exception) -> Response:
    reason = "quelqu'un d'autre vient de faire une modification au même moment : réessayez"
    return await render_refused(request, [FieldError("id", reason)], 409)


def answers(descriptions: Mapping[int, str]) -> dict[int | str, dict[str, Any]]:
    """A route's `responses` other than its success, each status with what it means (`declare_refusals`
    then gives every 4xx the `Refusal` body)."""
    return {code: {"description": description} for code, description in descriptions.items()}


def log_health(store: EventStore, projection: str | None = None) -> dict[str, Any]:
    """What `/health` says of a service's log: its head, how far the relay and (if any) `projection` are."""
    health = {
        "status": "ok",
        "log_head": store.head(),
        # The count, beside the head: positions may skip (PostgreSQL identities), the stream's count does not.
        "events": store.count(),
        "relay_position": store.relay_position("jetstream"),
    }
    if projection is not None:
        health["read_model_position"] = store.checkpoint(projection)
    return health


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
    app.state.org = org
    metrics = CollectorRegistry()
    app.state.metrics = metrics
    # Filled by the service host, one series per consumer (see `jobdating.contracts.trust`).
    app.state.forged_events = Counter(
        "consumer_forged_events",
        "Events a consumer parked as forged: their organisation may not say them",
        ["consumer"],
        registry=metrics,
    )
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

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, exc: HTTPException) -> Response:
        # Every 4xx in the one shape the OpenAPI declares: a list of {field, reason}.
        reason = FRENCH_DETAILS.get(str(exc.detail), str(exc.detail))
        detail = exc.detail if isinstance(exc.detail, list) else [{"field": "", "reason": reason}]
        if exc.status_code in (204, 304):
            return Response(status_code=exc.status_code, headers=exc.headers)
        return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=exc.headers)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = declare_refusals(
                get_openapi(title=app.title, version=app.version, routes=app.routes)
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    @app.get(
        "/health",
        tags=["ops"],
        summary="État du service",
        description=(
            "Pour l'exploitation et la supervision : le service répond, où en sont son journal, son relais "
            "vers NATS et ses vues."
        ),
    )
    def get_health() -> dict[str, Any]:
        return {"service": service, "org": org, **health()}

    @app.get(
        "/metrics",
        tags=["ops"],
        summary="Mesures pour Prometheus",
        description=(
            "Pour la supervision : requêtes par route et par réponse, événements refusés, au format "
            "Prometheus."
        ),
    )
    def get_metrics() -> Response:
        return Response(generate_latest(metrics), media_type=CONTENT_TYPE_LATEST)

    return app


REFUSAL_SCHEMAS: Final[dict[str, Any]] = {
    "FieldRefusal": {
        "title": "FieldRefusal",
        "description": "One refused field (empty when the whole request is) and why, in French.",
        "type": "object",
        "required": ["field", "reason"],
        "properties": {"field": {"type": "string"}, "reason": {"type": "string"}},
    },
    "Refusal": {
        "title": "Refusal",
        "description": "Why a request was refused, field by field.",
        "type": "object",
        "required": ["detail"],
        "properties": {"detail": {"type": "array", "items": {"$ref": "#/components/schemas/FieldRefusal"}}},
    },
}
REFUSALS: Final = {
    "400": "the body cannot be read (not JSON, or not UTF-8)",
    "401": "no token, or an unknown one",
    "403": "the caller's role or organisation may not do this",
    "404": "the thing named in the path or body is unknown",
    "409": "the request conflicts with the current state (or with a concurrent change)",
    "422": "a field is refused: each with a reason in French",
}


def declare_refusals(schema: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI made to say what is sent: every 4xx as a `Refusal` ({detail: [{field, reason}]}), not
    FastAPI's `HTTPValidationError`; 401 and 403 wherever a token is needed, 404 where a path or a body
    names something, 409 on writes, 422 wherever there is something to refuse, 400 for an unreadable
    body (a route declares any other 4xx it sends, e.g. 413)."""
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas.update(REFUSAL_SCHEMAS)
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            codes = set()
            if operation.get("security"):
                codes |= {"401", "403"}
            if "{" in path or method != "get":
                codes |= {"404", "422"}
            if method != "get":
                codes.add("409")
            if operation.get("parameters") or operation.get("requestBody"):
                codes.add("422")
            if operation.get("requestBody"):
                codes.add("400")
            responses = operation.setdefault("responses", {})
            for code in sorted(codes):
                responses[code] = {"description": REFUSALS[code]}
            for code, response in responses.items():
                if str(code).startswith("4"):
                    response["content"] = {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Refusal"}}
                    }
    return schema
