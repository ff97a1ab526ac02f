"""What a message says: the facts its template needs, its calendar entries, and the slots it presents.

Built when the message is sent, from the read model as it is then (so a late message tells the current
plan) and from the contact answer (a first name); nothing of it is stored.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import msgspec

from jobdating.contracts.queries import Contact
from jobdating.eventstore.base import EventStore
from jobdating.notifications.application import (
    counsellor_calls,
    preparation,
    queries_facts,
    queries_plan,
    waiting,
)
from jobdating.notifications.application.ports import Contacts, ContactsUnavailable, StaffDirectory
from jobdating.notifications.application.queries_deliveries import Delivery
from jobdating.notifications.application.queries_facts import Candidate, Company, Site
from jobdating.notifications.application.queries_plan import JobDating, Slot
from jobdating.notifications.application.slot_places import location_of, own_link, site_view, slot_entry
from jobdating.notifications.domain.calendar import CalendarEntry, entry_uid
from jobdating.notifications.domain.messages import CANDIDATE_DIGESTS, DAY_REMINDERS
from jobdating.notifications.domain.personal_links import PersonalLinks
from jobdating.notifications.domain.preparation import PREPARATION_KINDS
from jobdating.notifications.domain.rules import News, SlotFacts, Told, news

T = TypeVar("T")


class MissingFacts(Exception):
    """The read model lacks something the message needs (a site, a company): worth retrying later."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class Content(msgspec.Struct, frozen=True, kw_only=True):
    """A template's facts, the calendar entries to attach, and the slots the message presents."""

    context: dict[str, Any]
    entries: tuple[CalendarEntry, ...] = ()
    presented: tuple[SlotFacts, ...] = ()
    carried: tuple[Delivery, ...] = ()  # the messages of the same moment it tells too (`domain.moments`)


class Facts(msgspec.Struct, frozen=True, kw_only=True):
    """What the dispatcher already read for a message: its job dating, its slot, its registered recipient;
    for a candidate's digest, what is news (`news`) and those slots (`slots`); for a day reminder, the
    interviews of that day (`slots`); for either, the preparation messages of the same moment (`meetings`);
    for a counsellor's notice, the others it tells of (`told_with`)."""

    job_dating: JobDating | None
    slot: Slot | None
    registered: Candidate | Company | None
    news: tuple[News, ...] = ()
    slots: tuple[Slot, ...] = ()
    told_with: tuple[Delivery, ...] = ()
    meetings: tuple[Delivery, ...] = ()  # the preparation messages of the same moment it may carry
    updates: tuple[Delivery, ...] = ()  # a recruiter's other updates it carries (their slots: `slots`)


@dataclass(eq=False)
class ContentBuilder:
    """Gathers a message's facts: the read model, the staff directory, registration (first names), and
    the candidate's personal link when `links` is given."""

    store: EventStore
    contacts: Contacts
    staff: StaffDirectory
    timezone: str
    links: PersonalLinks | None = None
    coordinator_phone: str | None = None

    async def build(self, d: Delivery, recipient: Contact, facts: Facts) -> Content:
        jd = facts.job_dating
        tz = ZoneInfo(jd.timezone if jd else self.timezone)
        # A recruiter's contact may be known by a full name only: "Bonjour Marc Dupont" reads well enough.
        greeting = recipient.first_name or (recipient.last_name if d.recipient_type != "candidate" else None)
        base: dict[str, Any] = {"first_name": greeting, "title": jd.title if jd else ""}
        if d.kind == "workshop_session":
            return self._workshop(d, base, tz)
        if d.kind in PREPARATION_KINDS:
            found = preparation.content(self.store, self.staff, d, recipient, base, tz, self._who_to_call)
            # Its own calendar entry, as when another message carries it (none for a reminder).
            own = preparation.carried(self.store, self.staff, d, recipient, tz, self._who_to_call)
            entries = (own[1],) if own is not None and own[1] is not None else ()
            content = Content(context=_required(found, "appointment_unknown"), entries=entries)
            return self._with_meetings(content, facts, recipient, tz)
        if d.kind == waiting.KIND:
            found = waiting.content(self.store, d, recipient, base, self._who_to_call)
            return Content(context=_required(found, "site_unknown"))
        if d.kind == "recruiter_agenda":
            return await self._agenda(d, base, tz)
        if d.kind == counsellor_calls.KIND:
            return await self._call(d, facts.told_with, base, tz)
        if d.recipient_type == "candidate" and d.kind in CANDIDATE_DIGESTS | DAY_REMINDERS:
            # The counsellor comes sealed in registration's contact answer, never from the bus.
            return self._with_meetings(
                self._digest(d, facts, recipient.counsellor_id, base, tz), facts, recipient, tz
            )
        slot = facts.slot or queries_plan.slot(self.store, d.subject_id)
        if slot is None:
            raise MissingFacts("slot_unknown")
        if isinstance(facts.registered, Company) and facts.registered.company_id == slot.company_id:
            company: Company | None = facts.registered
        else:
            company = queries_facts.company(self.store, slot.company_id)
        company = _required(company, "company_unknown")
        base |= {"company": company.name, "positions": list(company.positions)}
        if d.kind == "thank_you":
            return self._thank_you(slot, base, tz)
        if d.kind == "counsellor_outcome":
            return await self._outcome(slot, base, tz)
        return await self._agenda_update(d, slot, company, base, tz, facts)

    def _digest(
        self, d: Delivery, facts: Facts, counsellor_id: str | None, base: dict[str, Any], tz: ZoneInfo
    ) -> Content:
        """A candidate's slots in one message: the news of a digest, or the interviews of a reminder's day.

        Every slot listed is presented: what the person is told of it is recorded when it is sent.
        """
        changes = {n.slot.slot_id: n for n in facts.news}
        known = queries_facts.Places(self.store)
        items, entries, sites = [], [], []
        for slot in facts.slots:
            company = _required(known.company(slot.company_id), "company_unknown")
            site = _required(known.site(slot.site_id), "site_unknown")
            found = changes.get(slot.slot_id)
            items.append(
                self._slot_view(slot, site, tz, known)
                | {
                    "company": company.name,
                    "positions": list(company.positions),
                    "change": found.change if found else None,
                    "reason": slot.cancel_reason,
                    "previous": _previous(found.told, slot, tz) if found else None,
                }
            )
            sites.append(site)
            if d.kind in CANDIDATE_DIGESTS:
                entries.append(self._slot_entry(slot, company, site, "candidate", known))
        if not items:
            raise MissingFacts("slot_unknown")
        standing = [item for item in items if item["change"] != "cancelled"]
        places = {(i["place"], i["site"]["address"], i["address"], i["video_link"]) for i in standing}
        context = base | {
            "interviews": items,
            "standing": standing,
            "cancelled": [item for item in items if item["change"] == "cancelled"],
            # One place for all: the address is said once.
            "one_place": standing[0] if len(places) == 1 else None,
            "call": self._who_to_call(counsellor_id, sites[0]),
            "link": self._link(d, [s for s in facts.slots if s.status != "cancelled"], tz),
        }
        # « Votre conseiller vous rappelle » only when their counsellor is told (`counsellor_call`); a
        # cancellation otherwise gives the coordination's number, or the site's reception.
        context["counsellor_told"] = self._counsellor_told(counsellor_id)
        if context["cancelled"] and not context["counsellor_told"]:
            context["call"] = self.coordinator_phone or sites[0].phone
        return Content(
            context=context, entries=tuple(entries), presented=tuple(s.facts() for s in facts.slots)
        )

    def _with_meetings(self, content: Content, facts: Facts, recipient: Contact, tz: ZoneInfo) -> Content:
        """The interviews' message with the workshops and individual interviews of its moment (`meetings`,
        in time order), each with its calendar entry; one the read model lacks goes on its own later."""
        shown, views, entries = [], [], []
        for d in facts.meetings:
            found = preparation.carried(self.store, self.staff, d, recipient, tz, self._who_to_call)
            if found is None:
                continue
            view, entry = found
            shown.append(d)
            views.append(view)
            if entry is not None:
                entries.append(entry)
        views.sort(key=lambda v: v["starts_at"])
        return msgspec.structs.replace(
            content,
            context=content.context | {"meetings": views},
            entries=content.entries + tuple(entries),
            carried=tuple(shown),
        )

    async def _call(
        self, d: Delivery, others: Sequence[Delivery], base: dict[str, Any], tz: ZoneInfo
    ) -> Content:
        """Whom to call and why: each candidate the notice tells of, by name (asked for their counsellor),
        with every reason now; by name, those without one last."""
        ids = counsellor_calls.candidates(self.store, d, others)
        names = await asyncio.gather(*(self._name_for_counsellor(d.kind, c) for c in ids))
        told = [
            {"name": name} | counsellor_calls.reasons(self.store, candidate_id, tz)
            for name, candidate_id in sorted(zip(names, ids, strict=True), key=_by_name)
        ]
        return Content(context=base | {"candidates": told})

    async def _name_for_counsellor(self, kind: str, candidate_id: str) -> str | None:
        candidate = queries_facts.candidate(self.store, candidate_id)
        if candidate is None:
            return None
        purpose = f"notifications:{kind}:counsellor"
        try:
            answer = await self.contacts.ask(candidate.org, "candidate", candidate_id, purpose)
        except ContactsUnavailable:
            return None
        if answer.contact is None:
            return None
        parts = (answer.contact.first_name, answer.contact.last_name)
        return " ".join(p for p in parts if p) or None

    def _counsellor_told(self, counsellor_id: str | None) -> bool:
        """Whether the candidate's counsellor hears of a cancellation: known, with an address to tell."""
        member = self.staff.get(counsellor_id) if counsellor_id else None
        return member is not None and bool(member.email)

    def _link(self, d: Delivery, standing: list[Slot], tz: ZoneInfo) -> str | None:
        # A message with nothing left to attend has nothing to answer: no link.
        if self.links is None or not standing:
            return None
        return self.links.link(d.recipient_id, max(s.starts_at for s in standing), tz)

    def _thank_you(self, slot: Slot, base: dict[str, Any], tz: ZoneInfo) -> Content:
        second = queries_plan.second_interview(self.store, slot.candidate_id, slot.company_id, slot.starts_at)
        second_view = None
        if second is not None:
            places = queries_facts.Places(self.store)
            site = _required(places.site(second.site_id), "site_unknown")
            second_view = self._slot_view(second, site, tz, places)
        # The second interview's own convocation brings its calendar entry and practical details.
        return Content(context=base | {"outcome": slot.outcome, "second": second_view})

    async def _outcome(self, slot: Slot, base: dict[str, Any], tz: ZoneInfo) -> Content:
        second = queries_plan.second_interview(self.store, slot.candidate_id, slot.company_id, slot.starts_at)
        context = base | {
            "candidate": await self._first_name(slot.candidate_id, "counsellor_outcome"),
            "outcome": slot.outcome,
            "interview_at": slot.starts_at.astimezone(tz),
            "second_at": second.starts_at.astimezone(tz) if second else None,
        }
        return Content(context=context)

    async def _agenda(self, d: Delivery, base: dict[str, Any], tz: ZoneInfo) -> Content:
        company = _required(queries_facts.company(self.store, d.recipient_id), "company_unknown")
        slots = queries_plan.company_slots(self.store, company.company_id, d.subject_id)
        places = queries_facts.Places(self.store)
        items, entries = [], []
        names = await self._first_names([s.candidate_id for s in slots], "recruiter_agenda")
        for slot, name in zip(slots, names, strict=True):
            site = _required(places.site(slot.site_id), "site_unknown")
            items.append(self._agenda_item(slot, site, tz, places, name))
            entries.append(self._slot_entry(slot, company, site, "recruiter", places))
        context = base | {"company": company.name, "items": items}
        return Content(
            context=context, entries=tuple(entries), presented=tuple(slot.facts() for slot in slots)
        )

    async def _agenda_update(
        self, d: Delivery, slot: Slot, company: Company, base: dict[str, Any], tz: ZoneInfo, facts: Facts
    ) -> Content:
        """A recruiter's update: its slot's news and that of the updates it carries (`facts.slots`), in
        time order, each with its calendar entry, then the rest of their agenda."""
        places = queries_facts.Places(self.store)
        told = [slot, *facts.slots]
        sites = [_required(places.site(s.site_id), "site_unknown") for s in told]
        names = await self._first_names([s.candidate_id for s in told], "recruiter_agenda")
        changes: list[dict[str, Any]] = []
        for shown, site, name in zip(told, sites, names, strict=True):
            before = queries_plan.told(self.store, shown.slot_id, d.recipient_type, d.recipient_id, d.channel)
            changes.append(
                {
                    "change": news(before, shown.facts()),
                    "item": self._agenda_item(shown, site, tz, places, name),
                    "previous_at": before.starts_at.astimezone(tz) if before else None,
                }
            )
        own = changes[0]
        changes.sort(key=lambda c: c["item"]["starts_at"])
        shown_ids = {s.slot_id for s in told}
        agenda = []
        for other in queries_plan.company_slots(self.store, company.company_id, slot.job_dating_id):
            other_site = places.site(other.site_id)
            if other_site is not None and other.slot_id not in shown_ids:
                agenda.append(self._agenda_item(other, other_site, tz, places, None))
        context = base | {
            "changes": changes,
            # The update's own slot, as templates written for one change read it.
            "change": own["change"],
            "item": own["item"],
            "agenda": agenda,
        }
        entries = tuple(
            self._slot_entry(s, company, site, "recruiter", places)
            for s, site in zip(told, sites, strict=True)
        )
        return Content(
            context=context,
            entries=entries,
            presented=tuple(s.facts() for s in told),
            carried=facts.updates,
        )

    def _workshop(self, d: Delivery, base: dict[str, Any], tz: ZoneInfo) -> Content:
        workshop = _required(queries_plan.workshop(self.store, d.subject_id), "workshop_unknown")
        site = _required(queries_facts.site(self.store, workshop.site_id), "site_unknown")
        room = queries_facts.room_name(self.store, workshop.site_id, workshop.room_id)
        partners = []
        for coach_id, org in zip(workshop.coach_ids, workshop.coach_orgs, strict=True):
            if coach_id != d.recipient_id:
                member = self.staff.get(coach_id)
                partners.append({"first_name": member.first_name if member else None, "org": org})
        context = base | {
            "starts_at": workshop.starts_at.astimezone(tz),
            "ends_at": workshop.ends_at.astimezone(tz),
            "site": site_view(site),
            "room": room,
            "capacity": workshop.capacity,
            "enrolled": workshop.enrolled,
            "partners": partners,
        }
        entry = CalendarEntry(
            uid=entry_uid("workshop", workshop.workshop_id),
            sequence=workshop.version,
            starts_at=workshop.starts_at,
            ends_at=workshop.ends_at,
            summary="Atelier de préparation au job dating",
            location=location_of(site, room),
            description="Atelier collectif de préparation aux entretiens, animé en binôme.",
        )
        return Content(context=context, entries=(entry,))

    def _agenda_item(
        self, slot: Slot, site: Site, tz: ZoneInfo, places: queries_facts.Places, first_name: str | None
    ) -> dict[str, Any]:
        return {
            "starts_at": slot.starts_at.astimezone(tz),
            "ends_at": slot.ends_at.astimezone(tz),
            "first_name": first_name,
            "site": site.name,
            "commune": site.commune,
            "computer": places.computer_label(slot.computer_id),
            "video_link": own_link(slot),
            "second": slot.kind == "second_interview",
            "place": slot.place,
            "address": slot.address,
        }

    async def _first_name(self, candidate_id: str, purpose: str) -> str | None:
        candidate = queries_facts.candidate(self.store, candidate_id)
        if candidate is None or candidate.status != "active":
            return None
        try:
            answer = await self.contacts.ask(
                candidate.org, "candidate", candidate_id, f"{purpose}:first_name"
            )
        except ContactsUnavailable:
            return None
        return answer.contact.first_name if answer.contact is not None else None

    async def _first_names(self, candidate_ids: Sequence[str], purpose: str) -> list[str | None]:
        """Each candidate's first name (None: not to be named, or registration out of reach), asked in one
        question per organisation that registered them, not one a candidate: an agenda update telling
        400 walk-ins put 400 questions ahead of every convocation's own."""
        by_org: dict[str, list[str]] = {}
        for candidate_id in dict.fromkeys(candidate_ids):
            candidate = queries_facts.candidate(self.store, candidate_id)
            if candidate is not None and candidate.status == "active":
                by_org.setdefault(candidate.org, []).append(candidate_id)
        asked = [self.contacts.first_names(org, ids, f"{purpose}:first_name") for org, ids in by_org.items()]
        names: dict[str, str] = {}
        for answer in await asyncio.gather(*asked, return_exceptions=True):
            if isinstance(answer, ContactsUnavailable):
                continue  # as for one name: the agenda says « prénom non communiqué »
            if isinstance(answer, BaseException):
                raise answer
            names |= answer
        return [names.get(candidate_id) for candidate_id in candidate_ids]

    def _slot_view(
        self, slot: Slot, site: Site, tz: ZoneInfo, places: queries_facts.Places
    ) -> dict[str, Any]:
        return {
            "starts_at": slot.starts_at.astimezone(tz),
            "ends_at": slot.ends_at.astimezone(tz),
            "minutes": int((slot.ends_at - slot.starts_at).total_seconds() // 60),
            "second": slot.kind == "second_interview",
            "site": site_view(site),
            "computer": places.computer_label(slot.computer_id),
            "place": slot.place,
            "address": slot.address,
            "video_link": own_link(slot) if slot.place == "video" else None,
        }

    def _who_to_call(self, counsellor_id: str | None, site: Site) -> str | None:
        # The candidate's own counsellor first: the person they know; the site's reception otherwise.
        counsellor = self.staff.get(counsellor_id) if counsellor_id else None
        if counsellor is not None and counsellor.phone:
            return counsellor.phone
        return site.phone

    def _slot_entry(
        self, slot: Slot, company: Company, site: Site, audience: str, places: queries_facts.Places
    ) -> CalendarEntry:
        computer = places.computer_label(slot.computer_id)
        return slot_entry(slot, company.name, site, computer, audience)


def _previous(told: Told | None, slot: Slot, tz: ZoneInfo) -> dict[str, Any] | None:
    """What changed of a moved slot since its recipient was told of it."""
    if told is None or news(told, slot.facts()) != "moved":
        return None
    return {
        "starts_at": told.starts_at.astimezone(tz),
        "time_changed": (told.starts_at, told.ends_at) != (slot.starts_at, slot.ends_at),
        "site_changed": told.site_id != slot.site_id,
    }


def _required(value: T | None, code: str) -> T:
    if value is None:
        raise MissingFacts(code)
    return value


def _by_name(told: tuple[str | None, str]) -> tuple[bool, str, str]:
    name, candidate_id = told
    return (name is None, name or "", candidate_id)
