"""The real registration service for the notifications bench: its store holds one imported candidate per
slot and the recruiting companies, and its own process (`jobdating-registration serve`) answers the
notifications service's contact and first-names questions over NATS, sealed, and relays the people's
registrations, as in production (issue 19: the lookup goes to the real responder, not to a stand-in
inside the bench's process)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, NamedTuple

import jobdating.registration
from bench.bulk_import import mobile
from jobdating.bus.server import free_port
from jobdating.eventstore import open_store
from jobdating.registration.application.import_batches import ImportReport
from jobdating.registration.application.importing import import_candidates, import_companies
from jobdating.registration.bootstrap import build_service
from jobdating.registration.testing import open_site, principal, unique_siret
from jobdating.testing.processes import service_env

SRC = Path(jobdating.registration.__file__).resolve().parents[2]
STORE = "registration.db"
# The companies' contacts' phones after the candidates' (`mobile`): a bench has fewer candidates.
_COMPANY_PHONES = 900_000


def _rows(count: int, site_id: str) -> Iterator[dict[str, str]]:
    """A partner's file: distinct valid mobiles (as `bench.bulk_import`'s) and e-mails, every consent."""
    for i in range(count):
        yield {
            "Nom": f"Banc{i}",
            "Prénom": f"Prénom{i}",
            "Téléphone": mobile(i),
            "Email": f"candidat.{i}@example.org",
            "Code postal": "59113",
            "Commune": "Seclin",
            "Site": site_id,
            "Conseiller": "conseiller-1",
            "Secteurs": "logistique",
            "Consentement": "oui",
            "Consentement SMS": "oui",
            "Consentement email": "oui",
        }


def _companies(count: int) -> Iterator[dict[str, str]]:
    """A coordinator's file of companies, one position each, with a contact person who gets the agenda."""
    for c in range(count):
        yield {
            "Raison sociale": f"Entreprise {c}",
            "SIRET": unique_siret(),
            "Secteur": "logistique",
            "Poste": "Préparateur de commandes",
            "Contrat": "CDI",
            "Nombre de postes": "3",
            "Recruteurs": "2",
            "Début": "09:00",
            "Fin": "17:00",
            "Contact nom": f"Recruteur {c}",
            "Contact téléphone": mobile(_COMPANY_PHONES + c),
            "Contact email": f"recrutement.{c}@example.org",
        }


class Registered(NamedTuple):
    candidates: list[str]
    companies: list[str]


def imported(work: Path, org: str, candidates: int, companies: int, site_id: str) -> Registered:
    """Candidates and companies imported into registration's store under `work`, as a mission locale's
    and the coordinator's files would be; their ids, in the files' order. Their registrations reach
    notifications through registration's own relay once its process runs (`start`)."""
    store = open_store(f"sqlite:///{work / STORE}")
    try:
        service = build_service(org=org, store=store)
        open_site(service, site_id, host_org=org)
        people = import_candidates(
            service, _rows(candidates, site_id), principal("mission-locale", "counsellor"), batch_size=1000
        )
        firms = import_companies(service, _companies(companies), principal(org, "coordinator"))
    finally:
        store.close()
    return Registered(_ids(people, candidates), _ids(firms, companies))


def _ids(report: ImportReport, count: int) -> list[str]:
    if report.created != count:
        rejected = [row for row in report.rows if row.status != "created"][:3]
        raise RuntimeError(f"registration imported {report.created} of {count} {report.kind}: {rejected}")
    return [row.id or "" for row in sorted(report.rows, key=lambda row: row.row)]


def start(work: Path, org: str, nats_url: str, tokens_file: Path, log: IO[bytes]) -> subprocess.Popen[bytes]:
    """Registration's own process over the store `imported` filled: its relay, its contact and
    first-names responders, its API (on a free port), logging to `log`."""
    env = service_env(
        "registration",
        {
            "ORG": org,
            "STORE_URL": f"sqlite:///{work / STORE}",
            "NATS_URL": nats_url,
            "PORT": str(free_port()),
            "TOKENS_FILE": str(tokens_file),
        },
        SRC,
    )
    return subprocess.Popen(
        [sys.executable, "-m", "jobdating.registration.main", "serve"], env=env, stdout=log, stderr=log
    )
