"""A candidate no message can reach (no usable phone, no e-mail) gets a printed convocation: the
coordinator's PDF has a page for them, with their interviews and the site's map as a QR code; nobody
else is in it. The PDF is rendered to PNG (pypdfium2) and its QR code decoded (zxing-cpp)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import httpx
import pypdfium2 as pdfium
import pytest
import zxingcpp

from jobdating.contracts.queries import Contact
from jobdating.notifications.domain.letters import map_link

from .conftest import Instance, Registration, Upstream, consenting, paris

pytestmark = pytest.mark.nats
DAY = date(2026, 12, 3)
COORDINATOR = {"Authorization": "Bearer coordinator-token"}


async def get(instance: Instance, path: str, headers: dict[str, str]) -> httpx.Response:
    transport = httpx.ASGITransport(app=instance.service.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://notifications") as client:
        return await client.get(path, headers=headers)


def pages(pdf: bytes, folder: Path) -> list[tuple[str, list[str]]]:
    """Each page's text and the QR codes read on its picture (150 dpi, saved as PNG under `folder`)."""
    document = pdfium.PdfDocument(pdf)
    found = []
    for i, page in enumerate(document):
        text = page.get_textpage().get_text_range()
        bitmap = page.render(scale=150 / 72, grayscale=True)
        bitmap.to_pil().save(folder / f"letter-{i + 1}.png")
        codes = zxingcpp.read_barcodes(bitmap.to_numpy())
        found.append((text, [c.text for c in codes if c.format == zxingcpp.BarcodeFormat.QRCode]))
    return found


async def test_the_letters_pdf_has_a_page_for_each_candidate_no_message_reached(
    instance: Instance, upstream: Upstream, registration: Registration, tmp_path: Path
) -> None:
    # Lucienne has no phone and no e-mail; Gérard a mobile but said no to SMS and e-mail; Yanis is reachable.
    upstream.candidate("cand-lucienne")
    registration.people["cand-lucienne"] = Contact(
        first_name="Lucienne",
        last_name="Martin",
        consent_sms=True,
        consent_email=True,
        postal_address=("12 rue des Tilleuls", "59113 Seclin"),
    )
    upstream.candidate("cand-gerard", sms=False, mail=False)
    registration.people["cand-gerard"] = Contact(
        first_name="Gérard", last_name="Dubois", phone="+33639980077", email="gerard@example.org"
    )
    consenting(registration, upstream, "cand-yanis", ("Yanis", "+33639980042", "yanis@example.org"))
    # Samia has no phone but an e-mail: the e-mail reached her, so no letter (the SMS skipped is not enough).
    upstream.candidate("cand-samia")
    registration.people["cand-samia"] = Contact(
        first_name="Samia",
        last_name="Aubert",
        email="samia@example.org",
        consent_sms=True,
        consent_email=True,
    )
    registration.people["co-1"] = Contact(first_name="Marc", email="recrutement@logistique.example")
    upstream.company("co-1")
    upstream.site()
    upstream.job_dating()
    upstream.assign("slot-l1", "cand-lucienne", paris(DAY, 9, 30))
    upstream.assign("slot-l2", "cand-lucienne", paris(DAY, 14), company_id="co-1")
    upstream.assign("slot-g", "cand-gerard", paris(DAY, 10))
    upstream.assign("slot-y", "cand-yanis", paris(DAY, 11))
    upstream.assign("slot-s", "cand-samia", paris(DAY, 11, 30))
    await instance.caught_up(upstream)
    await instance.send()
    assert instance.deliveries(recipient_id="cand-lucienne", kind="convocation")[0][4:6] == (
        "skipped",
        "no_address",
    )
    assert [d[4:6] for d in instance.deliveries(recipient_id="cand-samia", kind="convocation")] == [
        ("sent", None),
        ("skipped", "no_address"),
    ]

    response = await get(instance, "/job-datings/jd-1/letters.pdf", COORDINATOR)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "no-store"
    printed = pages(response.content, tmp_path)
    assert len(printed) == 2  # Gérard Dubois, then Lucienne Martin: by last name
    gerard, lucienne = printed[0][0], printed[1][0]
    assert "Bonjour Gérard," in gerard
    assert "Lucienne" not in gerard
    for reached in ("Yanis", "Samia"):
        assert reached not in gerard + lucienne
    for needed in (
        "Lucienne Martin",
        "12 rue des Tilleuls",
        "59113 Seclin",
        "Bonjour Lucienne,",
        "jeudi 3 décembre",
        "à 9 h 30",
        "à 14 h",
        "Logistique du Nord",
        "Maison de l'emploi, 2 rue de l'Emploi, 59113 Seclin",
        "une pièce d'identité",
        "03 20 00 00 01",  # her counsellor (sealed in registration's answer), not the site's reception
    ):
        assert needed in lucienne, needed
    # The QR code on her page opens the site's map: decoded from the picture of the printed page.
    link = "https://www.openstreetmap.org/search?query=2+rue+de+l'Emploi+59113+Seclin"
    assert map_link("2 rue de l'Emploi", "59113", "Seclin") == link
    assert printed[1][1] == [link]
    assert printed[0][1] == [link]  # Gérard goes to the same site
    assert link in lucienne.replace("\r\n", "").replace("\n", "")  # printed under it, for typing


async def test_only_the_coordinator_prints_letters_and_an_unknown_job_dating_is_said_in_french(
    instance: Instance, upstream: Upstream, tmp_path: Path
) -> None:
    upstream.job_dating()
    await instance.caught_up(upstream)
    counsellor = await get(
        instance, "/job-datings/jd-1/letters.pdf", {"Authorization": "Bearer ml-counsellor-token"}
    )
    assert counsellor.status_code == 403
    unknown = await get(instance, "/job-datings/jd-x/letters.pdf", COORDINATOR)
    assert unknown.status_code == 404
    assert unknown.json()["detail"] == [{"field": "job_dating_id", "reason": "job dating inconnu"}]
    # Nobody to write to: one page that says so.
    empty = await get(instance, "/job-datings/jd-1/letters.pdf", COORDINATOR)
    assert empty.status_code == 200
    [(text, _)] = pages(empty.content, tmp_path)
    assert "Aucun courrier à imprimer" in text
