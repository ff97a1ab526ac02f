"""The same person registered at two partners' own instances is flagged to both coordinators, over a real
nats-server, without either seeing the other's data; erasing them removes their index and the suspicions."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from nats.js import JetStreamContext

from jobdating.bus.consumer import ConsumerRunner
from jobdating.bus.provision import provision
from jobdating.bus.relay import Relay
from jobdating.bus.topology import registration_sites
from jobdating.contracts.catalog import REGISTRY
from jobdating.contracts.duplicates import BlindIndexRemoved
from jobdating.contracts.envelope import decode_envelope, encode_envelope
from jobdating.contracts.subjects import STREAM_NAME, event_subject
from jobdating.eventstore.base import EventStore
from jobdating.eventstore.sqlite import SqliteEventStore
from jobdating.registration.adapters import blind_index_tables, fed_tables
from jobdating.registration.application.duplicates import DuplicateFinder, index_stream
from jobdating.registration.application.handlers import RegistrationHandlers
from jobdating.registration.application.policies import policy_for
from jobdating.registration.application.service import RegistrationService
from jobdating.registration.bootstrap import build_app, build_service
from jobdating.registration.domain.commands import EraseCandidate, RegisterCandidate, UpdateCandidate
from jobdating.registration.domain.duplicates import ResolveDuplicate, index_entries
from jobdating.registration.domain.errors import Rejected
from jobdating.registration.testing import CALLERS, bearer, candidate, open_site, tokens, unique_phone
from jobdating.runtime.ids import new_id
from jobdating.testing.consumers import run_until
from jobdating.testing.events import envelope

MEL, ML = "mel", "mission-locale"
KEY = b"the federation key of this test"


class Partner:
    """One organisation's own registration instance: its store, finder, relay, consumer and API."""

    def __init__(self, tmp_path: Path, org: str, js: JetStreamContext, key: bytes | None = KEY) -> None:
        store = SqliteEventStore(tmp_path / f"registration-{org}.db")
        store.migrate()
        self.org = org
        self.service: RegistrationService = build_service(org=org, store=store)
        self.finder = DuplicateFinder(self.service, key, blind_index_tables)
        self.relay = Relay(store, js)
        self.runner = ConsumerRunner(
            store, js, registration_sites(org).durable, policy_for(org, fed_tables), coordinator=MEL
        )
        self.app = build_app(self.service, tokens(), duplicates=self.finder)
        self.site = open_site(self.service)

    def register(self, caller: str, cmd: RegisterCandidate) -> str:
        return RegistrationHandlers(self.service).register_candidate(CALLERS[caller], cmd)

    def partner_entries(self) -> list[tuple[str, str, int]]:
        """(org, candidate id, removed) of the other organisations' entries this instance holds."""
        return [
            (r[0], r[1], r[2])
            for r in self.service.store.query(
                "SELECT org, candidate_id, removed FROM partner_blind_index ORDER BY org, candidate_id"
            )
        ]

    def digests(self) -> set[str]:
        rows = self.service.store.query(
            "SELECT phone, email FROM partner_blind_index UNION ALL SELECT phone, email FROM own_blind_index"
        )
        return {value for row in rows for value in row if value is not None}

    @asynccontextmanager
    async def client(self) -> AsyncIterator[httpx.AsyncClient]:
        transport = httpx.ASGITransport(app=self.app)
        async with httpx.AsyncClient(transport=transport, base_url=f"http://{self.org}") as c:
            yield c


@pytest.fixture
async def partners(tmp_path: Path, js: JetStreamContext) -> tuple[Partner, Partner]:
    """The instances of two organisations on one server, each with its durable consumer."""
    await provision(js, consumers=[registration_sites(MEL), registration_sites(ML)])
    return Partner(tmp_path, MEL, js), Partner(tmp_path, ML, js)


async def _exchange(partners: list[Partner], done: Callable[[], bool]) -> None:
    """Each instance sweeps and publishes; then every consumer runs until `done()` holds."""
    for partner in partners:
        partner.finder.sweep()
        await partner.relay.publish_pending()
    await run_until([p.runner for p in partners], done)
    for partner in partners:
        partner.finder.sweep()
        await partner.relay.publish_pending()


async def _stream_bytes(js: JetStreamContext) -> bytes:
    info = await js.stream_info(STREAM_NAME)
    found = []
    for seq in range(info.state.first_seq, info.state.last_seq + 1):
        msg = await js.get_msg(STREAM_NAME, seq)
        found.append((msg.subject or "").encode() + b" " + (msg.data or b""))
    return b"\n".join(found)


@pytest.mark.nats
async def test_the_same_person_at_two_partners_is_flagged_to_each_coordinator_without_the_others_data(
    partners: tuple[Partner, Partner], js: JetStreamContext
) -> None:
    mel, ml = partners
    phone = unique_phone()
    at_mel = candidate(mel.site, phone=phone, first_name="Yasmina", last_name="Okonkwo")
    at_ml = candidate(
        ml.site,
        referring_org=ML,
        phone=phone.replace(" ", ""),
        first_name="Yasmine",
        last_name="Okonkwo-Diallo",
        email=f"y.okonkwo.{at_mel.candidate_id[-6:]}@courriel.fr",
    )
    mel.register("mel-counsellor", at_mel)
    ml.register("ml-counsellor", at_ml)
    # Someone else at the mission locale, sharing nothing with them: never suspected.
    ml.register("ml-counsellor", candidate(ml.site, referring_org=ML))

    await _exchange([mel, ml], lambda: len(mel.partner_entries()) == 2 and len(ml.partner_entries()) == 1)

    ml_secrets = [at_ml.email, at_ml.first_name, at_ml.last_name, "Yasmine"]
    mel_secrets = [at_mel.email, at_mel.last_name + '"', "Yasmina"]
    digits = phone.replace(" ", "")
    for partner, own, other, other_secrets in (
        (mel, at_mel, at_ml, ml_secrets),
        (ml, at_ml, at_mel, mel_secrets),
    ):
        async with partner.client() as client:
            coordinator = "mel-coordinator" if partner is mel else "ml-coordinator"
            listed = await client.get("/duplicates", headers=bearer(coordinator))
            assert listed.status_code == 200, listed.text
            (item,) = listed.json()["items"]
            assert (item["candidate_id"], item["other_candidate_id"]) == (
                own.candidate_id,
                other.candidate_id,
            )
            assert item["other_org"] == (ML if partner is mel else MEL)
            assert item["matched"] == ["phone"]
            assert item["status"] == "open"
            for secret in [*other_secrets, digits, digits[1:], phone]:
                assert str(secret) not in listed.text, secret
            # A counsellor (even the candidate's own) does not see suspicions: they are the coordination's.
            counsellor = "mel-counsellor" if partner is mel else "ml-counsellor"
            assert (await client.get("/duplicates", headers=bearer(counsellor))).status_code == 403

    # Nothing personal on the bus: the stream carries digests, never a phone, an e-mail or a name in clear.
    on_the_bus = await _stream_bytes(js)
    for secret in [*mel_secrets, *ml_secrets, digits, digits[1:], "+33" + digits[1:]]:
        assert str(secret).encode() not in on_the_bus, secret
    assert b"BlindIndexPublished" in on_the_bus
    assert b"DuplicateSuspected" in on_the_bus

    # Each coordinator resolves their own organisation's suspicion, not the other's.
    async with mel.client() as client:
        (item,) = (await client.get("/duplicates", headers=bearer("mel-coordinator"))).json()["items"]
        refused = await client.post(
            f"/duplicates/{item['duplicate_id']}/resolution",
            json={"verdict": "same_person", "reason": "même date de naissance"},
            headers=bearer("ml-coordinator"),
        )
        assert refused.status_code == 403, refused.text
        done = await client.post(
            f"/duplicates/{item['duplicate_id']}/resolution",
            json={"verdict": "same_person", "reason": "même date de naissance"},
            headers=bearer("mel-coordinator"),
        )
        assert done.status_code == 201, done.text
        again = await client.post(
            f"/duplicates/{item['duplicate_id']}/resolution",
            json={"verdict": "different_people", "reason": "finalement non"},
            headers=bearer("mel-coordinator"),
        )
        assert again.status_code == 409, again.text
        (item,) = (await client.get("/duplicates", headers=bearer("mel-coordinator"))).json()["items"]
        assert (item["status"], item["reason"]) == ("same_person", "même date de naissance")

    # Erasure at the mission locale removes the person's entries everywhere and the suspicions about them.
    erased = index_entries(KEY, at_ml.phone, at_ml.email)
    assert erased.email in mel.digests()
    RegistrationHandlers(ml.service).erase_candidate(
        CALLERS["ml-coordinator"], EraseCandidate(candidate_id=at_ml.candidate_id)
    )
    await _exchange([mel, ml], lambda: (ML, at_ml.candidate_id, 1) in mel.partner_entries())
    for partner, caller in ((mel, "mel-coordinator"), (ml, "ml-coordinator")):
        async with partner.client() as client:
            assert (await client.get("/duplicates", headers=bearer(caller))).json()["items"] == []
    held = "SELECT phone, email, removed FROM {} WHERE candidate_id = ?"
    assert mel.service.store.query(held.format("partner_blind_index"), (at_ml.candidate_id,)) == [
        (None, None, 1)
    ]
    assert ml.service.store.query(held.format("own_blind_index"), (at_ml.candidate_id,)) == [(None, None, 1)]
    assert erased.email not in mel.digests() | ml.digests()
    # Their phone's entry stays only as the entry of the person mel follows, who was not erased.
    assert mel.service.store.query(
        "SELECT candidate_id FROM own_blind_index WHERE phone = ?", (erased.phone,)
    ) == [(at_mel.candidate_id,)]
    logged = [decode_envelope(r.body).event_type for r in mel.service.store.iter_all()]
    assert logged.count("DuplicateDismissed") == 1
    assert mel.service.store.parked(registration_sites(MEL).durable) == []
    assert ml.service.store.parked(registration_sites(ML).durable) == []


def test_an_instance_without_a_federation_key_publishes_no_index(tmp_path: Path) -> None:
    store = SqliteEventStore(tmp_path / "registration.db")
    store.migrate()
    service = build_service(org=MEL, store=store)
    RegistrationHandlers(service).register_candidate(CALLERS["mel-counsellor"], candidate(open_site(service)))
    assert DuplicateFinder(service, None, blind_index_tables).sweep() == []


def test_a_sweep_publishes_an_index_once_and_again_when_a_contact_changes(tmp_path: Path) -> None:
    store = SqliteEventStore(tmp_path / "registration.db")
    store.migrate()
    service = build_service(org=MEL, store=store)
    finder = DuplicateFinder(service, KEY, blind_index_tables)
    cmd = candidate(open_site(service))
    RegistrationHandlers(service).register_candidate(CALLERS["mel-counsellor"], cmd)
    assert [e.event_type for e in finder.sweep()] == ["BlindIndexPublished"]
    assert finder.sweep() == []
    RegistrationHandlers(service).update_candidate(
        CALLERS["mel-coordinator"], UpdateCandidate(candidate_id=cmd.candidate_id, phone=unique_phone())
    )
    assert [e.event_type for e in finder.sweep()] == ["BlindIndexPublished"]
    RegistrationHandlers(service).update_candidate(
        CALLERS["mel-coordinator"], UpdateCandidate(candidate_id=cmd.candidate_id, sectors=("vente",))
    )
    assert finder.sweep() == []  # the contacts did not change: no new entries
    RegistrationHandlers(service).erase_candidate(
        CALLERS["mel-coordinator"], EraseCandidate(candidate_id=cmd.candidate_id)
    )
    assert [e.event_type for e in finder.sweep()] == ["BlindIndexRemoved"]
    assert store.query("SELECT phone, email, removed FROM own_blind_index") == [(None, None, 1)]


def test_a_new_federation_key_publishes_every_entry_again(tmp_path: Path) -> None:
    store = SqliteEventStore(tmp_path / "registration.db")
    store.migrate()
    service = build_service(org=MEL, store=store)
    site = open_site(service)
    for _ in range(2):
        RegistrationHandlers(service).register_candidate(CALLERS["mel-counsellor"], candidate(site))
    first = DuplicateFinder(service, KEY, blind_index_tables).sweep()
    # One candidate a transaction: the sweep goes on until none is left.
    again = DuplicateFinder(service, b"a new key, drawn after a leak", blind_index_tables, batch=1).sweep()
    assert [e.event_type for e in again] == ["BlindIndexPublished"] * 2
    assert {decode_envelope(e.body).stream_id for e in again} == {
        decode_envelope(e.body).stream_id for e in first
    }
    assert DuplicateFinder(service, b"a new key, drawn after a leak", blind_index_tables).sweep() == []


def _deliver(source: RegistrationService, target: RegistrationService, since: int = 0) -> int:
    """Hand `target` the events `source` logged after position `since`, as its consumer would (own
    events skipped by the policy itself); returns the last position handed over."""
    handle = policy_for(target.org, fed_tables)
    last = since
    for row in source.store.iter_all():
        if row.position <= since:
            continue
        with target.store.transaction() as tx:
            handle(tx, REGISTRY.decode(decode_envelope(row.body), row.position))
        last = row.position
    return last


def test_suspicions_are_found_resolved_and_withdrawn_on_both_backends(
    any_store: EventStore, tmp_path: Path
) -> None:
    mel = build_service(org=MEL, store=any_store)
    ml_store = SqliteEventStore(tmp_path / "registration-ml.db")
    ml_store.migrate()
    ml = build_service(org=ML, store=ml_store)
    at_mel_finder, at_ml_finder = (DuplicateFinder(s, KEY, blind_index_tables) for s in (mel, ml))
    email = f"meme.personne.{new_id()[-8:]}@exemple.fr"
    at_mel = candidate(open_site(mel), email=email.upper())
    at_ml = candidate(open_site(ml), referring_org=ML, email=email)
    RegistrationHandlers(mel).register_candidate(CALLERS["mel-counsellor"], at_mel)
    RegistrationHandlers(ml).register_candidate(CALLERS["ml-counsellor"], at_ml)
    at_mel_finder.sweep()
    at_ml_finder.sweep()
    seen = _deliver(ml, mel)
    (found,) = [e for e in at_mel_finder.sweep() if e.event_type == "DuplicateSuspected"]
    assert at_mel_finder.sweep() == []  # found once
    (suspicion,) = at_mel_finder.suspicions(CALLERS["mel-coordinator"])
    assert suspicion.duplicate_id == found.stream_id
    assert (suspicion.other_org, suspicion.other_candidate_id, suspicion.matched) == (
        ML,
        at_ml.candidate_id,
        ("email",),
    )
    with pytest.raises(Rejected):
        at_mel_finder.suspicions(CALLERS["mel-counsellor"])
    verdict = ResolveDuplicate(
        duplicate_id=suspicion.duplicate_id, verdict="different_people", reason="homonymes"
    )
    at_mel_finder.resolve(CALLERS["mel-coordinator"], verdict)
    assert [s.status for s in at_mel_finder.suspicions(CALLERS["mel-coordinator"])] == ["different_people"]

    RegistrationHandlers(ml).erase_candidate(
        CALLERS["ml-coordinator"], EraseCandidate(candidate_id=at_ml.candidate_id)
    )
    at_ml_finder.sweep()
    _deliver(ml, mel, seen)
    assert [e.event_type for e in at_mel_finder.sweep()] == ["DuplicateDismissed"]
    assert at_mel_finder.suspicions(CALLERS["mel-coordinator"]) == []
    assert mel.store.query(
        "SELECT phone, email, removed FROM partner_blind_index WHERE candidate_id = ?", (at_ml.candidate_id,)
    ) == [(None, None, 1)]


@pytest.mark.nats
async def test_an_organisation_cannot_remove_the_index_entries_of_another(
    partners: tuple[Partner, Partner], js: JetStreamContext
) -> None:
    mel, ml = partners
    at_ml = candidate(ml.site, referring_org=ML)
    ml.register("ml-counsellor", at_ml)
    ml.finder.sweep()
    await ml.relay.publish_pending()
    await run_until(mel.runner, lambda: len(mel.partner_entries()) == 1)
    # An intruder publishing under its own subjects about the mission locale's index stream.
    forged = envelope(
        BlindIndexRemoved(candidate_id=at_ml.candidate_id),
        index_stream(at_ml.candidate_id),
        2,
        "intrus",
        "registration",
    )
    subject = event_subject("intrus", "registration", forged.stream_type, forged.event_type, forged.stream_id)
    await js.publish(subject, encode_envelope(forged), stream=STREAM_NAME)
    await run_until(mel.runner, lambda: len(mel.service.store.parked(registration_sites(MEL).durable)) == 1)
    (parked,) = mel.service.store.parked(registration_sites(MEL).durable)
    assert parked.error.startswith("forged: org intrus may not speak about blind-index stream"), parked.error
    assert mel.partner_entries() == [(ML, at_ml.candidate_id, 0)]
