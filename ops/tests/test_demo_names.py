"""The demo's candidates are told apart by name: a site host ticks arrivals on a list of names, and a
counsellor finds their candidates by name."""

from __future__ import annotations

from jobdating.ops.demo_people import people
from jobdating.testing.demo_data import candidates, walk_in


def test_the_fifty_candidates_and_the_walk_in_have_fifty_one_different_names() -> None:
    names = [(c.first_name, c.last_name) for c in [*candidates(), walk_in()]]
    assert len(names) == 51
    assert len(set(names)) == 51


def test_no_candidate_shares_a_name_with_a_member_of_the_demo_staff() -> None:
    staff = {p.name for p in people()}
    assert not {f"{c.first_name} {c.last_name}" for c in [*candidates(), walk_in()]} & staff


def test_only_the_names_changed_the_rest_follows_the_candidates_index() -> None:
    # The demo-day tests count by candidate index: site, referrer, phone and wishes keep theirs.
    everyone = candidates()
    assert [c.site_key for c in everyone[:4]] == ["faches", "ronchin", "seclin", "wattignies"]
    # Candidate 12 has a landline (called, not texted: notifications' voice calls).
    assert all(c.phone == f"06 39 98 00 {i:02d}" for i, c in enumerate(everyone) if i != 12)
    assert everyone[12].phone == "03 53 01 00 12"
    assert [c.referring_org for c in everyone[:5]] == [c.referring_org for c in everyone[5:10]]
    assert (everyone[0].first_name, everyone[0].last_name) == ("Inès", "Martin")
    assert (everyone[25].first_name, everyone[25].last_name) == ("Inès", "Benali")
