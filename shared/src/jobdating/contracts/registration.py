"""Events published by the registration service (candidates and companies).

Personal fields (names, phone, e-mail, address, a company contact) are only ever inside a `Sealed` value;
so are, since `CandidateRegistered` v3 and `CandidateUpdated` v2, a candidate's postcode, commune and
counsellor (together they all but name a person, and no consumer needs them: notifications gets the
counsellor in registration's sealed contact answer, the statistics count by organisation and site).
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, ClassVar, Final, Literal

import msgspec

from jobdating.contracts.envelope import Event
from jobdating.contracts.registry import REGISTRY
from jobdating.contracts.sealed import Sealed
from jobdating.contracts.windows import DayWindow

SERVICE = "registration"
CANDIDATE = "candidate"
COMPANY = "company"

ContractType = Literal["CDI", "CDD", "alternance", "interim", "stage"]
Accessibility = Literal["wheelchair", "hearing_loop", "visual", "other"]


class Wish(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A ranked wish: a company (by id) or a sector (by code); rank 1 is the strongest."""

    rank: int
    company_id: str | None = None
    sector: str | None = None


class Availability(DayWindow, frozen=True, kw_only=True, gc=False):
    """A day and a time window the candidate can attend."""


class Position(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """An open position at a company."""

    title: str
    contract: ContractType
    count: int


class CandidateProfile(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """What can be known about a candidate without identifying them (no names, no contacts, no home, no
    counsellor: those are sealed in `personal`)."""

    referring_org: str
    site_id: str
    sectors: tuple[str, ...] = ()
    wishes: tuple[Wish, ...] = ()
    availability: tuple[Availability, ...] = ()
    accessibility: tuple[Accessibility, ...] = ()
    consent_data: bool = False
    consent_sms: bool = False
    consent_email: bool = False


class CandidateProfileV1(CandidateProfile, frozen=True, kw_only=True, gc=False):
    """The profile of `CandidateRegistered` v1-v2 and `CandidateUpdated` v1: the counsellor and the home's
    postcode and commune were in clear. Kept to read old logs; upcast into `CandidateProfile` + `legacy`."""

    counsellor_id: str
    postcode: str
    commune: str


class InClearBefore(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """What an event written before the fields were sealed carried in clear, moved here by the upcaster so
    that registration (their owner) still knows them for candidates registered then. Never set on a new
    event: registration writes them into `personal` only."""

    counsellor_id: str
    postcode: str
    commune: str


_IN_CLEAR = ("counsellor_id", "postcode", "commune")


@REGISTRY.upcaster("CandidateRegistered", 2)
@REGISTRY.upcaster("CandidateUpdated", 1)
def _profile_unsealed(data: dict[str, Any]) -> dict[str, Any]:
    """An old payload's profile without the fields now sealed, which go to `legacy`: `CandidateRegistered`
    v2 and `CandidateUpdated` v1 had the counsellor, postcode and commune in clear in the profile."""
    profile = data.get("profile")
    if profile is None:
        return {**data, "legacy": None}
    kept = {k: v for k, v in profile.items() if k not in _IN_CLEAR}
    return {**data, "profile": kept, "legacy": {k: profile[k] for k in _IN_CLEAR}}


class _CandidateEvent(Event, frozen=True, kw_only=True):
    """An event of a candidate's stream: their id comes first."""

    stream_type: ClassVar[str] = CANDIDATE

    candidate_id: str


@REGISTRY.register
class CandidateRegistered(_CandidateEvent, frozen=True, kw_only=True):
    """A candidate was registered by a partner (or registered themselves). `personal` holds their names,
    contacts, postcode, commune and counsellor; `legacy` only what an event of v1-v2 had in clear."""

    schema_version: ClassVar[int] = 3

    profile: CandidateProfile
    personal: Sealed
    import_key: str | None = None
    legacy: InClearBefore | None = None


@REGISTRY.upcaster("CandidateRegistered", 1)
def _candidate_registered_v1_v2(data: dict[str, Any]) -> dict[str, Any]:
    # v1 had no import key (bulk import came later): such registrations were typed in by hand.
    return {**data, "import_key": None}


@REGISTRY.register
class CandidateRegisteredV1(_CandidateEvent, frozen=True, kw_only=True):
    """Version 1 of CandidateRegistered, kept to read old logs; upcast to v3 on read."""

    event_type: ClassVar[str] = "CandidateRegistered"

    profile: CandidateProfileV1
    personal: Sealed


@REGISTRY.register
class CandidateRegisteredV2(_CandidateEvent, frozen=True, kw_only=True):
    """Version 2 of CandidateRegistered, kept to read old logs; upcast to v3 on read."""

    event_type: ClassVar[str] = "CandidateRegistered"
    schema_version: ClassVar[int] = 2

    profile: CandidateProfileV1
    personal: Sealed
    import_key: str | None = None


@REGISTRY.register
class CandidateUpdated(_CandidateEvent, frozen=True, kw_only=True):
    """A candidate's profile or personal fields changed; absent parts are unchanged. `legacy`: see
    `CandidateRegistered`."""

    schema_version: ClassVar[int] = 2

    profile: CandidateProfile | None = None
    personal: Sealed | None = None
    legacy: InClearBefore | None = None


@REGISTRY.register
class CandidateUpdatedV1(_CandidateEvent, frozen=True, kw_only=True):
    """Version 1 of CandidateUpdated, kept to read old logs; upcast to v2 on read."""

    event_type: ClassVar[str] = "CandidateUpdated"

    profile: CandidateProfileV1 | None = None
    personal: Sealed | None = None


@REGISTRY.register
class CandidateWithdrew(_CandidateEvent, frozen=True, kw_only=True):
    """A candidate will not take part any more (their data stays until erased)."""

    reason: str


CANNOT_COME: Final = "indisponible à la date"
"""`CandidateWithdrew.reason` when the candidate said « Je ne peux pas venir » themselves (their personal
link or a reply to an SMS): notifications pauses their reminders and tells their counsellor."""


@REGISTRY.register
class CandidateConfirmedAttendance(_CandidateEvent, frozen=True, kw_only=True):
    """The candidate said they will come (« Je viens », from their personal link)."""


@REGISTRY.register
class CandidateWalkedIn(_CandidateEvent, frozen=True, kw_only=True):
    """A candidate registered on the spot, on the day, by a counsellor or the host of `site_id` (their
    chosen site), where they are now: scheduling checks them in at once."""

    site_id: str
    at: datetime


# The longest counsellor's note recruiters read: a line or two, never a file about the person.
NOTE_LENGTH = 200


@REGISTRY.register
class CandidateNoteWritten(_CandidateEvent, frozen=True, kw_only=True):
    """The candidate's counsellor wrote the short note that companies read with the anonymous profile
    (what the person can do or is looking for), or removed it (`note` empty). Like the profile it is not
    sealed, so registration refuses in it what would identify or reach the person (contact details,
    addresses, numbers) and anything longer than `NOTE_LENGTH`."""

    note: str


@REGISTRY.register
class CandidateErased(_CandidateEvent, frozen=True, kw_only=True, omit_defaults=True):
    """A candidate's personal data was erased (GDPR): their key is gone, anonymous facts remain."""

    # Why (added later): None for an erasure someone asked for (`DELETE /candidates/{id}`),
    # `ERASED_BY_RETENTION` when the retention period ran out. Left out of the wire when None
    # (omit_defaults), so earlier payloads and erasures on request keep the form they always had.
    reason: str | None = None


ERASED_BY_RETENTION = "retention"
"""`CandidateErased.reason` of registration's daily retention job."""

ContactPurpose = Literal["convocation_failed", "day_of_change", "duplicate_check"]
"""Why a coordinator of another organisation may open a candidate's contact (see CandidateContactOpened)."""


@REGISTRY.register
class CandidateContactOpened(_CandidateEvent, frozen=True, kw_only=True):
    """A coordinator opened the contact (names, phone, e-mail) of a candidate their organisation does not
    follow, for one of the listed purposes. Who: `opened_by` (an opaque account id, never a name) of
    `opened_by_org`; whom: the stream's candidate; when: the envelope's `occurred_at`. No personal data:
    the contact itself went to the opener only (sealed when it crossed the bus)."""

    purpose: ContactPurpose
    opened_by: str
    opened_by_org: str


class CompanyProfile(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A recruiting company as the schedule needs it."""

    name: str
    siret: str
    sector: str
    positions: tuple[Position, ...]
    parallel_recruiters: int
    window_start: time
    window_end: time
    day: date | None = None


class _CompanyEvent(Event, frozen=True, kw_only=True):
    """An event of a company's stream: its id comes first."""

    stream_type: ClassVar[str] = COMPANY

    company_id: str


@REGISTRY.register
class CompanyRegistered(_CompanyEvent, frozen=True, kw_only=True):
    """A recruiting company signed up; its contact person is sealed like any personal data."""

    registering_org: str
    profile: CompanyProfile
    contact: Sealed
    import_key: str | None = None


@REGISTRY.register
class CompanyUpdated(_CompanyEvent, frozen=True, kw_only=True):
    """A company's profile or contact changed; absent parts are unchanged."""

    profile: CompanyProfile | None = None
    contact: Sealed | None = None


@REGISTRY.register
class CompanyWithdrew(_CompanyEvent, frozen=True, kw_only=True):
    """A company will not take part any more."""

    reason: str
