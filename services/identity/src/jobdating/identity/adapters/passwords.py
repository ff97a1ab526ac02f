"""Password hashing with argon2id (`argon2-cffi`)."""

from __future__ import annotations

import os
import secrets
import threading
from typing import Final

from argon2 import Parameters, PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# argon2id with RFC 9106's second recommended option (section 4, for memory-constrained servers; also
# argon2-cffi's default): 3 passes over 64 MiB with 4 lanes, a 16-byte salt and a 32-byte tag. The first
# option (2 GiB per hash) does not fit a small service sharing its machine. Measured with bench/sign_in.py
# on the shared 2-core build machine under a load of ~10: about 1 s per verification (bench/RESULTS.md).
ARGON2ID: Final = Parameters(
    type=Type.ID, version=19, time_cost=3, memory_cost=64 * 1024, parallelism=4, hash_len=32, salt_len=16
)

# For throwaway stacks only (the demo day at 600 times real speed, its tests): argon2id still, over 1 MiB in
# one pass, so that creating and signing in the demo's people takes milliseconds, not the day's first hour.
REHEARSAL: Final = Parameters(
    type=Type.ID, version=19, time_cost=1, memory_cost=1024, parallelism=1, hash_len=32, salt_len=16
)
PASSWORD_HASHING: Final = {"rfc9106": ARGON2ID, "rehearsal": REHEARSAL}
"""The parameter sets an identity instance may be configured with (`password_hashing`)."""


class Argon2Passwords:
    """The `Passwords` port: argon2id hashes in PHC string form (`$argon2id$v=19$m=65536,t=3,p=4$...`).

    At most `concurrent` hashes run at once (default: one per core): each takes 64 MiB, and a burst of
    sign-ins on the HTTP thread pool (40 threads) would otherwise ask for 2.5 GiB and gain no throughput.
    """

    def __init__(self, parameters: Parameters = ARGON2ID, concurrent: int | None = None) -> None:
        self._hasher = PasswordHasher.from_parameters(parameters)
        self._slots = threading.BoundedSemaphore(concurrent or os.cpu_count() or 1)
        # A hash of nothing anyone knows, with the same parameters: `burn` verifies against it.
        self._dummy = self._hasher.hash(secrets.token_urlsafe(24))

    def hash(self, password: str) -> str:
        with self._slots:
            return self._hasher.hash(password)

    def verify(self, hashed: str, password: str) -> bool:
        with self._slots:
            try:
                return self._hasher.verify(hashed, password)
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                return False

    def burn(self, password: str) -> None:
        self.verify(self._dummy, password)
