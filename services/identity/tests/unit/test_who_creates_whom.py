"""Who creates whom: given an organisation, when someone invites or changes roles, then events or refusal."""

from __future__ import annotations

import pytest

from jobdating.contracts.identity import (
    AccountActivated,
    AccountDisabled,
    AccountInvited,
    AccountRole,
    OrganisationKind,
    OrganisationRegistered,
    RoleGranted,
    RoleRevoked,
)
from jobdating.identity.domain import decide
from jobdating.identity.domain.commands import (
    ActivateAccount,
    DisableAccount,
    GrantRole,
    InviteAccount,
    RegisterOrganisation,
    RevokeRole,
)
from jobdating.identity.domain.errors import AlreadyExists, Conflict, Forbidden, Gone, Invalid, NotFound
from jobdating.identity.domain.evolve import evolve_account
from jobdating.identity.domain.permissions import Actor, requires_second_factor
from jobdating.identity.domain.state import AccountState, OrganisationState

COORDINATOR = Actor(account_id="acc-coord", org="departement-nord", roles=("coordinator",))
ML_ADMIN = Actor(account_id="acc-ml-admin", org="mission-locale", roles=("partner_admin",))
FT_ADMIN = Actor(account_id="acc-ft-admin", org="france-travail", roles=("partner_admin",))
COUNSELLOR = Actor(account_id="acc-ml-c", org="mission-locale", roles=("counsellor",))
RECRUITER = Actor(account_id="acc-rec", org="logistique-nord", roles=("recruiter",))


def org(organisation_id: str, kind: OrganisationKind) -> OrganisationState:
    return OrganisationState(
        organisation_id=organisation_id, registered=True, kind=kind, name=organisation_id
    )


DEPARTEMENT = org("departement-nord", "departement")
MISSION_LOCALE = org("mission-locale", "mission_locale")
FRANCE_TRAVAIL = org("france-travail", "employment_service")
COMPANY = org("logistique-nord", "company")
OTHER_COMPANY = org("btp-lille", "company")


def invite(actor: Actor, organisation: OrganisationState, *roles: AccountRole) -> list[object]:
    command = InviteAccount(account_id="acc-new", organisation_id=organisation.organisation_id, roles=roles)
    return list(decide.invite_account(command, AccountState(), organisation, actor))


def account(
    organisation: OrganisationState, *roles: AccountRole, active: bool = True, tfa: bool = True
) -> AccountState:
    return AccountState(
        account_id="acc-x",
        organisation_id=organisation.organisation_id,
        status="active" if active else "invited",
        roles=roles,
        second_factor=tfa,
    )


def test_only_the_coordination_registers_organisations() -> None:
    command = RegisterOrganisation(
        organisation_id="mission-locale", kind="mission_locale", name="Mission Locale"
    )
    assert decide.register_organisation(command, OrganisationState(), COORDINATOR) == [
        OrganisationRegistered(organisation_id="mission-locale", kind="mission_locale", name="Mission Locale")
    ]
    with pytest.raises(Forbidden):
        decide.register_organisation(command, OrganisationState(), ML_ADMIN)
    with pytest.raises(AlreadyExists):
        decide.register_organisation(command, MISSION_LOCALE, COORDINATOR)


def test_an_organisation_id_must_fit_a_subject_token() -> None:
    command = RegisterOrganisation(organisation_id="Mission Locale!", kind="mission_locale", name="ML")
    with pytest.raises(Invalid):
        decide.register_organisation(command, OrganisationState(), COORDINATOR)


def test_the_coordination_invites_a_partner_admin_and_a_company_first_recruiter() -> None:
    assert invite(COORDINATOR, MISSION_LOCALE, "partner_admin") == [
        AccountInvited(account_id="acc-new", organisation_id="mission-locale", roles=("partner_admin",))
    ]
    assert len(invite(COORDINATOR, COMPANY, "recruiter")) == 1


def test_the_coordination_leaves_a_partner_staff_to_the_partner() -> None:
    with pytest.raises(Forbidden, match="administrateur"):
        invite(COORDINATOR, MISSION_LOCALE, "counsellor")


def test_the_coordination_runs_its_own_organisation() -> None:
    assert len(invite(COORDINATOR, DEPARTEMENT, "coordinator")) == 1
    assert len(invite(COORDINATOR, DEPARTEMENT, "counsellor", "coach")) == 1
    with pytest.raises(Invalid):  # a recruiter works for a company
        invite(COORDINATOR, DEPARTEMENT, "recruiter")


def test_a_partner_admin_invites_its_own_staff_only() -> None:
    assert len(invite(ML_ADMIN, MISSION_LOCALE, "counsellor", "site_manager")) == 1
    with pytest.raises(Forbidden, match="propre organisation"):
        invite(FT_ADMIN, MISSION_LOCALE, "counsellor")
    with pytest.raises(Forbidden):
        invite(ML_ADMIN, MISSION_LOCALE, "coordinator")
    with pytest.raises(Forbidden):
        invite(ML_ADMIN, COMPANY, "recruiter")


def test_a_recruiter_invites_colleagues_of_its_own_company() -> None:
    assert len(invite(RECRUITER, COMPANY, "recruiter")) == 1
    with pytest.raises(Forbidden, match="propre entreprise"):
        invite(RECRUITER, OTHER_COMPANY, "recruiter")
    with pytest.raises(Forbidden):
        invite(RECRUITER, COMPANY, "viewer")


def test_anyone_else_invites_nobody() -> None:
    with pytest.raises(Forbidden, match="votre rôle"):
        invite(COUNSELLOR, MISSION_LOCALE, "counsellor")


def test_an_invitation_names_a_registered_organisation_and_at_least_one_role() -> None:
    with pytest.raises(NotFound):
        invite(COORDINATOR, OrganisationState(), "partner_admin")
    with pytest.raises(Invalid):
        invite(COORDINATOR, MISSION_LOCALE)
    with pytest.raises(Invalid):
        invite(COORDINATOR, MISSION_LOCALE, "partner_admin", "partner_admin")


def test_roles_seeing_other_organisations_people_need_a_second_factor() -> None:
    assert requires_second_factor(("coordinator",))
    assert requires_second_factor(("counsellor", "partner_admin"))
    assert not requires_second_factor(("counsellor", "coach", "site_manager", "recruiter", "viewer"))
    invited = account(MISSION_LOCALE, "partner_admin", active=False)
    with pytest.raises(Invalid):
        decide.activate_account(ActivateAccount(account_id="acc-x", second_factor=False), invited)
    assert decide.activate_account(ActivateAccount(account_id="acc-x", second_factor=True), invited) == [
        AccountActivated(account_id="acc-x", second_factor=True)
    ]


def test_an_account_activates_once() -> None:
    active = account(MISSION_LOCALE, "counsellor")
    with pytest.raises(Gone):
        decide.activate_account(ActivateAccount(account_id="acc-x", second_factor=False), active)


def test_roles_are_granted_and_revoked_by_whoever_could_have_invited_with_them() -> None:
    staff = account(MISSION_LOCALE, "counsellor", tfa=False)
    assert decide.grant_role(
        GrantRole(account_id="acc-x", role="coach"), staff, MISSION_LOCALE, ML_ADMIN
    ) == [RoleGranted(account_id="acc-x", role="coach")]
    with pytest.raises(Forbidden):
        decide.grant_role(GrantRole(account_id="acc-x", role="coach"), staff, MISSION_LOCALE, FT_ADMIN)
    with pytest.raises(Conflict):  # already held
        decide.grant_role(GrantRole(account_id="acc-x", role="counsellor"), staff, MISSION_LOCALE, ML_ADMIN)
    two = account(MISSION_LOCALE, "counsellor", "coach")
    assert decide.revoke_role(
        RevokeRole(account_id="acc-x", role="coach"), two, MISSION_LOCALE, ML_ADMIN
    ) == [RoleRevoked(account_id="acc-x", role="coach")]
    with pytest.raises(Conflict, match="dernier rôle"):
        decide.revoke_role(RevokeRole(account_id="acc-x", role="counsellor"), staff, MISSION_LOCALE, ML_ADMIN)


def test_a_role_needing_a_second_factor_is_not_granted_to_an_account_without_one() -> None:
    staff = account(MISSION_LOCALE, "counsellor", tfa=False)
    with pytest.raises(Conflict, match="second facteur"):
        decide.grant_role(
            GrantRole(account_id="acc-x", role="partner_admin"), staff, MISSION_LOCALE, COORDINATOR
        )


def test_the_coordination_or_the_account_own_partner_admin_disables_it() -> None:
    staff = account(MISSION_LOCALE, "counsellor")
    assert decide.disable_account(DisableAccount(account_id="acc-x"), staff, ML_ADMIN) == [
        AccountDisabled(account_id="acc-x")
    ]
    assert len(decide.disable_account(DisableAccount(account_id="acc-x"), staff, COORDINATOR)) == 1
    with pytest.raises(Forbidden):
        decide.disable_account(DisableAccount(account_id="acc-x"), staff, FT_ADMIN)
    with pytest.raises(Forbidden):
        decide.disable_account(DisableAccount(account_id="acc-x"), staff, COUNSELLOR)
    disabled = evolve_account(staff, AccountDisabled(account_id="acc-x"))
    with pytest.raises(Conflict):
        decide.disable_account(DisableAccount(account_id="acc-x"), disabled, COORDINATOR)
    with pytest.raises(Conflict):
        decide.grant_role(GrantRole(account_id="acc-x", role="coach"), disabled, MISSION_LOCALE, ML_ADMIN)


def test_an_account_folds_from_its_events() -> None:
    state = AccountState()
    for event in (
        AccountInvited(account_id="acc-x", organisation_id="mission-locale", roles=("counsellor",)),
        AccountActivated(account_id="acc-x", second_factor=False),
        RoleGranted(account_id="acc-x", role="coach"),
        RoleRevoked(account_id="acc-x", role="counsellor"),
    ):
        state = evolve_account(state, event)
    assert state == AccountState(
        account_id="acc-x",
        organisation_id="mission-locale",
        status="active",
        roles=("coach",),
        second_factor=False,
    )
