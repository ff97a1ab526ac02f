"""Imports of candidates and companies from a partner's spreadsheet (CSV or XLSX), sent to registration as
they are; its report, one line per row, shown in plain French. « Vérifier seulement » asks registration for
the report without recording anything."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from jobdating.console.application.ports import Services

KINDS: Final[dict[str, str]] = {"candidates": "des candidats", "companies": "des entreprises"}
STATUS_WORDS: Final[dict[str, str]] = {
    "created": "ajouté",
    "already_imported": "déjà importé",
    "rejected": "refusé",
}
NO_FILE = "Choisissez un fichier (CSV ou Excel) à importer."
NO_KIND = "Choisissez ce que contient le fichier : des candidats ou des entreprises."


@dataclass(frozen=True)
class Row:
    row: int
    status: str
    words: str
    errors: list[str]


@dataclass(frozen=True)
class Report:
    kind: str
    filename: str
    dry_run: bool
    created: int
    already_imported: int
    rejected: int
    rows: list[Row]
    ignored_columns: list[str]


def problems(kind: str, filename: str, content: bytes) -> list[str]:
    """What is missing from the form, in French, before registration is asked."""
    found = []
    if kind not in KINDS:
        found.append(NO_KIND)
    if not filename or not content:
        found.append(NO_FILE)
    return found


def send(services: Services, token: str, kind: str, filename: str, content: bytes, dry_run: bool) -> Report:
    answer: dict[str, Any] = services.upload(
        "registration",
        f"/imports/{kind}",
        token,
        (filename, content),
        {"dry_run": "true" if dry_run else "false"},
    )
    return Report(
        kind=KINDS[kind],
        filename=filename,
        dry_run=bool(answer.get("dry_run")),
        created=int(answer.get("created", 0)),
        already_imported=int(answer.get("already_imported", 0)),
        rejected=int(answer.get("rejected", 0)),
        rows=[
            Row(
                row=int(r["row"]),
                status=r["status"],
                words=_words(r["status"], bool(answer.get("dry_run"))),
                errors=[f"{e['field']} : {e['reason']}" for e in r.get("errors", [])],
            )
            for r in answer.get("rows", [])
        ],
        ignored_columns=[str(c) for c in answer.get("ignored_columns", [])],
    )


def _words(status: str, dry_run: bool) -> str:
    if dry_run and status == "created":
        return "à ajouter"
    return STATUS_WORDS.get(status, status)
