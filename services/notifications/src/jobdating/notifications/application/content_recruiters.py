"""What a recruiter's e-mails say: their agenda (every interview of theirs, each with its calendar entry)
and its updates (every slot of theirs that is news, then the rest of the agenda). Candidates are named
by their first name, asked of registration in one question per organisation.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from jobdating.eventstore.base import EventStore
from jobdating.notifications.application import queries_facts, queries_plan
from jobdating.notifications.application.content_facts import Content, Facts, required
from jobdating.notifications.application.ports import Contacts, ContactsUnavailable
from jobdating.notifications.application.queries_deliveries import Delivery
from jobdating.notifications.application.queries_facts import Company, Site
from jobdating.notifications.application.queries_plan import Slot
from jobdating.notifications.application.slot_places import calendar_entry, own_link
from jobdating.notifications.domain.rules import news


async def agenda(
    store: EventStore, contacts: Contacts, d: Delivery, base: dict[str, Any], tz: ZoneInfo
) -> Content:
    company = required(queries_facts.company(store, d.recipient_id), "company_unknown")
    slots = queries_plan.company_slots(store, company.company_id, d.subject_id)
    places = queries_facts.Places(store)
    items, entries = [], []
    names = await _first_names(store, contacts, [s.candidate_id for s in slots], "recruiter_agenda")
    for slot, name in zip(slots, names, strict=True):
        site = required(places.site(slot.site_id), "site_unknown")
        items.append(_agenda_item(slot, site, tz, places, name))
        entries.append(calendar_entry(slot, company, site, "recruiter", places))
    context = base | {"company": company.name, "items": items}
    return Content(context=context, entries=tuple(entries), presented=tuple(slot.facts() for slot in slots))


async def agenda_update(
    store: EventStore,
    contacts: Contacts,
    d: Delivery,
    slot: Slot,
    company: Company,
    base: dict[str, Any],
    tz: ZoneInfo,
    facts: Facts,
) -> Content:
    """A recruiter's update: its slot's news and that of the company's other slots (`facts.slots`,
    `telling.with_updates`), in time order, each with its calendar entry, then the rest of their agenda."""
    told = [slot, *facts.slots]
    names = await _first_names(store, contacts, [s.candidate_id for s in told], "recruiter_agenda")
    # In a thread: at an interval's end an update tells hundreds of slots and lists the company's whole
    # agenda, tens of milliseconds of reads and building the event loop would otherwise wait through.
    return await asyncio.to_thread(_update_content, store, d, told, names, company, base, tz, facts)


def _update_content(
    store: EventStore,
    d: Delivery,
    told: list[Slot],
    names: list[str | None],
    company: Company,
    base: dict[str, Any],
    tz: ZoneInfo,
    facts: Facts,
) -> Content:
    slot = told[0]
    places = queries_facts.Places(store)
    sites = [required(places.site(s.site_id), "site_unknown") for s in told]
    changes: list[dict[str, Any]] = []
    shown_ids = {s.slot_id for s in told}
    others = [
        o
        for o in queries_plan.company_slots(store, company.company_id, slot.job_dating_id)
        if o.slot_id not in shown_ids
    ]
    said = queries_plan.told_of(
        store, [*shown_ids, *(o.slot_id for o in others)], d.recipient_type, d.recipient_id, d.channel
    )
    for shown, site, name in zip(told, sites, names, strict=True):
        before = said.get(shown.slot_id)
        changes.append(
            {
                "change": news(before, shown.facts()),
                "item": _agenda_item(shown, site, tz, places, name),
                "previous_at": before.starts_at.astimezone(tz) if before else None,
            }
        )
    own = changes[0]
    changes.sort(key=lambda c: c["item"]["starts_at"])
    agenda = []
    for other in others:
        # Only what the recruiter already knows of: a slot given since this update read what is news
        # (`telling.with_updates`) is news to them, told by the next update as new, not listed here first.
        other_site = places.site(other.site_id)
        if other_site is not None and other.slot_id in said:
            agenda.append(_agenda_item(other, other_site, tz, places, None))
    context = base | {
        "changes": changes,
        # The update's own slot, as templates written for one change read it.
        "change": own["change"],
        "item": own["item"],
        "agenda": agenda,
    }
    entries = tuple(
        calendar_entry(s, company, site, "recruiter", places) for s, site in zip(told, sites, strict=True)
    )
    return Content(
        context=context,
        entries=entries,
        presented=tuple(s.facts() for s in told),
    )


def _agenda_item(
    slot: Slot, site: Site, tz: ZoneInfo, places: queries_facts.Places, first_name: str | None
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


async def _first_names(
    store: EventStore, contacts: Contacts, candidate_ids: Sequence[str], purpose: str
) -> list[str | None]:
    """Each candidate's first name (None: not to be named, or registration out of reach), asked in one
    question per organisation that registered them, not one a candidate: an agenda update telling
    400 walk-ins put 400 questions ahead of every convocation's own."""
    by_org: dict[str, list[str]] = {}
    # In a thread: an agenda or an update names hundreds of candidates, read here off the event loop.
    known = await asyncio.to_thread(queries_facts.candidates, store, candidate_ids)
    for candidate_id in dict.fromkeys(candidate_ids):
        candidate = known.get(candidate_id)
        if candidate is not None and candidate.status == "active":
            by_org.setdefault(candidate.org, []).append(candidate_id)
    asked = [contacts.first_names(org, ids, f"{purpose}:first_name") for org, ids in by_org.items()]
    names: dict[str, str] = {}
    for answer in await asyncio.gather(*asked, return_exceptions=True):
        if isinstance(answer, ContactsUnavailable):
            continue  # as for one name: the agenda says « prénom non communiqué »
        if isinstance(answer, BaseException):
            raise answer
        names |= answer
    return [names.get(candidate_id) for candidate_id in candidate_ids]
