"""The certificates of the compose stack's reverse proxy (service `proxy`, nginx), written by compose-init.

Without a public host name, a local certificate authority of the operator's own (`ca.crt`, to trust in the
browsers and tools that open the console; `ca.key`, mode 0600, never mounted) signs the proxy's certificate
for the names in PROXY_TLS_NAMES. With one (PROXY_PUBLIC_HOST), the certificate comes from an ACME
authority (certbot on the host, docs/deploy.md): compose-init writes only a provisional self-signed one, so
that nginx starts and answers the authority's challenge on port 80, and never replaces it afterwards.

The folder (PROXY_TLS_DIR): `ca.crt`, `ca.key`, `server/cert.pem` and `server/key.pem` (the only files the
proxy mounts, with `acme/`, the challenges' web root).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_CERT = "ca.crt"
CA_KEY = "ca.key"
SERVER_DIR = "server"
SERVER_CERT = "cert.pem"
SERVER_KEY = "key.pem"
ACME_DIR = "acme"
DEFAULT_NAMES = ("localhost", "127.0.0.1", "::1")
CA_DAYS = 3650
# Browsers refuse a server certificate valid longer than 825 days even from an authority the user added.
SERVER_DAYS = 825
RENEW_BEFORE = timedelta(days=30)
# A provisional certificate lives until the ACME authority's replaces it.
PROVISIONAL_DAYS = 30

Key = ec.EllipticCurvePrivateKey
GeneralName = x509.DNSName | x509.IPAddress


def tls_names(setting: str) -> list[str]:
    """The names of PROXY_TLS_NAMES (comma or space separated), the defaults when it is empty."""
    names = [name for name in setting.replace(",", " ").split() if name]
    return names or list(DEFAULT_NAMES)


def general_name(name: str) -> GeneralName:
    """A subject alternative name: an IP address where `name` reads as one, else a DNS name."""
    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        return x509.DNSName(name)


def new_key() -> Key:
    return ec.generate_private_key(ec.SECP256R1())


def key_pem(key: Key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def cert_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _subject(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "jobdating"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _key_usage(authority: bool) -> x509.KeyUsage:
    """An authority signs certificates (and revocation lists) only; a server signs its handshakes only."""
    return x509.KeyUsage(
        digital_signature=not authority,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=authority,
        crl_sign=authority,
        encipher_only=False,
        decipher_only=False,
    )


def new_authority(now: datetime, label: str) -> tuple[x509.Certificate, Key]:
    """A certificate authority that may sign server certificates only (no intermediate below it)."""
    key = new_key()
    name = _subject(f"jobdating autorité locale ({label})")
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            _key_usage(authority=True),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    return cert, key


Authority = tuple[x509.Certificate, Key]
SERVER_USAGE = (ExtendedKeyUsageOID.SERVER_AUTH,)


def server_certificate(
    names: Sequence[str],
    now: datetime,
    issuer: Authority | None,
    days: int,
    usages: Sequence[x509.ObjectIdentifier] = SERVER_USAGE,
) -> Authority:
    """A TLS certificate for `names`, signed by `issuer` (self-signed when None); a server's unless
    `usages` says otherwise (a NATS route or leaf is both server and client, a NATS user a client)."""
    key = new_key()
    public = key.public_key()
    subject = _subject(names[0])
    issuer_cert, issuer_key = issuer if issuer is not None else (None, key)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_cert.subject if issuer_cert is not None else subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            _key_usage(authority=False),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage(list(usages)), critical=False)
        .add_extension(x509.SubjectAlternativeName([general_name(n) for n in names]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
    )
    if issuer_cert is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False
        )
    return builder.sign(issuer_key, hashes.SHA256()), key


def _write(path: Path, data: bytes, mode: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    path.chmod(mode)


def authority(folder: Path, now: datetime, label: str, written: list[str]) -> Authority:
    """The local authority in `folder`, created the first time (its certificate is what people trust)."""
    cert_path, key_path = folder / CA_CERT, folder / CA_KEY
    if cert_path.exists() and key_path.exists():
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise ValueError(f"{key_path} : clé d'autorité inattendue")
        return x509.load_pem_x509_certificate(cert_path.read_bytes()), key
    cert, key = new_authority(now, label)
    # The key first and for the operator alone; the certificate is public.
    _write(key_path, key_pem(key), 0o600)
    _write(cert_path, cert_pem(cert), 0o644)
    written += [str(cert_path), str(key_path)]
    return cert, key


def covers(cert: x509.Certificate, names: Iterable[str]) -> bool:
    """Whether `cert` names every one of `names`."""
    try:
        alternative = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return False
    present = set(alternative)
    return all(general_name(name) in present for name in names)


def signed_by(cert: x509.Certificate, authority: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(authority)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _current(path: Path) -> x509.Certificate | None:
    """The certificate at `path`, None when there is none or it does not read as one."""
    try:
        return x509.load_pem_x509_certificate(path.read_bytes())
    except (FileNotFoundError, ValueError):
        return None


def ensure_certificates(
    folder: Path, names: Sequence[str], public_host: str, now: datetime, label: str = "compose"
) -> list[str]:
    """Write what the proxy lacks in `folder`; returns the paths written.

    Local (no `public_host`): the authority once, and the server certificate again when it is missing, not
    signed by that authority, misses one of `names` or ends within RENEW_BEFORE. Public: a provisional
    self-signed certificate for `public_host` when there is none; an existing one is the ACME authority's
    and is left to its renewal."""
    written: list[str] = []
    (folder / ACME_DIR).mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    (folder / ACME_DIR).chmod(0o755)
    cert_path = folder / SERVER_DIR / SERVER_CERT
    key_path = folder / SERVER_DIR / SERVER_KEY
    if not public_host:
        # The key is read by nginx's master process (root in its container) only.
        written += ensure_signed(cert_path, key_path, names, authority(folder, now, label, written), now)
    # Whatever is there is the ACME authority's (or the operator's own): never replaced here.
    elif not (cert_path.exists() and key_path.exists()):
        cert, key = server_certificate([public_host], now, None, PROVISIONAL_DAYS)
        _write(key_path, key_pem(key), 0o600)
        _write(cert_path, cert_pem(cert), 0o644)
        written += [str(cert_path), str(key_path)]
    (folder / SERVER_DIR).chmod(0o755)
    return written


def ensure_signed(
    cert_path: Path,
    key_path: Path,
    names: Sequence[str],
    signer: Authority,
    now: datetime,
    usages: Sequence[x509.ObjectIdentifier] = SERVER_USAGE,
) -> list[str]:
    """Issue a certificate for `names` from `signer` at `cert_path` (its key, mode 0600, at `key_path`)
    unless the one there is signed by it, names them all and ends after RENEW_BEFORE; returns the paths
    written."""
    current = _current(cert_path)
    if (
        current is not None
        and key_path.exists()
        and signed_by(current, signer[0])
        and covers(current, names)
        and current.not_valid_after_utc - RENEW_BEFORE > now
    ):
        return []
    cert, key = server_certificate(names, now, signer, SERVER_DAYS, usages)
    _write(key_path, key_pem(key), 0o600)
    _write(cert_path, cert_pem(cert), 0o644)
    return [str(cert_path), str(key_path)]
