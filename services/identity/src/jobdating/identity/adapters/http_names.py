"""`POST /accounts/names`: the names of the accounts listed, for the coordination (every account) and a
partner's admin (its own organisation's); anyone else is refused (403). What the audit's "who did what"
asks to show people rather than ids."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import Field

from jobdating.identity.adapters.auth import Caller
from jobdating.identity.application.queries_names import AccountName, AccountNames
from jobdating.runtime.http import Body

MAX_IDS = 1000


class NamesIn(Body):
    account_ids: Annotated[list[Annotated[str, Field(max_length=64)]], Field(max_length=MAX_IDS)]


def router(names: AccountNames) -> APIRouter:
    api = APIRouter(tags=["accounts"])

    @api.post(
        "/accounts/names",
        summary="Noms des comptes listés",
        description=(
            "La coordination lit le nom de chaque compte, l'administration d'un partenaire ceux de sa "
            "propre organisation ; un compte inconnu ou hors de portée est absent de la réponse."
        ),
    )
    def account_names(body: NamesIn, caller: Caller) -> dict[str, AccountName]:
        return names.names(caller, body.account_ids)

    return api
