"""Invitation mails over SMTP with the standard library (one connection per mail: invitations are rare)."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from jobdating.identity.application.ports import MailFailed
from jobdating.runtime.mail import SmtpServer


class SmtpMailer:
    """The `Mailer` port: plain text in UTF-8 through `server`, signed `mail_from`."""

    def __init__(self, server: SmtpServer, mail_from: str) -> None:
        self.server = server
        self.mail_from = mail_from

    def send(self, to: str, subject: str, text: str) -> None:
        message = EmailMessage()
        message["From"] = self.mail_from
        message["To"] = to
        message["Subject"] = subject
        message["Message-ID"] = make_msgid(domain=self.mail_from.rpartition("@")[2] or None)
        message.set_content(text)
        try:
            with self.server.connect() as smtp:
                smtp.send_message(message)
        except (smtplib.SMTPException, OSError) as exc:
            raise MailFailed(str(exc)) from exc
