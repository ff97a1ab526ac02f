"""`jobdating-console serve`: run the web console (server-rendered pages on top of the other services);
`jobdating-console link CANDIDATE_ID`: print a candidate's personal link (signed, expiring)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import uvicorn

from jobdating.console.bootstrap import bootstrap
from jobdating.console.config import ConsoleSettings
from jobdating.runtime.candidate_links import CandidateLink, sign
from jobdating.runtime.cli import FrenchArgumentParser


def candidate_link(settings: ConsoleSettings, candidate_id: str) -> str:
    """The address of a candidate's own page, valid `candidate_link_days` from now."""
    expires = settings.clock().now() + timedelta(days=settings.candidate_link_days)
    token = sign(settings.secret(), CandidateLink(candidate_id, int(expires.timestamp())))
    return f"{settings.public_base_url.rstrip('/')}/c/{token}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = FrenchArgumentParser(
        prog="jobdating-console",
        description="La console web : les pages des personnes. Réglages : variables JOBDATING_CONSOLE_*.",
    )
    commands = parser.add_commands()
    commands.add_parser("serve", help="servir les pages de la console")
    link = commands.add_parser(
        "link", help="afficher le lien personnel d'un candidat (un secret : à lui envoyer, à lui seul)"
    )
    link.add_argument("candidate_id", help="l'identifiant du candidat")
    args = parser.parse_args(argv)
    settings = ConsoleSettings()
    if args.command == "link":
        print(candidate_link(settings, args.candidate_id))
        return 0
    service = bootstrap(settings)
    # No stream to read yet: plain uvicorn, stopped cleanly by SIGTERM/SIGINT. No access log: a candidate's
    # link is their credential and sits in the path.
    uvicorn.run(
        service.app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
        access_log=False,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
