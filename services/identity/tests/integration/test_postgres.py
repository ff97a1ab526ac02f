"""The same service on PostgreSQL: the invitation chain, the links, sign-in throttling, rotation and
revocations, names, and the OpenID Connect sign-in (a real provider process) run again with this module's
`service` and `stack` on a fresh PostgreSQL database. The HTTP layer is the same for both stores: only the
tests that reach a different query of the store are collected again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from jobdating.eventstore.base import EventStore
from jobdating.identity.adapters import projections
from jobdating.identity.bootstrap import IdentityService

from . import test_invitations as invitations
from . import test_names as names
from . import test_oidc as oidc
from . import test_roles as roles
from . import test_sign_in as sign_in
from . import test_tokens as tokens
from .conftest import Api, Inbox, MovableClock, service_on
from .test_oidc import Stack, stack_on

pytestmark = pytest.mark.postgres

# Collected again here, where `service` is this module's (PostgreSQL).
test_invitation_chain_on_postgres = (
    invitations.test_the_invitation_chain_runs_across_two_organisations_and_a_company
)
test_expired_link_on_postgres = invitations.test_an_expired_link_is_gone_and_changes_nothing
test_used_link_on_postgres = invitations.test_a_used_link_is_gone_and_keeps_the_first_password
test_account_throttle_on_postgres = sign_in.test_wrong_passwords_slow_an_account_down_from_any_address
test_address_throttle_on_postgres = (
    sign_in.test_wrong_passwords_slow_a_client_address_down_whatever_the_account
)
test_same_answer_on_postgres = sign_in.test_an_unknown_address_gets_the_same_answer_and_the_same_work
test_second_factor_on_postgres = sign_in.test_the_coordination_signs_in_with_a_second_factor
test_rotation_on_postgres = tokens.test_rotation_keeps_earlier_tokens_valid_until_they_expire
test_revocations_on_postgres = (
    tokens.test_a_disabled_account_is_listed_in_the_revocations_and_its_token_refused
)
test_disabled_sign_in_on_postgres = sign_in.test_a_disabled_account_signs_in_no_more
test_names_on_postgres = names.test_the_coordination_reads_every_name_a_partner_admin_its_own
# OpenID Connect end to end (one test: each starts a provider process): the provider's subject linked to the
# invited account at the first sign-in, found again by it when the address changed, refused to another.
test_oidc_subject_on_postgres = oidc.test_a_later_address_change_at_the_provider_still_finds_the_same_account


@pytest.fixture
def service(pg_store: EventStore, inbox: Inbox, clock: MovableClock) -> IdentityService:
    return service_on(pg_store, inbox, clock)


@pytest.fixture
def stack(pg_store: EventStore, inbox: Inbox, clock: MovableClock, tmp_path: Path) -> Iterator[Stack]:
    yield from stack_on(pg_store, inbox, clock, tmp_path)


async def test_on_postgres_a_rebuild_equals_the_live_read_model(api: Api, service: IdentityService) -> None:
    coordinator = await api.coordinator()
    await api.register(coordinator, "mission-locale", "mission_locale")
    await api.onboard(coordinator, "mission-locale", "admin@mission-locale.example", "partner_admin")
    live = projections.snapshot(service.store)
    assert projections.rebuild(service.store) == service.store.count()
    assert projections.snapshot(service.store) == live


test_roles_on_postgres = roles.test_a_partner_admin_grants_and_revokes_its_own_staff_roles
test_racing_invitations_on_postgres = roles.test_two_invitations_of_one_new_address_at_once_make_one_account
test_impossible_ids_on_postgres = roles.test_ids_and_addresses_no_one_could_have_are_refused_with_4xx
