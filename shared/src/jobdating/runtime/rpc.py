"""Request-reply over NATS with msgspec payloads: one responder per question, a typed asker."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import msgspec
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription

Q = TypeVar("Q")
A = TypeVar("A")


class RpcError(RuntimeError):
    """No responder, a timeout, or an answer that does not decode."""


async def serve(
    nc: Client,
    subject: str,
    question: type[Q],
    answer: Callable[[Q], Awaitable[Any]],
    *,
    queue: str | None = None,
    log: Any = None,
) -> Subscription:
    """Answer every request on `subject`; a malformed question gets a 'refused' style error reply."""
    decoder = msgspec.json.Decoder(question)

    async def handle(msg: Msg) -> None:
        try:
            request = decoder.decode(msg.data)
        except msgspec.DecodeError as exc:
            if log is not None:
                log.warning("rpc_bad_request", subject=subject, error=str(exc))
            await msg.respond(msgspec.json.encode({"error": "bad request"}))
            return
        reply = await answer(request)
        await msg.respond(msgspec.json.encode(reply))

    return await nc.subscribe(subject, queue=queue or subject, cb=handle)


async def ask(nc: Client, subject: str, request: Any, reply_type: type[A], wait: float = 2.0) -> A:
    """Send a question and decode its answer (waiting at most `wait` seconds)."""
    try:
        msg = await nc.request(subject, msgspec.json.encode(request), timeout=wait)
    except Exception as exc:  # nats raises its own timeout/no-responders types
        raise RpcError(f"{subject}: {type(exc).__name__}") from exc
    try:
        return msgspec.json.decode(msg.data, type=reply_type)
    except msgspec.DecodeError as exc:
        raise RpcError(f"{subject}: undecodable answer") from exc
