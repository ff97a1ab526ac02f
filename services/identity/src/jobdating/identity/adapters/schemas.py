"""Request bodies of identity's API: unknown fields refused, each refusal a French reason."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from jobdating.contracts.identity import AccountRole, OrganisationKind
from jobdating.runtime.http import Body, Text


class OrganisationIn(Body):
    organisation_id: Annotated[str, Field(max_length=63)]
    kind: OrganisationKind
    name: Annotated[Text, Field(max_length=200)]


class InvitationIn(Body):
    email: Annotated[str, Field(max_length=254)]
    roles: Annotated[list[AccountRole], Field(min_length=1, max_length=7)]
    name: Annotated[Text | None, Field(max_length=200)] = None  # kept in identity's private table


class AcceptIn(Body):
    token: Annotated[str, Field(max_length=200)]
    password: Annotated[str, Field(max_length=1024)]


class SignInIn(Body):
    email: Annotated[str, Field(max_length=320)]
    password: Annotated[str, Field(max_length=1024)]
    code: Annotated[str | None, Field(max_length=12)] = None


class RoleIn(Body):
    role: AccountRole
