"""The SMS provider's delivery webhook: `POST /webhooks/sms/delivery-reports`, signed (no bearer token:
the provider is not a person; `webhook_signature` checks it).

Body: `{"id": <the provider's message id>, "status": "delivered" | "failed" | "expired",
"error": <the provider's error code, on failure>, "at": <ISO 8601 time of the report>}`.
A bad or missing signature is 401, a body that is not JSON 400, a field refused 422, a message id the
service never got from the provider 404, a message not yet recorded as sent 409 (the provider asks again
later); nothing is recorded in any of these cases. A repeated report answers 200 and records nothing.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

import msgspec
from fastapi import APIRouter, FastAPI, Request, status
from fastapi.responses import JSONResponse

from jobdating.notifications.adapters.webhook_signature import (
    DEFAULT_TOLERANCE,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    BadSignature,
    check,
)
from jobdating.notifications.application.queries_deliveries import Delivery
from jobdating.notifications.application.receipts import Recorded, Report
from jobdating.runtime.clock import Clock
from jobdating.runtime.http import FieldError, Refused
from jobdating.runtime.routes import Routes

PATH = "/webhooks/sms/delivery-reports"
MAX_BODY = 16 * 1024
_ERROR_CODE = re.compile(r"[A-Za-z0-9_.-]{1,32}")


class SmsDeliveryReport(msgspec.Struct, frozen=True, forbid_unknown_fields=False):
    """What the provider reports of one SMS (unknown fields are the provider's own: ignored)."""

    id: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    status: Literal["delivered", "failed", "expired"]
    error: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    at: datetime | None = None


class ReportAnswer(msgspec.Struct, frozen=True):
    outcome: Literal["recorded", "repeated"]


Find = Callable[[str], Delivery | None]
Record = Callable[[Delivery, Report], Awaitable[Recorded]]
_decode = msgspec.json.Decoder(SmsDeliveryReport)
_OPENAPI: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": msgspec.json.schema(SmsDeliveryReport)}},
    },
    "parameters": [
        {"name": SIGNATURE_HEADER, "in": "header", "required": True, "schema": {"type": "string"}},
        {"name": TIMESTAMP_HEADER, "in": "header", "required": True, "schema": {"type": "string"}},
    ],
    "responses": {
        "401": {"description": "signature absente, invalide, ou requête trop ancienne"},
        "413": {"description": "corps trop grand"},
    },
}


def install(
    app: FastAPI,
    secret: Callable[[], bytes | None],
    clock: Clock,
    find: Find,
    record: Record,
    tolerance: timedelta = DEFAULT_TOLERANCE,
) -> None:
    """Add the webhook to `app`; `find` reads a message by the provider's id, `record` keeps a receipt.

    `secret` is read at each call, as the replies' webhook reads it: one secret, rotated for both at once.
    """
    router = APIRouter(tags=["webhooks"])
    routes = Routes(router)

    @routes.post(
        PATH,
        "Recevoir l'accusé de réception d'un SMS",
        (
            "Le fournisseur de SMS dit si un SMS a été remis ou non. L'appel est signé avec le secret "
            "partagé ; sans signature valide, rien n'est enregistré."
        ),
        openapi_extra=_OPENAPI,
        response_model=None,
    )
    async def sms_delivery_report(request: Request) -> JSONResponse:
        """Accusé de réception d'un SMS envoyé par le prestataire (signé) : remis, en échec ou expiré."""
        body = await request.body()
        if len(body) > MAX_BODY:
            too_big = status.HTTP_413_CONTENT_TOO_LARGE
            raise Refused([FieldError("", "corps de requête trop grand")], too_big)
        key = secret()
        if key is None:  # emptied since the start: as if never set
            raise Refused([FieldError("", "accusés de réception non activés")], status.HTTP_404_NOT_FOUND)
        try:
            check(
                key,
                body,
                request.headers.get(SIGNATURE_HEADER),
                request.headers.get(TIMESTAMP_HEADER),
                clock.now(),
                tolerance,
            )
        except BadSignature as exc:
            raise Refused([FieldError(exc.field, exc.reason)], status.HTTP_401_UNAUTHORIZED) from exc
        report = _read(body)
        delivery = find(report.id)
        if delivery is None:
            raise Refused([FieldError("id", "message inconnu")], status.HTTP_404_NOT_FOUND)
        done = await record(delivery, _receipt(report, clock))
        if done == "not_sent":
            reason = "ce message n'est pas encore enregistré comme envoyé : réessayez plus tard"
            raise Refused([FieldError("id", reason)], status.HTTP_409_CONFLICT)
        return JSONResponse(msgspec.to_builtins(ReportAnswer(done)))

    app.include_router(router)


def _read(body: bytes) -> SmsDeliveryReport:
    try:
        report = _decode.decode(body)
    except msgspec.ValidationError as exc:
        raise Refused([FieldError(_field(str(exc)), _french(str(exc)))]) from exc
    except msgspec.DecodeError as exc:
        reason = "le corps n'est pas du JSON lisible"
        raise Refused([FieldError("", reason)], status.HTTP_400_BAD_REQUEST) from exc
    if report.error is not None and not _ERROR_CODE.fullmatch(report.error):
        reason = "code d'erreur du prestataire illisible (lettres, chiffres, « _ », « . », « - »)"
        raise Refused([FieldError("error", reason)])
    if report.at is not None and report.at.tzinfo is None:
        raise Refused([FieldError("at", "l'heure doit préciser son fuseau (par exemple « Z »)")])
    return report


def _receipt(report: SmsDeliveryReport, clock: Clock) -> Report:
    at = report.at or clock.now()
    if report.status == "delivered":
        return Report(delivered=True, reported_at=at, source="sms_report")
    reason = "expired" if report.status == "expired" else f"sms_{report.error or 'failed'}"
    return Report(delivered=False, reason=reason, reported_at=at, source="sms_report")


def _field(message: str) -> str:
    """The field msgspec names (`... - at `$.status``, `... required field `id``), or none for the body."""
    found = re.search(r"`\$\.([A-Za-z_]+)", message) or re.search(r"required field `([A-Za-z_]+)`", message)
    return found.group(1) if found else ""


def _french(message: str) -> str:
    """msgspec's reason in French (its messages are stable: they are part of its tests)."""
    reasons = (
        ("Object missing required field", "champ obligatoire manquant"),
        ("Expected `object`", "un objet JSON est attendu"),
        ("Invalid enum value", "valeur inconnue (delivered, failed ou expired)"),
        ("Invalid RFC3339", "heure illisible : date et heure avec fuseau attendues (2026-12-03T09:30:00Z)"),
        ("of length >= ", "ne peut pas être vide"),
        ("of length <= ", "trop long"),
        ("Expected", "type de valeur inattendu"),
    )
    return next((french for english, french in reasons if english in message), "valeur refusée")
