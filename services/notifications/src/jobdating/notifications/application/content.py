"""What a message says: the facts its template needs, its calendar entries, and the slots it presents.

Built when the message is sent, from the read model as it is then (so a late message tells the current
plan) and from the contact answer (a first name); nothing of it is stored.

`ContentBuilder` picks each kind's content. It builds here the candidates' digests, reminders and
thank-yous, a workshop's for its coaches and an interview's outcome for the counsellor; a recruiter's
agenda and updates are built in `content_recruiters`, a counsellor's call in `counsellor_calls`, and the
types they all share are `content_facts`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import msgspec

from jobdating.contracts.queries import Contact
from jobdating.eventstore.base import EventStore
from jobdating.notifications.application import (
    content_recruiters,
    counsellor_calls,
    preparation,
    queries_facts,
    queries_plan,
    waiting,
)
from jobdating.notifications.application.content_facts import Content, Facts, MissingFacts, required
from jobdating.notifications.application.ports import Contacts, ContactsUnavailable, StaffDirectory
from jobdating.notifications.application.queries_deliveries import Delivery
from jobdating.notifications.application.queries_facts import Company, Site
from jobdating.notifications.application.queries_plan import Slot
from jobdating.notifications.application.slot_places import calendar_entry, location_of, own_link, site_view
from jobdating.notifications.domain.calendar import CalendarEntry, entry_uid
from jobdating.notifications.domain.messages import CANDIDATE_DIGESTS, DAY_REMINDERS
from jobdating.notifications.domain.personal_links import PersonalLinks
from jobdating.notifications.domain.preparation import PREPARATION_KINDS
from jobdating.notifications.domain.rules import Told, news

__all__ = ["Content", "ContentBuilder", "Facts", "MissingFacts"]


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
            content = Content(context=required(found, "appointment_unknown"), entries=entries)
            return self._with_meetings(content, facts, recipient, tz)
        if d.kind == waiting.KIND:
            found = waiting.content(self.store, d, recipient, base, self._who_to_call)
            return Content(context=required(found, "site_unknown"))
        if d.kind == "recruiter_agenda":
            return await content_recruiters.agenda(self.store, self.contacts, d, base, tz)
        if d.kind == counsellor_calls.KIND:
            context = await counsellor_calls.content(self.store, self.contacts, d, facts.told_with, base, tz)
            return Content(context=context)
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
        company = required(company, "company_unknown")
        base |= {"company": company.name, "positions": list(company.positions)}
        if d.kind == "thank_you":
            return self._thank_you(slot, base, tz)
        if d.kind == "counsellor_outcome":
            return await self._outcome(slot, base, tz)
        return await content_recruiters.agenda_update(
            self.store, self.contacts, d, slot, company, base, tz, facts
        )

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
            company = required(known.company(slot.company_id), "company_unknown")
            site = required(known.site(slot.site_id), "site_unknown")
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
                entries.append(calendar_entry(slot, company, site, "candidate", known))
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
            site = required(places.site(second.site_id), "site_unknown")
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

    def _workshop(self, d: Delivery, base: dict[str, Any], tz: ZoneInfo) -> Content:
        workshop = required(queries_plan.workshop(self.store, d.subject_id), "workshop_unknown")
        site = required(queries_facts.site(self.store, workshop.site_id), "site_unknown")
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


def _previous(told: Told | None, slot: Slot, tz: ZoneInfo) -> dict[str, Any] | None:
    """What changed of a moved slot since its recipient was told of it."""
    if told is None or news(told, slot.facts()) != "moved":
        return None
    return {
        "starts_at": told.starts_at.astimezone(tz),
        "time_changed": (told.starts_at, told.ends_at) != (slot.starts_at, slot.ends_at),
        "site_changed": told.site_id != slot.site_id,
    }
