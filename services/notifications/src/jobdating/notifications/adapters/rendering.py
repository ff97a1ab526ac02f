"""Jinja2 templates in plain French, one per message kind and channel (`templates/<channel>/<kind>.j2`).

E-mail templates define two blocks, `subject` and `body`; the organisation's signature, when it has one,
comes under the body. An SMS template is one short text, written on several lines for reading and sent as
one line, in GSM-7 and at most two parts (`sms_fit`: with `compact` set it drops the greeting and other
niceties). Dates and times are written the way people say them ("jeudi 3 décembre à 9 h 30"); the values
come already converted to the job dating's time zone.

An operator's folder (`overrides`) may hold templates of the same names: each one replaces the packaged
one, file by file (`templates_check` checks them at start).
A voice template (`voice/<kind>.j2`, a landline's call) is one text too, with no length limit, its
times, dates and numbers in words (`spoken_*` filters).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from jinja2 import BaseLoader, ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, Template
from jinja2.runtime import Context

from jobdating.contracts.scheduling import COUNSELLOR_CANCEL_WORDS
from jobdating.notifications.adapters import spoken
from jobdating.notifications.adapters.sms_fit import fitted
from jobdating.notifications.application.ports import RenderedText
from jobdating.runtime import french

TEMPLATES = Path(__file__).parent / "templates"
# The usual separator of an e-mail signature: mail programs show what follows it as one.
SIGNATURE_SEPARATOR = "-- \n"
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
    **COUNSELLOR_CANCEL_WORDS,
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
    digits = spoken.national_digits(number)
    if len(digits) == 10 and digits.startswith("0"):
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    return number


class JinjaRenderer:
    """Renders the package's templates, or an operator's where `overrides` has one of the same name."""

    def __init__(self, overrides: Path | None = None, signature: str = "") -> None:
        folders = [FileSystemLoader(overrides)] if overrides is not None else []
        loader = ChoiceLoader([*folders, FileSystemLoader(TEMPLATES)])
        # E-mails keep their line layout; an SMS becomes one line, so a line break there is a space.
        self.email = _environment(loader, trim_blocks=True)
        self.sms = _environment(loader, trim_blocks=False)
        self.overrides = overrides
        self.signature = signature.strip()

    def render(self, kind: str, channel: str, context: Mapping[str, Any]) -> RenderedText:
        template = (self.email if channel == "email" else self.sms).get_template(f"{channel}/{kind}.j2")
        if channel == "voice":  # read aloud: one text, however long, no compact form
            return RenderedText(subject="", text=" ".join(template.render(readable(context)).split()))
        if channel == "sms":
            return RenderedText(subject="", text=fitted(_one_line(template), context))
        subject_text, body_text = _subject_and_body(template, readable(context))
        subject = " ".join(subject_text.split())
        body = body_text.strip() + "\n"
        if self.signature:
            body += f"\n{SIGNATURE_SEPARATOR}{self.signature}\n"
        return RenderedText(subject=subject, text=body)


def _subject_and_body(template: Template, facts: dict[str, Any]) -> tuple[str, str]:
    """The e-mail's two blocks from one run of the template: an import at its top level (the partials a
    digest shares between subject and body) is then made once, where rendering each block on its own
    made it twice (a module built from the whole context each time, most of an e-mail's render). The
    blocks' output is caught where the template yields them; what lies outside them is not part of the
    message, as before."""
    ctx = template.new_context(facts)
    caught: dict[str, list[str]] = {}
    for name in ("subject", "body"):
        ctx.blocks[name] = [_catch(ctx.blocks[name][0], caught.setdefault(name, []))]
    for _ in template.root_render_func(ctx):
        pass
    return "".join(caught["subject"]), "".join(caught["body"])


def _catch(block: Callable[[Context], Iterator[str]], into: list[str]) -> Callable[[Context], Iterator[str]]:
    def run(ctx: Context) -> Iterator[str]:
        into.extend(block(ctx))
        return iter(())

    return run


def _one_line(template: Template) -> Callable[[Mapping[str, Any], bool], str]:
    def render(facts: Mapping[str, Any], compact: bool) -> str:
        return " ".join(template.render(readable(facts) | {"compact": compact}).split())

    return render


class Fields(dict[str, Any]):
    """Facts a template reads as `item.place`. Jinja tries an attribute before a key: on a plain dict that
    failed attempt (an exception) for each field of each line of a recruiter's agenda was most of its
    render. Here the key answers the attribute; dict's own attributes (`items`...) win as they did."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


_PLAIN: Final = frozenset({str, int, float, bool, type(None), datetime})


def readable(context: Mapping[str, Any]) -> dict[str, Any]:
    """`context` with its nested mappings (in lists too) as `Fields`; the top level stays a dict."""
    return {key: _fields(value) for key, value in context.items()}


def _fields(value: Any) -> Any:
    # Most facts are plain values: answered before the generic checks (an ABC's isinstance is slow).
    if type(value) in _PLAIN:
        return value
    if isinstance(value, Mapping):
        return Fields({key: _fields(item) for key, item in value.items()})
    if isinstance(value, list):
        return [_fields(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_fields(item) for item in value)
    return value


def _environment(loader: BaseLoader, *, trim_blocks: bool) -> Environment:
    # Plain-text messages, not HTML: there is nothing to escape, and escaping would show "&#39;".
    env = Environment(
        loader=loader,
        autoescape=False,  # noqa: S701
        undefined=StrictUndefined,
        trim_blocks=trim_blocks,
        lstrip_blocks=trim_blocks,
        # The templates are checked at start and do not change while the service runs: no look at each
        # file's modification time at every message (and at every partial it imports).
        auto_reload=False,
    )
    env.filters |= {
        "day": day,
        "short_day": short_day,
        "hour": hour,
        "short_hour": short_hour,
        "phone": phone,
        "spoken_day": spoken.day,
        "spoken_hour": spoken.hour,
        "spoken_phone": spoken.phone,
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
