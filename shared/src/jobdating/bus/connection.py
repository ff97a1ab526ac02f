"""How a client connects to NATS as its user: its own inbox prefix, the only inbox it may subscribe to, and
its TLS certificate where the server asks for one.

JetStream pull consumers and request-reply deliver to the client's inbox. With the default `_INBOX.>`
every user allowed to read inboxes could read every other user's deliveries; each user therefore gets
`_INBOX_<user>` and the server's permissions (jobdating.ops.nats_users) allow only `_INBOX_<user>.>`.

A federation's servers (jobdating.ops.federation) take only clients showing a certificate of the
federation's authority: the process's environment names the authority to trust and the client's own
certificate and key (TLS_CA, TLS_CERT, TLS_KEY); without TLS_CA the connection is as the URL says.
"""

from __future__ import annotations

import os
import ssl
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

DEFAULT_INBOX_PREFIX = "_INBOX"
TLS_CA = "JOBDATING_NATS_TLS_CA"
TLS_CERT = "JOBDATING_NATS_TLS_CERT"
TLS_KEY = "JOBDATING_NATS_TLS_KEY"


def inbox_prefix_of(user: str | None) -> str:
    """The inbox prefix of a NATS user (the default one for an anonymous client)."""
    return f"{DEFAULT_INBOX_PREFIX}_{user}" if user else DEFAULT_INBOX_PREFIX


def user_of(nats_url: str) -> str | None:
    """The user named in a NATS URL (`nats://user:password@host:port`), if any; of the first server."""
    first = nats_url.split(",", 1)[0].strip()
    username = urlsplit(first).username
    return unquote(username) if username else None


def connect_options(nats_url: str, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The options every nats-py connection of this URL's user takes (FastStream's: `broker_options`)."""
    options: dict[str, Any] = {"inbox_prefix": inbox_prefix_of(user_of(nats_url))}
    tls = tls_from(os.environ if environ is None else environ)
    if tls is not None:
        options["tls"] = tls
    return options


def tls_from(environ: Mapping[str, str]) -> ssl.SSLContext | None:
    """The TLS context the environment names (TLS_CA, TLS_CERT, TLS_KEY), None without TLS_CA."""
    ca = environ.get(TLS_CA)
    if not ca:
        return None
    return tls_context(ca, environ.get(TLS_CERT) or None, environ.get(TLS_KEY) or None)


def tls_context(ca: str, cert: str | None = None, key: str | None = None) -> ssl.SSLContext:
    """Trust only the authority `ca` (not the system's), and show `cert` (key `key`) when given."""
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=ca)
    if cert:
        context.load_cert_chain(cert, key)
    return context


def pull_inbox_prefix(nats_url: str) -> bytes:
    """The inbox prefix a FastStream pull subscriber takes: it passes its own (default `_INBOX.`) to
    nats-py instead of the connection's, so it must be told the user's."""
    return (inbox_prefix_of(user_of(nats_url)) + ".").encode()
