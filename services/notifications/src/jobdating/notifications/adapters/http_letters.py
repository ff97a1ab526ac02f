"""The coordinator's batch of printed convocations: one PDF, a page per candidate no message reached."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Response, status

from jobdating.notifications.application.ports import ContactsUnavailable
from jobdating.runtime.auth import Principal, require
from jobdating.runtime.http import FieldError, Refused
from jobdating.runtime.routes import Routes

Coordinator = Annotated[Principal, Depends(require("coordinator"))]
PrintLetters = Callable[[str], Awaitable[bytes | None]]
FILENAME = "convocations-par-courrier.pdf"


def install_letters(app: FastAPI, print_letters: PrintLetters) -> None:
    """Add the letters route to `app` (made by `create_app`)."""
    router = APIRouter(tags=["letters"])
    routes = Routes(router)

    @routes.get(
        "/job-datings/{job_dating_id}/letters.pdf",
        "Imprimer les convocations par courrier",
        (
            "La coordination obtient un PDF : une lettre de convocation par personne qu'aucun message n'a "
            "pu joindre (ni SMS, ni appel, ni courriel), avec le plan du site en QR code."
        ),
        response_class=Response,
        responses={
            200: {"content": {"application/pdf": {}}, "description": "Le PDF à imprimer."},
            503: {
                "description": (
                    "le service des inscriptions ne répond pas (les noms et adresses sont demandés "
                    "à l'impression)"
                ),
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Refusal"}}},
            },
        },
    )
    async def letters(job_dating_id: str, _: Coordinator) -> Response:
        """Les convocations à imprimer et à remettre ou envoyer par courrier : une page par candidat
        qu'aucun message n'a pu joindre (ni e-mail, ni SMS, ni appel), avec ses entretiens, l'adresse,
        ce qu'il faut apporter et le plan du lieu en QR code. Un PDF d'une page si personne n'en a besoin."""
        try:
            pdf = await print_letters(job_dating_id)
        except ContactsUnavailable as exc:
            reason = "le service des inscriptions ne répond pas : réessayez dans un instant"
            raise Refused([FieldError("job_dating_id", reason)], status.HTTP_503_SERVICE_UNAVAILABLE) from exc
        if pdf is None:
            raise Refused([FieldError("job_dating_id", "job dating inconnu")], status.HTTP_404_NOT_FOUND)
        return Response(
            pdf,
            media_type="application/pdf",
            # Names and addresses: kept by no cache on the way.
            headers={"Content-Disposition": f'inline; filename="{FILENAME}"', "Cache-Control": "no-store"},
        )

    app.include_router(router)
