"""Signing in, accepting an invitation, and what services fetch to check tokens offline: the JWKS and the
revocation list (both without authentication: public keys and opaque ids only)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from jobdating.identity.adapters.auth import Caller
from jobdating.identity.adapters.keys import KeyRing
from jobdating.identity.adapters.schemas import AcceptIn, SignInIn
from jobdating.identity.application.invitations import Activation, Invitations
from jobdating.identity.application.queries import IdentityQueries, Revocations
from jobdating.identity.application.sign_in import AccessToken, SignIn
from jobdating.identity.domain.errors import Forbidden
from jobdating.runtime.http import answers


def router(invitations: Invitations, sign_in: SignIn, keys: KeyRing, queries: IdentityQueries) -> APIRouter:
    api = APIRouter(tags=["sign-in"])

    @api.post(
        "/sign-in",
        summary="Se connecter : adresse, mot de passe et, selon le rôle, code à 6 chiffres",
        responses=answers(
            {
                401: "wrong address, password or code (the same answer for an unknown address)",
                403: "the account is disabled",
                429: "too many failed sign-ins for this account or address; see Retry-After",
            }
        ),
        description=(
            "Une personne se connecte avec son adresse, son mot de passe et, pour la coordination et les "
            "administrateurs, le code à 6 chiffres de son application ; la réponse est un jeton d'accès que "
            "tous les services acceptent."
        ),
    )
    def post_sign_in(body: SignInIn, request: Request) -> AccessToken:
        client = request.client.host if request.client is not None else "unknown"
        return sign_in.sign_in(body.email, body.password, body.code, client)

    @api.post(
        "/invitations/accept",
        summary="Activer son compte depuis le lien reçu par courriel",
        responses=answers({410: "the link expired or was already used: nothing changed"}),
        description=(
            "La personne invitée choisit son mot de passe depuis le lien reçu par courriel ; son compte "
            "devient actif."
        ),
    )
    def accept(body: AcceptIn, request: Request) -> Activation:
        return invitations.accept(body.token, body.password, request.state.correlation_id)

    @api.get(
        "/.well-known/jwks.json",
        tags=["keys"],
        summary="Clés publiques de signature",
        description=(
            "Les services lisent ces clés pour vérifier, sans appeler le service d'identité, les jetons "
            "d'accès qu'il signe."
        ),
    )
    def jwks() -> dict[str, list[dict[str, str]]]:
        return keys.jwks()

    @api.post(
        "/keys/rotate",
        tags=["keys"],
        summary="Renouveler la clé de signature",
        description=(
            "La coordination fait signer les prochains jetons avec une nouvelle clé ; les jetons déjà donnés"
            " restent valables jusqu'à leur fin."
        ),
    )
    def rotate(caller: Caller) -> dict[str, str]:
        if not caller.has("coordinator"):
            raise Forbidden.on("", "seule la coordination renouvelle les clés de signature")
        return {"kid": keys.rotate()}

    @api.get(
        "/revocations",
        tags=["keys"],
        summary="Jetons et comptes révoqués",
        description=(
            "Les services lisent cette liste pour refuser les jetons des comptes désactivés ou des rôles "
            "retirés."
        ),
    )
    def revocations() -> Revocations:
        return queries.revocations()

    return api
