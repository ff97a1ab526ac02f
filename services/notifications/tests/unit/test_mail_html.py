"""An organisation with a logo sends each e-mail as text and HTML: the text part exactly as without a logo,
the HTML part made from it (escaped, in paragraphs, lists and links) with the logo inside the message; the
logo file is checked at start, in one French sentence naming it."""

from __future__ import annotations

import email
import email.policy
import html
import io
import re
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import msgspec
import pytest
from PIL import Image

from jobdating.notifications.adapters.customization import SetupProblem, load_wording
from jobdating.notifications.adapters.mail_html import Letterhead, html_page
from jobdating.notifications.adapters.mail_logo import Logo, read_logo
from jobdating.notifications.adapters.rendering import JinjaRenderer
from jobdating.notifications.adapters.smtp import build_message
from jobdating.notifications.application.ports import Email

from .test_templates import context

NAME = "Département du Nord - Job dating"
SIGNATURE = "Département du Nord\n51 rue Gustave Delory, 59047 Lille cedex\n03 59 73 59 59"
AT = datetime(2026, 11, 26, 9, tzinfo=UTC)


def image(kind: str = "PNG", size: tuple[int, int] = (300, 60)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (11, 58, 120)).save(out, kind)
    return out.getvalue()


def letterhead(tmp_path: Path) -> Letterhead:
    (tmp_path / "logo.png").write_bytes(image())
    return Letterhead(NAME, read_logo(tmp_path / "logo.png"))


ICS = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"


def convocation(first_name: str = "Ines", calendar: str | None = ICS) -> Email:
    rendered = JinjaRenderer(signature=SIGNATURE).render(
        "convocation", "email", context(first_name=first_name, link="https://jd.example/c/abc?x=1&y=2")
    )
    return Email(
        to="ines@example.org",
        subject=rendered.subject,
        text=rendered.text,
        message_id="<n-1@departement-nord.example>",
        headers={},
        calendar=calendar,
        calendar_method="REQUEST" if calendar else None,
    )


def parsed(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def part(message: EmailMessage, kind: str) -> EmailMessage:
    [found] = [p for p in message.walk() if p.get_content_type() == kind]
    assert isinstance(found, EmailMessage)
    return found


def structure(message: EmailMessage, depth: int = 0) -> list[str]:
    lines = ["  " * depth + message.get_content_type()]
    if message.is_multipart():
        for inner in message.iter_parts():
            assert isinstance(inner, EmailMessage)
            lines += structure(inner, depth + 1)
    return lines


@pytest.mark.parametrize("eight_bit", [True, False])
def test_with_a_logo_the_text_is_kept_as_is_beside_an_html_page_with_the_logo_inside(
    tmp_path: Path, eight_bit: bool
) -> None:
    sent = convocation()
    plain = parsed(build_message(sent, "jd@departement-nord.example", AT, eight_bit=eight_bit))
    rich = parsed(
        build_message(
            sent, "jd@departement-nord.example", AT, eight_bit=eight_bit, letterhead=letterhead(tmp_path)
        )
    )
    assert structure(rich) == [
        "multipart/mixed",
        "  multipart/alternative",
        "    text/plain",
        "    multipart/related",
        "      text/html",
        "      image/png",
        "  text/calendar",
    ]
    # The text part is the very part sent without a logo: same headers, same bytes.
    assert part(rich, "text/plain").as_bytes() == part(plain, "text/plain").as_bytes()
    assert part(rich, "text/plain").get_content().replace("\r\n", "\n") == sent.text  # CRLF on the wire
    assert part(rich, "text/calendar").get_content() == part(plain, "text/calendar").get_content()
    assert part(rich, "text/calendar")["Content-Disposition"] == 'attachment; filename="invitation.ics"'
    # A mail program that shows HTML picks the page with its logo.
    body = rich.get_body()
    assert body is not None
    assert body.get_content_type() == "multipart/related"
    assert part(rich, "text/html") is rich.get_body(("html",))


def test_the_logo_travels_inside_the_message_under_the_content_id_the_page_names(tmp_path: Path) -> None:
    head = letterhead(tmp_path)
    rich = parsed(build_message(convocation(), "jd@x.example", AT, letterhead=head))
    logo = part(rich, "image/png")
    assert logo["Content-ID"] == "<logo.n-1@jobdating>"
    assert logo["Content-Disposition"] == 'inline; filename="logo.png"'
    assert logo.get_content() == head.logo.data
    page: str = part(rich, "text/html").get_content()
    assert (
        '<img src="cid:logo.n-1@jobdating" alt="Département du Nord - Job dating" '
        'width="300" height="60"' in page
    )
    assert re.findall(r'src="([^"]*)"', page) == ["cid:logo.n-1@jobdating"]  # nothing remote


def test_the_content_id_stays_on_one_line_with_a_real_notification_id_and_a_long_domain(
    tmp_path: Path,
) -> None:
    sent = msgspec.structs.replace(
        convocation(), message_id="<8bfef325-4823-5fc5-a4ff-4c147d38dd45@jobdating.departement-du-nord.fr>"
    )
    raw = build_message(sent, "jd@x.example", AT, letterhead=letterhead(tmp_path))
    assert b"\r\nContent-ID: <logo.8bfef325-4823-5fc5-a4ff-4c147d38dd45@jobdating>\r\n" in raw
    assert b'src="cid:logo.8bfef325-4823-5fc5-a4ff-4c147d38dd45@jobdating"' in raw


def test_a_name_is_escaped_in_the_page(tmp_path: Path) -> None:
    sent = convocation(first_name="<script>alert('x')</script>")
    rich = parsed(build_message(sent, "jd@x.example", AT, letterhead=letterhead(tmp_path)))
    page: str = part(rich, "text/html").get_content()
    assert "<script" not in page
    assert "Bonjour &lt;script&gt;alert('x')&lt;/script&gt;,</p>" in page
    assert "Bonjour <script>alert('x')</script>," in part(rich, "text/plain").get_content()


def test_the_page_says_the_text_in_french_with_paragraphs_lists_links_and_the_signature(
    tmp_path: Path,
) -> None:
    sent = convocation()
    page = html_page(sent.text, sent.subject, letterhead(tmp_path), "logo.1@x")
    assert page.startswith('<!DOCTYPE html>\n<html lang="fr">\n')
    assert f"<title>{sent.subject}</title>" in page
    assert "font-size:17px" in page
    assert '<p style="margin:0 0 16px">Bonjour Ines,</p>' in page
    assert '<h2 style="margin:0 0 8px;font-size:19px">Pour bien vous préparer</h2>' in page
    assert "<li>Venez 15 minutes avant l'heure.</li>" in page
    assert "Lieu : Maison de l'emploi<br>\n2 rue de l'Emploi, 59113 Seclin<br>" in page
    assert '<a href="https://jd.example/c/abc?x=1&amp;y=2" style="color:#0b57a4">' in page
    assert 'Appelez le <a href="tel:+33320000001" style="color:#0b57a4">03 20 00 00 01</a>.' in page
    assert "<footer" in page
    assert (
        "Département du Nord<br>\n51 rue Gustave Delory, 59047 Lille cedex<br>\n"
        '<a href="tel:+33359735959" style="color:#0b57a4">03 59 73 59 59</a></p></footer>' in page
    )
    # The page says the text's words, in the text's order (the signature line aside).
    shown = html.unescape(re.sub(r"<[^>]*>", "", page.partition("<main>")[2]))
    assert shown.split() == [w for w in sent.text.replace("-- \n", "").split() if w != "-"]


def test_a_large_logo_is_shown_small_and_keeps_its_shape() -> None:
    logo = Logo(b"", "png", 1200, 300)
    assert Letterhead(NAME, logo).shown_size() == (256, 64)
    assert Letterhead(NAME, Logo(b"", "png", 2000, 100)).shown_size() == (320, 16)
    assert Letterhead(NAME, Logo(b"", "png", 40, 20)).shown_size() == (40, 20)


def test_png_and_jpeg_logos_are_read_with_their_size(tmp_path: Path) -> None:
    (tmp_path / "a.jpg").write_bytes(image("JPEG", (123, 45)))
    (tmp_path / "a.png").write_bytes(image("PNG", (67, 89)))
    jpeg, png = read_logo(tmp_path / "a.jpg"), read_logo(tmp_path / "a.png")
    assert (jpeg.subtype, jpeg.width, jpeg.height, jpeg.filename) == ("jpeg", 123, 45, "logo.jpg")
    assert (png.subtype, png.width, png.height, png.filename) == ("png", 67, 89, "logo.png")


WORDING = """[departement-nord]
mail_from_name = "Job dating du Nord"
logo = "{logo}"
"""


def test_the_wording_files_logo_is_found_beside_it_and_gives_the_letterhead(tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes(image())
    path = tmp_path / "wording.toml"
    path.write_text(WORDING.format(logo="logo.png"), encoding="utf-8")
    wording = load_wording(path, "departement-nord")
    assert wording.letterhead == Letterhead("Job dating du Nord", read_logo(tmp_path / "logo.png"))
    path.write_text('[departement-nord]\nmail_from_name = "Nord"\n', encoding="utf-8")
    assert load_wording(path, "departement-nord").letterhead is None  # no logo: plain text only


@pytest.mark.parametrize(
    ("logo", "content", "problem"),
    [
        ("absent.png", None, "ne peut pas être lu (No such file or directory)."),
        ("big.png", b"\x89PNG\r\n\x1a\n" + bytes(200_000), "pèse 195 Ko, plus que les 100 Ko permis"),
        ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "n'est pas une image PNG ou JPEG"),
        ("cut.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF", "n'est pas une image PNG ou JPEG lisible."),
    ],
)
def test_a_wrong_logo_is_refused_in_one_french_sentence_naming_it(
    tmp_path: Path, logo: str, content: bytes | None, problem: str
) -> None:
    if content is not None:
        (tmp_path / logo).write_bytes(content)
    path = tmp_path / "wording.toml"
    path.write_text(WORDING.format(logo=logo), encoding="utf-8")
    with pytest.raises(SetupProblem) as refused:
        load_wording(path, "departement-nord")
    message = str(refused.value)
    assert message.startswith(f"Le logo {tmp_path / logo} (réglage logo de [departement-nord] dans {path}) ")
    assert problem in message
    assert message.endswith(".")
    assert "\n" not in message


def test_a_logo_needs_the_organisations_name_to_say_it(tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes(image())
    path = tmp_path / "wording.toml"
    path.write_text('[departement-nord]\nlogo = "logo.png"\n', encoding="utf-8")
    with pytest.raises(SetupProblem, match=r"logo demande aussi mail_from_name : le nom de l'organisation"):
        load_wording(path, "departement-nord")
