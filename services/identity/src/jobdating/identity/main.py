"""`jobdating-identity`: run the identity service (`serve`), rebuild its read model (`rebuild`), or invite
the first coordinator of a new installation (`invite-coordinator`)."""

from __future__ import annotations

import argparse
import sys
from contextlib import closing, suppress
from typing import Any

from jobdating.eventstore import open_store
from jobdating.identity.adapters import projections
from jobdating.identity.application.ports import Mailer
from jobdating.identity.bootstrap import bootstrap, migrate
from jobdating.identity.config import IdentitySettings
from jobdating.identity.domain.commands import RegisterOrganisation
from jobdating.identity.domain.errors import AlreadyExists, IdentityRefusal
from jobdating.identity.domain.permissions import Actor
from jobdating.runtime.auth import TokenTable
from jobdating.runtime.commands import Meta
from jobdating.runtime.ids import new_id
from jobdating.runtime.service_main import Command, rebuild_command, service_main


class _PrintedMail:
    """A `Mailer` writing the mail on standard output: for an installation whose mail is not set up yet."""

    def send(self, to: str, subject: str, text: str) -> None:
        print(f"To: {to}\nSubject: {subject}\n\n{text}")


def _invite_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("email", help="l'adresse électronique de la personne qui coordonne")
    parser.add_argument("--name", help="le nom de l'organisation (par défaut : le réglage ORGANISATION_NAME)")
    parser.add_argument(
        "--print",
        action="store_true",
        help="afficher l'invitation au lieu de l'envoyer (son lien est secret)",
    )


def invite_coordinator(settings: IdentitySettings, args: argparse.Namespace, log: Any) -> int:
    """The first account of an installation: nobody can invite it through the API, the operator does."""
    mailer: Mailer | None = _PrintedMail() if args.print else None
    with closing(open_store(settings.store_url)) as store:
        service = bootstrap(settings, store=store, tokens=TokenTable({}), mailer=mailer, log=log)
        operator = Actor(account_id="ops", org=settings.org, roles=("coordinator",))
        meta = Meta(org=settings.org, actor_id="ops", correlation_id=new_id())
        name = args.name or settings.organisation_name
        with suppress(AlreadyExists):
            service.handlers.register_organisation(
                RegisterOrganisation(organisation_id=settings.org, kind="departement", name=name),
                operator,
                meta,
            )
        try:
            service.invitations.invite(settings.org, args.email, ("coordinator",), operator, meta)
        except IdentityRefusal as exc:
            print(f"refused: {exc}", file=sys.stderr)
            return 1
    print("invitation sent" if not args.print else "invitation printed above")
    return 0


main = service_main(
    "identity",
    IdentitySettings,
    bootstrap,
    description="Service des comptes : organisations, comptes et rôles, connexion, clés de signature.",
    commands=[
        rebuild_command(migrate, projections.rebuild),
        Command(
            "invite-coordinator",
            "enregistrer le département de cette instance et inviter par courriel une personne qui coordonne",
            invite_coordinator,
            _invite_arguments,
        ),
    ],
)

if __name__ == "__main__":
    raise SystemExit(main())
