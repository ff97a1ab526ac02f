"""Jinja2 templates in plain French, one per message kind and channel (`templates/<channel>/<kind>.j2`).

E-mail templates define two blocks, `subject` and `body`; an SMS template is one short text, written on
several lines for reading and sent as one line. An SMS longer than 160 characters (long company names and
addresses) is rendered again with `compact` set, which drops the greeting and other niceties; a
candidate's personal link (`link`) comes on top of those 160 characters (the SMS then goes in two parts).
Dates and times are written the way people say them ("jeudi 3 décembre à 9 h 30"); the values come
already converted to the job dating's time zone.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from jobdating.notifications.application.ports import RenderedText
from jobdating.runtime import french

TEMPLATES = Path(__file__).parent / "templates"
SMS_LENGTH = 160
OUTCOMES = {
    "second_interview": "l'entreprise souhaite un deuxième entretien",
    "hired": "l'entreprise souhaite recruter la personne",
    "not_retained": "la candidature n'est pas retenue cette fois",
    "no_show": "la personne n'est pas venue à l'entretien",
}
CANCEL_REASONS = {
    "candidate_withdrew": "vous avez annulé votre participation",
    "candidate_changed": "vous avez changé de lieu, de disponibilités ou de choix d'entreprises",
    "no_show": "vous n'étiez pas présent au début de la journée",
    "company_left": "l'entreprise ne participe plus",
    "company_late": "l'entreprise a un empêchement",
    "company_changed": "l'entreprise a changé ses horaires ou son nombre de recruteurs",
    "computer_broken": "un problème de matériel",
    "site_closed": "le lieu est fermé",
    "coordinator": "un changement d'organisation",
}

# The same, short enough for an SMS.
SHORT_CANCEL_REASONS = {
    "candidate_withdrew": "à votre demande",
    "candidate_changed": "changement de votre inscription",
    "no_show": "absence le matin",
    "company_left": "l'entreprise ne vient plus",
    "company_late": "retard de l'entreprise",
    "company_changed": "changement par l'entreprise",
    "computer_broken": "panne de matériel",
    "site_closed": "lieu fermé",
    "coordinator": "changement d'organisation",
}

# What a counsellor reads of a candidate to call (`counsellor_call`).
COUNSELLOR_CANCEL_REASONS = {
    "candidate_changed": "son inscription a changé",
    "no_show": "absence le matin",
    "company_left": "l'entreprise ne vient plus",
    "company_late": "l'entreprise a un empêchement",
    "company_changed": "l'entreprise a changé ses horaires",
    "computer_broken": "panne de matériel",
    "site_closed": "le lieu est fermé",
    "coordinator": "décision de la coordination",
}
MESSAGE_WORDS = {
    "convocation": "la convocation",
    "slot_moved": "le changement d'horaire",
    "slot_cancelled": "l'annulation d'un entretien",
    "waitlisted": "l'inscription sur la liste d'attente",
}
CHANNEL_WORDS = {"sms": "SMS", "email": "courriel"}
UNREACHED_WORDS = {
    "failed": "l'envoi a échoué",
    "no_address": "pas de numéro ou d'adresse",
    "landline_no_voice": "numéro fixe, qui ne reçoit pas de message vocal",
}


def day(at: datetime) -> str:
    """`jeudi 3 décembre`."""
    return french.day_month(at.date())


def short_day(at: datetime) -> str:
    """`jeudi 3/12`, for SMS."""
    return french.day_short(at.date())


def hour(at: datetime) -> str:
    """`9 h 30`, `10 h`."""
    return f"{at.hour} h {at.minute:02d}" if at.minute else f"{at.hour} h"


def short_hour(at: datetime) -> str:
    """`9h30`, `10h`, for SMS."""
    return f"{at.hour}h{at.minute:02d}" if at.minute else f"{at.hour}h"


def phone(number: str | None) -> str:
    """A French number written in pairs (`03 20 00 00 00`); anything else as given."""
    if not number:
        return ""
    digits = "".join(c for c in number if c.isdigit())
    if number.startswith("+33") and len(digits) == 11:
        digits = "0" + digits[2:]
    if len(digits) == 10 and digits.startswith("0"):
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    return number


class JinjaRenderer:
    """Renders the templates of a folder (the package's own by default)."""

    def __init__(self, folder: Path = TEMPLATES) -> None:
        # E-mails keep their line layout; an SMS becomes one line, so a line break there is a space.
        self.email = _environment(folder, trim_blocks=True)
        self.sms = _environment(folder, trim_blocks=False)

    def render(self, kind: str, channel: str, context: Mapping[str, Any]) -> RenderedText:
        template = (self.sms if channel == "sms" else self.email).get_template(f"{channel}/{kind}.j2")
        if channel == "sms":
            text = " ".join(template.render({**context, "compact": False}).split())
            # A personal link is long and cannot be shortened: the budget is the words around it.
            if len(text) > SMS_LENGTH + len(context.get("link") or ""):
                text = " ".join(template.render({**context, "compact": True}).split())
            return RenderedText(subject="", text=text)
        ctx = template.new_context(dict(context))
        subject = " ".join("".join(template.blocks["subject"](ctx)).split())
        body = "".join(template.blocks["body"](ctx)).strip() + "\n"
        return RenderedText(subject=subject, text=body)


def _environment(folder: Path, *, trim_blocks: bool) -> Environment:
    # Plain-text messages, not HTML: there is nothing to escape, and escaping would show "&#39;".
    env = Environment(
        loader=FileSystemLoader(folder),
        autoescape=False,  # noqa: S701
        undefined=StrictUndefined,
        trim_blocks=trim_blocks,
        lstrip_blocks=trim_blocks,
    )
    env.filters |= {
        "day": day,
        "short_day": short_day,
        "hour": hour,
        "short_hour": short_hour,
        "phone": phone,
    }
    env.globals |= {
        "OUTCOMES": OUTCOMES,
        "CANCEL_REASONS": CANCEL_REASONS,
        "SHORT_CANCEL_REASONS": SHORT_CANCEL_REASONS,
        "COUNSELLOR_CANCEL_REASONS": COUNSELLOR_CANCEL_REASONS,
        "MESSAGE_WORDS": MESSAGE_WORDS,
        "CHANNEL_WORDS": CHANNEL_WORDS,
        "UNREACHED_WORDS": UNREACHED_WORDS,
    }
    return env
