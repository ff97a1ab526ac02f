"""Notes on interviews: a recruiter writes on their company's interviews, a counsellor on those of the
candidates their organisation refers; each organisation reads only its own notes, a note is checked (length,
nothing that reaches the person) with a French reason naming the field, and a noted interview is still
repaired like any other."""

from __future__ import annotations

from typing import Any

import pytest

from jobdating.contracts.registration import CandidateErased
from jobdating.contracts.scheduling import INTERVIEW_NOTE_LENGTH, SlotCancelled
from jobdating.scheduling.bootstrap import SchedulingService
from jobdating.scheduling.testing import Fact, MovableClock, company_id

from .conftest import Api, feed, log_events, paris, published_demo


@pytest.fixture
async def api(api: Api, service: SchedulingService) -> Api:
    await published_demo(api, service)
    return api


def counsellor_of(service: SchedulingService, candidate: str) -> str:
    """The test token of a counsellor of the candidate's referring organisation, and of another one."""
    ((org,),) = service.store.query(
        "SELECT referring_org FROM sched_candidate WHERE candidate_id = ?", (candidate,)
    )
    return {"mission-locale": "ml-counsellor", "france-travail": "ft-counsellor"}[org]


async def test_each_organisation_writes_and_reads_only_its_own_notes_on_an_interview(
    api: Api, service: SchedulingService, clock: MovableClock
) -> None:
    clock.set(paris(9, 35))
    recruiter = {
        company_id(api.prefix, "logiplus"): "recruiter-logiplus",
        company_id(api.prefix, "callnord"): "recruiter-callnord",
    }
    now = clock.now().isoformat().replace("+00:00", "Z")
    slot = next(
        s
        for s in await api.published_slots(include_cancelled=False)
        if s["company_id"] in recruiter and s["starts_at"] >= now
    )
    absent, own = slot["candidate_id"], recruiter[slot["company_id"]]
    stranger = next(t for c, t in recruiter.items() if t != own)
    counsellor = counsellor_of(service, absent)
    other_counsellor = "ft-counsellor" if counsellor == "ml-counsellor" else "ml-counsellor"
    url = f"/slots/{slot['slot_id']}/notes"

    by_recruiter = await api.ok("POST", url, as_=own, json={"note": "  Très à l'aise, <b>à revoir</b>.  "})
    assert (by_recruiter["author_role"], by_recruiter["note"]) == (
        "recruiter",
        "Très à l'aise, <b>à revoir</b>.",
    )
    by_counsellor = await api.ok("POST", url, as_=counsellor, json={"note": "Préparée à l'atelier du 1er."})
    assert by_counsellor["author_role"] == "counsellor"
    for refused_as in (stranger, other_counsellor):
        refused = await api.call("POST", url, as_=refused_as, json={"note": "Pas mon entretien."})
        assert refused.status_code == 403, refused_as
    assert (await api.call("POST", url, as_="viewer", json={"note": "x"})).status_code == 403
    assert (
        await api.call("POST", "/slots/no-such-slot/notes", as_=own, json={"note": "x"})
    ).status_code == 404

    for note, reason in (
        ("x" * (INTERVIEW_NOTE_LENGTH + 1), f"la note dépasse {INTERVIEW_NOTE_LENGTH} caractères (501)"),
        ("   ", "la note est vide : écrivez quelques mots"),
        ("Rappeler au 06 12 34 56 78", "la note : pas de téléphone, d'e-mail, de lien ni de code postal"),
    ):
        invalid = await api.call("POST", url, as_=own, json={"note": note})
        assert invalid.status_code == 422
        assert invalid.json()["detail"] == [{"field": "note", "reason": reason}]

    notes_url = f"/job-datings/{api.jd}/interview-notes"

    def texts(notes: list[dict[str, Any]]) -> list[str]:
        return [n["note"] for n in notes]

    assert texts(await api.ok("GET", notes_url, as_=own)) == ["Très à l'aise, <b>à revoir</b>."]
    assert texts(await api.ok("GET", notes_url, as_=counsellor)) == ["Préparée à l'atelier du 1er."]
    assert await api.ok("GET", notes_url, as_=stranger) == []
    assert await api.ok("GET", notes_url, as_=other_counsellor) == []
    assert len(await api.ok("GET", notes_url)) == 2  # the coordination reads them all

    # The notes moved the slot's stream on, and the read model the repairs trust knows it: the repair of a
    # no-show still cancels the noted interview.
    ((version,),) = service.store.query(
        "SELECT version FROM sched_slot WHERE slot_id = ?", (slot["slot_id"],)
    )
    assert version == len(service.store.read_stream(slot["slot_id"]))
    head = service.store.head()
    await api.ok("POST", f"/job-datings/{api.jd}/no-shows", json={"candidate_id": absent})
    cancelled = {e.data.slot_id for e in log_events(service.store, head) if isinstance(e.data, SlotCancelled)}
    assert slot["slot_id"] in cancelled

    # An erased candidate's interviews keep no note anyone can read.
    ((known,),) = service.store.query("SELECT version FROM sched_candidate WHERE candidate_id = ?", (absent,))
    feed(service, [Fact(CandidateErased(candidate_id=absent), absent, known + 1, "registration")])
    assert await api.ok("GET", notes_url) == []
