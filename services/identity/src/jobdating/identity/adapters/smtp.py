"""Invitation mails over SMTP with the standard library (one connection per mail: invitations are rare)."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from jobdating.identity.application.ports import MailFailed


class SmtpMailer:
    """The `Mailer` port: plain text in UTF-8; STARTTLS and a login when configured."""

    def __init__(
        self,
        host: str,
        port: int,
        mail_from: str,
        *,
        timeout: float = 10.0,
        starttls: bool = False,
        username: str | None = None,
        password: str | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.mail_from = mail_from
        self.timeout = timeout
        self.starttls = starttls
        self.username = username
        self.password = password

    def send(self, to: str, subject: str, text: str) -> None:
        message = EmailMessage()
        message["From"] = self.mail_from
        message["To"] = to
        message["Subject"] = subject
        message["Message-ID"] = make_msgid(domain=self.mail_from.rpartition("@")[2] or None)
        message.set_content(text)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.username is not None and self.password is not None:
                    smtp.login(self.username, self.password)
                smtp.send_message(message)
        except (smtplib.SMTPException, OSError) as exc:
            raise MailFailed(str(exc)) from exc
