"""`jobdating compose-demo`: the demo job dating loaded into a running docker compose stack by its people,
as `jobdating up --demo` does on the embedded one, and one sign-in printed per demo role."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import httpx
import typer

from jobdating.ops.commands.terminal import console, done
from jobdating.ops.compose_demo import ComposeDemoError, ComposeSettings, demo_day, keep_sign_ins, place_of
from jobdating.ops.demo_accounts import ACCOUNTS_FILE, sign_in_lines
from jobdating.ops.demo_report import DemoError
from jobdating.ops.demo_setup import load_with_people, loaded_line
from jobdating.runtime import french


def compose_demo(
    root: Annotated[
        Path, typer.Option(help="le dossier qui contient docker-compose.yml et le .env de compose-init")
    ] = Path(),
    day: Annotated[
        datetime | None,
        typer.Option(
            help="la date du job dating (AAAA-MM-JJ) (par défaut : celle choisie avant, sinon le prochain "
            "jour ouvré de l'horloge des services)",
            formats=["%Y-%m-%d"],
        ),
    ] = None,
) -> None:
    """On the running compose stack: create the demo's accounts (invitations read from the mail catcher),
    write the staff directory with the counsellors' accounts, load and publish the demo through them, invite
    each company's recruiter, then print the sign-ins (also kept, 0600, beside the machine tokens). Run
    again, it creates nothing twice and prints the same sign-ins."""
    try:
        settings = ComposeSettings(root)
        place = place_of(settings)
        on = demo_day(settings, day.date() if day is not None else None)
    except ComposeDemoError as exc:
        console.print(f"[red]Erreur :[/] {exc}", soft_wrap=True)
        raise typer.Exit(2) from exc
    problem = settings.staff_file_problem()
    if problem is not None:
        console.print(f"[yellow]Attention :[/] {problem}", soft_wrap=True)
    # Rewritten in place below, read by notifications' unprivileged user in its container (professional
    # contacts only): readable whatever the operator's umask.
    place.staff_file.touch()
    place.staff_file.chmod(0o644)
    console.print(f"Job dating de démonstration : le {french.day_month_year(on)}.", soft_wrap=True)
    try:
        report, accounts, created = load_with_people(place, on, progress=done, status=console.status)
    except (DemoError, httpx.HTTPError) as exc:
        # Its ports are those of docker-compose.direct.yml, which `compose-init --demo` names in COMPOSE_FILE.
        hint = (
            "la pile compose tourne-t-elle, avec les ports de docker-compose.direct.yml (COMPOSE_FILE dans "
            ".env) ? `docker-compose ps`"
        )
        console.print(f"[red]Erreur :[/] {exc} ({hint})", soft_wrap=True)
        raise typer.Exit(1) from exc
    console.print(loaded_line(report), soft_wrap=True)
    done(f"{len(accounts)} comptes ({created} créés maintenant)")
    done(f"annuaire des conseillers : {place.staff_file}")
    lines = sign_in_lines(
        accounts,
        place.identity_url,
        place.folder / ACCOUNTS_FILE,
        settings.get("CONSOLE_PUBLIC_BASE_URL") or settings.url("CONSOLE_PORT"),
    )
    for line in lines:
        console.print(line, soft_wrap=True, highlight=False, markup=False)
    console.print(f"Ces connexions, pour vous seul : {keep_sign_ins(settings, lines)}", soft_wrap=True)
