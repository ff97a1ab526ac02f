"""The table of `jobdating audit --who`, built from envelopes: actor kinds, each account's organisation
from identity's events, French words, local times, the filters, names only where identity gave them."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from rich.console import Console

from jobdating.contracts.catalog import REGISTRY
from jobdating.contracts.envelope import Envelope
from jobdating.contracts.identity import AccountInvited
from jobdating.contracts.scheduling import InterviewChangedByHand, OverriddenRule
from jobdating.ops.audit.event_words import EVENT_WORDS
from jobdating.ops.audit.who import (
    ActorKind,
    Filters,
    Named,
    WhoError,
    accounts_of,
    actions,
    actor_kind,
    named,
    parse_moment,
)
from jobdating.ops.audit.who_names import ask_names
from jobdating.ops.audit.who_run import who_table
from jobdating.testing.events import envelope, site_opened
from jobdating.testing.samples import sample_of

ALICE = "acc-11111111-1111-4111-8111-111111111111"
BOB = "acc-22222222-2222-4222-8222-222222222222"
T0 = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)  # 09:00 in Paris


def invited(account_id: str, organisation_id: str, at: datetime = T0) -> Envelope:
    event = AccountInvited(account_id=account_id, organisation_id=organisation_id, roles=("counsellor",))
    return envelope(event, account_id, 1, org="departement-nord", service="identity", at=at, actor_id="ops")


def opened(site_id: str, actor_id: str, at: datetime, org: str = "mel") -> Envelope:
    return envelope(site_opened(site_id), site_id, 1, org=org, at=at, actor_id=actor_id)


def history() -> list[Envelope]:
    return [
        invited(ALICE, "mission-locale"),
        invited(BOB, "france-travail"),
        opened("site-a", ALICE, T0 + timedelta(hours=1)),
        opened("site-b", BOB, T0 + timedelta(days=1)),
        opened("site-c", "system:retention", T0 + timedelta(days=2), org="departement-nord"),
        opened("site-d", "mel-import", T0 + timedelta(days=3)),
    ]


def test_actors_are_people_jobs_or_machine_tokens() -> None:
    assert actor_kind(ALICE) is ActorKind.PERSON
    assert actor_kind("system:retention") is ActorKind.SYSTEM
    assert actor_kind("notifications") is ActorKind.SYSTEM
    assert actor_kind("mel-import") is ActorKind.MACHINE
    assert actor_kind("ops") is ActorKind.MACHINE


def test_rows_say_who_when_what_and_about_what_in_french() -> None:
    rows = actions(history(), Filters())
    assert [r.who for r in rows] == [
        "jeton machine (ops)",
        "jeton machine (ops)",
        ALICE,  # no name without identity's answer: the id, never a guess
        BOB,
        "tâche automatique (system:retention)",
        "jeton machine (mel-import)",
    ]
    alice = rows[2]
    assert alice.organisation == "mission-locale"  # from identity's AccountInvited, not the envelope's org
    assert alice.what == "site ouvert"
    assert alice.subject == "site site-a"
    assert (alice.at.hour, alice.at.utcoffset()) == (10, timedelta(hours=1))  # Europe/Paris
    assert rows[0].what == "compte invité"
    assert rows[0].subject == f"compte {ALICE}"
    assert rows[4].organisation == "departement-nord"  # a job: the instance that recorded it
    assert accounts_of(rows) == [ALICE, BOB]


def test_an_account_identity_never_announced_has_no_organisation() -> None:
    rows = actions([opened("site-a", ALICE, T0)], Filters())
    assert rows[0].organisation is None
    assert rows[0].who == ALICE


def test_time_and_actor_filters() -> None:
    day = parse_moment("2026-11-27", end=False)
    assert day == datetime(2026, 11, 27, tzinfo=day.tzinfo)
    assert str(day.tzinfo) == "Europe/Paris"
    since = actions(history(), Filters(since=day))
    assert [r.actor_id for r in since] == [BOB, "system:retention", "mel-import"]
    until = actions(history(), Filters(until=parse_moment("2026-11-27", end=True)))
    assert [r.actor_id for r in until] == ["ops", "ops", ALICE, BOB]  # a date alone: its whole day
    exact = actions(history(), Filters(since=parse_moment("2026-11-26T10:00", end=False)))
    assert exact[0].actor_id == ALICE  # 10:00 Paris is when Alice acted: included
    assert [r.actor_id for r in actions(history(), Filters(actor=BOB))] == [BOB]
    with pytest.raises(WhoError, match="date invalide"):
        parse_moment("26/11/2026", end=False)


def test_names_and_the_organisation_filter() -> None:
    rows = actions(history(), Filters())
    names = {ALICE: Named(name="Alice Martin", organisation_id="mission-locale"), BOB: Named(None, "ft")}
    shown = named(rows, names)
    assert [r.who for r in shown][2:4] == ["Alice Martin", BOB]  # Bob was invited without a name
    assert shown[3].organisation == "ft"  # identity's word wins over the stream's
    assert [r.who for r in named(rows, names, org="mission-locale")] == ["Alice Martin"]
    assert [r.actor_id for r in named(rows, {}, org="mel")] == ["mel-import"]


def test_without_a_token_or_an_address_identity_is_not_asked() -> None:
    assert ask_names("http://127.0.0.1:9", None, [ALICE]).notes[0].startswith("pas de jeton d'accès")
    assert "adresse du service d'identité" in ask_names(None, "t", [ALICE]).notes[0]
    assert ask_names(None, None, []).notes == []
    unreachable = ask_names("http://127.0.0.1:9", "t", [ALICE])
    assert unreachable.names == {}
    assert "injoignable" in unreachable.notes[0]


def test_every_event_type_has_french_words() -> None:
    assert {cls.event_type for cls in REGISTRY} <= set(EVENT_WORDS)


def test_a_forced_change_by_hand_shows_who_the_reason_and_the_rules_overridden() -> None:
    changed = sample_of(
        InterviewChangedByHand,
        slot_id="slot-7",
        reason="le recruteur part à 11 h",
        overridden=(
            OverriddenRule(rule="recruiters_exceeded", says="Le recruteur a déjà un entretien à 09:20"),
        ),
    )
    by_hand = envelope(changed, "jd-1", 3, org="departement-nord", service="scheduling", actor_id=ALICE)
    [row] = named(actions([by_hand], Filters()), {ALICE: Named("Alice Martin", "departement-nord")})
    assert (row.who, row.what) == ("Alice Martin", "entretien changé à la main par la coordination")
    assert row.detail == (
        "entretien slot-7 déplacé ; raison : le recruteur part à 11 h ; "
        "forcé malgré : Le recruteur a déjà un entretien à 09:20"
    )
    printed = io.StringIO()
    Console(file=printed, width=300).print(who_table([row]))
    assert "forcé malgré : Le recruteur a déjà un entretien à 09:20" in printed.getvalue()
