"""Roles and accounts over HTTP: granted and revoked by whoever could have invited with them, an account
disabled by the coordination or its own partner admin, and two invitations of one address at once."""

from __future__ import annotations

import asyncio

from jobdating.identity.bootstrap import IdentityService

from .conftest import Api

ML_ADMIN = "admin@mission-locale.example"
ML_COUNSELLOR = "conseillere@mission-locale.example"
FT_ADMIN = "admin@france-travail.example"


async def partners(api: Api) -> tuple[str, str, str]:
    coordinator = await api.coordinator()
    await api.register(coordinator, "mission-locale", "mission_locale")
    await api.register(coordinator, "france-travail", "employment_service")
    ml_admin = await api.onboard(coordinator, "mission-locale", ML_ADMIN, "partner_admin")
    ft_admin = await api.onboard(coordinator, "france-travail", FT_ADMIN, "partner_admin")
    return coordinator, ml_admin, ft_admin


async def test_a_partner_admin_grants_and_revokes_its_own_staff_roles(api: Api) -> None:
    _, ml_admin, ft_admin = await partners(api)
    await api.onboard(ml_admin, "mission-locale", ML_COUNSELLOR, "counsellor")
    account = api.account_id(ML_COUNSELLOR)
    granted = await api.call("POST", f"/accounts/{account}/roles", ml_admin, json={"role": "coach"})
    assert granted.status_code == 200
    assert granted.json()["roles"] == ["counsellor", "coach"]
    elsewhere = await api.call("POST", f"/accounts/{account}/roles", ft_admin, json={"role": "site_manager"})
    assert elsewhere.status_code == 403
    revoked = await api.call("DELETE", f"/accounts/{account}/roles/counsellor", ml_admin)
    assert revoked.status_code == 200
    assert revoked.json()["roles"] == ["coach"]
    last = await api.call("DELETE", f"/accounts/{account}/roles/coach", ml_admin)
    assert last.status_code == 409
    assert "dernier rôle" in last.json()["detail"][0]["reason"]
    unknown_role = await api.call("POST", f"/accounts/{account}/roles", ml_admin, json={"role": "chef"})
    assert unknown_role.status_code == 422
    unknown_account = await api.call("POST", "/accounts/acc-nope/roles", ml_admin, json={"role": "coach"})
    assert unknown_account.status_code == 404
    # The next token carries the roles as they are now.
    signed = await api.sign_in(ML_COUNSELLOR)
    assert signed.status_code == 200
    assert api.service.keys.verify(signed.json()["access_token"])["roles"] == ["coach"]


async def test_a_partner_admin_disables_its_own_staff_only(api: Api) -> None:
    _, ml_admin, ft_admin = await partners(api)
    await api.onboard(ml_admin, "mission-locale", ML_COUNSELLOR, "counsellor")
    account = api.account_id(ML_COUNSELLOR)
    refused = await api.call("POST", f"/accounts/{account}/disable", ft_admin)
    assert refused.status_code == 403
    assert (await api.call("GET", "/revocations")).json() == {"accounts": {}}
    assert (await api.call("POST", f"/accounts/{account}/disable", ml_admin)).status_code == 200
    assert list((await api.call("GET", "/revocations")).json()["accounts"]) == [account]


async def test_two_invitations_of_one_new_address_at_once_make_one_account(
    api: Api, service: IdentityService
) -> None:
    _, ml_admin, _ = await partners(api)
    head = service.store.head()
    answers = await asyncio.gather(
        *(api.invite(ml_admin, "mission-locale", ML_COUNSELLOR, "counsellor") for _ in range(4))
    )
    assert [a.status_code for a in answers] == [202] * 4
    assert [e.event_type for e in service.store.read_all(after=head)] == ["AccountInvited"]
    assert len(service.store.query("SELECT 1 FROM identity_login WHERE email = ?", (ML_COUNSELLOR,))) == 1


async def test_ids_and_addresses_no_one_could_have_are_refused_with_4xx(api: Api) -> None:
    coordinator = await api.coordinator()
    nul = "\x00"
    answers = {
        "sign-in": await api.call("POST", "/sign-in", json={"email": f"a{nul}@b.fr", "password": "x" * 12}),
        "invite": await api.invite(coordinator, "departement-nord", f"a{nul}@b.fr", "counsellor"),
        "invite-into": await api.invite(coordinator, "dep%00", "a@b.fr", "counsellor"),
        "account": await api.call("GET", "/accounts/acc-%00", coordinator),
        "disable": await api.call("POST", "/accounts/acc-%00/disable", coordinator),
        "grant": await api.call("POST", "/accounts/%00/roles", coordinator, json={"role": "coach"}),
        "list": await api.call("GET", "/accounts", coordinator, params={"organisation_id": nul}),
        "organisation": await api.call("GET", "/organisations/%00", coordinator),
        "accept": await api.call("POST", "/invitations/accept", json={"token": nul, "password": "x" * 12}),
    }
    assert {name: r.status_code for name, r in answers.items()} == {
        "sign-in": 401,
        "invite": 422,
        "invite-into": 404,
        "account": 404,
        "disable": 404,
        "grant": 404,
        "list": 200,
        "organisation": 404,
        "accept": 404,
    }
    assert answers["list"].json() == []
    assert all(r.json()["detail"][0]["reason"] for name, r in answers.items() if name != "list")
