"""Password hashing with argon2id (`argon2-cffi`)."""

from __future__ import annotations

import secrets
from typing import Final

from argon2 import Parameters, PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# argon2id with RFC 9106's second recommended option (section 4, for memory-constrained servers):
# 3 passes over 64 MiB with 4 lanes, a 16-byte salt and a 32-byte tag. The first option (2 GiB) does not fit
# a small service sharing its machine; this one costs about 50-100 ms per hash on one core of the build
# machine (see bench/sign_in.py), which sign-in throttling keeps affordable.
ARGON2ID: Final = Parameters(
    type=Type.ID, version=19, time_cost=3, memory_cost=64 * 1024, parallelism=4, hash_len=32, salt_len=16
)


class Argon2Passwords:
    """The `Passwords` port: argon2id hashes in PHC string form (`$argon2id$v=19$m=65536,t=3,p=4$...`)."""

    def __init__(self, parameters: Parameters = ARGON2ID) -> None:
        self._hasher = PasswordHasher.from_parameters(parameters)
        # A hash of nothing anyone knows, with the same parameters: `burn` verifies against it.
        self._dummy = self._hasher.hash(secrets.token_urlsafe(24))

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, hashed: str, password: str) -> bool:
        try:
            return self._hasher.verify(hashed, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def burn(self, password: str) -> None:
        self.verify(self._dummy, password)
