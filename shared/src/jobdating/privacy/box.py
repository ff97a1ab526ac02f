"""Sealed boxes: an answer carrying personal data is encrypted to the asker's X25519 public key, so it
never crosses NATS in clear (the bus is shared by every partner's instances).

The asker makes an ephemeral key pair per process (or per request) and sends the public half with its
question; the answerer derives a one-time AES-GCM key from its own ephemeral key and the asker's.
"""

from __future__ import annotations

import base64
import os
from typing import TypeVar

import msgspec
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_INFO = b"jobdating sealed box v1"
T = TypeVar("T")


class Unopened(ValueError):
    """An answer that should carry a box sealed for the asker carries none, or one that does not open (sealed
    for someone else, tampered with) or does not decode."""


class SealedBox(msgspec.Struct, frozen=True, kw_only=True):
    """Ciphertext for the holder of one X25519 private key."""

    ephemeral_key: str
    nonce: str
    ciphertext: str


class BoxKeys:
    """An asker's key pair; `public` goes into requests, `open` reads the sealed answers."""

    def __init__(self) -> None:
        self._private = X25519PrivateKey.generate()

    @property
    def public(self) -> str:
        raw = self._private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return base64.b64encode(raw).decode()

    def open(self, box: SealedBox, aad: bytes = b"") -> bytes:
        """Decrypt a box sealed for this key pair (raises on any tampering)."""
        peer = X25519PublicKey.from_public_bytes(base64.b64decode(box.ephemeral_key))
        key = _derive(self._private.exchange(peer))
        return AESGCM(key).decrypt(base64.b64decode(box.nonce), base64.b64decode(box.ciphertext), aad)

    def open_answer(self, box: SealedBox | None, decoder: msgspec.json.Decoder[T], where: str) -> T:
        """The answer sealed for this key pair in `box`, decoded; `Unopened`, saying `where` (the subject
        asked), when there is no box or it does not open or decode."""
        if box is None:
            raise Unopened(f"{where}: answered without a sealed box")
        try:
            return decoder.decode(self.open(box))
        except (InvalidTag, ValueError, msgspec.DecodeError) as exc:
            raise Unopened(f"{where}: sealed answer does not open") from exc


def seal_for(public_key: str, plaintext: bytes, aad: bytes = b"") -> SealedBox:
    """Encrypt `plaintext` so that only the holder of `public_key`'s private half can read it."""
    ephemeral = X25519PrivateKey.generate()
    peer = X25519PublicKey.from_public_bytes(base64.b64decode(public_key))
    key = _derive(ephemeral.exchange(peer))
    nonce = os.urandom(12)
    raw_public = ephemeral.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return SealedBox(
        ephemeral_key=base64.b64encode(raw_public).decode(),
        nonce=base64.b64encode(nonce).decode(),
        ciphertext=base64.b64encode(AESGCM(key).encrypt(nonce, plaintext, aad)).decode(),
    )


def _derive(shared: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(shared)
