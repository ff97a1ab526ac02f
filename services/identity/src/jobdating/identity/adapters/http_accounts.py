"""Organisations, invitations, accounts and roles over HTTP: who may create whom is the domain's rule
(`domain/permissions.py`); a refusal is a 4xx with a French reason."""

from __future__ import annotations

from typing import TypeVar

from fastapi import APIRouter, Request, status

from jobdating.contracts.identity import AccountRole
from jobdating.identity.adapters.auth import Caller, only
from jobdating.identity.adapters.schemas import InvitationIn, OrganisationIn, RoleIn
from jobdating.identity.application.handlers import IdentityHandlers
from jobdating.identity.application.invitations import Invitations
from jobdating.identity.application.queries import AccountView, IdentityQueries, OrganisationView
from jobdating.identity.domain import validation as check
from jobdating.identity.domain.commands import DisableAccount, GrantRole, RegisterOrganisation, RevokeRole
from jobdating.identity.domain.decide import UNKNOWN_ACCOUNT, UNKNOWN_ORGANISATION
from jobdating.identity.domain.errors import NotFound
from jobdating.identity.domain.permissions import ASSIGNERS, REGISTRARS, Actor
from jobdating.runtime.commands import Meta
from jobdating.runtime.http import answers

INVITED = "Un courriel a été envoyé à cette adresse."
T = TypeVar("T")


def router(
    handlers: IdentityHandlers, invitations: Invitations, queries: IdentityQueries, org: str
) -> APIRouter:
    api = APIRouter(tags=["accounts"])

    def meta(request: Request, caller: Actor) -> Meta:
        return Meta(org=org, actor_id=caller.account_id, correlation_id=request.state.correlation_id)

    # Ids that cannot exist are unknown without asking the store (which may refuse a NUL, say).
    def known_organisation(organisation_id: str) -> str:
        if not check.is_organisation_id(organisation_id):
            raise NotFound.on("organisation_id", UNKNOWN_ORGANISATION)
        return organisation_id

    def known_account(account_id: str) -> str:
        if not check.is_account_id(account_id):
            raise NotFound.on("account_id", UNKNOWN_ACCOUNT)
        return account_id

    def account_or_404(account_id: str, caller: Actor) -> AccountView:
        return _found(queries.account(known_account(account_id), caller), "account_id", UNKNOWN_ACCOUNT)

    @api.post(
        "/organisations",
        status_code=status.HTTP_201_CREATED,
        summary="Enregistrer une organisation partenaire",
        description=(
            "La coordination enregistre une structure partenaire ou une entreprise, dont les personnes "
            "pourront ensuite être invitées."
        ),
        dependencies=only(REGISTRARS),
    )
    def register_organisation(body: OrganisationIn, request: Request, caller: Caller) -> OrganisationView:
        command = RegisterOrganisation(organisation_id=body.organisation_id, kind=body.kind, name=body.name)
        handlers.register_organisation(command, caller, meta(request, caller))
        found = queries.organisation(body.organisation_id)
        assert found is not None
        return found

    @api.get(
        "/organisations",
        summary="Lister les organisations",
        description="Les organisations enregistrées, lisibles par tout appelant muni d'un jeton.",
    )
    def list_organisations(_: Caller) -> list[OrganisationView]:
        return queries.organisations()

    @api.get(
        "/organisations/{organisation_id}",
        summary="Consulter une organisation",
        description="Une organisation enregistrée : son type et son nom.",
    )
    def get_organisation(organisation_id: str, _: Caller) -> OrganisationView:
        found = queries.organisation(known_organisation(organisation_id))
        return _found(found, "organisation_id", UNKNOWN_ORGANISATION)

    @api.post(
        "/organisations/{organisation_id}/invitations",
        status_code=status.HTTP_202_ACCEPTED,
        summary="Inviter une personne par courriel",
        description=(
            "La coordination (l'administrateur d'un partenaire, le premier recruteur d'une entreprise), "
            "un administrateur (son équipe) ou un recruteur (ses collègues) invite une personne, qui reçoit "
            "un lien pour activer son compte. La réponse est la même que l'adresse ait déjà un compte ou non."
        ),
        responses=answers({503: "the mail server did not take the invitation: try again"}),
        dependencies=only(ASSIGNERS),
    )
    def invite(organisation_id: str, body: InvitationIn, request: Request, caller: Caller) -> dict[str, str]:
        invitations.invite(
            known_organisation(organisation_id),
            body.email,
            tuple(body.roles),
            caller,
            meta(request, caller),
            name=body.name,
        )
        return {"message": INVITED}

    @api.get(
        "/accounts",
        summary="Lister les comptes",
        description="La coordination voit tous les comptes ; les autres, ceux de leur organisation.",
    )
    def list_accounts(caller: Caller, organisation_id: str | None = None) -> list[AccountView]:
        if organisation_id is not None and not check.is_organisation_id(organisation_id):
            return []  # a filter no organisation can match
        return queries.accounts(caller, organisation_id)

    @api.get(
        "/accounts/{account_id}",
        summary="Consulter un compte",
        description=(
            "Un compte, ses rôles et son état ; hors coordination, seulement ceux de sa propre organisation."
        ),
    )
    def get_account(account_id: str, caller: Caller) -> AccountView:
        account = account_or_404(account_id, caller)
        if not caller.has("coordinator") and account.organisation_id != caller.org:
            raise NotFound.on("account_id", UNKNOWN_ACCOUNT)
        return account

    @api.post(
        "/accounts/{account_id}/roles",
        summary="Donner un rôle à un compte",
        description=(
            "Qui pourrait inviter une personne avec ce rôle (la coordination, l'administrateur de la "
            "structure) le lui donne."
        ),
        dependencies=only(ASSIGNERS),
    )
    def grant_role(account_id: str, body: RoleIn, request: Request, caller: Caller) -> AccountView:
        handlers.grant_role(
            GrantRole(account_id=known_account(account_id), role=body.role), caller, meta(request, caller)
        )
        return account_or_404(account_id, caller)

    @api.delete(
        "/accounts/{account_id}/roles/{role}",
        summary="Retirer un rôle à un compte",
        description="Qui pourrait donner ce rôle le retire ; la personne le perd à sa prochaine connexion.",
    )
    def revoke_role(account_id: str, role: AccountRole, request: Request, caller: Caller) -> AccountView:
        handlers.revoke_role(
            RevokeRole(account_id=known_account(account_id), role=role), caller, meta(request, caller)
        )
        return account_or_404(account_id, caller)

    @api.post(
        "/accounts/{account_id}/disable",
        summary="Désactiver un compte",
        description=(
            "La coordination ou l'administrateur de la structure désactive un compte : la personne ne peut "
            "plus se connecter et ses jetons sont révoqués."
        ),
    )
    def disable(account_id: str, request: Request, caller: Caller) -> AccountView:
        handlers.disable_account(
            DisableAccount(account_id=known_account(account_id)), caller, meta(request, caller)
        )
        return account_or_404(account_id, caller)

    return api


def _found(view: T | None, field: str, says: str) -> T:
    """The view read, or a 404 naming the id that found nothing."""
    if view is None:
        raise NotFound.on(field, says)
    return view
