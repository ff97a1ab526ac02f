"""Bulk import of partners' spreadsheets (CSV and XLSX), with a per-row report and idempotent re-import."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import httpx
import openpyxl
import pytest

from jobdating.eventstore.base import EventStore
from jobdating.registration.application import queries
from jobdating.registration.application.handlers import RegistrationHandlers
from jobdating.registration.application.importing import import_candidates, import_companies
from jobdating.registration.application.service import RegistrationService
from jobdating.registration.bootstrap import build_service
from jobdating.registration.domain.errors import Rejected
from jobdating.registration.testing import CALLERS, bearer, company, open_site

COUNSELLOR = CALLERS["mel-counsellor"]
COORDINATOR = CALLERS["mel-coordinator"]
HEADERS = [
    "NOM",
    "Prénom",
    "telephone",
    "E-mail",
    "Adresse",
    "Code Postal",
    "commune",
    "Site",
    "Conseiller",
    "Souhait 1",
    "Souhait 2",
    "Secteurs",
    "Accessibilité",
    "Consentement",
    "Remarques",
]


def write_csv(path: Path, rows: Sequence[Sequence[object]], headers: Sequence[str] = HEADERS) -> Path:
    with path.open("w", newline="", encoding="cp1252") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[object]], headers: Sequence[str] = HEADERS) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Liste des candidats - job dating de décembre"])  # a title row above the headers
    sheet.append([])
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def row(phone: object, site: object = "Maison de l'emploi de Seclin", **cells: object) -> list[object]:
    values: dict[str, object] = {
        "NOM": "Benali",
        "Prénom": "Samia",
        "telephone": phone,
        "E-mail": "",
        "Adresse": "12 rue des Tisserands",
        "Code Postal": "59113",
        "commune": "Seclin",
        "Site": site,
        "Conseiller": "",
        "Souhait 1": "",
        "Souhait 2": "",
        "Secteurs": "logistique; vente",
        "Accessibilité": "",
        "Consentement": "oui",
        "Remarques": "",
    }
    values.update(cells)
    return [values[h] for h in HEADERS]


def test_a_csv_is_imported_with_a_report_line_per_row_and_every_refused_field(
    tmp_path: Path, service: RegistrationService, site: str
) -> None:
    retailer = company(name="Grande Surface de Seclin")
    retailer_id = RegistrationHandlers(service).register_company(COORDINATOR, retailer)
    path = write_csv(
        tmp_path / "candidats.csv",
        [
            row(
                "06 12 00 00 01",
                **{
                    "E-mail": "Un@Exemple.fr",
                    "Souhait 1": "grande surface de seclin",
                    "Souhait 2": "Restauration",
                    "Accessibilité": "fauteuil roulant",
                },
            ),
            row("0612000002", **{"Souhait 2": retailer.siret, "Code Postal": "1000"}),
            row("pas un numéro", **{"Code Postal": "96000", "Prénom": "", "Souhait 1": "12345678901234"}),
            row("06 12 00 00 04", site="Site inconnu", **{"Consentement": "peut-être"}),
        ],
    )
    report = import_candidates(service, path, COUNSELLOR)
    assert (report.created, report.already_imported, report.rejected) == (2, 0, 2)
    assert [r.row for r in report.rows] == [2, 3, 4, 5]
    assert [r.status for r in report.rows] == ["created", "created", "rejected", "rejected"]
    assert report.ignored_columns == ["Remarques"]
    assert {e.field for e in report.rows[2].errors} == {"telephone", "Code Postal", "Prénom", "Souhait 1"}
    assert {e.field for e in report.rows[3].errors} == {"Consentement", "Site"}
    assert all(e.reason for r in report.rows for e in r.errors)

    first = queries.candidate(service.store, COUNSELLOR, report.rows[0].id or "")
    assert first is not None
    assert first.personal is not None
    assert first.personal.email == "un@exemple.fr"
    assert [(w.rank, w.company_id, w.sector) for w in first.profile.wishes] == [
        (1, retailer_id, None),
        (2, None, "restauration"),
    ]
    assert first.profile.accessibility == ("wheelchair",)
    assert first.profile.sectors == ("logistique", "vente")
    assert first.profile.referring_org == "mel"
    second = queries.candidate(service.store, COUNSELLOR, report.rows[1].id or "")
    assert second is not None
    assert second.profile.postcode == "01000"
    assert [(w.rank, w.company_id) for w in second.profile.wishes] == [(1, retailer_id)]


def test_re_importing_the_same_file_creates_nothing_twice(
    tmp_path: Path, service: RegistrationService, site: str
) -> None:
    path = write_csv(tmp_path / "candidats.csv", [row(f"06 12 00 01 {i:02d}") for i in range(10)])
    first = import_candidates(service, path, COUNSELLOR, batch_size=4)
    assert first.created == 10
    events = service.store.count()
    again = import_candidates(service, path, COUNSELLOR, batch_size=3)
    assert (again.created, again.already_imported, again.rejected) == (0, 10, 0)
    assert [r.id for r in again.rows] == [r.id for r in first.rows]
    assert service.store.count() == events


def test_the_same_person_twice_in_one_file_is_imported_once(
    tmp_path: Path, service: RegistrationService, site: str
) -> None:
    path = write_csv(tmp_path / "doublon.csv", [row("06 12 00 02 01"), row("+33 6 12 00 02 01")])
    report = import_candidates(service, path, COUNSELLOR)
    assert [r.status for r in report.rows] == ["created", "already_imported"]
    assert report.rows[0].id == report.rows[1].id


def test_a_row_whose_phone_another_candidate_holds_is_rejected(
    tmp_path: Path, service: RegistrationService, site: str
) -> None:
    write_csv(tmp_path / "a.csv", [row("06 12 00 03 01")])
    import_candidates(service, tmp_path / "a.csv", COUNSELLOR)
    # Another organisation's file: a different import key, the same person.
    report = import_candidates(service, tmp_path / "a.csv", CALLERS["ml-counsellor"])
    assert report.rows[0].status == "rejected"
    assert [e.field for e in report.rows[0].errors] == ["telephone"]


def test_a_dry_run_reports_without_storing_anything(
    tmp_path: Path, service: RegistrationService, site: str
) -> None:
    path = write_csv(tmp_path / "essai.csv", [row("06 12 00 04 01"), row("06 12 00 04 01"), row("0")])
    report = import_candidates(service, path, COUNSELLOR, dry_run=True)
    assert report.dry_run
    assert [r.status for r in report.rows] == ["created", "already_imported", "rejected"]
    assert service.store.count() == 0
    assert import_candidates(service, path, COUNSELLOR).created == 1


def test_a_file_missing_required_columns_is_refused_whole(
    tmp_path: Path, service: RegistrationService, site: str
) -> None:
    path = write_csv(tmp_path / "incomplet.csv", [["Benali", "06 12 00 05 01"]], headers=["nom", "téléphone"])
    with pytest.raises(Rejected) as refused:
        import_candidates(service, path, COUNSELLOR)
    assert [e.field for e in refused.value.errors] == ["prénom", "code postal", "commune", "site"]
    assert service.store.count() == 0


def test_an_xlsx_workbook_is_imported_like_a_csv(
    tmp_path: Path, service: RegistrationService, site: str
) -> None:
    rows = [row("06 12 00 06 01", **{"Code Postal": 59113}), row(612000602, **{"Consentement": True})]
    path = write_xlsx(tmp_path / "candidats.xlsx", rows)
    report = import_candidates(service, path, COUNSELLOR)
    assert [(r.row, r.status) for r in report.rows] == [(4, "created"), (5, "created")]
    second = queries.candidate(service.store, COUNSELLOR, report.rows[1].id or "")
    assert second is not None
    assert second.personal is not None
    assert second.personal.phone == "+33612000602"
    assert second.profile.consent_data
    assert import_candidates(service, path, COUNSELLOR).already_imported == 2


COMPANY_HEADERS = [
    "Raison sociale",
    "SIRET",
    "Secteur",
    "Poste",
    "Contrat",
    "Nombre de postes",
    "Recruteurs",
    "Début",
    "Fin",
    "Contact nom",
    "Contact téléphone",
    "Contact email",
]


def test_companies_are_imported_with_one_position_per_row(
    tmp_path: Path, service: RegistrationService
) -> None:
    siret = company().siret
    rows = [
        [
            "Logistique du Nord",
            siret,
            "Logistique",
            "Cariste",
            "CDI",
            "2",
            "2",
            "9h",
            "12h30",
            "Paul Durand",
            "06 12 00 07 01",
            "",
        ],
        ["Logistique du Nord", siret, "Logistique", "Préparateur", "intérim", "5", "", "", "", "", "", ""],
        ["Sans SIRET valide", "123", "Commerce", "Vendeur", "CDD", "0", "1", "14:00", "13:00", "Eve", "", ""],
    ]
    path = write_csv(tmp_path / "entreprises.csv", rows, headers=COMPANY_HEADERS)
    report = import_companies(service, path, COORDINATOR)
    assert [r.status for r in report.rows] == ["created", "created", "rejected"]
    assert report.rows[0].id == report.rows[1].id
    assert {e.field for e in report.rows[2].errors} == {
        "SIRET",
        "Nombre de postes",
        "Fin",
        "Contact téléphone",
    }
    view = queries.company(service.store, COORDINATOR, report.rows[0].id or "")
    assert view is not None
    assert [(p.title, p.contract, p.count) for p in view.profile.positions] == [
        ("Cariste", "CDI", 2),
        ("Préparateur", "interim", 5),
    ]
    assert (str(view.profile.window_start), str(view.profile.window_end)) == ("09:00:00", "12:30:00")
    assert import_companies(service, path, COORDINATOR).already_imported == 2


async def test_an_upload_over_http_returns_the_report_and_a_bad_file_stores_nothing(
    tmp_path: Path, client: httpx.AsyncClient, service: RegistrationService, site: str
) -> None:
    path = write_xlsx(tmp_path / "candidats.xlsx", [row("06 12 00 08 01"), row("")])
    files = {"file": ("candidats.xlsx", path.read_bytes())}
    dry = await client.post("/imports/candidates?dry_run=true", files=files, headers=bearer("mel-counsellor"))
    assert dry.status_code == 200, dry.text
    assert dry.json()["dry_run"] is True
    assert service.store.count() == 0
    done = await client.post("/imports/candidates", files=files, headers=bearer("mel-counsellor"))
    assert [r["status"] for r in done.json()["rows"]] == ["created", "rejected"]
    assert done.json()["rows"][1]["errors"] == [
        {"field": "telephone", "reason": "le numéro de téléphone est obligatoire"}
    ]
    events = service.store.count()
    junk = {"file": ("candidats.pdf", b"%PDF-1.4 not a table")}
    refused = await client.post("/imports/candidates", files=junk, headers=bearer("mel-counsellor"))
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["field"] == "file"
    viewer = await client.post("/imports/candidates", files=files, headers=bearer("mel-viewer"))
    assert viewer.status_code == 403
    assert service.store.count() == events


def test_a_large_file_imports_alike_on_both_stores(tmp_path: Path, any_store: EventStore) -> None:
    # Batches large enough for PostgreSQL's COPY path: every row lands once with its look-ups, a second
    # import creates nothing, and another organisation's file holding the same phones is refused per row.
    service = build_service(org="mel", store=any_store)
    open_site(service, name="Maison de l'emploi de Seclin")
    path = write_csv(
        tmp_path / "candidats.csv", [row(f"06 12 01 {i // 100:02d} {i % 100:02d}") for i in range(150)]
    )
    first = import_candidates(service, path, COUNSELLOR, batch_size=100)
    assert (first.created, first.rejected) == (150, 0)
    events = any_store.count()
    again = import_candidates(service, path, COUNSELLOR, batch_size=100)
    assert (again.created, again.already_imported) == (0, 150)
    assert any_store.count() == events
    other = import_candidates(service, path, CALLERS["ml-counsellor"], batch_size=100)
    assert (other.created, other.rejected) == (0, 150)
    assert {e.field for r in other.rows for e in r.errors} == {"telephone"}
    assert any_store.query("SELECT COUNT(*) FROM candidate_phones")[0][0] == 150
