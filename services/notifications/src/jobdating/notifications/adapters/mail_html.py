"""The HTML side of an e-mail, made from its plain text: the organisation's logo on top, the same words in
paragraphs, lists and clickable links, the signature at the bottom.

One source of words: operators edit the plain-text templates only, and the HTML part can never say
something the text does not. The text is escaped as a whole (names come from registrations), then read by
its layout: blank lines part paragraphs, `- ` lines make a list, a short line alone on top of a paragraph
is its heading, and what follows the signature line (`-- `) is the footer.

Readable by everyone: `lang="fr"`, a 17 px font, strong contrast, the logo's text alternative is the
organisation's name, and no remote image (the logo travels inside the message, `cid:`).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from typing import Final

from jobdating.notifications.adapters.mail_logo import Logo
from jobdating.notifications.adapters.rendering import SIGNATURE_SEPARATOR


@dataclass(frozen=True)
class Letterhead:
    """What an organisation's e-mails carry in HTML: its name (the logo's text alternative) and logo."""

    name: str
    logo: Logo

    def shown_size(self) -> tuple[int, int]:
        """The logo's width and height on screen: its own, made smaller to fit the header."""
        scale = min(1.0, LOGO_HEIGHT / self.logo.height, LOGO_WIDTH / self.logo.width)
        return max(1, round(self.logo.width * scale)), max(1, round(self.logo.height * scale))


# Shown at most this high (and this wide): a header, not a poster.
LOGO_HEIGHT: Final = 64
LOGO_WIDTH: Final = 320
_LINK: Final = re.compile(r"https?://[^\s<>\"«»]+|(?<!\d)0[1-9](?: \d\d){4}(?!\d)")
_HEADING: Final = re.compile(r"[A-ZÀ-Ý][^.:;,!?]{0,29}")
_BODY: Final = (
    "margin:0;padding:0;background:#ffffff;color:#1a1a1a;"
    "font-family:Arial,Helvetica,sans-serif;font-size:17px;line-height:1.5"
)
# A long link wraps rather than widen the page on a phone.
_PAGE: Final = "max-width:640px;margin:0 auto;padding:16px;overflow-wrap:anywhere"
_P: Final = "margin:0 0 16px"


def logo_cid(message_id: str) -> str:
    """The logo's Content-ID in the message `message_id` (without angle brackets): unique to the message,
    and the same when the message is built again; short enough that its header is not folded."""
    return f"logo.{message_id.strip('<>').partition('@')[0]}@jobdating"


def html_page(text: str, subject: str, letterhead: Letterhead, cid: str) -> str:
    """The e-mail's HTML document saying `text` (the plain-text part, signature included)."""
    body, _, signature = text.partition(f"\n{SIGNATURE_SEPARATOR}")
    width, height = letterhead.shown_size()
    logo = (
        f'<img src="cid:{html.escape(cid)}" alt="{html.escape(letterhead.name)}" width="{width}" '
        f'height="{height}" style="display:block;border:0;max-width:100%;height:auto">'
    )
    footer = ""
    if signature.strip():
        footer = (
            '<footer style="margin-top:24px;padding-top:12px;border-top:1px solid #c8c8c8;'
            f'color:#3d3d3d;font-size:15px"><p style="{_P}">{_lines(signature.strip().splitlines())}</p>'
            "</footer>\n"
        )
    return (
        '<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_escape(subject)}</title>\n</head>\n"
        f'<body style="{_BODY}">\n<div style="{_PAGE}">\n'
        f'<header style="padding-bottom:12px;margin-bottom:20px;border-bottom:2px solid #c8c8c8">{logo}'
        "</header>\n<main>\n"
        + "".join(_block(block.splitlines()) for block in re.split(r"\n[ \t]*\n", body.strip()))
        + f"</main>\n{footer}</div>\n</body>\n</html>\n"
    )


def with_html(plain: Message, page: Message, letterhead: Letterhead, cid: str) -> MIMEMultipart:
    """The plain-text part and its HTML page as alternatives, the page with its logo (`multipart/related`)."""
    logo = MIMENonMultipart("image", letterhead.logo.subtype)
    logo.set_payload(letterhead.logo.encoded)
    logo["Content-Transfer-Encoding"] = "base64"
    logo["Content-ID"] = f"<{cid}>"
    logo.add_header("Content-Disposition", "inline", filename=letterhead.logo.filename)
    related = MIMEMultipart("related", type="text/html")
    related.attach(page)
    related.attach(logo)
    alternative = MIMEMultipart("alternative")
    alternative.attach(plain)  # first: the least preferred, what a mail program without HTML shows
    alternative.attach(related)
    return alternative


def _block(lines: list[str]) -> str:
    head = ""
    if len(lines) > 1 and _HEADING.fullmatch(lines[0].strip()):
        head = f'<h2 style="margin:0 0 8px;font-size:19px">{_inline(lines[0].strip())}</h2>\n'
        lines = lines[1:]
    out: list[str] = []
    text: list[str] = []
    items: list[str] = []
    for line in [*lines, ""]:  # the empty line ends the last run of text or items
        if line.startswith("- "):
            if text:
                out.append(f'<p style="{_P}">{_lines(text)}</p>\n')
                text = []
            items.append(f"<li>{_inline(line[2:].strip())}</li>")
            continue
        if items:
            listed = "\n".join(items)
            out.append(f'<ul style="margin:0 0 16px;padding-left:24px">\n{listed}\n</ul>\n')
            items = []
        if line.strip():
            text.append(line)
    if text:
        out.append(f'<p style="{_P}">{_lines(text)}</p>\n')
    return head + "".join(out)


def _lines(lines: list[str]) -> str:
    return "<br>\n".join(_inline(line.strip()) for line in lines)


def _inline(text: str) -> str:
    """`text` escaped, with its web addresses and phone numbers as links."""
    out: list[str] = []
    done = 0
    for found in _LINK.finditer(text):
        target = found.group().rstrip(".,;:!?)")
        end = found.start() + len(target)
        href = target if target.startswith("http") else "tel:+33" + target.replace(" ", "")[1:]
        out.append(_escape(text[done : found.start()]))
        out.append(f'<a href="{html.escape(href)}" style="color:#0b57a4">{_escape(target)}</a>')
        done = end
    out.append(_escape(text[done:]))
    return "".join(out)


def _escape(text: str) -> str:
    """Text between tags: `&`, `<` and `>` escaped (quotes need it in attributes only)."""
    return html.escape(text, quote=False)
