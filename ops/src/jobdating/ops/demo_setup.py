"""The demo loaded by its people, wherever the services run: the staff's accounts created in identity
(invitations read from the mail catcher's Maildir), the staff directory rewritten with the counsellor
accounts, the demo loaded by the signed-in staff, then each company's recruiter invited under the company's
id. One flow for `jobdating up --demo` (the embedded stack) and `jobdating compose-demo` (docker compose):
only the addresses and folders differ (`DemoPlace`).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import msgspec

from jobdating.ops.demo import Urls
from jobdating.ops.demo import load as load_demo
from jobdating.ops.demo_accounts import DemoAccount, create_accounts
from jobdating.ops.demo_people import STAFF_ROLES
from jobdating.ops.demo_report import DemoReport, Progress
from jobdating.ops.demo_sessions import Sessions, counsellor_ids, write_staff

Status = Callable[[str], AbstractContextManager[Any]]
"""What shows a long step while it runs (the terminal's spinner)."""


class DemoPlace(msgspec.Struct, frozen=True, kw_only=True):
    """Where the demo goes: the services' addresses as the operator's machine reaches them, the
    coordination's machine token (it registers the organisations and sends the first invitations), the
    Maildir the invitations land in, the operator's folder for the accounts (`demo-accounts.json`, 0600)
    and the staff directory notifications reads."""

    identity_url: str
    registration_url: str
    sites_url: Urls
    scheduling_url: str
    machine_token: str
    maildir: Path
    folder: Path
    staff_file: Path


def quiet(_: str) -> AbstractContextManager[Any]:
    """No spinner (a caller without a terminal)."""
    return nullcontext()


def load_with_people(
    place: DemoPlace, day: date, progress: Progress | None = None, status: Status = quiet
) -> tuple[DemoReport, list[DemoAccount], int]:
    """Create the missing accounts, load the demo for `day` through them (planned and published), invite
    the recruiters; returns the load's report, every demo account and how many were created now. Run again,
    it creates and loads nothing twice."""
    # The staff's accounts first: the candidates are registered by, and followed by, the partners'
    # counsellor accounts. The recruiters' once the companies have their ids (see demo_people).
    with status("Comptes de démonstration (invitations par courriel)..."):
        staff, created = create_accounts(
            place.identity_url, place.machine_token, place.maildir, place.folder, roles=STAFF_ROLES
        )
    write_staff(place.staff_file, staff)
    with status("Chargement du job dating de démonstration..."), httpx.Client(timeout=15) as http:
        report = load_demo(
            place.registration_url,
            place.sites_url,
            Sessions(http, place.identity_url, staff).of,
            day,
            progress=progress,
            scheduling_url=place.scheduling_url,
            counsellor_of=counsellor_ids(staff),
        )
    with status("Comptes des recruteurs (invitations par courriel)..."):
        accounts, recruiters = create_accounts(
            place.identity_url,
            place.machine_token,
            place.maildir,
            place.folder,
            company_ids=report.company_ids,
        )
    return report, accounts, created + recruiters


def loaded_line(report: DemoReport) -> str:
    """What the operator reads once the demo is loaded. The counts of what this load added and found are
    of records (sites, computers, companies and candidates together), so they say "fiches": a number of
    "ajoutés" after "50 candidats" read as more candidates than there are."""
    return (
        f"Démo chargée : {report.sites} sites, {report.computers} ordinateurs, {report.companies} "
        f"entreprises, {report.candidates} candidats ({report.created} fiches ajoutées maintenant, "
        f"{report.already_there} déjà présentes)."
    )
