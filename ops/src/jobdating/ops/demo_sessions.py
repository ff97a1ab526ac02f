"""The demo's people signed in: each demo account's access token, from identity's sign-in (password, and
the TOTP code where the role needs one), signed in again before it expires. The demo load and the demo day
act through these tokens, so the stream names the person who acted (their account id), never a shared
`{org}-{role}` token; machine tokens stay for scripts and imports.

Also where the demo's candidates meet their counsellors: each partner's counsellor account follows the
candidates that partner refers (`counsellor_ids`), and the notifications service's staff directory knows
those accounts' professional contacts (`write_staff`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from jobdating.ops.demo_accounts import DemoAccount, Poster, signed_in
from jobdating.ops.demo_people import account_key
from jobdating.testing.demo_data import staff_toml

# A token is renewed two thirds into its life: never used close to its expiry, and a second factor's next
# sign-in falls in a later 30-second TOTP step than the last one (a code serves once).
RENEW_AT = 2 / 3


class Sessions:
    """The access tokens of the demo's people, signed in on first use and again before they expire."""

    http: Poster  # the demo day swaps in its patient client (identity may be restarting)

    def __init__(
        self,
        http: Poster,
        identity_url: str,
        accounts: Iterable[DemoAccount],
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.http = http
        self.identity_url = identity_url
        self.accounts = {account.key: account for account in accounts}
        self.wall_clock = wall_clock
        self._held: dict[str, tuple[str, float]] = {}  # key -> (token, when to renew it, wall clock)
        self._counting = threading.Lock()
        self.sign_ins = 0

    def token(self, key: str) -> str:
        """The access token of the demo account `key`, signing it in when it has none fresh enough."""
        held = self._held.get(key)
        now = self.wall_clock()
        if held is None or now >= held[1]:
            token, lifetime = signed_in(self.http, self.identity_url, self.accounts[key], self.wall_clock)
            held = (token, now + lifetime * RENEW_AT)
            self._held[key] = held
            with self._counting:
                self.sign_ins += 1
        return held[0]

    def add(self, accounts: Iterable[DemoAccount]) -> None:
        """Accounts created after the others (the recruiters, once their companies have ids)."""
        self.accounts.update((account.key, account) for account in accounts)

    def sign_in_all(self, keys: Iterable[str]) -> None:
        """Sign in everyone who is about to act, side by side (identity checks passwords one per core)."""
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(self.token, keys))

    def of(self, org: str, role: str) -> str:
        """The token of the person acting for `org` in `role` (the demo's `Tokens` callable); a company's
        recruiter by the company's id, their organisation."""
        if role == "recruiter":
            return self.token(next(a.key for a in self.accounts.values() if a.role == role and a.org == org))
        return self.token(account_key(org, role))


def counsellor_ids(accounts: Iterable[DemoAccount]) -> dict[str, str]:
    """Each partner's counsellor account id: the `counsellor_id` of the candidates it refers, so that the
    signed-in counsellor reads their own candidates."""
    return {a.org: a.account_id for a in accounts if a.role == "counsellor" and a.account_id is not None}


def staff_of(accounts: Iterable[DemoAccount]) -> str:
    """The counsellor accounts as staff directory entries (notifications finds a candidate's counsellor to
    call, or to tell of an outcome, by the candidate's `counsellor_id`)."""
    lines: list[str] = []
    for org, account_id in counsellor_ids(accounts).items():
        lines += [
            "[[staff]]",
            f'id = "{account_id}"',
            'role = "counsellor"',
            f'org = "{org}"',
            'first_name = "Camille"',
            f'email = "conseiller1@{org}.exemple.fr"',
            f'phone = "03 20 00 01 {len(org):02d}"',
            "",
        ]
    return "\n".join(lines)


def write_staff(path: Path, accounts: Iterable[DemoAccount]) -> None:
    """The demo's staff directory with the counsellor accounts added (notifications re-reads it on change)."""
    path.write_text(staff_toml() + "\n" + staff_of(accounts))
