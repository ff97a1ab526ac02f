"""The letters as one PDF to print (reportlab): an A4 page per candidate, the postal address where a
window envelope shows it, the interviews, what to bring, whom to call and the map of the place as a QR
code (reportlab's own QR widget) with its link printed under it for those who type it."""

from __future__ import annotations

import io
from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from jobdating.notifications.adapters.rendering import day, hour, phone
from jobdating.notifications.domain.letters import Letter

QR_SIZE = 38 * mm
_styles = getSampleStyleSheet()
BODY = ParagraphStyle("body", parent=_styles["BodyText"], fontName="Helvetica", fontSize=12, leading=16)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=9, leading=11, textColor=colors.HexColor("#333333"))
TITLE = ParagraphStyle("title", parent=BODY, fontName="Helvetica-Bold", fontSize=16, leading=20)
HEADING = ParagraphStyle("heading", parent=BODY, fontName="Helvetica-Bold", fontSize=13, spaceBefore=8)
ADDRESS = ParagraphStyle("address", parent=BODY, leftIndent=95 * mm)


class ReportlabLetters:
    """The `LetterPrinter` port with reportlab."""

    def print(self, title: str, letters: Sequence[Letter]) -> bytes:
        out = io.BytesIO()
        doc = SimpleDocTemplate(
            out,
            pagesize=A4,
            leftMargin=20 * mm,
            rightMargin=20 * mm,
            topMargin=18 * mm,
            bottomMargin=18 * mm,
            title=f"Convocations par courrier - {title}",
            author="jobdating",
            lang="fr-FR",
        )
        story: list[Flowable] = []
        for i, letter in enumerate(letters):
            if i:
                story.append(PageBreak())
            story += _page(letter)
        if not letters:
            story += [
                Paragraph(f"Job dating « {escape(title)} »", TITLE),
                Spacer(1, 8 * mm),
                Paragraph(
                    "Aucun courrier à imprimer : chaque candidat convoqué a reçu au moins un message "
                    "(SMS, appel ou e-mail).",
                    BODY,
                ),
            ]
        doc.build(story)
        return out.getvalue()


def _page(letter: Letter) -> list[Flowable]:
    name = " ".join(part for part in (letter.first_name, letter.last_name) if part)
    flow: list[Flowable] = [Paragraph(f"Job dating « {escape(letter.title)} »", TITLE), Spacer(1, 10 * mm)]
    # The address block sits where a window envelope shows it (right half, about 45 mm down).
    lines = [name, *letter.postal_address] if name else list(letter.postal_address)
    flow.append(Paragraph("<br/>".join(escape(line) for line in lines), ADDRESS))
    flow.append(Spacer(1, 14 * mm))
    flow.append(Paragraph("<b>Votre convocation aux entretiens d'embauche</b>", BODY))
    flow.append(Spacer(1, 4 * mm))
    greeting = f"Bonjour {escape(letter.first_name)}," if letter.first_name else "Bonjour,"
    flow.append(Paragraph(greeting, BODY))
    flow.append(Paragraph("Vous êtes attendu(e) pour des entretiens d'embauche :", BODY))
    flow.append(Spacer(1, 3 * mm))
    flow.append(_interviews(letter))
    flow.append(Paragraph("Venez un quart d'heure avant votre premier entretien.", BODY))
    flow.append(Paragraph("À apporter", HEADING))
    flow += [Paragraph(f"• {escape(thing)}", BODY) for thing in letter.to_bring]
    if letter.call:
        flow.append(Paragraph("Une question, un empêchement ?", HEADING))
        flow.append(Paragraph(f"Appelez le <b>{escape(phone(letter.call))}</b>.", BODY))
    if letter.place and letter.map_link:
        flow.append(_where(letter.place, letter.map_link))
    return flow


def _interviews(letter: Letter) -> Table:
    rows: list[list[str | Paragraph]] = [["Quand", "Avec", "Où"]]
    for interview in letter.interviews:
        when = f"{day(interview.starts_at)}<br/>à {hour(interview.starts_at)}"
        who = escape(interview.company) + (" (2e entretien)" if interview.second else "")
        rows.append([Paragraph(when, BODY), Paragraph(who, BODY), Paragraph(escape(interview.where), BODY)])
    table = Table(rows, colWidths=[45 * mm, 50 * mm, 75 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTSIZE", (0, 0), (-1, 0), 11),
                ("LINEBELOW", (0, 0), (-1, 0), 1, colors.black),
                ("LINEBELOW", (0, 1), (-1, -1), 0.3, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return table


def _where(place: str, link: str) -> KeepTogether:
    widget = QrCodeWidget(link, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(
        QR_SIZE, QR_SIZE, transform=[QR_SIZE / (right - left), 0, 0, QR_SIZE / (top - bottom), 0, 0]
    )
    drawing.add(widget)
    text = [
        Paragraph("Où aller", HEADING),
        Paragraph(escape(place), BODY),
        Spacer(1, 2 * mm),
        Paragraph("Le plan : scannez ce code avec l'appareil photo de votre téléphone.", BODY),
        Paragraph(escape(link), SMALL),
    ]
    table = Table([[text, drawing]], colWidths=[125 * mm, QR_SIZE + 6 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return KeepTogether([Spacer(1, 4 * mm), table])
