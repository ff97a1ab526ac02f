"""`POST /accounts/names`: the coordination reads every account's name, a partner admin its own
organisation's, anyone else is refused; a name given at invitation stays in identity's private table."""

from __future__ import annotations

from datetime import timedelta

from jobdating.contracts.identity import AccountRole
from jobdating.identity.bootstrap import IdentityService

from .conftest import ORG, Api

ML_ADMIN = "admin@mission-locale.example"
ML_COUNSELLOR = "conseillere@mission-locale.example"
FT_COUNSELLOR = "conseiller@france-travail.example"
FT_ADMIN = "admin@france-travail.example"


async def onboard_named(
    api: Api, inviter: str, organisation_id: str, address: str, name: str | None, *roles: AccountRole
) -> str:
    """`Api.onboard`, the invitation naming the person."""
    body = {"email": address, "roles": list(roles), **({"name": name} if name is not None else {})}
    invited = await api.call("POST", f"/organisations/{organisation_id}/invitations", inviter, json=body)
    assert invited.status_code == 202, invited.text
    assert (await api.accept(address)).status_code == 200
    api.clock.advance(timedelta(seconds=31))
    signed = await api.sign_in(address)
    assert signed.status_code == 200, signed.text
    token: str = signed.json()["access_token"]
    return token


async def people(api: Api) -> dict[str, str]:
    """Two partners, each with a named admin and a counsellor (one of them invited without a name)."""
    coordinator = await api.coordinator()
    await api.register(coordinator, "mission-locale", "mission_locale")
    await api.register(coordinator, "france-travail", "employment_service")
    ml_admin = await onboard_named(
        api, coordinator, "mission-locale", ML_ADMIN, "Inès Durand", "partner_admin"
    )
    ft_admin = await onboard_named(api, coordinator, "france-travail", FT_ADMIN, None, "partner_admin")
    ml_counsellor = await onboard_named(
        api, ml_admin, "mission-locale", ML_COUNSELLOR, "  Claire   Martin ", "counsellor"
    )
    await onboard_named(api, ft_admin, "france-travail", FT_COUNSELLOR, "Paul Lefebvre", "counsellor")
    return {"coordinator": coordinator, "ml_admin": ml_admin, "ml_counsellor": ml_counsellor}


async def test_the_coordination_reads_every_name_a_partner_admin_its_own(api: Api) -> None:
    tokens = await people(api)
    ids = {a: api.account_id(a) for a in (ML_ADMIN, ML_COUNSELLOR, FT_ADMIN, FT_COUNSELLOR)}
    asked = {"account_ids": [*ids.values(), "acc-00000000-0000-0000-0000-000000000000", "ops", "\x00"]}
    everyone = await api.call("POST", "/accounts/names", tokens["coordinator"], json=asked)
    assert everyone.status_code == 200, everyone.text
    assert everyone.json() == {
        ids[ML_ADMIN]: {"name": "Inès Durand", "organisation_id": "mission-locale"},
        ids[ML_COUNSELLOR]: {"name": "Claire Martin", "organisation_id": "mission-locale"},
        ids[FT_ADMIN]: {"name": None, "organisation_id": "france-travail"},
        ids[FT_COUNSELLOR]: {"name": "Paul Lefebvre", "organisation_id": "france-travail"},
    }
    own = await api.call("POST", "/accounts/names", tokens["ml_admin"], json=asked)
    assert own.status_code == 200
    assert set(own.json()) == {ids[ML_ADMIN], ids[ML_COUNSELLOR]}


async def test_a_counsellor_reads_no_name(api: Api) -> None:
    tokens = await people(api)
    asked = {"account_ids": [api.account_id(ML_COUNSELLOR)]}
    refused = await api.call("POST", "/accounts/names", tokens["ml_counsellor"], json=asked)
    assert refused.status_code == 403
    assert "seules la coordination" in refused.json()["detail"][0]["reason"]
    assert (await api.call("POST", "/accounts/names", json=asked)).status_code == 401


async def test_a_name_stays_off_the_bus_and_a_bad_one_is_refused(api: Api, service: IdentityService) -> None:
    coordinator = await api.coordinator()
    await onboard_named(api, coordinator, ORG, "agent@departement-nord.example", "Zoé Quintard", "viewer")
    bodies = b"".join(bytes(e.body) for e in service.store.read_all())
    assert b"Quintard" not in bodies
    body = {"email": "autre@departement-nord.example", "roles": ["viewer"], "name": "Zoé\x00"}
    refused = await api.call("POST", f"/organisations/{ORG}/invitations", coordinator, json=body)
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["reason"]
