"""E-mail over SMTP with the standard library's `smtplib`, in worker threads, over pooled connections.

The phases tell a refusal from an uncertain outcome: anything that fails before DATA did not send the
message (retry), a reply to DATA is the server's answer (accepted, or refused with a code), but a timeout
or a lost connection during DATA may or may not have delivered it: that is reported as uncertain and left
to reconciliation.
"""

from __future__ import annotations

import asyncio
import queue
import smtplib
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime

from jobdating.notifications.application.ports import Accepted, Email, Rejected, SendResult, Uncertain
from jobdating.runtime.clock import Clock


def build_message(email: Email, mail_from: str, at: datetime) -> EmailMessage:
    """The MIME message: plain text in UTF-8, the `.ics` invitation attached as text/calendar."""
    message = EmailMessage()
    message["From"] = mail_from
    message["To"] = email.to
    message["Subject"] = email.subject
    message["Date"] = format_datetime(at)
    message["Message-ID"] = email.message_id
    for name, value in email.headers.items():
        message[name] = value
    message.set_content(email.text)
    if email.calendar is not None:
        message.add_attachment(
            email.calendar,
            subtype="calendar",
            filename="invitation.ics",
            params={"method": email.calendar_method or "REQUEST"},
        )
    return message


class SmtpChannel:
    """The `EmailChannel` port over SMTP (plain, or STARTTLS with a login when configured)."""

    def __init__(
        self,
        host: str,
        port: int,
        mail_from: str,
        clock: Clock,
        *,
        timeout: float = 10.0,
        starttls: bool = False,
        username: str | None = None,
        password: str | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.mail_from = mail_from
        self.clock = clock
        self.timeout = timeout
        self.starttls = starttls
        self.username = username
        self.password = password
        self._idle: queue.SimpleQueue[smtplib.SMTP] = queue.SimpleQueue()

    async def send(self, email: Email) -> SendResult:
        data = build_message(email, self.mail_from, self.clock.now()).as_bytes(policy=SMTP_POLICY)
        return await asyncio.to_thread(self._send, email.to, data, email.message_id)

    def close(self) -> None:
        while True:
            try:
                conn = self._idle.get_nowait()
            except queue.Empty:
                return
            _quit(conn)

    def _send(self, to: str, data: bytes, message_id: str) -> SendResult:
        for fresh in (False, True):
            try:
                conn = self._connection(fresh)
            except (OSError, smtplib.SMTPException):
                return Rejected("smtp_connect", temporary=True)
            try:
                code, _ = conn.mail(self.mail_from)
                if code == 250:
                    code, _ = conn.rcpt(to)
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
            return self._data(conn, data, message_id)
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
        conn = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        conn.ehlo()
        if self.starttls:
            conn.starttls()
            conn.ehlo()
        if self.username and self.password:
            conn.login(self.username, self.password)
        return conn


def _refused(code: int) -> Rejected:
    return Rejected(f"smtp_{code}", temporary=400 <= code < 500)


def _quit(conn: smtplib.SMTP) -> None:
    try:
        conn.quit()
    except (OSError, smtplib.SMTPException):
        conn.close()
