"""A second interview's place over HTTP: the slot views say where it is (the company's premises and their
address, or video), the coordinator moves it by hand keeping its place (judged by its booking's rule), and
its booking checks the candidate's and the company's interviews in the other job datings too."""

from __future__ import annotations

from datetime import datetime, timedelta

from jobdating.contracts.scheduling import InterviewChangedByHand, SlotMoved
from jobdating.scheduling.bootstrap import SchedulingService
from jobdating.scheduling.testing import MovableClock, company_id, demo_facts

from .conftest import Api, asked_for_more, feed, log_events, published_demo, starts

ADDRESS = "12 rue de l'Usine, 59810 Lesquin"


async def test_a_second_interview_at_the_premises_shows_its_place_and_moves_by_hand_keeping_it(
    api: Api, service: SchedulingService, clock: MovableClock
) -> None:
    await published_demo(api, service)
    logiplus = company_id(api.prefix, "logiplus")
    slots = await api.published_slots()
    # A first interview whose candidate still has another one later that day.
    first, later = next(
        (s, o)
        for s in sorted((s for s in slots if s["company_id"] == logiplus), key=starts)
        for o in sorted(slots, key=starts)
        if o["candidate_id"] == s["candidate_id"] and starts(o) > starts(s) + timedelta(minutes=30)
    )
    url = await asked_for_more(api, clock, first)
    booked = await api.ok(
        "POST",
        url,
        as_="recruiter-logiplus",
        json={"starts_at": "2026-12-04T10:00", "place": "premises", "address": ADDRESS},
    )
    assert (booked["place"], booked["address"], booked["computer_id"]) == ("premises", ADDRESS, None)
    shown = await api.ok("GET", f"/slots/{booked['slot_id']}", as_="recruiter-logiplus")
    assert (shown["place"], shown["address"]) == ("premises", ADDRESS)
    plan = await api.ok(
        "GET", f"/job-datings/{api.jd}/plan", params={"by": "candidate", "key": first["candidate_id"]}
    )
    theirs = {i["slot_id"]: i for g in plan["groups"] for i in g["interviews"]}
    assert (theirs[booked["slot_id"]]["place"], theirs[first["slot_id"]]["place"]) == ("premises", "site")

    move = f"/slots/{booked['slot_id']}/move"
    reason = "la recruteuse a un empêchement"
    refused = await api.call("POST", move, as_="recruiter-logiplus", json={"starts_at": "2026-12-04T11:00"})
    assert refused.status_code in (403, 422)
    no_computer = await api.call("POST", move, json={"computer_id": first["computer_id"], "reason": reason})
    assert no_computer.status_code == 422
    assert no_computer.json()["detail"][0]["field"] == "computer_id"
    for far in ("9999-12-31T23:55", "9999-12-31T23:55:00-05:00"):
        out_of_range = await api.call("POST", move, json={"starts_at": far, "reason": reason})
        assert out_of_range.status_code in (409, 422), out_of_range.text
        booked_far = await api.call("POST", url, as_="recruiter-logiplus", json={"starts_at": far})
        assert booked_far.status_code in (409, 422), booked_far.text
    too_late = await api.call("POST", move, json={"starts_at": "2027-01-04T10:00", "reason": reason})
    assert too_late.status_code == 409
    assert (
        too_late.json()["detail"][0]["reason"]
        == "un second entretien a lieu entre le 03/12/2026 et le 17/12/2026"
    )
    busy = await api.call("POST", move, json={"starts_at": later["starts_at"], "reason": reason})
    assert busy.status_code == 409, busy.text
    assert busy.json()["detail"][0]["reason"].startswith("le candidat a un entretien de")
    head = service.store.head()
    moved = await api.ok("POST", move, json={"starts_at": "2026-12-04T11:00", "reason": reason})
    assert (moved["slot"]["local_start"], moved["slot"]["place"], moved["slot"]["address"]) == (
        "11:00",
        "premises",
        ADDRESS,
    )
    assert moved["slot"]["computer_id"] is None
    events = [e.data for e in log_events(service.store, head)]
    assert [type(e) for e in events] == [InterviewChangedByHand, SlotMoved]
    assert isinstance(events[1], SlotMoved)
    assert (events[1].reason, events[1].computer_id) == ("coordinator", None)
    kept = await api.ok("GET", f"/slots/{booked['slot_id']}")
    assert (kept["place"], kept["address"], kept["local_start"]) == ("premises", ADDRESS, "11:00")


async def test_a_second_interview_on_the_site_moves_by_hand_to_a_free_computer(
    api: Api, service: SchedulingService, clock: MovableClock
) -> None:
    await published_demo(api, service)
    logiplus = company_id(api.prefix, "logiplus")
    first = min((s for s in await api.published_slots() if s["company_id"] == logiplus), key=starts)
    url = await asked_for_more(api, clock, first)
    booked = await api.ok("POST", url, as_="recruiter-logiplus", json={"starts_at": "2026-12-04T10:00"})
    assert (booked["place"], booked["site_id"]) == ("site", first["site_id"])
    moved = await api.ok(
        "POST",
        f"/slots/{booked['slot_id']}/move",
        json={"starts_at": "2026-12-04T10:40", "reason": "le candidat a un rendez-vous"},
    )
    assert (moved["slot"]["local_start"], moved["slot"]["computer_id"]) == ("10:40", booked["computer_id"])
    elsewhere = await api.call(
        "POST",
        f"/slots/{booked['slot_id']}/move",
        json={"site_id": "ailleurs", "starts_at": "2026-12-04T11:00", "reason": "essai"},
    )
    assert elsewhere.status_code == 422


async def test_booking_a_second_interview_checks_the_candidates_other_job_datings(
    api: Api, service: SchedulingService, clock: MovableClock
) -> None:
    feed(service, demo_facts(api.prefix))
    first_jd, other_jd = api.jd, f"{api.prefix}-jd-bis"
    await api.plan_job_dating()
    await api.publish((await api.compute("greedy"))["summary"]["plan_id"])
    api.jd = other_jd
    await api.plan_job_dating(job_dating_id=other_jd, title="Emploi Booster bis")
    await api.publish((await api.compute("greedy"))["summary"]["plan_id"])
    there = await api.published_slots(include_cancelled=False)
    api.jd = first_jd
    logiplus = company_id(api.prefix, "logiplus")
    # A first interview here whose candidate has an interview in the other job dating later that day.
    first, elsewhere = next(
        (s, o)
        for s in sorted((s for s in await api.published_slots() if s["company_id"] == logiplus), key=starts)
        for o in sorted(there, key=starts)
        if o["candidate_id"] == s["candidate_id"] and starts(o) > starts(s) + timedelta(minutes=30)
    )
    url = await asked_for_more(api, clock, first)
    proposed = await api.ok("GET", f"{url}/proposals", params={"place": "video", "count": 20})
    busy = (starts(elsewhere) - timedelta(minutes=20), datetime.fromisoformat(elsewhere["ends_at"]))
    assert all(not (busy[0] < starts(p) < busy[1]) for p in proposed)
    refused = await api.call(
        "POST", url, as_="recruiter-logiplus", json={"starts_at": elsewhere["starts_at"], "place": "video"}
    )
    assert refused.status_code == 409, refused.text
    assert refused.json()["detail"][0]["reason"].startswith("le candidat a un entretien de")
