"""Printed convocations for the candidates no message reached: who they are, and their letters.

A candidate is unreachable for a job dating when every convocation planned for them there was skipped for
want of a usable address on each channel (`domain.reach.UNREACHABLE_REASONS`: no e-mail or phone, no
consent, a landline with no voice provider, an unusable number). They are found from the delivery rows, so
a letter is due only once the dispatcher has tried; names and postal addresses are asked of registration
when the batch is printed (purpose `notifications:letter`) and never kept.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from jobdating.eventstore.base import EventStore
from jobdating.notifications.application import queries_facts, queries_plan
from jobdating.notifications.application.ports import (
    Contacts,
    ContactsUnavailable,
    LetterPrinter,
    StaffDirectory,
)
from jobdating.notifications.application.queries_plan import JobDating, Slot
from jobdating.notifications.application.slot_places import location_of
from jobdating.notifications.domain.letters import Interview, Letter, map_link
from jobdating.notifications.domain.reach import UNREACHABLE_REASONS

PURPOSE = "notifications:letter"


def unreachable(store: EventStore, job_dating_id: str) -> list[str]:
    """The candidates, still taking part, whose every convocation for this job dating reached nobody."""
    marks = ", ".join("?" * len(UNREACHABLE_REASONS))
    found = store.query(
        "SELECT d.recipient_id FROM notif_delivery d "
        "JOIN notif_candidate c ON c.candidate_id = d.recipient_id "
        "WHERE d.job_dating_id = ? AND d.kind = 'convocation' AND d.recipient_type = 'candidate' "
        "AND c.status NOT IN ('withdrawn', 'erased') "
        "GROUP BY d.recipient_id "
        f"HAVING SUM(CASE WHEN d.status = 'skipped' AND d.reason IN ({marks}) THEN 1 ELSE 0 END) = COUNT(*) "
        "ORDER BY d.recipient_id",
        (job_dating_id, *sorted(UNREACHABLE_REASONS)),
    )
    return [str(r[0]) for r in found]


class LetterDesk:
    """Makes the batch of letters of a job dating; registration is asked through `contacts`, given when
    the instance connects to NATS (`attach`)."""

    def __init__(self, store: EventStore, staff: StaffDirectory, printer: LetterPrinter, log: Any = None):
        self.store = store
        self.staff = staff
        self.printer = printer
        self.log = log
        self.contacts: Contacts | None = None

    def attach(self, contacts: Contacts) -> None:
        self.contacts = contacts

    async def pdf(self, job_dating_id: str) -> bytes | None:
        """The printable batch (one page per unreachable candidate), or None for an unknown job dating.
        Raises ContactsUnavailable when registration does not answer (a letter without a name is no use)."""
        jd = queries_plan.job_dating(self.store, job_dating_id)
        if jd is None:
            return None
        letters = await self.letters(jd)
        if self.log is not None:
            self.log.info("letters_printed", job_dating_id=job_dating_id, letters=len(letters))
        return self.printer.print(jd.title, letters)

    async def letters(self, jd: JobDating) -> list[Letter]:
        made = []
        for candidate_id in unreachable(self.store, jd.job_dating_id):
            letter = await self._letter(jd, candidate_id)
            if letter is not None:
                made.append(letter)
        return sorted(made, key=lambda it: ((it.last_name or "").lower(), (it.first_name or "").lower()))

    async def _letter(self, jd: JobDating, candidate_id: str) -> Letter | None:
        candidate = queries_facts.candidate(self.store, candidate_id)
        slots = queries_plan.standing_slots(self.store, candidate_id, jd.job_dating_id)
        if candidate is None or not slots:
            return None
        if self.contacts is None:
            raise ContactsUnavailable("not connected to NATS yet")
        answer = await self.contacts.ask(candidate.org, "candidate", candidate_id, PURPOSE)
        contact = answer.contact
        if answer.status != "found" or contact is None:
            return None  # erased or withdrawn meanwhile: no letter
        tz = ZoneInfo(jd.timezone)
        interviews = tuple(self._interview(slot, tz) for slot in slots)
        place, link, site_phone = self._place(slots)
        counsellor = self.staff.get(contact.counsellor_id) if contact.counsellor_id else None
        return Letter(
            candidate_id=candidate_id,
            first_name=contact.first_name,
            last_name=contact.last_name,
            postal_address=contact.postal_address,
            title=jd.title,
            interviews=interviews,
            place=place,
            map_link=link,
            call=counsellor.phone if counsellor is not None and counsellor.phone else site_phone,
        )

    def _interview(self, slot: Slot, tz: ZoneInfo) -> Interview:
        company = queries_facts.company(self.store, slot.company_id)
        return Interview(
            starts_at=slot.starts_at.astimezone(tz),
            ends_at=slot.ends_at.astimezone(tz),
            company=company.name if company is not None else "",
            second=slot.kind == "second_interview",
            where=self._where(slot),
        )

    def _where(self, slot: Slot) -> str:
        if slot.place == "video":
            return "En visio (l'entreprise envoie le lien)"
        if slot.place == "premises":
            return f"Dans les locaux de l'entreprise : {slot.address or ''}"
        site = queries_facts.site(self.store, slot.site_id)
        return location_of(site, None) if site is not None else ""

    def _place(self, slots: list[Slot]) -> tuple[str | None, str | None, str | None]:
        """The first place the candidate goes to in person, its map link and its reception's phone."""
        for slot in slots:
            if slot.place == "premises" and slot.address:
                return slot.address, map_link(slot.address), None
            if slot.place == "site":
                site = queries_facts.site(self.store, slot.site_id)
                if site is not None:
                    link = map_link(site.address, site.postcode, site.commune)
                    return location_of(site, None), link, site.phone
        return None, None, None
