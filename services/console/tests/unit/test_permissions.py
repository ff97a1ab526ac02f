"""Which page a person lands on after signing in, by their roles."""

from __future__ import annotations

from jobdating.console.domain.permissions import first_page


def test_a_person_lands_on_the_page_of_their_first_role_in_the_consoles_order() -> None:
    assert first_page(("site_manager", "coordinator")) == "/coordination/direct"
    assert first_page(("recruiter", "site_manager")) == "/accueil"
    assert first_page(("recruiter",)) == "/recrutement"
    assert first_page(("coach", "counsellor")) == "/conseil"
    assert first_page(("coach",)) == "/conseil/ateliers"
    assert first_page(("partner_admin",)) == "/partenaires"


def test_a_person_with_no_page_of_their_own_lands_nowhere() -> None:
    assert first_page(("viewer",)) is None
    assert first_page(()) is None
