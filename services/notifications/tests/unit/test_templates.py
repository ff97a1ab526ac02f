"""Every kind renders in plain French on its channels; SMS stay under 160 characters with the demo's names."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, get_args
from zoneinfo import ZoneInfo

import pytest

from jobdating.contracts.scheduling import CancelReason
from jobdating.notifications.adapters.rendering import (
    CANCEL_REASONS,
    SHORT_CANCEL_REASONS,
    TEMPLATES,
    JinjaRenderer,
    day,
    hour,
    phone,
)
from jobdating.notifications.domain.messages import Kind
from jobdating.notifications.domain.personal_links import PersonalLinks
from jobdating.testing import demo_data

PARIS = ZoneInfo("Europe/Paris")
AT = datetime(2026, 12, 3, 9, 30, tzinfo=PARIS)
STAFF_KINDS = [
    "recruiter_agenda",
    "agenda_update",
    "counsellor_outcome",
    "workshop_session",
    "counsellor_call",
]
# Every other kind a message can be is sent to candidates, by SMS and by e-mail.
CANDIDATE_KINDS = [kind for kind in get_args(Kind) if kind not in STAFF_KINDS]
RENDERER = JinjaRenderer()
# GSM 03.38 basic set (letters, digits and the accents it has): an SMS in it is not sent as UCS-2.
GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
    "abcdefghijklmnopqrstuvwxyzäöñüà"
)


def site(
    name: str = "Maison de l'emploi", address: str = "2 rue de l'Emploi", commune: str = "Seclin"
) -> dict[str, Any]:
    return {
        "name": name,
        "address": address,
        "commune": commune,
        "postcode": "59113",
        "wheelchair": True,
        "hearing_loop": False,
        "phone": "0320000000",
    }


def context(
    company: str = "Logistique du Nord", where: dict[str, Any] | None = None, **changes: Any
) -> dict[str, Any]:
    slot = {
        "starts_at": AT,
        "ends_at": AT.replace(minute=50),
        "minutes": 20,
        "second": False,
        "site": where or site(),
        "computer": "PC 3",
        "place": "site",
        "address": None,
        "video_link": None,
    }
    item = {
        "starts_at": AT,
        "ends_at": AT.replace(minute=50),
        "first_name": "Ines",
        "site": "Maison de l'emploi",
        "commune": "Seclin",
        "computer": "PC 3",
        "video_link": "https://visio.example/1",
        "second": False,
        "place": "site",
        "address": None,
    }
    # A candidate's digest or day reminder: one interview, news to them (`change` for a digest).
    interview = slot | {
        "company": company,
        "positions": ["Preparateur de commandes (CDI)"],
        "change": changes.pop("change_of_interview", "new"),
        "reason": changes.get("reason", "computer_broken"),
        "previous": changes.get(
            "previous",
            {"starts_at": AT.replace(hour=9, minute=0), "time_changed": True, "site_changed": False},
        ),
    }
    if where is not None:
        interview["site"] = where
    values: dict[str, Any] = {
        "interviews": [interview],
        "standing": [interview] if interview["change"] != "cancelled" else [],
        "cancelled": [interview] if interview["change"] == "cancelled" else [],
        "one_place": interview if interview["change"] != "cancelled" else None,
        "first_name": "Ines",
        "title": "Emploi Booster",
        "company": company,
        "positions": ["Preparateur de commandes (CDI)"],
        "slot": slot,
        "call": "+33320000001",
        "reason": "computer_broken",
        "previous": {"starts_at": AT.replace(hour=9, minute=0), "time_changed": True, "site_changed": False},
        "outcome": "second_interview",
        "second": slot,
        "items": [item],
        "item": item,
        "change": "moved",
        "previous_at": AT.replace(hour=9, minute=0),
        "agenda": [item],
        "changes": [{"change": "moved", "item": item, "previous_at": AT.replace(hour=9, minute=0)}],
        "candidate": "Ines",
        "interview_at": AT,
        "second_at": None,
        "starts_at": AT,
        "ends_at": AT.replace(hour=12),
        "site": site(),
        "room": "Salle Jean Jaures",
        "capacity": 12,
        "enrolled": 5,
        "partners": [{"first_name": "Paul", "org": "france-travail"}],
        "counsellor": "Karima",
        "link": None,
        "counsellor_told": True,
        # A counsellor's notice: each candidate to call, with why.
        "candidates": [
            {
                "name": "Ines Martin",
                "declined": True,
                "cancellations": [{"at": AT, "company": company, "reason": "computer_broken"}],
                "absent": [{"at": AT, "company": company}],
                "unreached": [{"kind": "convocation", "channel": "sms", "why": "landline_no_voice"}],
                "replies": [{"answer": "not_understood", "at": AT}],
            }
        ],
    }
    return values | changes


def test_there_is_one_template_per_kind_and_channel() -> None:
    found = {
        p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.j2") if not p.name.startswith("_")
    }
    # A candidate's SMS is read aloud in a voice call when their number is a landline.
    expected = {f"{channel}/{kind}.j2" for kind in CANDIDATE_KINDS for channel in ("sms", "email", "voice")}
    expected |= {f"email/{kind}.j2" for kind in STAFF_KINDS}
    assert found == expected


@pytest.mark.parametrize("kind", CANDIDATE_KINDS + STAFF_KINDS)
def test_each_email_has_a_subject_and_a_greeting_and_no_leftover(kind: str) -> None:
    rendered = RENDERER.render(kind, "email", context())
    assert rendered.subject
    assert "\n" not in rendered.subject
    assert rendered.text.startswith("Bonjour Ines,\n")
    assert "None" not in rendered.text + rendered.subject
    assert "{" not in rendered.text


@pytest.mark.parametrize("kind", CANDIDATE_KINDS)
@pytest.mark.parametrize("outcome", ["second_interview", "hired", "not_retained"])
def test_sms_texts_are_one_line_in_the_gsm_alphabet(kind: str, outcome: str) -> None:
    text = RENDERER.render(kind, "sms", context(outcome=outcome)).text
    assert "\n" not in text
    assert "  " not in text
    assert len(text) <= 160, text
    assert set(text) <= GSM7, set(text) - GSM7


@pytest.mark.parametrize("kind", CANDIDATE_KINDS)
def test_sms_stay_under_160_characters_with_every_demo_company_and_site(kind: str) -> None:
    for demo_site in demo_data.SITES:
        where = site(demo_site.name, demo_site.address, demo_site.commune)
        for company in demo_data.COMPANIES:
            for outcome in ("second_interview", "hired", "not_retained"):
                rendered = RENDERER.render(
                    kind, "sms", context(company.name, where, first_name="Fatoumata", outcome=outcome)
                )
                assert len(rendered.text) <= 160, rendered.text


def test_an_sms_too_long_drops_its_niceties_but_keeps_when_where_and_whom_to_call() -> None:
    long_name = "Groupement d'employeurs BTP Metropole"
    where = site(address="1 place du General de Gaulle", commune="Wattignies")
    text = RENDERER.render("convocation", "sms", context(long_name, where, first_name="Fatoumata")).text
    assert not text.startswith("Bonjour")
    for needed in (
        long_name,
        "jeudi 3/12 à 9h30",
        "1 place du General de Gaulle, Wattignies",
        "03 20 00 00 01",
    ):
        assert needed in text


def test_only_the_computer_changed_says_so_plainly() -> None:
    same_time = {"starts_at": AT, "time_changed": False, "site_changed": False}
    text = RENDERER.render("slot_moved", "sms", context(previous=same_time, change_of_interview="moved")).text
    assert "reste jeudi 3/12 à 9h30" in text
    assert "autre ordinateur (PC 3)" in text


def test_dates_times_and_numbers_are_written_the_french_way() -> None:
    assert day(AT) == "jeudi 3 décembre"
    assert hour(AT) == "9 h 30"
    assert hour(AT.replace(minute=0)) == "9 h"
    assert phone("+33639980001") == "06 39 98 00 01"
    assert phone("0320000000") == "03 20 00 00 00"


@pytest.mark.parametrize("reason", get_args(CancelReason))
def test_every_cancel_reason_is_explained_in_french_by_mail_and_by_sms(reason: str) -> None:
    cancelled = context(reason=reason, change_of_interview="cancelled")
    mail = RENDERER.render("slot_cancelled", "email", cancelled).text
    assert f"à 9 h 30, car {CANCEL_REASONS[reason]}." in mail
    sms = RENDERER.render("slot_cancelled", "sms", cancelled).text
    assert f"({SHORT_CANCEL_REASONS[reason]})" in sms
    assert len(sms) <= 160, sms
    assert set(sms) <= GSM7, set(sms) - GSM7


# A personal link as long as a production one: a UUID candidate id, a public console address.
LONG_LINK = PersonalLinks(b"k" * 32, "https://jobdating.departement.example").link(
    str(uuid.UUID(int=0)), AT, PARIS
)
TWO_SEGMENTS = 2 * 153  # GSM-7 characters in an SMS sent in two parts


def digest(changes: list[str], link: str | None) -> dict[str, Any]:
    """A digest of len(changes) interviews of one day at the demo's longest address, with its longest
    company names, each with its change (new, moved, cancelled)."""
    names = sorted((c.name for c in demo_data.COMPANIES), key=len, reverse=True)
    where = site("Mairie", "1 place du Général de Gaulle", "Wattignies")
    moved = {"starts_at": AT.replace(hour=8), "time_changed": True, "site_changed": False}
    interviews = [
        context(names[n], where)["interviews"][0]
        | {"starts_at": AT.replace(hour=9 + n), "change": change, "previous": moved}
        for n, change in enumerate(changes)
    ]
    standing = [i for i in interviews if i["change"] != "cancelled"]
    return context(
        link=link,
        first_name="Fatoumata",
        interviews=interviews,
        standing=standing,
        cancelled=[i for i in interviews if i["change"] == "cancelled"],
        one_place=standing[0] if standing else None,
    )


@pytest.mark.parametrize("link", [LONG_LINK, None])
@pytest.mark.parametrize(
    "changes",
    [["new"] * 6, ["new"] * 3, ["moved", "cancelled", "new"], ["cancelled", "cancelled"], ["moved"] * 2],
)
def test_a_digest_of_up_to_six_interviews_fits_two_sms_parts_with_the_longest_demo_names(
    changes: list[str], link: str | None
) -> None:
    for kind in ("convocation", "slot_moved", "slot_cancelled"):
        text = RENDERER.render(kind, "sms", digest(changes, link)).text
        assert len(text) <= TWO_SEGMENTS, text
        assert set(text) <= GSM7, set(text) - GSM7
        # The place is said, unless nothing stands or the personal link (which has it) must make room.
        assert "Wattignies" in text or link or not [c for c in changes if c != "cancelled"]
    for kind in ("reminder_two_days", "reminder_morning"):
        day = digest(changes, link)
        for interview in day["interviews"]:
            interview["change"] = None
        day["standing"] = day["one_place"] and day["interviews"]
        text = RENDERER.render(kind, "sms", day).text
        assert len(text) <= TWO_SEGMENTS, text
        assert set(text) <= GSM7, set(text) - GSM7


def test_a_convocation_of_several_interviews_names_each_time_and_company_by_e_mail() -> None:
    mail = RENDERER.render("convocation", "email", digest(["new"] * 3, LONG_LINK))
    assert mail.subject == "Vos 3 entretiens d'embauche le jeudi 3 décembre"
    for hour_, name in zip(
        ("9 h 30", "10 h 30", "11 h 30"), ("Groupement", "Restaurant", "Transports"), strict=True
    ):
        assert f"à {hour_} (l'entretien dure 20 minutes)" in mail.text
        assert f"avec l'entreprise {name}" in mail.text
    assert mail.text.count("1 place du Général de Gaulle") == 1  # one place: said once


def test_a_recruiters_update_of_several_changes_heads_each_kind_once_and_keeps_each_former_time() -> None:
    later = AT.replace(hour=11, minute=0)
    item = context()["item"]
    changes = [
        {"change": "moved", "item": item, "previous_at": AT.replace(hour=9, minute=0)},
        {
            "change": "moved",
            "item": item | {"starts_at": later, "ends_at": later.replace(minute=20)},
            "previous_at": AT.replace(hour=9, minute=30),
        },
        {"change": "cancelled", "item": item, "previous_at": None},
    ]
    text = RENDERER.render("agenda_update", "email", context() | {"changes": changes}).text
    assert text.count("Ces entretiens ont changé :") == 1
    assert "L'entretien suivant est annulé :" in text
    assert text.count("(il était prévu le") == 2
    assert "11 h - 11 h 20" in text
