"""Who creates whom, over HTTP with real mail: the invitation chain across organisations, the links that
expire or serve once, and no answer that tells whether an address has an account."""

from __future__ import annotations

from datetime import timedelta

from jobdating.bus.server import free_port
from jobdating.eventstore.base import EventStore
from jobdating.identity.bootstrap import IdentityService

from .conftest import COORDINATOR_EMAIL, OPS, ORG, PASSWORD, Api, Inbox, MovableClock, service_on

ML_ADMIN = "admin@mission-locale.example"
ML_COUNSELLOR = "conseillere@mission-locale.example"
FT_ADMIN = "admin@france-travail.example"
RECRUITER = "rh@logistique-nord.example"
COLLEAGUE = "rh2@logistique-nord.example"


async def test_the_invitation_chain_runs_across_two_organisations_and_a_company(
    api: Api, service: IdentityService
) -> None:
    coordinator = await api.coordinator()
    for organisation_id, kind in (
        ("mission-locale", "mission_locale"),
        ("france-travail", "employment_service"),
        ("logistique-nord", "company"),
        ("btp-lille", "company"),
    ):
        await api.register(coordinator, organisation_id, kind)  # type: ignore[arg-type]
    ml_admin = await api.onboard(coordinator, "mission-locale", ML_ADMIN, "partner_admin")
    ft_admin = await api.onboard(coordinator, "france-travail", FT_ADMIN, "partner_admin")
    counsellor = await api.onboard(ml_admin, "mission-locale", ML_COUNSELLOR, "counsellor")
    recruiter = await api.onboard(coordinator, "logistique-nord", RECRUITER, "recruiter")
    await api.onboard(recruiter, "logistique-nord", COLLEAGUE, "recruiter")

    refusals = [
        # The coordination does not invite a partner's staff: the partner's admin does.
        await api.invite(coordinator, "mission-locale", "x1@example.org", "counsellor"),
        # A partner admin invites only into its own organisation.
        await api.invite(ft_admin, "mission-locale", "x2@example.org", "counsellor"),
        # A counsellor invites nobody.
        await api.invite(counsellor, "mission-locale", "x3@example.org", "counsellor"),
        # A recruiter invites colleagues of its own company only.
        await api.invite(recruiter, "btp-lille", "x4@example.org", "recruiter"),
        # Registering organisations is the coordination's.
        await api.call(
            "POST",
            "/organisations",
            ml_admin,
            json={"organisation_id": "asso", "kind": "association", "name": "A"},
        ),
    ]
    assert [r.status_code for r in refusals] == [403] * 5
    assert [r.json()["detail"][0]["reason"].split(" ")[:4] for r in refusals] == [
        ["la", "coordination", "invite", "l'administrateur"],
        ["vous", "ne", "gérez", "que"],
        ["votre", "rôle", "ne", "permet"],
        ["vous", "n'invitez", "que", "des"],
        ["seule", "la", "coordination", "enregistre"],
    ]
    assert not [m for m in api.inbox.messages if m["To"].startswith("x")]

    accounts = (await api.call("GET", "/accounts", ml_admin)).json()
    assert {(a["email"], tuple(a["roles"]), a["status"]) for a in accounts} == {
        (ML_ADMIN, ("partner_admin",), "active"),
        (ML_COUNSELLOR, ("counsellor",), "active"),
    }
    # Every account of every organisation, for the coordination; addresses only of its own organisation.
    everyone = (await api.call("GET", "/accounts", coordinator)).json()
    assert len(everyone) == 6
    assert {a["email"] for a in everyone if a["organisation_id"] != "departement-nord"} == {None}

    # The bus hears of accounts by id, organisation and roles: no address, no secret.
    bodies = b"".join(e.body for e in service.store.read_all(limit=1000))
    assert b"@" not in bodies
    assert b"argon2" not in bodies
    assert [e.event_type for e in service.store.read_all(limit=1000)].count("AccountInvited") == 6


async def test_an_expired_link_is_gone_and_changes_nothing(api: Api, service: IdentityService) -> None:
    coordinator = await api.coordinator()
    await api.register(coordinator, "mission-locale", "mission_locale")
    assert (await api.invite(coordinator, "mission-locale", ML_ADMIN, "partner_admin")).status_code == 202
    head = service.store.head()
    api.clock.advance(timedelta(hours=72, seconds=1))
    expired = await api.accept(ML_ADMIN)
    assert expired.status_code == 410
    assert "expiré" in expired.json()["detail"][0]["reason"]
    assert service.store.head() == head
    assert (await api.sign_in(ML_ADMIN)).status_code == 401
    # Inviting again (the coordinator's token expired meanwhile: a machine token) sends a fresh link.
    assert (await api.invite(OPS, "mission-locale", ML_ADMIN, "partner_admin")).status_code == 202
    assert (await api.accept(ML_ADMIN)).status_code == 200


async def test_a_used_link_is_gone_and_keeps_the_first_password(api: Api, service: IdentityService) -> None:
    coordinator = await api.coordinator()
    await api.register(coordinator, "mission-locale", "mission_locale")
    ml_admin = await api.onboard(coordinator, "mission-locale", ML_ADMIN, "partner_admin")
    await api.invite(ml_admin, "mission-locale", ML_COUNSELLOR, "counsellor")
    token = api.inbox.link_token(ML_COUNSELLOR)
    assert (await api.accept(ML_COUNSELLOR)).status_code == 200
    head = service.store.head()
    again = await api.call(
        "POST", "/invitations/accept", json={"token": token, "password": "un autre mot de passe"}
    )
    assert again.status_code == 410
    assert "déjà servi" in again.json()["detail"][0]["reason"]
    assert service.store.head() == head
    assert (await api.sign_in(ML_COUNSELLOR, "un autre mot de passe")).status_code == 401
    assert (await api.sign_in(ML_COUNSELLOR)).status_code == 200


async def test_an_unknown_link_and_a_short_password_are_refused_in_french(api: Api) -> None:
    unknown = await api.call("POST", "/invitations/accept", json={"token": "nope", "password": PASSWORD})
    assert unknown.status_code == 404
    assert "lien d'invitation inconnu" in unknown.json()["detail"][0]["reason"]
    coordinator = await api.coordinator()
    await api.register(coordinator, "mission-locale", "mission_locale")
    await api.invite(coordinator, "mission-locale", ML_ADMIN, "partner_admin")
    short = await api.accept(ML_ADMIN, "court")
    assert short.status_code == 422
    assert short.json()["detail"] == [
        {"field": "password", "reason": "mot de passe trop court : au moins 12 caractères"}
    ]


async def test_inviting_an_address_that_has_an_account_answers_like_any_other(
    api: Api, service: IdentityService
) -> None:
    coordinator = await api.coordinator()
    await api.register(coordinator, "mission-locale", "mission_locale")
    await api.register(coordinator, "france-travail", "employment_service")
    ft_admin = await api.onboard(coordinator, "france-travail", FT_ADMIN, "partner_admin")
    head = service.store.head()
    known = await api.invite(ft_admin, "france-travail", COORDINATOR_EMAIL, "counsellor")
    new = await api.invite(ft_admin, "france-travail", "nouveau@france-travail.example", "counsellor")
    assert (known.status_code, known.json()) == (new.status_code, new.json())
    # The known address got a notice, no link; its account is unchanged; only the new one was invited.
    assert "déjà un compte" in api.inbox.to(COORDINATOR_EMAIL)[-1]["Subject"]
    assert [e.event_type for e in service.store.read_all(after=head)] == ["AccountInvited"]


async def test_a_refused_invitation_sends_no_mail_and_names_the_field(api: Api) -> None:
    coordinator = await api.coordinator()
    await api.register(coordinator, "mission-locale", "mission_locale")
    bad = await api.invite(coordinator, "mission-locale", "pas-une-adresse", "partner_admin")
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["field"] == "email"
    unknown_role = await api.call(
        "POST",
        "/organisations/mission-locale/invitations",
        coordinator,
        json={"email": "a@b.fr", "roles": ["chef"]},
    )
    assert unknown_role.status_code == 422
    assert "valeur non reconnue" in unknown_role.json()["detail"][0]["reason"]
    unknown_org = await api.invite(coordinator, "nulle-part", "a@b.fr", "partner_admin")
    assert unknown_org.status_code == 404
    assert api.inbox.to("a@b.fr") == []


async def test_a_mail_server_that_does_not_answer_is_a_503_and_inviting_again_sends_a_link(
    sqlite_store: EventStore, inbox: Inbox, clock: MovableClock
) -> None:
    nowhere = Inbox()
    nowhere.port = free_port()  # nothing listens there
    down = Api(service_on(sqlite_store, nowhere, clock), nowhere, clock)
    await down.register(OPS, "mission-locale", "mission_locale")
    failed = await down.invite(OPS, "mission-locale", ML_ADMIN, "partner_admin")
    assert failed.status_code == 503
    assert "réessayez" in failed.json()["detail"][0]["reason"]
    up = Api(service_on(sqlite_store, inbox, clock), inbox, clock)
    assert (await up.invite(OPS, "mission-locale", ML_ADMIN, "partner_admin")).status_code == 202
    assert (await up.accept(ML_ADMIN)).status_code == 200
    assert [e.event_type for e in sqlite_store.read_all()].count("AccountInvited") == 1


async def test_a_viewer_sending_an_incomplete_body_to_a_coordination_action_is_refused_for_their_role(
    api: Api, service: IdentityService
) -> None:
    coordinator = await api.coordinator()
    viewer = await api.onboard(coordinator, ORG, "lecture@departement-nord.example", "viewer")
    head = service.store.head()

    organisation = await api.call("POST", "/organisations", viewer, json={})
    invitation = await api.call("POST", f"/organisations/{ORG}/invitations", viewer, json={"roles": []})

    assert (organisation.status_code, organisation.json()["detail"]) == (
        403,
        [{"field": "Authorization", "reason": "seule la coordination enregistre les organisations"}],
    )
    assert invitation.status_code == 403
    assert invitation.json()["detail"][0]["reason"].startswith("votre rôle ne permet pas d'inviter")
    assert service.store.read_all(after=head) == []
