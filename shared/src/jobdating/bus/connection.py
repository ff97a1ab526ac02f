"""How a client connects to NATS as its user: its own inbox prefix, the only inbox it may subscribe to.

JetStream pull consumers and request-reply deliver to the client's inbox. With the default `_INBOX.>`
every user allowed to read inboxes could read every other user's deliveries; each user therefore gets
`_INBOX_<user>` and the server's permissions (jobdating.ops.nats_users) allow only `_INBOX_<user>.>`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

DEFAULT_INBOX_PREFIX = "_INBOX"


def inbox_prefix_of(user: str | None) -> str:
    """The inbox prefix of a NATS user (the default one for an anonymous client)."""
    return f"{DEFAULT_INBOX_PREFIX}_{user}" if user else DEFAULT_INBOX_PREFIX


def user_of(nats_url: str) -> str | None:
    """The user named in a NATS URL (`nats://user:password@host:port`), if any; of the first server."""
    first = nats_url.split(",", 1)[0].strip()
    username = urlsplit(first).username
    return unquote(username) if username else None


def connect_options(nats_url: str) -> dict[str, Any]:
    """The options every nats-py or FastStream connection of this URL's user takes."""
    return {"inbox_prefix": inbox_prefix_of(user_of(nats_url))}


def pull_inbox_prefix(nats_url: str) -> bytes:
    """The inbox prefix a FastStream pull subscriber takes: it passes its own (default `_INBOX.`) to
    nats-py instead of the connection's, so it must be told the user's."""
    return (inbox_prefix_of(user_of(nats_url)) + ".").encode()
