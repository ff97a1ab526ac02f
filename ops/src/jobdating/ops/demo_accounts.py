"""Create the demo's accounts through identity's public HTTP API, as people would: the coordination (machine
token) registers the organisations and sends invitations, each invitation is accepted from the link in the
e-mail the embedded mail server received, partner admins sign in with their TOTP code to invite their staff.

The passwords are drawn once and kept, with the TOTP secrets, in `<data>/demo-accounts.json` (readable by
its owner only), written before each invitation and after each activation: a resumed stack creates nothing
twice and shows the same sign-ins.
"""

from __future__ import annotations

import base64
import email
import email.policy
import hashlib
import hmac
import re
import secrets
import struct
import threading
import time
from collections.abc import Callable, Collection, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

import httpx
import msgspec

from jobdating.ops.demo_people import ROLE_LABELS, SECOND_FACTOR, Holder, Person, organisations, people
from jobdating.ops.demo_report import DemoError
from jobdating.ops.maildir import mails

ACCOUNTS_FILE = "demo-accounts.json"
WORKERS = 4  # accounts activated side by side (identity hashes one password per core at a time)
_LINK_TOKEN = re.compile(r"[?&]jeton=([A-Za-z0-9_-]+)")
# No 0/O, 1/l/I: a password read off a terminal and typed again.
_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class DemoAccount(Holder, kw_only=True):
    """A demo account as kept in the file; `account_id` once activated."""

    password: str
    account_id: str | None = None
    totp_secret: str | None = None
    otpauth_uri: str | None = None


def account_for(person: Person) -> DemoAccount:
    """A new account for `person`, held by them as the plan says, with a fresh password."""
    holder = {name: getattr(person, name) for name in Holder.__struct_fields__}
    return DemoAccount(**holder, password=new_password())


def new_password() -> str:
    """Four groups of four characters (about 94 bits): long enough for identity's rule, easy to type."""
    return "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(4))


def totp(secret: str, at: float) -> str:
    """The 6-digit TOTP code (RFC 6238: SHA-1, 30-second steps) of `secret` at Unix time `at`: what an
    authenticator app shows."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(at // 30)), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def load_accounts(path: Path) -> dict[str, DemoAccount]:
    if not path.exists():
        return {}
    kept = msgspec.json.decode(path.read_bytes(), type=list[DemoAccount])
    return {account.key: account for account in kept}


def save_accounts(path: Path, accounts: dict[str, DemoAccount]) -> None:
    """Written whole to a new file then renamed over the old one: a crash leaves the old or the new."""
    fresh = path.with_suffix(".tmp")
    fresh.write_bytes(msgspec.json.format(msgspec.json.encode(list(accounts.values())), indent=2) + b"\n")
    fresh.chmod(0o600)
    fresh.replace(path)


class AccountMaker:
    """Creates the missing demo accounts of one stack (see the module's docstring)."""

    def __init__(
        self,
        http: httpx.Client,
        identity_url: str,
        machine_token: str,
        maildir: Path,
        path: Path,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.http = http
        self.url = identity_url.rstrip("/")
        self.machine = {"Authorization": f"Bearer {machine_token}"}
        self.maildir = maildir
        self.path = path
        self.wall_clock = wall_clock
        self.accounts = load_accounts(path)
        self._admins: dict[str, dict[str, str]] = {}
        self._saving = threading.Lock()  # accepted side by side, the file written by one at a time

    def run(self, roles: Collection[str] | None = None, company_ids: Mapping[str, str] | None = None) -> int:
        """Register the organisations, then invite and activate every missing account (of `roles` only,
        when given; the recruiters of the companies in `company_ids` only); returns how many were created
        now."""
        everyone = [person for person in people(company_ids) if roles is None or person.role in roles]
        for person in everyone:
            kept = self.accounts.get(person.key)
            # An account kept from an earlier version may name another organisation (a company's was
            # `entreprise-{key}`): once active it stays as it is (see `outdated`), else it is invited anew.
            if kept is None or (kept.account_id is None and kept.org != person.org):
                self.accounts[person.key] = account_for(person)
        save_accounts(self.path, self.accounts)
        # Only the organisations of those people: the companies once registration gave their ids.
        wanted = {person.org for person in everyone}
        for organisation in (o for o in organisations(company_ids) if o.organisation_id in wanted):
            self._post("/organisations", msgspec.structs.asdict(organisation), self.machine, {201, 409})
        missing = [person for person in everyone if self.accounts[person.key].account_id is None]
        # Two waves (those the coordination invites, then the staff their admins invite), each invited at
        # once and accepted side by side: identity hashes the passwords in parallel, one per core.
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            for wave in ([p for p in missing if p.by is None], [p for p in missing if p.by is not None]):
                list(pool.map(self._signed_in, sorted({p.by for p in wave if p.by is not None})))
                before = set(mails(self.maildir))
                for person in wave:
                    self._invite(person)
                list(pool.map(self._accept, wave, [before] * len(wave)))
        return len(missing)

    def _invite(self, person: Person) -> None:
        inviter = self.machine if person.by is None else self._signed_in(person.by)
        body: dict[str, Any] = {"email": person.email, "roles": [person.role]}
        if person.name:
            body["name"] = person.name
        self._post(f"/organisations/{person.org}/invitations", body, inviter, {202})

    def _accept(self, person: Person, before: set[Path]) -> None:
        account = self.accounts[person.key]
        token = self._link_token(person.email, before)
        answer = self._post("/invitations/accept", {"token": token, "password": account.password}, {}, {200})
        account.account_id = str(answer["account_id"])
        uri = answer.get("otpauth_uri")
        if uri is not None:
            account.otpauth_uri = str(uri)
            account.totp_secret = parse_qs(urlsplit(account.otpauth_uri).query)["secret"][0]
        with self._saving:
            save_accounts(self.path, self.accounts)

    def _signed_in(self, key: str) -> dict[str, str]:
        """The Authorization header of a partner admin, signed in once per run with its TOTP code."""
        if key not in self._admins:
            admin = self.accounts[key]
            self._admins[key] = {
                "Authorization": f"Bearer {sign_in(self.http, self.url, admin, self.wall_clock)}"
            }
        return self._admins[key]

    def _link_token(self, address: str, before: set[Path], limit: float = 20.0) -> str:
        """The token of the invitation link in the first new e-mail to `address` (as a person clicks it)."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            for path in sorted(set(mails(self.maildir)) - before):
                message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
                if address not in str(message.get("to", "")):
                    continue
                body = message.get_body(preferencelist=("plain",))
                text = body.get_content() if body is not None else ""
                found = _LINK_TOKEN.search(str(text))
                if found is not None:
                    return found.group(1)
                # Not the invitation: the same address also gets the services' own mails (a company
                # contact is sent its recruiters' agenda when the day is near), or identity's notice that
                # the account already exists. Keep looking until the deadline.
            time.sleep(0.1)
        raise DemoError(
            f"aucun courriel d'invitation pour {address} dans {self.maildir} après {limit:.0f} s "
            "(compte déjà existant ? effacez le dossier de données pour repartir de zéro)"
        )

    def _post(
        self, path: str, body: dict[str, Any], headers: dict[str, str], expected: set[int]
    ) -> dict[str, Any]:
        response = self.http.post(f"{self.url}{path}", json=body, headers=headers)
        if response.status_code not in expected:
            raise DemoError(f"POST {self.url}{path} answered {response.status_code}: {response.text[:500]}")
        answer = response.json() if response.content else {}
        return dict(answer) if isinstance(answer, dict) else {}


class Poster(Protocol):
    """What signing in needs of an HTTP client: a POST with a JSON body (httpx's, or the demo day's patient
    one that waits for a restarting identity)."""

    def post(self, url: str, *, json: dict[str, Any]) -> httpx.Response: ...


def sign_in(
    http: Poster, identity_url: str, account: DemoAccount, wall_clock: Callable[[], float] = time.time
) -> str:
    """An access token of a demo account (see `signed_in`)."""
    return signed_in(http, identity_url, account, wall_clock)[0]


def signed_in(
    http: Poster, identity_url: str, account: DemoAccount, wall_clock: Callable[[], float] = time.time
) -> tuple[str, float]:
    """An access token of a demo account and its lifetime in seconds; with its TOTP code when its role needs
    one (a code serves once: refused as already used, the next step's code is awaited)."""
    url = f"{identity_url.rstrip('/')}/sign-in"
    for attempt in range(2):
        body: dict[str, Any] = {"email": account.email, "password": account.password}
        if account.totp_secret is not None:
            now = wall_clock()
            if attempt:
                time.sleep(30 - now % 30 + 0.5)  # the next 30-second step
                now = wall_clock()
            body["code"] = totp(account.totp_secret, now)
        response = http.post(url, json=body)
        if response.status_code == 200:
            answer = response.json()
            return str(answer["access_token"]), float(answer["expires_in"])
        if response.status_code != 401 or account.totp_secret is None:
            break
    raise DemoError(f"connexion de {account.email} refusée ({response.status_code}) : {response.text[:300]}")


def create_accounts(
    identity_url: str,
    machine_token: str,
    maildir: Path,
    data_dir: Path,
    roles: Collection[str] | None = None,
    company_ids: Mapping[str, str] | None = None,
) -> tuple[list[DemoAccount], int]:
    """Every demo account (of `roles` only, when given; recruiters for the companies of `company_ids`
    only, see `demo_people`), created where missing, and how many were created now."""
    with httpx.Client(timeout=30) as http:
        maker = AccountMaker(http, identity_url, machine_token, maildir, data_dir / ACCOUNTS_FILE)
        created = maker.run(roles, company_ids)
    keys = [person.key for person in people(company_ids) if roles is None or person.role in roles]
    return [maker.accounts[key] for key in keys], created


def outdated(accounts: Collection[DemoAccount], company_ids: Mapping[str, str]) -> list[DemoAccount]:
    """The recruiters activated by an earlier version under an organisation other than their company's id
    in registration (`entreprise-{key}`): they sign in, but the services find no company of theirs."""
    orgs = {f"recruiter-{key}": company_id for key, company_id in company_ids.items()}
    return [a for a in accounts if a.role == "recruiter" and a.key in orgs and a.org != orgs[a.key]]


def needs_code(account: DemoAccount) -> bool:
    """Whether identity asks this account a TOTP code at sign-in."""
    return account.role in SECOND_FACTOR


def sign_in_lines(
    accounts: list[DemoAccount], identity_url: str, kept_in: Path, console_url: str | None = None
) -> list[str]:
    """The demo's sign-ins as the operator reads them: one aligned line per account, then how to sign in
    with a second factor (and where the console's sign-in page is, when there is one)."""
    rows = [("rôle", "courriel", "mot de passe", "clé TOTP", "organisation ou lieu")]
    order = list(ROLE_LABELS)
    for a in sorted(accounts, key=lambda a: order.index(a.role)):  # stable: partners in the demo's order
        rows.append((ROLE_LABELS[a.role], a.email, a.password, a.totp_secret or "-", a.where))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [f"Comptes de démonstration (connexion : POST {identity_url}/sign-in) :"]
    for row in rows:
        lines.append("  " + "".join(cell.ljust(w + 2) for cell, w in zip(row, widths, strict=False)) + row[4])
    lines.append(
        "  Coordination et administration : en plus du mot de passe, le code à 6 chiffres d'une application "
        "d'authentification où la clé TOTP est ajoutée (ou `oathtool --totp -b CLÉ`)."
    )
    lines.append(f"  Liens otpauth:// et mots de passe : {kept_in} (lisible par vous seul).")
    if console_url is not None:
        lines.append(f"Console : {console_url}/connexion (les mêmes adresses, mots de passe et codes)")
    return lines
