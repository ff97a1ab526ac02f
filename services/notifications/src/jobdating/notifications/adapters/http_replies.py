"""`POST /sms/replies`: the SMS provider's webhook for candidates' replies to our SMS.

No bearer token: the provider signs each call as it signs its delivery reports (`webhook_signature`:
HMAC-SHA256 with the shared secret over the timestamp header and the raw body). Anything unsigned, badly
signed or stale is refused (401) before the body is even read; a body that is not
`{from, text, in_reply_to}` is refused (422); in both cases nothing is recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec
from fastapi import APIRouter, Request, status
from pydantic import BaseModel

from jobdating.notifications.adapters import webhook_signature
from jobdating.notifications.application.ports import AnswersUnavailable
from jobdating.notifications.application.replies import Replies, UnknownMessage
from jobdating.notifications.domain.replies import reply_id
from jobdating.runtime.clock import Clock
from jobdating.runtime.http import FieldError, Refused, answers
from jobdating.runtime.routes import Routes

MAX_BODY = 4096  # a reply is one SMS (a few hundred characters at most), with its envelope
MAX_TEXT = 1600  # ten concatenated SMS
MAX_ID = 200
MAX_NUMBER = 32


class SmsReplyIn(msgspec.Struct, frozen=True, forbid_unknown_fields=False):
    """The provider's body: who wrote (kept nowhere), what, and which of our SMS it answers."""

    sender: str = msgspec.field(name="from")
    text: str
    in_reply_to: str


class SmsReplyOut(BaseModel):
    reply_id: str
    answer: str
    recorded: bool


_BODY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["from", "text", "in_reply_to"],
    "properties": {
        "from": {"type": "string", "maxLength": MAX_NUMBER, "description": "le numéro du candidat"},
        "text": {"type": "string", "maxLength": MAX_TEXT, "description": "sa réponse (OUI, NON…)"},
        "in_reply_to": {
            "type": "string",
            "maxLength": MAX_ID,
            "description": "l'identifiant, chez l'opérateur, du SMS auquel il répond",
        },
    },
}
_decoder = msgspec.json.Decoder(SmsReplyIn)


def replies_router(
    replies: Replies, secret: Callable[[], bytes | None], clock: Clock, tolerance: float
) -> APIRouter:
    router = APIRouter(tags=["sms"])
    routes = Routes(router)

    @routes.post(
        "/sms/replies",
        "La réponse d'un candidat à un SMS (OUI : il vient, NON : il ne peut pas venir)",
        response_model=SmsReplyOut,
        openapi_extra={
            "requestBody": {"required": True, "content": {"application/json": {"schema": _BODY_SCHEMA}}}
        },
        responses=answers(
            {
                401: "signature absente, fausse ou trop ancienne : rien n'est enregistré",
                413: "corps trop long",
                503: "l'inscription ne répond pas : rien n'est enregistré, à renvoyer",
            }
        ),
    )
    async def sms_reply(request: Request) -> SmsReplyOut:
        """Signée par l'opérateur (en-têtes `X-Jobdating-Timestamp` et `X-Jobdating-Signature`). OUI
        confirme la venue, NON retire le candidat (« indisponible à la date ») et libère ses entretiens,
        comme son lien personnel ; toute autre réponse est notée « non comprise » et son conseiller est
        prévenu. Le candidat est retrouvé par le SMS auquel il répond, jamais par son numéro."""
        key = secret()
        if key is None:
            raise Refused(
                [FieldError("sms", "les réponses par SMS ne sont pas activées sur ce service")],
                status.HTTP_404_NOT_FOUND,
            )
        body = await request.body()
        if len(body) > MAX_BODY:
            raise Refused([FieldError("body", "message trop long")], status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        timestamp = request.headers.get(webhook_signature.TIMESTAMP_HEADER)
        signature = request.headers.get(webhook_signature.SIGNATURE_HEADER)
        if not webhook_signature.verified(key, timestamp, signature, body, clock.now(), tolerance):
            raise Refused(
                [FieldError("signature", "signature de l'opérateur absente, fausse ou trop ancienne")],
                status.HTTP_401_UNAUTHORIZED,
            )
        reply = _parsed(body)
        assert timestamp is not None  # verified
        try:
            handled = await replies.receive(
                reply_id(timestamp, body), reply.in_reply_to, reply.text, request.state.correlation_id
            )
        except UnknownMessage:
            reason = "ce SMS n'est pas l'un des nôtres envoyés à un candidat"
            raise Refused([FieldError("in_reply_to", reason)], status.HTTP_404_NOT_FOUND) from None
        except AnswersUnavailable:
            reason = "le service des inscriptions ne répond pas : renvoyez la réponse plus tard"
            raise Refused([FieldError("in_reply_to", reason)], status.HTTP_503_SERVICE_UNAVAILABLE) from None
        return SmsReplyOut(reply_id=handled.reply_id, answer=handled.answer, recorded=handled.recorded)

    return router


def _parsed(body: bytes) -> SmsReplyIn:
    """The body, or a 422 naming the field at fault."""
    try:
        reply = _decoder.decode(body)
    except msgspec.ValidationError as exc:
        raise Refused([FieldError(_field_of(str(exc)), "champ absent ou qui n'est pas un texte")]) from None
    except msgspec.DecodeError:
        raise Refused(
            [FieldError("body", "le corps n'est pas un objet JSON")], status.HTTP_400_BAD_REQUEST
        ) from None
    for name, value, longest in (
        ("from", reply.sender, MAX_NUMBER),
        ("text", reply.text, MAX_TEXT),
        ("in_reply_to", reply.in_reply_to, MAX_ID),
    ):
        if len(value) > longest:
            raise Refused([FieldError(name, f"au plus {longest} caractères")])
    if not reply.in_reply_to.strip():
        raise Refused([FieldError("in_reply_to", "l'identifiant du SMS auquel il répond est requis")])
    return reply


def _field_of(error: str) -> str:
    # msgspec says "Object missing required field `text`" or "Expected `str`, got `int` - at `$.from`".
    for name in ("in_reply_to", "from", "text"):
        if f"`{name}`" in error or f"$.{name}" in error:
            return name
    return "body"
