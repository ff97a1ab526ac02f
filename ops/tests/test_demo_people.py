"""The demo's recruiters belong to their company's id in registration (a UUIDv7 string), and a recruiter kept
from an earlier version under `entreprise-{key}` is told apart."""

from __future__ import annotations

from jobdating.ops.demo_accounts import DemoAccount, outdated
from jobdating.ops.demo_people import STAFF_ROLES, organisations, people
from jobdating.testing.demo_data import COMPANIES

IDS = {c.key: f"0193a000-0000-7000-8000-{n:012d}" for n, c in enumerate(COMPANIES)}


def test_recruiters_come_with_their_companys_registration_id_and_keep_their_names() -> None:
    staff = people()
    assert {p.role for p in staff} == STAFF_ROLES  # no recruiter before the companies have ids
    everyone = people(IDS)
    recruiters = [p for p in everyone if p.role == "recruiter"]
    assert {p.org for p in recruiters} == set(IDS.values())
    assert [p.name for p in everyone if p.role != "recruiter"] == [p.name for p in staff]
    assert len({p.name for p in everyone}) == len(everyone)
    companies = {o.organisation_id for o in organisations(IDS) if o.kind == "company"}
    assert companies == set(IDS.values())
    assert not [o for o in organisations() if o.kind == "company"]


def test_a_recruiter_kept_under_an_older_organisation_is_outdated() -> None:
    first, second = COMPANIES[0].key, COMPANIES[1].key
    kept = [
        DemoAccount(
            key=f"recruiter-{first}",
            role="recruiter",
            org=f"entreprise-{first}",
            email="a",
            where="A",
            password="p",
            account_id="acc-1",
        ),
        DemoAccount(
            key=f"recruiter-{second}",
            role="recruiter",
            org=IDS[second],
            email="b",
            where="B",
            password="p",
            account_id="acc-2",
        ),
    ]
    assert [a.key for a in outdated(kept, IDS)] == [f"recruiter-{first}"]
