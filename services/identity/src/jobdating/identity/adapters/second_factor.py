"""TOTP second factor (RFC 6238, `pyotp`): 6 digits, 30-second steps, one step of clock drift allowed."""

from __future__ import annotations

import hmac
import secrets
import uuid
from datetime import datetime, timedelta

import pyotp

STEP = timedelta(seconds=30)


class TotpSecondFactor:
    """The `SecondFactor` port; `issuer` is the name authenticator apps show next to the account."""

    def __init__(self, issuer: str) -> None:
        self.issuer = issuer

    def uri(self, secret: str, label: str) -> str:
        return pyotp.TOTP(secret).provisioning_uri(name=label, issuer_name=self.issuer)

    def check(self, secret: str, code: str, at: datetime, after_step: int | None) -> int | None:
        if len(code) != 6 or not code.isdigit():
            return None
        totp = pyotp.TOTP(secret)
        for drift in (-1, 0, 1):
            moment = at + drift * STEP
            step = int(totp.timecode(moment))
            # A code serves once: a step at or before the last accepted one is refused (replay).
            if after_step is not None and step <= after_step:
                continue
            if hmac.compare_digest(totp.at(moment), code):
                return step
        return None


class SystemRandomness:
    """The `Randomness` port from the operating system's generator."""

    def token(self) -> str:
        return secrets.token_urlsafe(32)  # 256 bits

    def totp_secret(self) -> str:
        return pyotp.random_base32()  # 160 bits, as RFC 4226 recommends

    def account_id(self) -> str:
        # Random, not time-ordered: an account id says nothing of when or in which order people joined.
        return f"acc-{uuid.uuid4()}"
