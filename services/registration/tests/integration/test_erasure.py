"""GDPR erasure: key destroyed, projection emptied, log unreadable, anonymous statistics unchanged."""

from __future__ import annotations

from pathlib import Path

import httpx
import msgspec
import pytest

from jobdating.contracts.envelope import decode_envelope
from jobdating.contracts.registration import CandidateRegistered, CandidateUpdated
from jobdating.contracts.sealed import Sealed
from jobdating.eventstore.base import EventStore
from jobdating.eventstore.sqlite import SqliteEventStore
from jobdating.registration.adapters import projections
from jobdating.registration.adapters.keyring import SealBroken
from jobdating.registration.application import queries
from jobdating.registration.application.handlers import RegistrationHandlers
from jobdating.registration.application.importing import import_candidates
from jobdating.registration.application.service import RegistrationService
from jobdating.registration.bootstrap import build_service
from jobdating.registration.domain.commands import EraseCandidate, UpdateCandidate
from jobdating.registration.domain.errors import Rejected
from jobdating.registration.testing import CALLERS, bearer, candidate, open_site
from jobdating.runtime.ids import new_id

COUNSELLOR = CALLERS["mel-counsellor"]


def sealed_payloads(store: EventStore, candidate_id: str) -> list[Sealed]:
    found: list[Sealed] = []
    for stored in store.read_stream(candidate_id):
        event = store_registry_decode(stored.body)
        if isinstance(event, (CandidateRegistered, CandidateUpdated)) and event.personal is not None:
            found.append(event.personal)
    return found


def store_registry_decode(body: bytes) -> object:
    from jobdating.contracts.catalog import REGISTRY

    return REGISTRY.payload(decode_envelope(body))


def file_bytes(store: SqliteEventStore) -> bytes:
    # Fold the write-ahead log into the file and truncate it: what remains is all SQLite keeps.
    (busy, _, _) = store.query("PRAGMA wal_checkpoint(TRUNCATE)")[0]
    assert busy == 0
    wal = Path(f"{store.path}-wal")
    return store.path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def traces(first_name: str, last_name: str, phone_e164: str, phone_typed: str, email: str) -> list[bytes]:
    return [
        first_name.encode(),
        last_name.encode(),
        phone_e164.encode(),
        phone_typed.encode(),
        phone_e164[3:].encode(),  # the national digits without +33
        email.encode(),
    ]


def test_after_erasure_the_person_is_nowhere_in_the_file_and_the_log_cannot_be_opened(tmp_path: Path) -> None:
    store = SqliteEventStore(tmp_path / "registration.db")
    store.migrate()
    service = build_service(org="mel", store=store)
    site = open_site(service)
    first, last, email = "Zéphyrine", f"Quatremarre{new_id()[-6:]}", f"zq.{new_id()[-8:]}@exemple.fr"
    cmd = candidate(site, first_name=first, last_name=last, phone="06 12 98 76 54", email=email)
    cid = RegistrationHandlers(service).register_candidate(COUNSELLOR, cmd)
    # An update re-seals the fields: the older seal must become unreadable as well.
    RegistrationHandlers(service).update_candidate(
        COUNSELLOR, UpdateCandidate(candidate_id=cid, address="3 place du Marché")
    )
    others = [
        RegistrationHandlers(service).register_candidate(COUNSELLOR, candidate(site)) for _ in range(30)
    ]
    before = file_bytes(store)
    assert all(t in before for t in [first.encode(), last.encode(), b"+33612987654"])
    assert len(sealed_payloads(store, cid)) == 2

    RegistrationHandlers(service).erase_candidate(COUNSELLOR, EraseCandidate(candidate_id=cid))

    after = file_bytes(store)
    for trace in traces(first, last, "+33612987654", "06 12 98 76 54", email):
        assert trace not in after, trace
    for seal in sealed_payloads(store, cid):
        assert service.keyring.open(store, seal) is None
        for other in others:  # no other person's key opens it either
            key = service.keyring.key_of(store, other)
            assert key is not None
            with pytest.raises(SealBroken):
                service.keyring.unseal(msgspec.structs.replace(key, key_id=seal.key_id), seal)
    view = queries.candidate(store, COUNSELLOR, cid)
    assert view is not None
    assert view.erased
    assert view.personal is None
    assert view.profile.site_id == site  # the anonymous facts stay
    stats = queries.statistics(store)
    assert (stats.candidates, stats.candidates_erased) == (31, 1)

    projections.rebuild(store, service.keyring)
    rebuilt = queries.candidate(store, COUNSELLOR, cid)
    assert rebuilt == view
    for trace in traces(first, last, "+33612987654", "06 12 98 76 54", email):
        assert trace not in file_bytes(store), trace
    assert queries.statistics(store) == stats
    store.close()


def test_an_erased_candidate_frees_their_phone_and_their_import_row_and_cannot_be_erased_twice(
    tmp_path: Path, service: RegistrationService, site: str
) -> None:
    rows = [
        {
            "nom": "Benali",
            "prénom": "Samia",
            "téléphone": "06 12 31 31 31",
            "code postal": "59113",
            "commune": "Seclin",
            "site": site,
        }
    ]
    (imported,) = import_candidates(service, rows, COUNSELLOR).rows
    assert imported.id is not None
    RegistrationHandlers(service).erase_candidate(
        CALLERS["ml-coordinator"], EraseCandidate(candidate_id=imported.id)
    )
    events = service.store.count()
    with pytest.raises(Rejected) as refused:
        RegistrationHandlers(service).erase_candidate(COUNSELLOR, EraseCandidate(candidate_id=imported.id))
    assert refused.value.kind == "conflict"
    with pytest.raises(Rejected):
        RegistrationHandlers(service).update_candidate(
            COUNSELLOR, UpdateCandidate(candidate_id=imported.id, commune="Lille")
        )
    assert service.store.count() == events
    # Re-importing the partner's old file registers the person afresh, as a new candidate.
    (again,) = import_candidates(service, rows, COUNSELLOR).rows
    assert again.status == "created"
    assert again.id != imported.id


async def test_erasure_over_http_is_for_coordinators_and_the_referring_counsellors(
    client: httpx.AsyncClient, service: RegistrationService, site: str
) -> None:
    cid = RegistrationHandlers(service).register_candidate(COUNSELLOR, candidate(site))
    assert (await client.delete(f"/candidates/{cid}", headers=bearer("mel-viewer"))).status_code == 403
    assert (await client.delete(f"/candidates/{cid}", headers=bearer("ml-counsellor"))).status_code == 403
    assert (await client.delete(f"/candidates/{cid}", headers=bearer("mel-counsellor"))).status_code == 204
    assert (await client.delete(f"/candidates/{cid}", headers=bearer("mel-counsellor"))).status_code == 409
    events = service.store.count()
    patched = await client.patch(
        f"/candidates/{cid}", json={"commune": "Lille"}, headers=bearer("mel-counsellor")
    )
    assert patched.status_code == 409
    assert patched.json()["detail"][0]["field"] == "candidate_id"
    assert service.store.count() == events
    seen = await client.get(f"/candidates/{cid}", headers=bearer("mel-counsellor"))
    assert seen.json()["erased"] is True
    assert seen.json()["personal"] is None
