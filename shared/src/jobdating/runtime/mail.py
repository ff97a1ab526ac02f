"""The SMTP server a service sends mail through, with the standard library's `smtplib`."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass


@dataclass(frozen=True)
class SmtpServer:
    """Where the server is and how to talk to it: STARTTLS and a login when configured."""

    host: str
    port: int
    timeout: float = 10.0
    starttls: bool = False
    username: str | None = None
    password: str | None = None

    def connect(self) -> smtplib.SMTP:
        """A connection greeted (EHLO), secured and logged in as configured; closed if any step fails."""
        conn = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            conn.ehlo()
            if self.starttls:
                conn.starttls()
                conn.ehlo()  # the server's extensions may differ once the channel is secured
            if self.username and self.password:
                conn.login(self.username, self.password)
        except BaseException:
            conn.close()
            raise
        return conn
