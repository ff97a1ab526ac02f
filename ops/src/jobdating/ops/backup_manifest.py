"""A backup folder's manifest (what it holds, up to which positions and sequences, when) and its checksums.

`manifest.json` says what was taken; `SHA256SUMS` (the `sha256sum` format, so `sha256sum -c SHA256SUMS`
checks a folder by hand too) holds the digest of every file, the manifest included. A restore refuses a
folder whose files do not match it, naming the file.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

import msgspec

MANIFEST = "manifest.json"
CHECKSUMS = "SHA256SUMS"
STREAM_FILE = "stream.jsonl"
FORMAT = 1


class StoreCopy(msgspec.Struct, frozen=True, kw_only=True):
    """One service's store as backed up: its log's last position, events and the relay's cursor."""

    service: str  # or a partner's own instance: `registration@mission-locale`
    file: str
    kind: str  # "sqlite" (online backup API) or "postgresql" (pg_dump, custom format)
    events: int
    head: int
    relayed: int


class StreamCopy(msgspec.Struct, frozen=True, kw_only=True):
    """The stream as read: every message up to `last_seq`, one JSON line each."""

    file: str
    name: str
    messages: int
    first_seq: int
    last_seq: int
    last_msg_id: str | None


class Manifest(msgspec.Struct, frozen=True, kw_only=True):
    format: int = FORMAT
    taken_at: datetime
    data_dir: str
    stores: list[StoreCopy]
    stream: StreamCopy | None
    files: list[str]  # the data folder's settings and secrets copied as they were (tokens, NATS users...)


class StreamLine(msgspec.Struct, frozen=True):
    """One message of the stream in `stream.jsonl`: its bytes base64-encoded by msgspec."""

    seq: int
    subject: str
    msg_id: str | None
    data: bytes


class BackupRefused(RuntimeError):
    """The folder is not a backup a restore may use; the message (French) names the file."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_checksums(folder: Path) -> None:
    """`SHA256SUMS` over every file of the backup folder (sorted, relative paths)."""
    lines = [
        f"{sha256_of(p)}  {p.relative_to(folder).as_posix()}\n"
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != CHECKSUMS
    ]
    out = folder / CHECKSUMS
    out.write_text("".join(lines))
    out.chmod(0o600)


def verify(folder: Path) -> Manifest:
    """The folder's manifest once every file matches `SHA256SUMS`; `BackupRefused` naming the first file
    that is missing, altered, or not listed."""
    sums = folder / CHECKSUMS
    if not folder.is_dir():
        raise BackupRefused(f"pas de dossier de sauvegarde {folder}")
    if not sums.is_file():
        raise BackupRefused(f"sauvegarde refusée : {CHECKSUMS} absent de {folder}")
    listed: dict[str, str] = {}
    for number, line in enumerate(sums.read_text().splitlines(), 1):
        digest, sep, name = line.partition("  ")
        if not sep or len(digest) != 64:
            raise BackupRefused(f"sauvegarde refusée : {CHECKSUMS} illisible à la ligne {number}")
        listed[name] = digest
    for name, digest in listed.items():
        path = folder / name
        if not path.is_file():
            raise BackupRefused(f"sauvegarde refusée : le fichier {name} manque")
        if sha256_of(path) != digest:
            raise BackupRefused(
                f"sauvegarde refusée : le fichier {name} ne correspond pas à sa somme de contrôle "
                f"({CHECKSUMS}) : il a été modifié ou abîmé"
            )
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_file() and name != CHECKSUMS and name not in listed:
            raise BackupRefused(f"sauvegarde refusée : le fichier {name} n'est pas dans {CHECKSUMS}")
    if MANIFEST not in listed:
        raise BackupRefused(f"sauvegarde refusée : {MANIFEST} absent")
    try:
        return msgspec.json.decode((folder / MANIFEST).read_bytes(), type=Manifest)
    except msgspec.DecodeError as exc:
        raise BackupRefused(f"sauvegarde refusée : {MANIFEST} illisible ({exc})") from exc


def read_stream_file(path: Path) -> list[StreamLine]:
    decoder = msgspec.json.Decoder(StreamLine)
    with path.open("rb") as source:
        return [decoder.decode(line) for line in source if line.strip()]
