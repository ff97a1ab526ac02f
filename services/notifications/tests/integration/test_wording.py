"""An organisation's wording and an operator's templates in the messages really sent: the SMS in the
operator's words with the organisation's sender name, the e-mail from its display name and with its
signature; and a broken file stops the service at start with one French sentence."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from jobdating.notifications.domain.gsm7 import measure

from .conftest import Instance, Mailbox, Registration, Upstream, paris, person, plain_text, sms_lines

pytestmark = pytest.mark.nats
DAY = date(2026, 12, 3)
WORDING = '''
[departement-nord]
sms_sender = "Dept Nord"
mail_from_name = "Département du Nord – Job dating"
signature = """
Direction de l'insertion et de l'emploi
Département du Nord, 51 rue Gustave Delory, 59047 Lille cedex
03 59 73 59 59 - lenord.fr"""
'''
SMS_TEMPLATE = """{% from "sms/_where.j2" import where with context %}Le Departement du Nord vous convoque :
{% for i in interviews %}entretien avec {{ i.company }}
{{ i.starts_at|short_day }} à {{ i.starts_at|short_hour }}, {{ where(i) }}.{% endfor %}
{% from "sms/_meetings.j2" import list with context %}{{ list() }}
{% if call %}Infos : {{ call|phone }}{% endif %}
"""


@pytest.fixture
def setting_changes(tmp_path: Path) -> dict[str, Any]:
    wording = tmp_path / "wording.toml"
    wording.write_text(WORDING, encoding="utf-8")
    templates = tmp_path / "templates" / "sms"
    templates.mkdir(parents=True)
    (templates / "convocation.j2").write_text(SMS_TEMPLATE, encoding="utf-8")
    return {"wording_file": wording, "templates_dir": templates.parent}


async def test_the_operators_template_and_the_organisations_wording_are_in_the_messages_sent(
    instance: Instance, upstream: Upstream, registration: Registration, mailbox: Mailbox, tmp_path: Path
) -> None:
    candidate_id = person(registration, upstream, 1)
    upstream.company("co-1")
    upstream.site()
    upstream.job_dating()
    upstream.assign("slot-1", candidate_id, paris(DAY, 9, 30))
    await instance.caught_up(upstream)
    await instance.send()

    [sms] = [line for line in sms_lines(instance.service.settings.sms_sink) if line["to"] == "+33639980001"]
    assert sms["sender"] == "Dept Nord"
    assert sms["text"].startswith("Le Departement du Nord vous convoque : entretien avec ")
    assert measure(sms["text"]).encoding == "gsm7"
    [mail] = [m for m in mailbox.messages("convocation") if m["To"] == "personne1@example.org"]
    [sender] = mail["From"].addresses
    assert (sender.display_name, sender.addr_spec) == (
        "Département du Nord – Job dating",
        "job-dating@departement-nord.example",
    )
    # An accented subject is folded after "Subject: ", not before its first word (no leading space).
    assert (
        mail["Subject"] == "Votre entretien d'embauche avec Logistique du Nord le jeudi 3 décembre à 9 h 30"
    )
    text = plain_text(mail).replace("\r\n", "\n")
    assert text.startswith("Bonjour Prénom1,\n")  # the packaged e-mail: only the SMS was replaced
    assert text.endswith(
        "\n-- \nDirection de l'insertion et de l'emploi\n"
        "Département du Nord, 51 rue Gustave Delory, 59047 Lille cedex\n"
        "03 59 73 59 59 - lenord.fr\n"
    )
    # Kept for a look: the e-mail as the candidate reads it (plain text), and the SMS.
    (tmp_path / "convocation-email.txt").write_text(
        f"From: {mail['From']}\nSubject: {mail['Subject']}\n\n{text}", encoding="utf-8"
    )
    (tmp_path / "convocation-sms.txt").write_text(f"{sms['sender']}: {sms['text']}\n", encoding="utf-8")


def test_a_broken_template_stops_the_service_at_start_with_one_french_sentence(tmp_path: Path) -> None:
    templates = tmp_path / "templates" / "email"
    templates.mkdir(parents=True)
    (templates / "convocation.j2").write_text(
        "{% block subject %}Convocation{% endblock %\n", encoding="utf-8"
    )
    tokens = tmp_path / "tokens.json"
    tokens.write_text("{}", encoding="utf-8")
    env = {
        **os.environ,
        "JOBDATING_NOTIFICATIONS_ORG": "departement-nord",
        "JOBDATING_NOTIFICATIONS_STORE_URL": f"sqlite:///{tmp_path / 'notifications.db'}",
        "JOBDATING_NOTIFICATIONS_TOKENS_FILE": str(tokens),
        "JOBDATING_NOTIFICATIONS_TEMPLATES_DIR": str(templates.parent),
        "JOBDATING_NOTIFICATIONS_NATS_URL": "nats://127.0.0.1:1",  # never reached: it stops before
    }
    done = subprocess.run(
        [sys.executable, "-m", "jobdating.notifications.main", "serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert lines[-1] == (
        f"Le modèle {templates / 'convocation.j2'} a une erreur de syntaxe à la ligne 1 "
        "(Jinja dit : expected token 'end of statement block', got '%')."
    ), done.stderr
    assert "Traceback" not in done.stderr
