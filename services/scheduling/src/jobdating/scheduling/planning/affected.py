"""Which interviews of a plan a disruption touches, which of those can stay, and the sentence that says why
one that cannot stay is cancelled."""

from __future__ import annotations

from collections.abc import Callable

from jobdating.scheduling.planning.disruption import (
    CandidateChanged,
    CandidateDisruption,
    CandidateNoShow,
    CandidateWithdrew,
    CompanyChanged,
    CompanyLate,
    CompanyLeft,
    CompanyOnDay,
    ComputerBroke,
    Disruption,
    SiteClosed,
)
from jobdating.scheduling.planning.frame import Frame
from jobdating.scheduling.planning.model import Interview
from jobdating.scheduling.planning.rebooking import may_meet


def touching(disruption: Disruption) -> Callable[[Interview], bool]:
    """Whether an interview concerns the disruption's candidate, company (that day), computer or site;
    one closure per disruption, since it runs over every interview of the plan."""
    match disruption:
        case CandidateNoShow(candidate_id=candidate_id, day=day):
            return lambda i: i.candidate_id == candidate_id and i.day == day
        case CandidateDisruption(candidate_id=candidate_id):
            return lambda i: i.candidate_id == candidate_id
        case CompanyOnDay(company_id=company_id, day=day):
            return lambda i: i.company_id == company_id and i.day == day
        case CompanyChanged(company_id=company_id):
            return lambda i: i.company_id == company_id
        case ComputerBroke(computer_id=computer_id):
            return lambda i: i.computer_id == computer_id
    site_id = disruption.site_id
    return lambda i: i.site_id == site_id


def fits_for(frame: Frame, disruption: Disruption) -> Callable[[Interview], bool]:
    """Whether an interview the disruption touches can stay as it is. A changed candidate's interview
    must also be at their site now and with a company they may still meet; one who left the job
    dating's sites keeps none."""
    if not isinstance(disruption, CandidateChanged):
        return lambda i: _still_fits(frame, i)
    if disruption.candidate is None:
        return lambda i: False
    site_id = disruption.candidate.site_id
    return lambda i: i.site_id == site_id and may_meet(frame, i) and _still_fits(frame, i)


def _still_fits(frame: Frame, interview: Interview) -> bool:
    t = frame.slot(interview.day, interview.start)
    return (
        t is not None
        and t in frame.candidate_slots(interview.candidate_id)
        and t in frame.company_slots(interview.company_id)
        and t in frame.computer_slots(interview.computer_id)
    )


def not_allowed(frame: Frame, interview: Interview) -> str:
    """Why a changed candidate may no longer meet the company of this interview."""
    candidate = frame.candidates[interview.candidate_id]
    company = frame.companies.get(interview.company_id)
    if interview.company_id in frame.forbids.get(candidate.id, set()):
        return "the coordinator ruled this pairing out"
    if company is not None and company.sites is not None and candidate.site_id not in company.sites:
        return f"the company does not meet candidates at {candidate.site_id}"
    return "the candidate no longer asks for this company"


def why_cancelled(disruption: Disruption, interview: Interview) -> str:
    if isinstance(disruption, CandidateWithdrew):
        return "the candidate withdrew"
    if isinstance(disruption, CandidateNoShow):
        return "the candidate did not come"
    if isinstance(disruption, CandidateChanged):
        if disruption.candidate is None:
            return "the candidate chose a site outside this job dating"
        site = disruption.candidate.site_id
        return (
            "the candidate changed their site or availability; no time when they, a recruiter and a "
            f"computer at {site} are free"
        )
    what = {
        CompanyChanged: "the company changed its hours or its number of recruiters",
        CompanyLate: "the company arrives later",
        CompanyLeft: "the company left",
        ComputerBroke: "the computer broke",
        SiteClosed: "the site closed",
    }[type(disruption)]
    site = interview.site_id
    return f"{what}; no other time when the candidate, a recruiter and a computer at {site} are free"
