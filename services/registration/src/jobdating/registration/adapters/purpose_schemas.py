"""Bodies and answers of the routes that show personal data for a purpose (`http_purposes`)."""

from __future__ import annotations

from datetime import date, time

from pydantic import BaseModel, Field

from jobdating.runtime.http import Body, Text


class ExpectedCandidateOut(BaseModel):
    candidate_id: str
    first_name: str
    last_name: str
    start: time
    end: time


class ExpectedAtSiteOut(BaseModel):
    site_id: str
    site_name: str
    day: date | None = Field(description="the day these candidates are expected; null: nobody any more")
    candidates: list[ExpectedCandidateOut]


class ContactOpeningIn(Body):
    purpose: Text | None = Field(
        None, description="convocation_failed, day_of_change or duplicate_check (required)"
    )
    referring_org: Text | None = Field(
        None, description="the candidate's organisation, when its own registration instance holds them"
    )


class OpenedContactOut(BaseModel):
    first_name: str
    last_name: str
    phone: str
    email: str | None


class ContactOpenedOut(BaseModel):
    candidate_id: str
    purpose: str
    contact: OpenedContactOut


class OpeningOut(BaseModel):
    purpose: str
    opened_by: str
    opened_by_org: str
    opened_at: str


class OpeningsOut(BaseModel):
    candidate_id: str
    items: list[OpeningOut]
