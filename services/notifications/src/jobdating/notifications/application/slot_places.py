"""Where a slot takes place, as messages and calendar entries say it: a site (its address, the computer),
the company's premises (their address, face to face) or video (the link, or that the company sends it)."""

from __future__ import annotations

from typing import Any

from jobdating.contracts.scheduling import VIDEO_LINK_SENT_BY_COMPANY
from jobdating.notifications.application.queries_facts import Company, Places, Site
from jobdating.notifications.application.queries_plan import Slot
from jobdating.notifications.domain.calendar import CalendarEntry, entry_uid

UNSENT_LINK = "l'entreprise envoie le lien"


def own_link(slot: Slot) -> str | None:
    """The link people open for the interview: none at the company's premises, none yet when the company
    sends its own later (`VIDEO_LINK_SENT_BY_COMPANY`)."""
    if slot.place == "premises" or slot.video_link in ("", VIDEO_LINK_SENT_BY_COMPANY):
        return None
    return slot.video_link


def slot_entry(
    slot: Slot, company_name: str, site: Site, computer: str | None, audience: str
) -> CalendarEntry:
    """A slot's calendar entry for the candidate or the recruiter, at its place."""
    location = location_of(site, computer)
    link = own_link(slot)
    if audience == "candidate":
        summary = f"Entretien d'embauche avec {company_name}"
        description = "Entretien en vidéo sur un ordinateur du site. Venez 15 minutes avant."
    else:
        summary = "Entretien job dating"
        description = f"Lien de la visio : {slot.video_link}"
    if slot.place == "premises":
        location = slot.address or ""
        description = "Entretien en face à face, dans les locaux de l'entreprise."
    elif slot.place == "video":
        location = "En visio"
        description = f"Entretien en visio. Lien : {link}" if link else f"Entretien en visio ({UNSENT_LINK})."
    return CalendarEntry(
        uid=entry_uid("slot", slot.slot_id),
        sequence=slot.version,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        summary=summary,
        location=location,
        description=description,
        cancelled=slot.status == "cancelled",
    )


def calendar_entry(slot: Slot, company: Company, site: Site, audience: str, places: Places) -> CalendarEntry:
    """A slot's calendar entry (`slot_entry`) with the label of its computer on the site."""
    computer = places.computer_label(slot.computer_id)
    return slot_entry(slot, company.name, site, computer, audience)


def site_view(site: Site) -> dict[str, Any]:
    """A site as the templates read it."""
    return {
        "name": site.name,
        "address": site.address,
        "commune": site.commune,
        "postcode": site.postcode,
        "wheelchair": "wheelchair" in site.accessibility,
        "hearing_loop": "hearing_loop" in site.accessibility,
        "phone": site.phone,
    }


def location_of(site: Site, detail: str | None) -> str:
    """A site's full address, with a room or a computer."""
    place = f"{site.name}, {site.address}, {site.postcode} {site.commune}".replace(", ,", ",")
    return f"{place} ({detail})" if detail else place
