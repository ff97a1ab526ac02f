"""Personal fields travel sealed: encrypted with a per-person key that erasure deletes (crypto-shredding)."""

from __future__ import annotations

import msgspec


class Sealed(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """Ciphertext of a person's personal fields; unreadable once the key `key_id` is deleted."""

    key_id: str
    nonce: str
    ciphertext: str
