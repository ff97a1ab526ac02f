"""Partners and invitations in Debian's Chromium, on the shared demo stack: the coordinator sees every partner
and its accounts, is told in French what is wrong with an invitation (nothing typed is lost), invites a
partner's admin whose invitation e-mail lands in the stack's Maildir; a partner's admin sees their own
organisation only and invites a coach. axe-core finds nothing at 360×640 and 1280×800."""

from __future__ import annotations

import email
import email.policy
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from jobdating.ops.maildir import mails
from jobdating.testing.demo_data import PARTNERS

from .chromium import DESKTOP, check_page
from .conftest import Demo, sign_in_with_code
from .conftest import coordinator_page as open_coordinator_page

pytestmark = [pytest.mark.nats, pytest.mark.slow, pytest.mark.browser]


def _invitation_to(demo: Demo, address: str, limit: float = 20.0) -> str:
    """The text of the invitation e-mail sent to `address`, once it is in the Maildir."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        for path in mails(demo.stack.maildir):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if address in str(message.get("to", "")):
                body = message.get_body(preferencelist=("plain",))
                return str(body.get_content()) if body is not None else ""
        time.sleep(0.2)
    raise AssertionError(f"no e-mail to {address} in {demo.stack.maildir}")


def _invite(page: Any, organisation: str | None, name: str, address: str, role: str) -> None:
    if organisation is not None:
        page.get_by_label("Organisation").select_option(label=organisation)
    page.get_by_label("Nom et prénom").fill(name)
    page.get_by_label("Adresse e-mail").fill(address)
    page.get_by_label("Rôle").select_option(label=role)
    page.get_by_role("button", name="Envoyer l'invitation").click()


def _open_from_menu(page: Any, link: str, url: str) -> None:
    page.get_by_role("navigation").get_by_role("link", name=link, exact=True).click()
    page.wait_for_url(url)


@pytest.fixture(scope="module")
def coordinator_page(browser: Any, demo: Demo, coordinator_state: dict[str, Any]) -> Iterator[Any]:
    """The coordinator's page for this module's tests (signed in once for the folder)."""
    with open_coordinator_page(browser, demo, coordinator_state) as page:
        yield page


def test_the_coordinator_invites_a_partners_admin_who_gets_the_e_mail(
    coordinator_page: Any, demo: Demo
) -> None:
    page = coordinator_page
    _open_from_menu(page, "Partenaires", "**/partenaires")
    assert page.get_by_role("heading", level=1).inner_text() == "Partenaires et invitations"
    listed = page.inner_text("main")
    for name in PARTNERS.values():
        assert name in listed
    assert "Hugo Lefebvre" in listed  # an admin the demo invited, by name (identity keeps the names)
    check_page(page, "partenaires")

    # An address identity refuses: said in French, the form keeps what was typed.
    partner = PARTNERS["asso-reussir"]
    _invite(page, partner, "Marie Essai", "marie.essai@exemple", "administration du partenaire")
    alert = page.get_by_role("alert")
    assert "adresse électronique invalide (exemple : prenom.nom@exemple.fr)" in alert.inner_text()
    assert page.get_by_label("Nom et prénom").input_value() == "Marie Essai"
    assert page.get_by_label("Organisation").input_value() == "asso-reussir"
    check_page(page, "partenaires-erreur")
    # A blank name: refused by the console before identity is asked.
    address = f"marie.essai.{uuid.uuid4().hex[:8]}@asso-reussir.exemple.fr"
    _invite(page, partner, "   ", address, "administration du partenaire")
    assert page.get_by_role("alert").inner_text() == "Indiquez le nom de la personne."

    _invite(page, partner, "Marie Essai", address, "administration du partenaire")
    page.get_by_role("status").filter(has_text=f"Invitation envoyée à {address}.").wait_for()
    text = _invitation_to(demo, address)
    assert "jeton=" in text
    section = page.locator("section.card", has=page.get_by_role("heading", name=partner))
    assert "Marie Essai" in section.inner_text()
    assert "invitation envoyée" in section.inner_text()


def test_a_partners_admin_sees_their_own_organisation_and_invites_a_coach(browser: Any, demo: Demo) -> None:
    admin = next(a for a in demo.accounts if a.key == "admin-plie-lille-sud")
    context = browser.new_context(viewport=DESKTOP, locale="fr-FR")
    page = context.new_page()
    sign_in_with_code(page, demo, admin)
    page.wait_for_url("**/partenaires")
    listed = page.inner_text("main")
    assert PARTNERS["plie-lille-sud"] in listed
    assert not any(name in listed for org, name in PARTNERS.items() if org != "plie-lille-sud")
    # Their own organisation only: no choice to make.
    assert page.get_by_label("Organisation").locator("option").count() == 1
    # Keyboard only: Tab to the name, type, Tab from field to field, the role typed into its list, Enter.
    address = f"coach.{uuid.uuid4().hex[:8]}@plie-lille-sud.exemple.fr"
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "name":
            break
    else:
        raise AssertionError("the name field not reached with Tab")
    page.keyboard.type("Paul Coach")
    page.keyboard.press("Tab")
    page.keyboard.type(address)
    page.keyboard.press("Tab")
    page.keyboard.type("accomp")
    assert page.get_by_label("Rôle").input_value() == "coach"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Envoyer l'invitation"
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text=f"Invitation envoyée à {address}.").wait_for()
    assert "jeton=" in _invitation_to(demo, address)
    assert "Paul Coach" in page.inner_text("main")
    check_page(page, "partenaires-administration")
    context.close()


HEADERS = "NOM;Prénom;telephone;Code Postal;commune;Site;Consentement;Remarques"


def test_the_coordinator_checks_a_file_of_candidates_and_reads_the_report_row_by_row(
    coordinator_page: Any, demo: Demo
) -> None:
    page = coordinator_page
    _open_from_menu(page, "Imports", "**/coordination/imports")
    check_page(page, "imports")
    rows = [
        HEADERS,
        "Essai;Nadia;06 39 98 07 01;59155;Faches-Thumesnil;Espace emploi de Faches-Thumesnil;oui;",
        "Essai;;pas un numéro;59155;Faches-Thumesnil;Site inconnu;oui;",
    ]
    page.get_by_label("des candidats").check()
    page.get_by_label("Fichier").set_input_files(
        files=[{"name": "candidats.csv", "mimeType": "text/csv", "buffer": "\n".join(rows).encode("cp1252")}]
    )
    # « Vérifier seulement » is ticked at first: nothing is recorded, the shared demo stays as it was.
    assert page.get_by_label("Vérifier seulement (rien n'est enregistré)").is_checked()
    page.get_by_role("button", name="Envoyer le fichier").click()
    status = page.get_by_role("status")
    assert status.inner_text() == (
        "Vérification seulement : rien n'a été enregistré. 1 ligne à ajouter, 0 déjà importée, 1 refusée."
    )
    report = page.get_by_role("table")
    assert report.get_by_role("row").nth(1).inner_text().split()[:3] == ["Ligne", "2", "à"]
    refused = report.get_by_role("row").nth(2).inner_text()
    assert "refusé" in refused
    for field in ("telephone", "Site", "Prénom"):
        assert f"{field} :" in refused
    assert "Colonnes non lues : Remarques." in page.inner_text("main")
    check_page(page, "imports-rapport")
