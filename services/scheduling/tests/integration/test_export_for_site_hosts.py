"""`jobdating-scheduling export` as a site host prints it on the day: found by `--data-dir` or `--store`,
saying where it looked when the job dating is not there (and creating nothing), refusing a `--key` that
names nothing, and printing the site in the heading, a box per interview, lines that fit an A4 page and a
count that is the one of the printed lines."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from jobdating.eventstore.sqlite import SqliteEventStore
from jobdating.scheduling.bootstrap import SchedulingService
from jobdating.scheduling.main import main
from jobdating.scheduling.testing import MovableClock, company_id

from .conftest import Api, asked_for_more
from .test_rebuild_and_export import a_busy_day


@dataclass(frozen=True)
class Folder:
    path: Path
    site_id: str  # where the second interview is
    site_name: str


@pytest.fixture
async def folder(
    api: Api, service: SchedulingService, clock: MovableClock, monkeypatch: pytest.MonkeyPatch
) -> Folder:
    """A data folder holding the busy day's store as `scheduling.db` (and a second interview); the settings
    point elsewhere."""
    await a_busy_day(api, service, clock)
    # And one second interview, booked after a first one at Logiplus (at the company's premises).
    logiplus = company_id(api.prefix, "logiplus")
    slots = await api.published_slots(include_cancelled=False)
    first = min((s for s in slots if s["company_id"] == logiplus), key=lambda s: s["starts_at"])
    url = await asked_for_more(api, clock, first)
    second = {"starts_at": "2026-12-04T10:00", "place": "premises", "address": "12 rue de l'Usine, Lesquin"}
    booked = await api.ok("POST", url, as_="recruiter-logiplus", json=second)
    plan = await api.ok("GET", f"/job-datings/{api.jd}/plan", params={"by": "site"})
    assert isinstance(service.store, SqliteEventStore)
    data = service.store.path.parent / "donnees"
    data.mkdir()
    (data / "scheduling.db").symlink_to(service.store.path)
    monkeypatch.setenv("JOBDATING_SCHEDULING_STORE_URL", f"sqlite:///{data / 'absent' / 'scheduling.db'}")
    return Folder(data, booked["site_id"], plan["names"][booked["site_id"]])


async def test_the_site_sheet_names_its_site_fits_a4_and_counts_its_own_lines(
    api: Api, folder: Folder, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["export", "--data-dir", str(folder.path), "--job-dating", api.jd, "--key", folder.site_id]
    assert main(args) == 0
    text = capsys.readouterr().out
    (folder.path.parent / "feuille-de-site.txt").write_text(text, encoding="utf-8")  # to look at it
    lines = text.splitlines()
    name = folder.site_name
    assert lines[0] == f"Emploi Booster, {name} : plan publié, par site"
    boxes: list[str] = []  # one per interview, its wrapped lines joined
    for line in (line.replace("\u00a0", " ") for line in lines):
        if line.startswith("  [ ] "):
            boxes.append(line)
        elif line.startswith(" " * 8):
            boxes[-1] += " " + line.strip()
    assert boxes, text
    firsts = [line for line in boxes if "second entretien" not in line]
    seconds = len(boxes) - len(firsts)
    assert seconds == 1  # the second interview, counted apart
    assert not [line for line in lines if line.strip() in ("1", "entretien, vœu\u00a01")]  # no note cut
    assert lines[1].startswith(f"{len(firsts)} entretiens et 1 second entretien pour ")
    assert max(len(line) for line in lines) <= 90
    assert all(re.match(r"  \[ \] \d\d:\d\d-\d\d:\d\d  Poste \d+ +\S", line) for line in firsts)
    assert name not in "".join(boxes)  # said once, in the heading


async def test_a_store_or_job_dating_that_is_not_there_is_named_and_nothing_is_created(
    api: Api, folder: Folder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "plan.txt"
    empty = tmp_path / "vide"
    empty.mkdir()
    assert main(["export", "--data-dir", str(empty), "--job-dating", api.jd, "--output", str(out)]) == 1
    assert f"pas de base de planification dans {empty / 'scheduling.db'}" in capsys.readouterr().err
    assert not (empty / "scheduling.db").exists()
    assert main(["export", "--job-dating", api.jd]) == 1  # the settings' store: a folder that is not there
    assert "absent/scheduling.db" in capsys.readouterr().err
    assert not (folder.path / "absent").exists()
    assert (
        main(["export", "--data-dir", str(folder.path), "--job-dating", "inconnu", "--output", str(out)]) == 1
    )
    err = capsys.readouterr().err
    assert "job dating inconnu : inconnu, cherché dans " in err
    assert str(folder.path / "scheduling.db") in err
    assert not out.exists()
    store = f"sqlite:///{folder.path / 'scheduling.db'}"
    assert main(["export", "--store", store, "--job-dating", api.jd, "--output", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("Emploi Booster : plan publié, par site\n")


async def test_an_unknown_key_is_refused(
    api: Api, folder: Folder, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["export", "--data-dir", str(folder.path), "--job-dating", api.jd]
    assert main([*args, "--key", "site-nulle-part"]) == 1
    assert "--key site-nulle-part : aucun entretien de ce plan pour ce site" in capsys.readouterr().err
    assert main([*args, "--by", "computer", "--key", folder.site_id]) == 1
    assert "identifiant d'un poste" in capsys.readouterr().err
