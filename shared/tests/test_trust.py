"""The trust rules (`jobdating.contracts.trust`) and how a consumer keeps them in its store
(`jobdating.bus.trust`, `apply_once`, `redrive`)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from jobdating.bus.consumer import apply_once, redrive
from jobdating.contracts.catalog import REGISTRY
from jobdating.contracts.envelope import Envelope, RecordedEvent, encode_envelope, service_of
from jobdating.contracts.identity import AccountInvited
from jobdating.contracts.registration import CandidateWithdrew
from jobdating.contracts.scheduling import SlotCancelled
from jobdating.contracts.sites import ComputerAdded, SiteClosed, SiteReopened
from jobdating.contracts.subjects import event_subject
from jobdating.contracts.trust import Forged, speaker_refusal, subject_refusal
from jobdating.eventstore.base import ParkedEvent, Transaction
from jobdating.eventstore.sqlite import SqliteEventStore
from jobdating.runtime.clock import SystemClock
from jobdating.testing.equipment import EQUIPPED
from jobdating.testing.events import envelope, site_opened

NORD = "departement-nord"
ML = "mission-locale"
AT = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def _subject(env: Envelope) -> str:
    return event_subject(env.org, service_of(env), env.stream_type, env.event_type, env.stream_id)


def _cancelled() -> SlotCancelled:
    return SlotCancelled(
        job_dating_id="jd-1",
        slot_id="s-1",
        candidate_id="c-1",
        company_id="co-1",
        reason="candidate_withdrew",
    )


def _withdrew(candidate: str, org: str, version: int = 2) -> Envelope:
    return envelope(
        CandidateWithdrew(candidate_id=candidate, reason="x"), candidate, version, org, "registration"
    )


def test_an_event_under_the_subject_its_envelope_implies_is_believed() -> None:
    env = _withdrew("c-1", ML)
    assert subject_refusal(_subject(env), env) is None


@pytest.mark.parametrize(
    ("org", "subject", "refusal"),
    [
        pytest.param(
            NORD,
            f"jobdating.{ML}.registration.candidate.CandidateWithdrew.c-1",
            f"envelope org {NORD} published under org {ML}",
            id="an envelope claiming another org than its subject",
        ),
        pytest.param(
            ML,
            f"jobdating.{ML}.registration.candidate.CandidateWithdrew.c-2",
            "subject candidate.CandidateWithdrew.c-2 but envelope says candidate.CandidateWithdrew.c-1",
            id="an envelope about another stream than its subject",
        ),
        pytest.param(
            ML,
            f"jobdating.{ML}.sites.candidate.CandidateWithdrew.c-1",
            f"source /jobdating/{ML}/registration published under {ML}/sites",
            id="a source of another service than the subject",
        ),
    ],
)
def test_an_envelope_that_disagrees_with_its_subject_is_forged(org: str, subject: str, refusal: str) -> None:
    assert subject_refusal(subject, _withdrew("c-1", org)) == refusal


def test_a_registration_user_cannot_speak_for_scheduling_by_naming_its_event_type() -> None:
    env = envelope(_cancelled(), "s-1", 2, ML, "registration")
    refusal = subject_refusal(_subject(env), env)
    assert refusal == "SlotCancelled is published by scheduling on slot streams, not by registration"


def test_an_org_may_not_speak_about_a_stream_another_org_owns() -> None:
    env = _withdrew("c-1", ML)
    refusal = speaker_refusal(env, "registration", NORD, coordinator=NORD)
    assert refusal == f"org {ML} may not speak about candidate stream c-1 owned by {NORD}"


def test_any_org_opens_a_partner_service_stream_and_its_owner_goes_on() -> None:
    env = _withdrew("c-1", ML)
    assert speaker_refusal(env, "registration", None, coordinator=NORD) is None
    assert speaker_refusal(env, "registration", ML, coordinator=NORD) is None


def test_only_the_coordinating_org_opens_a_scheduling_stream() -> None:
    env = envelope(_cancelled(), "s-1", 1, ML, "scheduling")
    refusal = speaker_refusal(env, "scheduling", None, coordinator=NORD)
    assert refusal == f"org {ML} may not open slot stream s-1: scheduling streams are opened by {NORD}"
    mine = envelope(_cancelled(), "s-1", 1, NORD, "scheduling")
    assert speaker_refusal(mine, "scheduling", None, coordinator=NORD) is None


def test_a_computer_is_added_to_a_site_by_the_site_s_organisation() -> None:
    added = ComputerAdded(computer_id="pc-1", site_id="site-1", label="Poste 1", lending_org=ML, **EQUIPPED)
    env = envelope(added, "pc-1", 1, ML, "sites")
    refusal = speaker_refusal(env, "sites", None, coordinator=NORD, parent=("site", "site-1", NORD))
    assert refusal == f"org {ML} may not attach computer stream pc-1 to site site-1 owned by {NORD}"
    assert speaker_refusal(env, "sites", None, coordinator=NORD, parent=("site", "site-1", ML)) is None


def test_only_the_coordinating_org_speaks_about_accounts_and_under_its_own_organisations() -> None:
    invited = AccountInvited(account_id="acc-1", organisation_id=ML, roles=("partner_admin",))
    env = envelope(invited, "acc-1", 1, ML, "identity")
    refusal = speaker_refusal(env, "identity", None, coordinator=NORD)
    assert refusal == f"org {ML} may not open account stream acc-1: identity streams are opened by {NORD}"
    mine = envelope(invited, "acc-1", 1, NORD, "identity")
    assert (
        speaker_refusal(mine, "identity", None, coordinator=NORD, parent=("organisation", ML, NORD)) is None
    )
    assert subject_refusal(_subject(mine), mine) is None


# ---- in the consumer's store ------------------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> SqliteEventStore:
    s = SqliteEventStore(tmp_path / "consumer.db")
    s.migrate()
    return s


def _recorded(env: Envelope) -> RecordedEvent:
    return REGISTRY.decode(env)


def _park(store: SqliteEventStore, forged: Envelope, error: str, deliveries: int) -> None:
    with store.transaction() as tx:
        tx.park(
            ParkedEvent(
                consumer="c",
                event_id=forged.event_id,
                subject=_subject(forged),
                body=encode_envelope(forged),
                error=error,
                deliveries=deliveries,
                parked_at=AT,
            )
        )


def _handled(store: SqliteEventStore, applied: list[str], env: Envelope, consumer: str = "c") -> None:
    def handler(_tx: Transaction, event: RecordedEvent) -> None:
        applied.append(event.envelope.event_id)

    with store.transaction() as tx:
        apply_once(
            tx, consumer, handler, _recorded(env), SystemClock(), subject=_subject(env), coordinator=NORD
        )


def test_the_first_event_a_consumer_accepts_makes_its_org_the_stream_s_owner(store: SqliteEventStore) -> None:
    applied: list[str] = []
    opened = envelope(site_opened("site-1"), "site-1", 1, NORD, "sites")
    _handled(store, applied, opened)
    forged = envelope(SiteClosed(site_id="site-1", reason="x"), "site-1", 2, ML, "sites")
    with pytest.raises(
        Forged, match=f"forged: org {ML} may not speak about site stream site-1 owned by {NORD}"
    ):
        _handled(store, applied, forged)
    # Another consumer keeps its own owners: it has not heard of the site yet.
    _handled(store, applied, forged, consumer="other")
    closed = envelope(SiteClosed(site_id="site-1", reason="x"), "site-1", 2, NORD, "sites")
    _handled(store, applied, closed)
    assert applied == [opened.event_id, forged.event_id, closed.event_id]
    assert not store.query("SELECT 1 FROM inbox WHERE consumer = 'c' AND event_id = ?", (forged.event_id,))


def test_a_site_is_reopened_by_its_owner_only(store: SqliteEventStore) -> None:
    applied: list[str] = []
    opened = envelope(site_opened("site-2"), "site-2", 1, NORD, "sites")
    closed = envelope(SiteClosed(site_id="site-2", reason="x"), "site-2", 2, NORD, "sites")
    for event in (opened, closed):
        _handled(store, applied, event)
    forged = envelope(SiteReopened(site_id="site-2"), "site-2", 3, ML, "sites")
    with pytest.raises(Forged):
        _handled(store, applied, forged)
    reopened = envelope(SiteReopened(site_id="site-2"), "site-2", 3, NORD, "sites")
    _handled(store, applied, reopened)
    assert applied == [opened.event_id, closed.event_id, reopened.event_id]


def test_a_forged_event_leaves_no_owner_behind(store: SqliteEventStore) -> None:
    forged = envelope(_cancelled(), "s-1", 1, ML, "scheduling")
    with pytest.raises(Forged):
        _handled(store, [], forged)
    assert store.query("SELECT * FROM stream_owners") == []


def test_an_event_parked_as_forged_is_never_re_driven(store: SqliteEventStore) -> None:
    applied: list[str] = []
    _handled(store, applied, envelope(site_opened("site-1"), "site-1", 1, NORD, "sites"))
    forged = envelope(SiteClosed(site_id="site-1", reason="x"), "site-1", 2, ML, "sites")
    reason = f"forged: org {ML} may not speak about site stream site-1 owned by {NORD}"
    _park(store, forged, reason, deliveries=1)
    done, failing = redrive(store, "c", lambda _tx, e: applied.append(e.envelope.event_id))
    assert (done, failing) == (0, [f"{forged.event_id}: {reason} (never re-driven)"])
    assert [p.event_id for p in store.parked("c")] == [forged.event_id]


def test_redrive_checks_the_trust_rules_again(store: SqliteEventStore) -> None:
    _handled(store, [], envelope(site_opened("site-1"), "site-1", 1, NORD, "sites"))
    # Parked for another reason (say a bug since fixed), but forged all the same.
    forged = envelope(SiteClosed(site_id="site-1", reason="x"), "site-1", 2, ML, "sites")
    _park(store, forged, "KeyError: 'x'", deliveries=5)
    done, failing = redrive(store, "c", lambda _tx, _e: None)
    assert done == 0
    assert failing == [
        f"{forged.event_id}: Forged: forged: org {ML} may not speak about site stream site-1 owned by {NORD}"
    ]
