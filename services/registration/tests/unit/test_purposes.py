"""The pure rules behind personal data shown for a purpose: whose data, which day, which purposes."""

from __future__ import annotations

from datetime import date, time

import pytest

from jobdating.contracts.registration import Availability, CandidateContactOpened
from jobdating.registration.domain.commands import OpenCandidateContact
from jobdating.registration.domain.errors import Rejected
from jobdating.registration.domain.expected import Arrival, expected_day, expected_on
from jobdating.registration.domain.opening_rules import open_contact
from jobdating.registration.domain.permissions import may_greet, may_see_personal
from jobdating.registration.domain.state import CandidateState
from jobdating.registration.testing import CALLERS
from jobdating.testing.samples import PROFILE

D1, D2, D3 = date(2026, 12, 3), date(2026, 12, 10), date(2026, 12, 17)


def arrival(cid: str, *days: tuple[date, time]) -> Arrival:
    return Arrival(
        candidate_id=cid, availability=tuple(Availability(day=d, start=t, end=time(12, 0)) for d, t in days)
    )


def test_the_expected_day_is_the_first_from_today_and_each_comes_in_their_first_window() -> None:
    arrivals = [
        arrival("late", (D2, time(10, 0)), (D2, time(8, 0))),
        arrival("early", (D1, time(9, 0)), (D2, time(9, 0))),
        arrival("later", (D3, time(8, 0))),
    ]
    assert expected_day(arrivals, D1) == D1
    assert expected_day(arrivals, date(2026, 12, 4)) == D2
    assert expected_day(arrivals, date(2026, 12, 18)) is None
    assert [(a.candidate_id, w.start) for a, w in expected_on(arrivals, D2)] == [
        ("late", time(8, 0)),
        ("early", time(9, 0)),
    ]


def test_a_counsellor_sees_their_own_candidates_and_a_coordinator_their_organisations() -> None:
    own, colleague = CALLERS["mel-counsellor"], CALLERS["mel-counsellor-2"]
    assert may_see_personal(own, "mel", own.actor_id)
    assert not may_see_personal(colleague, "mel", own.actor_id)
    assert not may_see_personal(CALLERS["ml-counsellor"], "mel", "actor-ml-counsellor")  # another org's id
    assert may_see_personal(CALLERS["mel-coordinator"], "mel", "anyone")
    assert not may_see_personal(CALLERS["ml-coordinator"], "mel", "anyone")
    assert not may_see_personal(CALLERS["mel-site-manager"], "mel", "actor-mel-site-manager")
    assert may_greet(CALLERS["mel-site-manager"], "mel")
    assert not may_greet(CALLERS["ml-site-manager"], "mel")
    assert not may_greet(CALLERS["mel-coordinator"], "mel")


@pytest.mark.parametrize("purpose", ["convocation_failed", "day_of_change", "duplicate_check"])
def test_an_opening_for_a_listed_purpose_is_recorded_with_who_and_why(purpose: str) -> None:
    state = CandidateState(registered=True, profile=PROFILE)
    cmd = OpenCandidateContact(candidate_id="c1", purpose=purpose, opened_by="acct-1", opened_by_org="dep")
    assert open_contact(cmd, state) == [
        CandidateContactOpened(candidate_id="c1", purpose=purpose, opened_by="acct-1", opened_by_org="dep")  # type: ignore[arg-type]
    ]


@pytest.mark.parametrize("purpose", ["", "convocation", "CONVOCATION_FAILED", "curiosité"])
def test_any_other_purpose_is_refused_naming_the_field(purpose: str) -> None:
    cmd = OpenCandidateContact(candidate_id="c1", purpose=purpose, opened_by="acct-1", opened_by_org="dep")
    with pytest.raises(Rejected) as refused:
        open_contact(cmd, CandidateState(registered=True, profile=PROFILE))
    assert (refused.value.kind, [e.field for e in refused.value.errors]) == ("invalid", ["purpose"])
