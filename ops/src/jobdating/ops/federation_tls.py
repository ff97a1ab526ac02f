"""The federation's TLS: one local certificate authority (`tls/ca.crt`; its key `tls/ca.key`, mode 0600,
stays with the coordinator's operator) signs every server's certificate and every NATS user's.

Every connection is mutual TLS: the hub's routes between its servers, each partner's leaf connection to the
hub, and the clients of every server (services, operators), which also sign in with their user and
password. A server or client holding no certificate of this authority is refused during the handshake,
before any user is checked. The same code as the proxy's certificates (`compose_tls`) makes and renews
them; `jobdating compose-init` and `jobdating partner add` both keep the authority once made.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import msgspec
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID

from jobdating.ops import compose_tls

TLS_DIR = "tls"
CA_FILE = "ca.crt"
CERT_FILE = "cert.pem"
KEY_FILE = "key.pem"
# A route or a leaf connection is a server to one side and a client to the other.
NODE_USAGE = (ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH)
CLIENT_USAGE = (ExtendedKeyUsageOID.CLIENT_AUTH,)
LABEL = "NATS"


class TlsFiles(msgspec.Struct, frozen=True):
    """Where a server or client finds its authority, certificate and key (paths on its own machine)."""

    ca: str
    cert: str
    key: str

    @classmethod
    def under(cls, folder: str | Path) -> TlsFiles:
        return cls(str(Path(folder) / CA_FILE), str(Path(folder) / CERT_FILE), str(Path(folder) / KEY_FILE))

    def block(self, *, verify: bool = True) -> str:
        """A nats-server `tls { }` block: this certificate, and (`verify`) peers must show one of the
        authority's too."""
        fields = [
            f"cert_file: {msgspec.json.encode(self.cert).decode()}",
            f"key_file: {msgspec.json.encode(self.key).decode()}",
            f"ca_file: {msgspec.json.encode(self.ca).decode()}",
        ]
        if verify:
            fields.append("verify: true")
        # Loaded machines (CI) take more than the default half second over a handshake.
        fields.append("timeout: 5")
        return "tls { " + ", ".join(fields) + " }"


def authority(folder: Path, now: datetime, written: list[str]) -> compose_tls.Authority:
    """The federation's authority in `folder/tls`, made the first time."""
    tls = folder / TLS_DIR
    tls.mkdir(parents=True, exist_ok=True)
    tls.chmod(0o700)
    return compose_tls.authority(tls, now, LABEL, written)


def issue(
    folder: Path,
    names: Sequence[str],
    signer: compose_tls.Authority,
    now: datetime,
    usages: Sequence[x509.ObjectIdentifier],
) -> list[str]:
    """`folder`'s authority copy, certificate and key for `names`, kept while still good (see
    `compose_tls.ensure_signed`); returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    files = TlsFiles.under(folder)
    written = compose_tls.ensure_signed(Path(files.cert), Path(files.key), names, signer, now, usages)
    ca = compose_tls.cert_pem(signer[0])
    if not Path(files.ca).exists() or Path(files.ca).read_bytes() != ca:
        Path(files.ca).write_bytes(ca)
        written.append(files.ca)
    return written
