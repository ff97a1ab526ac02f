"""Every SMS template, with the longest names the other services accept, is GSM-7 in at most two parts.

Parametrised over the files of `templates/sms/`: a template added later is measured too. Its facts are the
union of what content.py gives any SMS, each at its worst (the longest company, site, address and first
name registration and sites accept, names typed with characters GSM-7 lacks, a long personal link, several
interviews where a template lists them). A template needing a fact not here fails with its name: add it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from jobdating.notifications.adapters.rendering import TEMPLATES, JinjaRenderer
from jobdating.notifications.domain.gsm7 import measure
from jobdating.notifications.domain.personal_links import LINKED_KINDS, PersonalLinks

PARIS = ZoneInfo("Europe/Paris")
# The longest day and hour written in an SMS: "mercredi 30/12 à 10h30".
AT = datetime(2026, 12, 30, 10, 30, tzinfo=PARIS)
SMS_KINDS = sorted(p.stem for p in (TEMPLATES / "sms").glob("*.j2") if not p.name.startswith("_"))


def typed(words: str, length: int) -> str:
    """`words` repeated up to exactly `length` characters: a name at the longest a service accepts."""
    return (words * (length // len(words) + 1))[:length].strip() + "x"


# The limits registration and sites check (registration: fields.py MAX_TEXT for a company's name,
# MAX_NAME for a first name; sites: decide.py, 120 for a name or a commune, 200 for an address, 40 for a
# computer's label). Scheduling takes a company's premises address of any length: 200, like a site's.
COMPANY = typed("Société Coopérative d’Intérêt Collectif – Bâtiment & Œuvres ", 200)
SITE = {
    "name": typed("Maison de l’Emploi et de la Formation de la Métropole ", 120),
    "address": typed("Centre Commercial Île-de-Flandre, Bâtiment « Forêt », 12 rue du Général ", 200),
    "commune": typed("Saint-Rémy-du-Nord-en-Hainaut-lès-Maubeuge ", 120),
    "postcode": "59330",
    "wheelchair": True,
    "hearing_loop": True,
    "phone": "03 27 00 00 00",
}
FIRST_NAME = typed("Anne-Françoise Marie-Noëlle ", 100)
PREMISES = typed("Zone d’activité de l’Épinette, 1555 avenue du Maréchal Leclerc ", 200)
ROOM = typed("Salle Marguerite Yourcenar ", 120)
COUNSELLOR = typed("Marie-Noëlle ", 100)
VIDEO_LINK = "https://visio.jobdating.example/entretien/" + "x" * 22  # scheduling's base and 128-bit token
# The longest console address the docs promise room for (docs/notifications-wording.md): 60 characters.
CONSOLE = "https://rendez-vous-emploi.departement-du-pas-de-calais.fr/j"
LINKS = PersonalLinks(b"k" * 32, CONSOLE)
LINK = LINKS.link("019af0c4-7d3e-7c1a-9a2b-3c4d5e6f7a8b", AT, PARIS)  # a candidate id is a UUIDv7


def slot(place: str, at: datetime = AT) -> dict[str, Any]:
    return {
        "starts_at": at,
        "ends_at": at + timedelta(minutes=30),
        "minutes": 30,
        "second": True,
        "site": SITE,
        "computer": typed("Poste visio salle polyvalente ", 40),
        "place": place,
        "address": PREMISES if place == "premises" else None,
        "video_link": VIDEO_LINK if place == "video" else None,
    }


# What a candidate's digest says of each interview, by the kind of message (reminders: no change).
CHANGE_OF = {"convocation": "new", "slot_moved": "moved", "slot_cancelled": "cancelled"}
# What it says of the workshop and individual interview of the same moment it carries.
MEETING_CHANGE_OF = {
    "slot_cancelled": "cancelled",
    "reminder_morning": "reminder",
    "reminder_two_days": "reminder",
}


def meetings(kind: str) -> list[dict[str, Any]]:
    """A workshop and an individual interview told with the interviews (one message per moment)."""
    change = MEETING_CHANGE_OF.get(kind, "new")
    common = {"change": change, "site": SITE, "call": "+33320000001", "ends_at": AT + timedelta(hours=3)}
    return [
        common | {"what": "workshop", "starts_at": AT - timedelta(days=1), "room": ROOM, "counsellor": None},
        common
        | {
            "what": "counselling",
            "starts_at": AT - timedelta(days=2),
            "room": None,
            "counsellor": COUNSELLOR,
        },
    ]


def facts(place: str, outcome: str, with_link: bool, kind: str = "convocation") -> dict[str, Any]:
    interviews = [slot(place, AT + timedelta(minutes=40 * i)) for i in range(4)]
    change = CHANGE_OF.get(kind)
    listed = [
        {
            **s,
            "company": COMPANY,
            "positions": [typed("Préparateur de commandes ", 200)],
            "change": change,
            "reason": "company_changed",
            "previous": {"starts_at": AT - timedelta(hours=1), "time_changed": True, "site_changed": True},
        }
        for s in interviews
    ]
    standing = [i for i in listed if i["change"] != "cancelled"]
    return {
        "first_name": FIRST_NAME,
        "title": typed("Job dating des métiers ", 120),
        "company": COMPANY,
        "positions": [typed("Préparateur de commandes ", 200)] * 3,
        "slot": interviews[0],
        "slots": interviews,
        "interviews": listed,
        "standing": standing,
        "cancelled": [i for i in listed if i["change"] == "cancelled"],
        "one_place": standing[0] if standing else None,
        "call": "+33320000001",
        "counsellor_told": True,  # the longer wording: the counsellor calls back, and the number
        "reason": "company_changed",
        "previous": {"starts_at": AT - timedelta(hours=1), "time_changed": True, "site_changed": True},
        "outcome": outcome,
        "second": interviews[1],
        "starts_at": AT,
        "ends_at": AT + timedelta(hours=2, minutes=30),
        "site": SITE,
        "room": ROOM,
        "counsellor": COUNSELLOR,
        "meetings": meetings(kind),
        "link": LINK if with_link else None,
    }


@pytest.mark.parametrize("with_link", [True, False], ids=["link", "no-link"])
@pytest.mark.parametrize("outcome", ["second_interview", "hired", "not_retained"])
@pytest.mark.parametrize("place", ["site", "premises", "video"])
@pytest.mark.parametrize("kind", SMS_KINDS)
def test_every_sms_is_gsm7_in_two_parts_at_most_with_the_longest_names(
    kind: str, place: str, outcome: str, with_link: bool
) -> None:
    context = facts(place, outcome, with_link, kind)
    text = JinjaRenderer().render(kind, "sms", context).text
    size = measure(text)
    assert size.encoding == "gsm7", sorted({c for c in text if measure(c).encoding != "gsm7"})
    assert size.parts <= 2, f"{size.units} septets: {text}"
    if kind in LINKED_KINDS and place == "video":
        assert VIDEO_LINK in text  # never cut: the person needs it to attend
    if kind in LINKED_KINDS and with_link and not (place == "video" and context["meetings"]):
        assert LINK in text  # never cut, even beside a video link: the full details are behind it
    # Four video interviews and a workshop and a meeting with a counsellor carried in the same message: the
    # personal link gives way to the meetings' times, which its page does not show (the e-mail has both).
    assert "+33" not in text
    assert "None" not in text


def test_a_long_name_is_cut_at_a_word_only_when_the_sms_would_need_a_third_part() -> None:
    context = facts("site", "hired", with_link=True)
    # One interview: a digest of several names the companies behind the link, by their times only.
    one = context["interviews"][:1]
    context |= {"interviews": one, "standing": one, "one_place": one[0]}
    text = JinjaRenderer().render("convocation", "sms", context).text
    # "é" stays (GSM-7 has it), "ê" is written "e" (it has not).
    assert (
        "avec Société Coopérative d'Intéret Collectif - Batiment & OEuvres... mercredi 30/12 à 10h30" in text
    )
    near = SITE | {"address": "2 rue Haute", "commune": "Lens"}
    interview = one[0] | {"company": "Boulangerie Pâtissière", "site": near}
    short = {**context, "interviews": [interview], "standing": [interview], "one_place": interview}
    text = JinjaRenderer().render("convocation", "sms", short).text
    assert "Boulangerie Patissière" in text
    assert "..." not in text
