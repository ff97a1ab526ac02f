"""The data folder of the embedded stack (`jobdating up`): where each file of a run lives, the tokens written
once, and the lock that keeps a second instance off the same folder."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from jobdating.ops.embedded_nats import USERS_FILE
from jobdating.runtime.machine_tokens import hashed_key

OPERATOR_TOKENS = "operator-tokens.json"
# The SMS provider's one secret: the embedded sink plays the provider, and whoever plays it for replies
# (a test, a rehearsal) signs with it too.
SMS_PROVIDER_SECRET_FILE = "sms-provider-secret"  # noqa: S105 - a file name


class StackError(RuntimeError):
    """Something the operator can fix: a port taken, a folder not writable, an instance still running.

    Its message is shown as is to the person running `jobdating up`, hence in French.
    """


class StackFolder:
    """One stack's data folder; `Stack` runs the processes that use it."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir.resolve()
        self.lock = self.data_dir / "up.pid"

    @property
    def maildir(self) -> Path:
        """Where the embedded mail server writes every e-mail sent (one file per message)."""
        return self.data_dir / "maildir"

    @property
    def sms_file(self) -> Path:
        """Where the embedded SMS sink appends every SMS sent (JSON lines)."""
        return self.data_dir / "sms.jsonl"

    @property
    def voice_file(self) -> Path:
        """Where the embedded voice sink appends every call to a landline, with its spoken text."""
        return self.data_dir / "voice.jsonl"

    @property
    def bounce_maildir(self) -> Path:
        """Where bounces (delivery status notifications) of the e-mails sent would arrive: notifications
        reads it (in the embedded run, nothing bounces unless one is dropped there by hand)."""
        return self.data_dir / "bounces"

    @property
    def sms_provider_secret_file(self) -> Path:
        """The secret the SMS provider signs its webhooks with (delivery reports, candidates' replies), as
        the embedded sink does for its reports (drawn once)."""
        return self.data_dir / SMS_PROVIDER_SECRET_FILE

    def write_sms_provider_secret(self) -> None:
        """Draw the SMS provider's secret at the first `up` (readable by the operator only)."""
        secret = self.sms_provider_secret_file
        if not secret.exists():
            secret.write_text(secrets.token_urlsafe(48) + "\n")
            secret.chmod(0o600)

    @property
    def staff_file(self) -> Path:
        return self.data_dir / "staff.toml"

    @property
    def nats_users_file(self) -> Path:
        """The NATS users' passwords (drawn at the first `up`, kept for the next ones)."""
        return self.data_dir / USERS_FILE

    @property
    def tokens_file(self) -> Path:
        """The machine tokens the services accept, hashed only (`jobdating tokens` issues and revokes)."""
        return self.data_dir / "tokens.json"

    @property
    def operator_tokens_file(self) -> Path:
        """The clear tokens drawn at the first `up`, for the operator and the demo (mode 0600, never read by
        the services)."""
        return self.data_dir / OPERATOR_TOKENS

    def tokens(self) -> dict[str, dict[str, str]]:
        """The drawn tokens still accepted, in clear: a token revoked from `tokens_file` is left out."""
        drawn: dict[str, dict[str, str]] = json.loads(self.operator_tokens_file.read_text())
        accepted = set(json.loads(self.tokens_file.read_text()))
        return {token: who for token, who in drawn.items() if hashed_key(token) in accepted}

    def token_for(self, org: str, role: str) -> str:
        for token, who in self.tokens().items():
            if who["org"] == org and who["role"] == role:
                return token
        raise StackError(f"no token for {org}/{role} in {self.operator_tokens_file}")

    def claim(self) -> None:
        """Make sure the folder exists and is writable, then take its lock."""
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            probe = self.data_dir / ".write-test"
            probe.write_text("ok")
            probe.unlink()
        except OSError as exc:
            raise StackError(
                f"le dossier de données {self.data_dir} n'est pas accessible en écriture : {exc.strerror}"
            ) from exc
        self._take_lock()

    def _take_lock(self) -> None:
        if self.lock.exists():
            try:
                pid = int(self.lock.read_text().strip() or "0")
            except ValueError:
                pid = 0
            if pid and _alive(pid):
                raise StackError(
                    f"jobdating tourne déjà sur {self.data_dir} (processus {pid}) : arrêtez-le d'abord"
                )
            self.lock.unlink()  # a stale lock left by a crash: the process is gone
        self.lock.write_text(str(os.getpid()))

    def release(self) -> None:
        if self.lock.exists() and self.lock.read_text().strip() == str(os.getpid()):
            self.lock.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
