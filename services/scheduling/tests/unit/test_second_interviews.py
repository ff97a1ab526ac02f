"""Second interviews: where they take place, the first free times of both sides, a second interview on a
site computer following its candidate to a new site, one on a site that closed or a computer that broke, and
one given back when its site reopens; given / when / then."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import reduce

import msgspec
import pytest

from jobdating.contracts.scheduling import (
    InterviewCompleted,
    PlanPublished,
    SlotAssigned,
    SlotCancelled,
    SlotMoved,
)
from jobdating.scheduling.domain import day
from jobdating.scheduling.domain.commands import ScheduleSecondInterview
from jobdating.scheduling.domain.errors import Invalid
from jobdating.scheduling.domain.evolve import evolve_job_dating, evolve_slot
from jobdating.scheduling.domain.facts import ComputerFacts, Facts, Outage, SiteFacts
from jobdating.scheduling.domain.second_back import (
    AroundFor,
    GivenBack,
    NotGivenBack,
    SecondsBack,
    give_seconds_back,
)
from jobdating.scheduling.domain.second_disrupted import (
    PartyLeft,
    at_closed_site,
    of_party_left,
    off_broken_computer,
)
from jobdating.scheduling.domain.second_follow import follow_candidate, seconds_judged
from jobdating.scheduling.domain.second_interviews import (
    SENT_BY_COMPANY,
    Around,
    Place,
    first_free_times,
)
from jobdating.scheduling.domain.state import JobDatingState, SlotState
from jobdating.scheduling.testing import EVENT_DAY, RECRUITER, held, morning_company, planned

PARIS = timedelta(hours=1)  # December in Paris


def paris(hour: int, minute: int = 0) -> datetime:
    return datetime(EVENT_DAY.year, EVENT_DAY.month, EVENT_DAY.day, hour, minute, tzinfo=UTC) - PARIS


JOB_DATING = reduce(
    evolve_job_dating,
    [
        planned(),
        PlanPublished(job_dating_id="jd-1", plan_id="p", slots=1, solver_status="optimal", upper_bound=1),
    ],
    JobDatingState(),
)
COMPANY = morning_company("co-1")  # 9:00-12:00, one recruiter
SECLIN = SiteFacts(site_id="site-seclin", host_org="mission-locale")
FACHES = SiteFacts(site_id="site-faches", host_org="mission-locale")
COMPUTERS = (
    ComputerFacts(computer_id="pc-s1", site_id="site-seclin"),
    ComputerFacts(computer_id="pc-f1", site_id="site-faches"),
    ComputerFacts(computer_id="pc-f2", site_id="site-faches"),
)


def slot_at(slot_id: str, at: datetime, **fields: object) -> SlotState:
    return msgspec.structs.replace(held(at, slot_id=slot_id, computer_id="pc-s1"), **fields)


FIRST = evolve_slot(
    slot_at("slot-1", paris(9)),
    InterviewCompleted(
        job_dating_id="jd-1",
        slot_id="slot-1",
        candidate_id="cand-1",
        company_id="co-1",
        outcome="second_interview",
    ),
)


def book(**where: object) -> SlotAssigned:
    command = ScheduleSecondInterview(
        first_slot_id="slot-1",
        slot_id="slot-2",
        starts_at=paris(11),
        **where,  # type: ignore[arg-type]
    )
    [booked] = day.schedule_second_interview(
        command, FIRST, JOB_DATING, RECRUITER, COMPANY, SECLIN, [], [], "https://v/x", paris(9, 30)
    )
    assert isinstance(booked, SlotAssigned)
    return booked


def test_a_second_interview_at_the_companys_premises_takes_no_computer_and_needs_an_address() -> None:
    booked = book(place="premises", address="12 rue de l'Usine, Lesquin")
    assert (booked.kind, booked.place, booked.address, booked.computer_id) == (
        "second_interview",
        "premises",
        "12 rue de l'Usine, Lesquin",
        None,
    )
    with pytest.raises(Invalid) as refused:
        book(place="premises")
    assert refused.value.problems[0].field == "address"


def test_a_video_second_interview_carries_the_companys_link_or_says_the_company_sends_it() -> None:
    assert book(place="video", video_link="https://visio.co-1/abc").video_link == "https://visio.co-1/abc"
    sent = book(place="video")
    assert (sent.place, sent.video_link, sent.computer_id) == ("video", SENT_BY_COMPANY, None)


@pytest.mark.parametrize(
    ("where", "field"),
    [
        ({"place": "video", "video_link": "visio.co-1/abc"}, "video_link"),
        ({"place": "video", "video_link": "javascript:alert(1)"}, "video_link"),
        ({"place": "video", "video_link": "https://me:secret@visio.co-1/abc"}, "video_link"),
        ({"place": "premises", "address": "12 rue de l'Usine", "video_link": "https://v/2"}, "video_link"),
    ],
)
def test_a_video_link_is_a_full_https_address_and_only_for_a_video_interview(
    where: dict[str, str], field: str
) -> None:
    # Candidates are sent to this link: anything but a plain https address would send them elsewhere.
    with pytest.raises(Invalid) as refused:
        book(**where)
    assert refused.value.problems[0].field == field


def around(active: list[SlotState], site: SiteFacts = SECLIN) -> Around:
    computers = [c for c in COMPUTERS if c.site_id == site.site_id]
    return Around(job_dating=JOB_DATING, company=COMPANY, site=site, computers=computers, active=active)


def test_the_first_free_times_are_when_both_the_candidate_and_a_recruiter_are_free() -> None:
    candidate_busy = slot_at("slot-7", paris(10, 20), company_id="co-7", site_id="site-x", computer_id="x")
    recruiter_busy = slot_at(
        "slot-8", paris(11, 20), candidate_id="cand-8", site_id="site-x", computer_id="y"
    )
    times = first_free_times(
        around([candidate_busy, recruiter_busy]), "cand-1", "site-seclin", Place(place="video"), paris(10), 3
    )
    # 10:20 is the candidate's (and 10:40 within their 10-minute buffer), 11:20 the recruiter's.
    assert times == [(paris(11), None), (paris(11, 40), None), (paris(9) + timedelta(days=1), None)]
    on_site = first_free_times(around([]), "cand-1", "site-seclin", Place(), paris(10), 1)
    assert on_site == [(paris(10, 20), "pc-s1")]


def facts() -> Facts:
    return Facts(companies=(COMPANY,), sites=(SECLIN, FACHES), computers=COMPUTERS)


def test_a_second_interview_on_a_site_computer_follows_its_candidate_to_the_same_time_at_the_new_site() -> (
    None
):
    second = slot_at("slot-2", paris(11), kind="second_interview")
    busy = slot_at(
        "slot-5",
        paris(11),
        candidate_id="cand-5",
        company_id="co-5",
        site_id="site-faches",
        computer_id="pc-f1",
    )
    [write] = follow_candidate(
        [second], "cand-1", "site-faches", seconds_judged(JOB_DATING, facts()), [second, busy], paris(9, 30)
    )
    assert write.stream_id == "slot-2"
    assert isinstance(write.event, SlotMoved)
    moved = write.event
    assert (moved.site_id, moved.computer_id, moved.starts_at) == ("site-faches", "pc-f2", paris(11))
    assert (moved.previous_computer_id, moved.previous_starts_at, moved.reason) == (
        "pc-s1",
        paris(11),
        "candidate_changed",
    )


def test_with_the_new_site_full_then_it_moves_to_the_nearest_free_time_or_is_cancelled() -> None:
    second = slot_at("slot-2", paris(11), kind="second_interview")
    full = [
        slot_at(
            f"s{n}", paris(11), candidate_id=f"c{n}", company_id="co-5", site_id="site-faches", computer_id=pc
        )
        for n, pc in enumerate(("pc-f1", "pc-f2"))
    ]
    judged = seconds_judged(JOB_DATING, facts())
    [write] = follow_candidate([second], "cand-1", "site-faches", judged, [second, *full], paris(9, 30))
    assert isinstance(write.event, SlotMoved)
    assert write.event.starts_at == paris(10, 40)  # 10:40 and 11:20 are as near: the earlier first
    [gone] = follow_candidate([second], "cand-1", "site-faches", judged, [second, *full], paris(10, 59))
    assert isinstance(gone.event, SlotMoved)
    assert gone.event.starts_at == paris(11, 20), "never before now"
    all_day = [
        slot_at(
            f"r{n}", paris(9) + n * timedelta(minutes=20), candidate_id=f"r{n}", site_id="x", computer_id="x"
        )
        for n in range(9)
    ]  # the company's only recruiter is busy all morning
    [cancelled] = follow_candidate(
        [second], "cand-1", "site-faches", judged, [second, *all_day], paris(9, 30)
    )
    assert isinstance(cancelled.event, SlotCancelled)
    assert cancelled.event.reason == "candidate_changed"


def test_second_interviews_at_the_premises_or_by_video_stay_when_the_candidate_changes_site() -> None:
    premises = slot_at("slot-2", paris(11), kind="second_interview", computer_id=None)
    judged = seconds_judged(JOB_DATING, facts())
    assert follow_candidate([premises], "cand-1", "site-faches", judged, [premises], paris(9, 30)) == []


def at_faches(slot_id: str, at: datetime, **fields: object) -> SlotState:
    """A second interview of cand-1 on Fâches' first computer."""
    where: dict[str, object] = {"kind": "second_interview", "site_id": "site-faches", "computer_id": "pc-f1"}
    return slot_at(slot_id, at, **{**where, **fields})


def test_a_closed_site_cancels_its_second_interviews_to_come_that_end_after_the_closing() -> None:
    to_come = at_faches("slot-2", paris(11))
    done_before = at_faches("slot-3", paris(9, 40), computer_id="pc-f2")  # ends 10:00, the closing's time
    begun = at_faches("slot-4", paris(9, 20), candidate_id="cand-4")
    premises = at_faches("slot-5", paris(11, 20), place="premises", address="1 rue X", computer_id=None)
    elsewhere = slot_at("slot-6", paris(11), kind="second_interview", candidate_id="cand-6")
    seconds = [to_come, done_before, begun, premises, elsewhere]
    [write] = at_closed_site(seconds, "site-faches", paris(10), paris(9, 30))
    assert write.stream_id == "slot-2"
    assert isinstance(write.event, SlotCancelled)
    assert write.event.reason == "site_closed"


def test_a_broken_computer_moves_its_second_interview_to_a_free_computer_at_the_same_time_else_cancels() -> (
    None
):
    second = at_faches("slot-2", paris(11))
    broken = ComputerFacts(computer_id="pc-f1", site_id="site-faches", outages=(Outage(since=paris(10)),))
    others = tuple(c for c in COMPUTERS if c.computer_id != "pc-f1")
    judged = seconds_judged(JOB_DATING, Facts(companies=(COMPANY,), sites=(SECLIN, FACHES), computers=others))
    [write] = off_broken_computer([second], "pc-f1", broken, judged, [second], paris(9, 30))
    assert isinstance(write.event, SlotMoved)
    moved = write.event
    assert (moved.site_id, moved.computer_id, moved.starts_at, moved.ends_at) == (
        "site-faches",
        "pc-f2",
        paris(11),
        paris(11, 20),
    )
    assert (moved.previous_computer_id, moved.reason) == ("pc-f1", "computer_broken")
    taken = at_faches("slot-7", paris(11), candidate_id="cand-7", company_id="co-7", computer_id="pc-f2")
    [gone] = off_broken_computer([second], "pc-f1", None, judged, [second, taken], paris(9, 30))
    assert isinstance(gone.event, SlotCancelled)
    assert gone.event.reason == "computer_broken"


def test_a_computer_back_before_a_second_interview_or_broken_after_it_leaves_it_be() -> None:
    second = at_faches("slot-2", paris(11))
    judged = seconds_judged(JOB_DATING, facts())
    for outage in (Outage(since=paris(9), until=paris(11)), Outage(since=paris(11, 20))):
        computer = ComputerFacts(computer_id="pc-f1", site_id="site-faches", outages=(outage,))
        assert off_broken_computer([second], "pc-f1", computer, judged, [second], paris(9, 30)) == []


def test_a_company_or_a_candidate_leaving_cancels_their_second_interviews_to_come_wherever_they_are() -> None:
    on_site = at_faches("slot-2", paris(11))
    by_video = at_faches("slot-3", paris(11, 30), place="video", computer_id=None, candidate_id="cand-3")
    before_leaving = at_faches("slot-4", paris(10), candidate_id="cand-4")  # ends 10:20, when co-1 leaves
    begun = at_faches("slot-5", paris(9, 20), candidate_id="cand-5")
    other_company = at_faches("slot-6", paris(11, 40), company_id="co-6", candidate_id="cand-6")
    seconds = [on_site, by_video, before_leaving, begun, other_company]

    left = PartyLeft(company_id="co-1", at=paris(10, 20), reason="company_left")
    cancelled = of_party_left(left, seconds, paris(9, 30))
    assert [w.stream_id for w in cancelled] == ["slot-2", "slot-3"]
    assert all(isinstance(w.event, SlotCancelled) and w.event.reason == "company_left" for w in cancelled)

    # A candidate: with every company, from now on.
    with_another = at_faches("slot-7", paris(14), company_id="co-6")
    withdrew = PartyLeft(candidate_id="cand-1", reason="candidate_withdrew")
    gone = of_party_left(withdrew, [*seconds, with_another], paris(9, 30))
    assert [w.stream_id for w in gone] == ["slot-2", "slot-7"]
    assert all(isinstance(w.event, SlotCancelled) and w.event.reason == "candidate_withdrew" for w in gone)


def test_a_reopened_site_gives_a_second_interview_back_at_its_time_else_the_first_free_else_says_why() -> (
    None
):
    closed: dict[str, object] = {"status": "cancelled", "cancel_reason": "site_closed"}
    judged = seconds_judged(
        JOB_DATING, Facts(companies=(COMPANY,), sites=(SECLIN, FACHES), computers=COMPUTERS)
    )
    back = SecondsBack(site_id="site-faches")
    ids = iter(f"new-{n}" for n in range(9))

    def given(slots: list[SlotState], active: list[SlotState], around: AroundFor = judged) -> GivenBack:
        links = iter(lambda: "https://visio.example/x", None)
        return give_seconds_back(back, slots, around, active, paris(9, 30), ids, links)

    second = at_faches("slot-2", paris(11), **closed)
    [write] = given([second], []).writes
    assert isinstance(write.event, SlotAssigned)
    event = write.event
    assert (event.kind, event.site_id, event.computer_id, event.starts_at, event.candidate_id) == (
        "second_interview",
        "site-faches",
        "pc-f1",
        paris(11),
        "cand-1",
    )
    assert write.stream_id == event.slot_id != "slot-2", "a new slot: the cancelled one stays so"
    # Its one recruiter taken at 11:00 meanwhile: the first free time from now (every 20 minutes from 9:00).
    busy = at_faches("slot-7", paris(11), candidate_id="cand-7", place="video", computer_id=None)
    [write] = given([second], [busy]).writes
    assert isinstance(write.event, SlotAssigned)
    assert (write.event.starts_at, write.event.computer_id) == (paris(9, 40), "pc-f1")
    # Booked again by hand meanwhile, begun, or at another site: nothing to give back.
    again = at_faches("slot-8", paris(11, 40))
    begun = at_faches("slot-3", paris(9, 20), **closed)
    assert given([second, again], [again]).writes == []
    assert given([begun], []).writes == []
    assert given([slot_at("slot-4", paris(11), kind="second_interview", **closed)], []).writes == []
    # Its company gone, or no free time left: it stays cancelled and the reason is said.
    gone = given([second], [], lambda *_: None)
    assert (gone.writes, gone.not_given_back) == ([], [NotGivenBack(slot_id="slot-2", reason="company_gone")])
    broken = tuple(
        msgspec.structs.replace(c, outages=(Outage(since=paris(9)),)) if c.site_id == "site-faches" else c
        for c in COMPUTERS
    )
    none_free = seconds_judged(
        JOB_DATING, Facts(companies=(COMPANY,), sites=(SECLIN, FACHES), computers=broken)
    )
    full = given([second], [], none_free)
    assert (full.writes, full.not_given_back) == ([], [NotGivenBack(slot_id="slot-2", reason="no_free_time")])
