"""A counsellor is told of the candidates to call in one e-mail per moment, whatever the number: five of
theirs whose interviews were cancelled at once make one e-mail listing the five, each with why; another
counsellor's candidate makes theirs. Each candidate is told of once: the other notices end skipped, a
later fact makes a new e-mail, and a send that broke before the server kept it is sent again once, still
listing all five. Real SMTP server (aiosmtpd writing a Maildir), real nats-server, SQLite."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import msgspec
import pytest

from .conftest import (
    COUNSELLOR,
    STAFF_TOML,
    Instance,
    Mailbox,
    Registration,
    Upstream,
    paris,
    person,
    plain_text,
)

pytestmark = [pytest.mark.nats, pytest.mark.usefixtures("recruiting")]
DAY = date(2026, 12, 3)
KARIMA = "karima.conseil@mission-locale.example"
JULIEN = "julien.conseil@france-travail.example"
OTHER_COUNSELLOR = "ft-conseiller-2"


@pytest.fixture
def setting_changes(tmp_path: Path) -> dict[str, Any]:
    staff = tmp_path / "staff-two-counsellors.toml"
    staff.write_text(
        STAFF_TOML
        + f"""
[[staff]]
id = "{OTHER_COUNSELLOR}"
role = "counsellor"
org = "france-travail"
first_name = "Julien"
email = "{JULIEN}"
"""
    )
    return {"staff_file": staff, "smtp_timeout": 0.5}


async def cancelled_at_once(instance: Instance, upstream: Upstream, registration: Registration) -> list[str]:
    """Six candidates convoked, then every interview cancelled at once (a breakdown): five followed by
    Karima, the sixth by Julien. Their counsellors' notices wait for the rest of the moment."""
    candidates = [person(registration, upstream, i) for i in range(1, 7)]
    registration.people["cand-6"] = msgspec.structs.replace(
        registration.people["cand-6"], counsellor_id=OTHER_COUNSELLOR
    )
    for i, candidate_id in enumerate(candidates, start=1):
        upstream.assign(f"slot-{i}", candidate_id, paris(DAY, 8 + i))
    await instance.caught_up(upstream)
    await instance.send()
    for i, candidate_id in enumerate(candidates, start=1):
        upstream.cancel(f"slot-{i}", candidate_id, "computer_broken")
    await instance.caught_up(upstream)
    await instance.send()
    assert instance.statuses("counsellor_call") == {"pending": 6}
    return candidates


def skipped_as_told(instance: Instance) -> int:
    found = [e for e in instance.service.store.read_all() if e.event_type == "NotificationSkipped"]
    return sum(json.loads(e.body)["data"]["reason"] == "already_told" for e in found)


async def test_five_candidates_cancelled_at_once_make_one_email_to_their_counsellor_listing_each(
    instance: Instance, upstream: Upstream, registration: Registration, mailbox: Mailbox
) -> None:
    await cancelled_at_once(instance, upstream, registration)
    instance.clock.set(instance.clock.now() + timedelta(minutes=3))
    await instance.send()

    notices = {m["To"]: m for m in mailbox.messages("counsellor_call")}
    assert sorted(notices) == [JULIEN, KARIMA]  # one each
    karima = notices[KARIMA]
    assert karima["Subject"] == "À rappeler : 5 personnes que vous suivez"
    text = plain_text(karima)
    assert "Merci d'appeler ces 5 personnes que vous suivez." in text
    sections = {part.split(" :", 1)[0]: part for part in text.replace("\r\n", "\n").split("\n\n")}
    for i in range(1, 6):  # each by name, with their own interview
        assert f"du jeudi 3 décembre à {8 + i} h" in sections[f"Prénom{i}"]
        assert sections[f"Prénom{i}"].count("annulé (panne de matériel)") == 1
    assert "Prénom6" not in text  # Julien's candidate, not Karima's
    assert notices[JULIEN]["Subject"] == "À rappeler : Prénom6"
    assert plain_text(notices[JULIEN]).count("annulé (panne de matériel)") == 1
    # Six notices planned: two sent, four ended with the one that lists their candidate.
    rows = instance.deliveries(kind="counsellor_call")
    assert sorted((r[2], r[4], r[5]) for r in rows) == sorted(
        [(COUNSELLOR, "sent", None), (OTHER_COUNSELLOR, "sent", None)]
        + [(COUNSELLOR, "skipped", "already_told")] * 4
    )
    assert skipped_as_told(instance) == 4

    # Nothing more goes for that moment; a later fact about one of them is a new e-mail, about them only.
    assert await instance.send() == 0
    upstream.assign("slot-7", "cand-2", paris(DAY, 16))
    await instance.caught_up(upstream)
    await instance.send()
    upstream.cancel("slot-7", "cand-2", "company_left")
    await instance.caught_up(upstream)
    instance.clock.set(instance.clock.now() + timedelta(minutes=3))
    await instance.send()
    later = [m for m in mailbox.messages("counsellor_call") if m["To"] == KARIMA]
    assert len(later) == 2
    [again] = [m for m in later if m["Subject"] != karima["Subject"]]
    assert again["Subject"] == "À rappeler : Prénom2"
    assert "l'entreprise ne vient plus" in plain_text(again)


@pytest.mark.parametrize("kept", [False, True], ids=["dropped", "kept-but-answered-late"])
async def test_a_grouped_notice_whose_send_broke_is_in_the_mailbox_once_listing_every_candidate(
    instance: Instance, upstream: Upstream, registration: Registration, mailbox: Mailbox, kept: bool
) -> None:
    await cancelled_at_once(instance, upstream, registration)
    instance.clock.set(instance.clock.now() + timedelta(minutes=3))
    # Karima's e-mail breaks: the connection drops before the server keeps it, or the server keeps it
    # and answers after the client gave up. The two counsellors' e-mails go concurrently, in no set
    # order, so the drop names hers.
    if kept:
        mailbox.handler.stall_after_write = 1.0
    else:
        mailbox.handler.drop_before_write = KARIMA
    await instance.send()
    mailbox.handler.stall_after_write = 0.0
    # Julien's goes on its own: answered late too, or taken.
    uncertain = {"in_progress": 2} if kept else {"in_progress": 1, "sent": 1}
    assert instance.statuses("counsellor_call") == uncertain | {"skipped": 4}
    assert sorted(m["To"] for m in mailbox.messages("counsellor_call")) == [JULIEN, KARIMA][: 1 + kept]
    # Reconciliation: found in the mailbox, it is sent; not found, it goes again with the four
    # candidates kept with it. Either way, one e-mail to Karima.
    assert await instance.sender.reconcile() == uncertain["in_progress"]
    await instance.send()
    assert instance.statuses("counsellor_call") == {"skipped": 4, "sent": 2}
    [karima] = [m for m in mailbox.messages("counsellor_call") if m["To"] == KARIMA]
    assert karima["Subject"] == "À rappeler : 5 personnes que vous suivez"
    assert all(f"Prénom{i} :" in plain_text(karima) for i in range(1, 6))
    assert skipped_as_told(instance) == 4
