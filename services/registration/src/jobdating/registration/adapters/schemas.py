"""The HTTP API's bodies and answers (pydantic, for OpenAPI); rules live in the domain, not here.

Types stay loose (text where people type text) so that the domain's French reasons reach the caller.
"""

from __future__ import annotations

from datetime import date, time
from typing import Literal

from pydantic import BaseModel, Field

from jobdating.runtime.http import Body, LocalTime, Text


class WishIn(Body):
    rank: int = Field(description="1 is the strongest wish; ranks go 1..n without gaps")
    company_id: Text | None = Field(None, description="a registered company, or...")
    sector: Text | None = Field(None, description="...a sector, e.g. logistique")


class AvailabilityIn(Body):
    day: date
    start: LocalTime
    end: LocalTime


class CandidateIn(Body):
    first_name: Text
    last_name: Text
    phone: Text = Field(description="a French mobile or landline; stored in E.164")
    email: Text | None = None
    address: Text | None = None
    postcode: Text
    commune: Text
    site_id: Text = Field(description="an open site from GET /sites, the nearest home")
    counsellor_id: Text | None = Field(None, description="defaults to the caller")
    sectors: list[Text] = []
    wishes: list[WishIn] = []
    availability: list[AvailabilityIn] = []
    accessibility: list[Text] = Field([], description="wheelchair, hearing_loop, visual, other")
    consent_data: bool = False
    consent_sms: bool = False
    consent_email: bool = False


class CandidatePatch(Body):
    """Only the fields sent change; `null` clears `email` or `address`."""

    first_name: Text | None = None
    last_name: Text | None = None
    phone: Text | None = None
    email: Text | None = None
    address: Text | None = None
    postcode: Text | None = None
    commune: Text | None = None
    site_id: Text | None = None
    counsellor_id: Text | None = None
    sectors: list[Text] | None = None
    wishes: list[WishIn] | None = None
    availability: list[AvailabilityIn] | None = None
    accessibility: list[Text] | None = None
    consent_data: bool | None = None
    consent_sms: bool | None = None
    consent_email: bool | None = None


class WithdrawIn(Body):
    reason: Text


class PositionIn(Body):
    title: Text
    contract: Text = Field(description="CDI, CDD, alternance, interim or stage")
    count: int


class CompanyIn(Body):
    name: Text
    siret: Text
    sector: Text
    positions: list[PositionIn]
    parallel_recruiters: int
    window_start: LocalTime
    window_end: LocalTime
    day: date | None = None
    contact_name: Text
    contact_phone: Text | None = None
    contact_email: Text | None = None


class CompanyPatch(Body):
    """Only the fields sent change; `null` clears `day`, `contact_phone` or `contact_email`."""

    name: Text | None = None
    siret: Text | None = None
    sector: Text | None = None
    positions: list[PositionIn] | None = None
    parallel_recruiters: int | None = None
    window_start: LocalTime | None = None
    window_end: LocalTime | None = None
    day: date | None = None
    contact_name: Text | None = None
    contact_phone: Text | None = None
    contact_email: Text | None = None


class WishOut(BaseModel):
    rank: int
    company_id: str | None = None
    sector: str | None = None


class CandidateProfileOut(BaseModel):
    referring_org: str
    counsellor_id: str
    site_id: str
    postcode: str
    commune: str
    sectors: list[str]
    wishes: list[WishOut]
    availability: list[AvailabilityIn]
    accessibility: list[str]
    consent_data: bool
    consent_sms: bool
    consent_email: bool


class PersonalOut(BaseModel):
    first_name: str
    last_name: str
    phone: str
    email: str | None = None
    address: str | None = None


class CandidateOut(BaseModel):
    candidate_id: str
    status: Literal["registered", "withdrawn"]
    erased: bool
    withdrawal_reason: str | None
    profile: CandidateProfileOut
    personal: PersonalOut | None = Field(
        description="only for the coordinators and counsellors of the referring organisation"
    )
    registered_at: str
    updated_at: str


class CandidatePage(BaseModel):
    total: int
    items: list[CandidateOut]


class PositionOut(BaseModel):
    title: str
    contract: str
    count: int


class CompanyProfileOut(BaseModel):
    name: str
    siret: str
    sector: str
    positions: list[PositionOut]
    parallel_recruiters: int
    window_start: time
    window_end: time
    day: date | None = None


class ContactOut(BaseModel):
    name: str
    phone: str | None = None
    email: str | None = None


class CompanyOut(BaseModel):
    company_id: str
    registering_org: str
    status: Literal["registered", "withdrawn"]
    withdrawal_reason: str | None
    profile: CompanyProfileOut
    contact: ContactOut | None = Field(description="only for the registering organisation")
    registered_at: str
    updated_at: str


class CompanyPage(BaseModel):
    total: int
    items: list[CompanyOut]


class RowErrorOut(BaseModel):
    field: str
    reason: str


class RowReportOut(BaseModel):
    row: int
    status: Literal["created", "already_imported", "rejected"]
    id: str | None = None
    errors: list[RowErrorOut] = []


class ImportReportOut(BaseModel):
    kind: Literal["candidates", "companies"]
    dry_run: bool
    created: int
    already_imported: int
    rejected: int
    rows: list[RowReportOut]
    ignored_columns: list[str] = []
