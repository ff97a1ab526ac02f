"""The coordinator's view of the messages (failed ones, one message, counts, sending a failed one again)
and a candidate's reminder opt-out, set by the coordinator or a counsellor of the candidate's organisation.

Every route needs a bearer token (`jobdating.runtime.auth`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, FastAPI, Query, Request, status
from pydantic import BaseModel

from jobdating.notifications.application.delivery_state import DeliveryState
from jobdating.notifications.application.preferences import NotTheirCandidate, UnknownCandidate
from jobdating.notifications.application.queries import MAX_PAGE, NotificationQueries, NotificationView
from jobdating.runtime.asking import meta_of
from jobdating.runtime.auth import Principal, require
from jobdating.runtime.commands import Meta
from jobdating.runtime.http import Body, FieldError, Offset, Refused
from jobdating.runtime.routes import Routes

Coordinator = Annotated[Principal, Depends(require("coordinator"))]
CoordinatorOrCounsellor = Annotated[Principal, Depends(require("coordinator", "counsellor"))]
SetReminders = Callable[[str, bool, Meta, str | None], bool]
WantsReminders = Callable[[str, str | None], bool]
StatusFilter = Literal["pending", "in_progress", "sent", "failed", "skipped"]
ChannelFilter = Literal["sms", "email"]


class RemindersIn(Body):
    reminders: bool


class RemindersOut(BaseModel):
    candidate_id: str
    reminders: bool


def install(
    app: FastAPI,
    queries: NotificationQueries,
    retry: Callable[[str], bool],
    set_reminders: SetReminders,
    wants_reminders: WantsReminders,
) -> None:
    """Add the notification routes to `app` (made by `create_app`)."""
    app.include_router(_router(queries, retry))
    app.include_router(_preferences(set_reminders, wants_reminders))
    app.include_router(_followed(queries))


def _preferences(set_reminders: SetReminders, wants_reminders: WantsReminders) -> APIRouter:
    router = APIRouter(tags=["reminders"])
    routes = Routes(router)

    @routes.get(
        "/candidates/{candidate_id}/reminders",
        "Savoir si un candidat reçoit des rappels",
        (
            "La coordination ou un conseiller de la structure qui suit le candidat lit s'il reçoit les "
            "rappels avant ses entretiens."
        ),
    )
    def get_reminders(candidate_id: str, caller: CoordinatorOrCounsellor) -> RemindersOut:
        with _refusals():
            wanted = wants_reminders(candidate_id, _own_org(caller))
        return RemindersOut(candidate_id=candidate_id, reminders=wanted)

    # async: the command and the dispatcher share the event loop's thread (one writer).
    @routes.put(
        "/candidates/{candidate_id}/reminders",
        "Activer ou couper les rappels d'un candidat",
        (
            "La coordination ou un conseiller de la structure qui suit le candidat active ou coupe ses "
            "rappels avant les entretiens."
        ),
    )
    async def put_reminders(
        candidate_id: str, body: RemindersIn, request: Request, caller: CoordinatorOrCounsellor
    ) -> RemindersOut:
        meta = meta_of(request, caller)
        with _refusals():
            wanted = set_reminders(candidate_id, body.reminders, meta, _own_org(caller))
        return RemindersOut(candidate_id=candidate_id, reminders=wanted)

    return router


def _followed(queries: NotificationQueries) -> APIRouter:
    router = APIRouter(tags=["notifications"])
    routes = Routes(router)

    @routes.get("/candidates/{candidate_id}/notifications", "Messages envoyés à un candidat")
    def candidate_notifications(candidate_id: str, caller: CoordinatorOrCounsellor) -> list[NotificationView]:
        """Les messages envoyés à un candidat et leur état, pour la coordination et les conseillers de la
        structure qui le suit ; aucune coordonnée. `delivery` dit s'il a été joint : `delivered` (remis),
        `failed` (pas envoyé, ou non remis selon le prestataire : `delivery_reason`), `unknown` (envoyé,
        sans accusé de réception après le délai), `awaiting` (envoyé, accusé encore attendu), vide tant
        que le message n'est pas parti."""
        with _refusals():
            return queries.to_candidate(candidate_id, _own_org(caller))

    return router


def _router(queries: NotificationQueries, retry: Callable[[str], bool]) -> APIRouter:
    router = APIRouter(tags=["notifications"])
    routes = Routes(router)

    @routes.get(
        "/notifications",
        "Lister les messages envoyés",
        "La coordination parcourt les convocations, rappels et autres messages, avec leur état d'envoi.",
    )
    def list_notifications(
        _: Coordinator,
        status: StatusFilter | None = None,
        kind: str | None = None,
        channel: ChannelFilter | None = None,
        subject_id: str | None = None,
        delivery: DeliveryState | None = None,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
        offset: Offset = 0,
    ) -> list[NotificationView]:
        """Les messages, filtrés ; `delivery` : `failed` (pas envoyé, ou non remis selon le prestataire),
        `unknown` (envoyé, sans accusé de réception après le délai), `delivered`, `awaiting`."""
        return queries.notifications(
            status=status,
            kind=kind,
            channel=channel,
            subject_id=subject_id,
            delivery=delivery,
            limit=limit,
            offset=offset,
        )

    # Declared before /notifications/{notification_id}, which would otherwise take "counts" for an id.
    @routes.get(
        "/notifications/counts",
        "Compter les messages par état",
        "La coordination voit combien de messages sont envoyés, en attente ou en échec.",
    )
    def count_notifications(_: Coordinator) -> dict[str, int]:
        return queries.counts()

    @routes.get(
        "/notifications/delivery-counts",
        "Compter les messages par état de remise",
        (
            "La coordination voit combien de messages ont été remis, ne l'ont pas été, sont restés sans "
            "nouvelles après le délai ou attendent encore leur accusé de réception."
        ),
    )
    def count_deliveries(_: Coordinator) -> dict[str, int]:
        """How many messages were delivered, failed, are unknown after the wait, or still await a receipt."""
        return queries.delivery_counts()

    @routes.get(
        "/notifications/{notification_id}",
        "Consulter un message",
        (
            "La coordination lit un message : son genre, son canal (courriel ou SMS), son état et ses "
            "tentatives d'envoi."
        ),
    )
    def get_notification(notification_id: str, _: Coordinator) -> NotificationView:
        return _found(queries, notification_id)

    # async: it wakes the dispatcher, which lives on the event loop.
    @routes.post(
        "/notifications/{notification_id}/retry",
        "Renvoyer un message en échec",
        "La coordination relance l'envoi d'un message qui a échoué, une fois la cause corrigée.",
    )
    async def retry_notification(notification_id: str, _: Coordinator) -> NotificationView:
        view = _found(queries, notification_id)
        if not retry(notification_id):
            reason = f"seul un message en échec peut être renvoyé (celui-ci est « {view.status} »)"
            raise Refused([FieldError("notification_id", reason)], status.HTTP_409_CONFLICT)
        return _found(queries, notification_id)

    return router


def _found(queries: NotificationQueries, notification_id: str) -> NotificationView:
    view = queries.notification(notification_id)
    if view is None:
        raise Refused([FieldError("notification_id", "message inconnu")], status.HTTP_404_NOT_FOUND)
    return view


def _own_org(caller: Principal) -> str | None:
    """The organisation a counsellor is limited to; none for the coordination."""
    return caller.org if caller.has("counsellor") and not caller.has("coordinator") else None


@contextmanager
def _refusals() -> Iterator[None]:
    try:
        yield
    except UnknownCandidate as exc:
        raise Refused([FieldError("candidate_id", "candidat inconnu")], status.HTTP_404_NOT_FOUND) from exc
    except NotTheirCandidate as exc:
        reason = "ce candidat n'est pas suivi par votre organisation"
        raise Refused([FieldError("candidate_id", reason)], status.HTTP_403_FORBIDDEN) from exc
