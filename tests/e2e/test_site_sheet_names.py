"""The site host's printed sheet (`jobdating-scheduling export --key SITE`) names the candidates, read from
registration with the host's own token; without a token, or with another organisation's, it shows their
ids and says why in French. Scheduling keeps no name: it asks registration's real HTTP route each time."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest

from jobdating.ops.stack import Stack
from jobdating.ops.stack_demo_place import demo_stack
from jobdating.scheduling.main import main
from jobdating.testing.demo_data import JOB_DATING_ID, SITES, candidates

pytestmark = [pytest.mark.nats, pytest.mark.slow]
DAY = date(2027, 1, 6)  # a Wednesday: the demo's job dating; the services' clock reads 07:30 that morning
SITE = next(s for s in SITES if s.key == "faches")
OTHER_ORG = next(s.host_org for s in SITES if s.host_org != SITE.host_org)


@dataclass
class Sheet:
    text: str
    notes: str


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with demo_stack(tmp_path_factory.mktemp("sheet") / "data", DAY) as (stack, _):
        yield stack


def export(stack: Stack, capsys: pytest.CaptureFixture[str], *extra: str) -> Sheet:
    args = [
        "export",
        "--data-dir",
        str(stack.data_dir),
        "--job-dating",
        JOB_DATING_ID,
        "--key",
        f"site-{SITE.key}",
    ]
    assert main([*args, *extra]) == 0
    out = capsys.readouterr()
    return Sheet(out.out, out.err)


def test_the_sites_host_reads_the_names_others_read_ids_and_why(
    stack: Stack, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("JOBDATING_TOKEN", raising=False)
    monkeypatch.delenv("JOBDATING_REGISTRATION_URL", raising=False)
    registration = stack.url("registration")
    plain = export(stack, capsys, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(plain.text)))
    ids = {row["candidat"] for row in rows}
    assert ids
    assert not any(row["nom_candidat"] for row in rows)
    assert "pas de jeton d'accès (--token ou JOBDATING_TOKEN)" in plain.notes

    host = stack.token_for(SITE.host_org, "site_manager")
    named = export(stack, capsys, "--registration-url", registration, "--token", host)
    people = {f"{c.first_name} {c.last_name}" for c in candidates() if c.site_key == SITE.key}
    boxes = [line for line in named.text.splitlines() if line.startswith("  [ ] ")]
    assert boxes
    assert all(any(name in line for name in people) for line in boxes), named.text
    assert not any(i in named.text for i in ids)
    assert named.notes == ""

    monkeypatch.setenv("JOBDATING_TOKEN", stack.token_for(OTHER_ORG, "site_manager"))
    monkeypatch.setenv("JOBDATING_REGISTRATION_URL", registration)
    other = export(stack, capsys)
    assert f"site site-{SITE.key} : ce site est accueilli par une autre structure" in other.notes
    assert "identifiants affichés pour ce site" in other.notes
    assert not any(name in other.text for name in people)
    assert all(i in other.text for i in ids)
