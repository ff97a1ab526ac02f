"""The counsellor's short note, written at registration, reaches the anonymous profiles a company reads;
it follows the candidate's stream in order (a note, then a confirmation, then a change of wishes) and goes
with an erasure."""

from __future__ import annotations

import msgspec

from jobdating.contracts.registration import (
    CandidateConfirmedAttendance,
    CandidateErased,
    CandidateNoteWritten,
    CandidateRegistered,
    CandidateUpdated,
)
from jobdating.scheduling.bootstrap import SchedulingService
from jobdating.scheduling.testing import Fact, company_id, demo_facts

from .conftest import Api, feed

NOTE = "Cariste expérimentée, cherche un CDI en journée."


async def test_a_counsellors_note_reaches_the_profiles_companies_read_and_goes_with_an_erasure(
    api: Api, service: SchedulingService
) -> None:
    facts = demo_facts(api.prefix)
    feed(service, facts)
    await api.plan_job_dating()
    logiplus = company_id(api.prefix, "logiplus")
    url = f"/job-datings/{api.jd}/companies/{logiplus}/candidates"
    seen = await api.ok("GET", url, as_="recruiter-logiplus")
    assert all(p["note"] is None for p in seen)
    chosen = seen[0]["candidate_id"]
    registered = next(
        f.event for f in facts if isinstance(f.event, CandidateRegistered) and f.event.candidate_id == chosen
    )
    assert isinstance(registered, CandidateRegistered)
    fewer = msgspec.structs.replace(registered.profile, sectors=("logistique",))
    feed(
        service,
        [
            Fact(CandidateNoteWritten(candidate_id=chosen, note=NOTE), chosen, 2, "registration"),
            Fact(CandidateConfirmedAttendance(candidate_id=chosen), chosen, 3, "registration"),
            Fact(CandidateUpdated(candidate_id=chosen, profile=fewer), chosen, 4, "registration"),
        ],
    )
    notes = {p["candidate_id"]: p["note"] for p in await api.ok("GET", url, as_="recruiter-logiplus")}
    assert notes[chosen] == NOTE
    assert [n for c, n in notes.items() if c != chosen] == [None] * (len(notes) - 1)
    # Each event was taken in order: the update after the note and the confirmation was applied too.
    (version,) = service.store.query("SELECT version FROM sched_candidate WHERE candidate_id = ?", (chosen,))[
        0
    ]
    assert version == 4

    feed(service, [Fact(CandidateErased(candidate_id=chosen), chosen, 5, "registration")])
    assert service.store.query("SELECT * FROM sched_candidate_note WHERE candidate_id = ?", (chosen,)) == []
