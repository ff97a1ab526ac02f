"""E-mail over SMTP with the standard library's `smtplib`, in worker threads, over pooled connections.

The phases tell a refusal from an uncertain outcome: anything that fails before DATA did not send the
message (retry), a reply to DATA is the server's answer (accepted, or refused with a code), but a timeout
or a lost connection during DATA may or may not have delivered it: that is reported as uncertain and left
to reconciliation.
"""

from __future__ import annotations

import queue
import secrets
import smtplib
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import datetime
from email.charset import BASE64, Charset
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.policy import Compat32
from email.utils import format_datetime, formataddr
from typing import Any

from jobdating.notifications.adapters.mail_html import Letterhead, html_page, logo_cid, with_html
from jobdating.notifications.adapters.workers import in_thread
from jobdating.notifications.application.ports import Accepted, Email, Rejected, SendResult, Uncertain
from jobdating.runtime.clock import Clock
from jobdating.runtime.mail import SmtpServer


class _ShortHeaders(Compat32):
    """`compat32` that writes a short one-line ASCII header as it is: folding it (an `email.header.Header`
    made and encoded for each header of each message) gives the same line, and was most of a message's
    build. Anything else is folded as before."""

    def _fold(self, name: str, value: Any, sanitize: bool) -> str:
        if (
            isinstance(value, str)
            and value.isascii()
            and "\n" not in value
            and "\r" not in value
            and len(name) + 2 + len(value) <= (self.max_line_length or 0)
        ):
            return f"{name}: {value}{self.linesep}"
        return str(super()._fold(name, value, sanitize))  # type: ignore[misc]


# SMTP wants CRLF line ends (smtplib leaves bytes as they are).
_CRLF = _ShortHeaders(linesep="\r\n")
# UTF-8 as is (readable in the raw Maildir files) where the server takes 8-bit MIME, base64 elsewhere;
# quoted-printable is left out: the standard library encodes it a character at a time.
_UTF8_8BIT = Charset("utf-8")
_UTF8_8BIT.body_encoding = None  # type: ignore[assignment]  # None: 8bit, as email.charset documents
_UTF8_BASE64 = Charset("utf-8")
_UTF8_BASE64.body_encoding = BASE64
_UTF8_HEADER = Charset("utf-8")
_UTF8_HEADER.header_encoding = BASE64


def build_message(
    email: Email,
    mail_from: str,
    at: datetime,
    *,
    eight_bit: bool = True,
    from_name: str | None = None,
    letterhead: Letterhead | None = None,
) -> bytes:
    """The message as sent: plain text in UTF-8, the `.ics` invitation attached as text/calendar;
    `from_name` (the organisation's) is shown before the sender's address. With a `letterhead` (an
    organisation with a logo) the text has an HTML alternative made from it, with the logo inside.

    Built with the `compat32` MIME classes: for such a simple message the same structure a modern
    `EmailMessage` gives, at a fraction of the cost (header refolding dominates a send otherwise).
    """
    charset = _UTF8_8BIT if eight_bit else _UTF8_BASE64
    body: Message = _text(email.text, "plain", charset)
    if letterhead is not None:
        cid = logo_cid(email.message_id)
        page = _text(html_page(email.text, email.subject, letterhead, cid), "html", charset)
        body = with_html(body, page, letterhead, cid)
    message = body
    if email.calendar is not None:
        message = MIMEMultipart("mixed")
        message.attach(body)
        invitation = _text(email.calendar, "calendar", charset)
        invitation.set_param("method", email.calendar_method or "REQUEST")
        invitation.add_header("Content-Disposition", "attachment", filename="invitation.ics")
        message.attach(invitation)
    message["From"] = formataddr((from_name, mail_from), charset="utf-8") if from_name else mail_from
    message["To"] = email.to
    message["Subject"] = (
        # `header_name`: the first line leaves room for "Subject: " (else it folds before the first word,
        # and readers show the subject after a space).
        Header(email.subject, _UTF8_HEADER, header_name="Subject").encode()
        if not email.subject.isascii()
        else email.subject
    )
    message["Date"] = format_datetime(at)
    message["Message-ID"] = email.message_id
    for name, value in email.headers.items():
        message[name] = value
    for part in message.walk():
        if part.is_multipart() and part.get_boundary() is None:
            # 128 random bits meet no text by chance: the generator's own boundary (63 bits) is checked
            # against the whole message with a regular expression compiled for it, a third of the build.
            part.set_boundary(f"=_{secrets.token_hex(16)}")
    return message.as_bytes(policy=_CRLF)


def _text(text: str, subtype: str, charset: Charset) -> MIMENonMultipart:
    part = MIMENonMultipart("text", subtype)
    part.set_payload(text, charset)  # encodes the text and sets charset and transfer encoding
    return part


@dataclass(eq=False)
class SmtpChannel:
    """The `EmailChannel` port over SMTP (plain, or STARTTLS with a login when configured)."""

    server: SmtpServer
    mail_from: str
    clock: Clock
    from_name: str | None = None
    letterhead: Letterhead | None = None
    workers: Executor | None = None  # the threads sends run in (`adapters.workers`; None: the default pool)
    _idle: queue.SimpleQueue[smtplib.SMTP] = field(init=False, default_factory=queue.SimpleQueue)

    async def send(self, email: Email) -> SendResult:
        return await in_thread(self.workers, self._send, email, self.clock.now())

    def close(self) -> None:
        while True:
            try:
                conn = self._idle.get_nowait()
            except queue.Empty:
                return
            _quit(conn)

    def _send(self, email: Email, at: datetime) -> SendResult:
        for fresh in (False, True):
            try:
                conn = self._connection(fresh)
            except (OSError, smtplib.SMTPException):
                return Rejected("smtp_connect", temporary=True)
            eight_bit = conn.has_extn("8bitmime")
            try:
                code, _ = conn.mail(self.mail_from, ["BODY=8BITMIME"] if eight_bit else [])
                if code == 250:
                    code, _ = conn.rcpt(email.to)
                if code not in (250, 251):
                    conn.rset()
                    self._idle.put(conn)
                    return _refused(code)
            except smtplib.SMTPServerDisconnected:
                _quit(conn)
                if fresh:
                    return Rejected("smtp_disconnected", temporary=True)
                continue  # a pooled connection the server had closed: nothing was sent, try a new one
            except (OSError, smtplib.SMTPException):
                _quit(conn)
                return Rejected("smtp_envelope", temporary=True)
            data = build_message(
                email,
                self.mail_from,
                at,
                eight_bit=eight_bit,
                from_name=self.from_name,
                letterhead=self.letterhead,
            )
            return self._data(conn, data, email.message_id)
        return Rejected("smtp_disconnected", temporary=True)

    def _data(self, conn: smtplib.SMTP, data: bytes, message_id: str) -> SendResult:
        try:
            code, _ = conn.data(data)
        except smtplib.SMTPDataError as exc:
            _quit(conn)
            return _refused(exc.smtp_code)
        except (OSError, smtplib.SMTPException):
            _quit(conn)
            return Uncertain("smtp_data")
        if code != 250:
            _quit(conn)
            return _refused(code)
        self._idle.put(conn)
        return Accepted(message_id)

    def _connection(self, fresh: bool) -> smtplib.SMTP:
        if not fresh:
            try:
                return self._idle.get_nowait()
            except queue.Empty:
                pass
        return self.server.connect()


def _refused(code: int) -> Rejected:
    return Rejected(f"smtp_{code}", temporary=400 <= code < 500)


def _quit(conn: smtplib.SMTP) -> None:
    try:
        conn.quit()
    except (OSError, smtplib.SMTPException):
        conn.close()
