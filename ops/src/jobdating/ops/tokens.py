"""Machine tokens: drawn for the embedded stack and for Docker Compose, issued and revoked by the operator.

The services' `tokens_file` holds only `sha256:<hex>` keys (`jobdating.runtime.machine_tokens`): a copy of
that file, a backup or a mounted volume gives nobody a usable token. The clear tokens are shown once to the
operator (and, for the generated ones, kept in an operator-only file with mode 0600). Every write replaces
the file in one rename, which the services notice (the inode changes) and re-read without a restart.
"""

from __future__ import annotations

import fcntl
import json
import re
import secrets
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path

from jobdating.ops.files import replace_file
from jobdating.runtime.machine_tokens import HASHED, hashed_key
from jobdating.runtime.principals import ROLES

Entry = dict[str, object]
Table = dict[str, Entry]

# An organisation is a token of the bus's subjects; an actor id goes into events' envelopes.
_NAME = re.compile(r"[A-Za-z0-9_-]+")
# The shortest prefix of a key's hex digest `revoke` accepts: short enough to type, long enough to be unique.
MIN_PREFIX = 8


class TokenFileError(ValueError):
    """Something the operator can fix (shown as is, in French)."""


def new_token(nbytes: int) -> str:
    """A random URL-safe bearer token of `nbytes` bytes that never starts with `-`: operators pass tokens
    as `--token TOKEN`, and argparse takes a value starting with `-` for another option ("argument --token:
    expected one argument"), which one `token_urlsafe` in 64 would have been."""
    while True:
        token = secrets.token_urlsafe(nbytes)
        if not token.startswith("-"):
            return token


def token_table(
    orgs: Mapping[str, Iterable[str]], people: Iterable[tuple[str, str, str]] = ()
) -> dict[str, dict[str, str]]:
    """A fresh bearer token for each organisation and role (the services' `tokens_file` format), then one
    for each of `people` (organisation, role, actor id): someone acting as themselves, such as a counsellor
    who sees the personal data of their own candidates only. Clear: for the operator, see `hashed`."""
    table = {
        new_token(24): {"org": org, "role": role, "actor_id": f"{org}-{role}"}
        for org, roles in orgs.items()
        for role in roles
    }
    for org, role, actor_id in people:
        table[new_token(24)] = {"org": org, "role": role, "actor_id": actor_id}
    return table


def hashed(table: Mapping[str, Mapping[str, object]]) -> Table:
    """The same table keyed by each token's `sha256:` digest (keys already hashed are kept)."""
    return {_key(token): dict(who) for token, who in table.items()}


def _key(token: str) -> str:
    return token if token.startswith(HASHED) else hashed_key(token)


def read(path: Path) -> Table:
    """A tokens file's entries; an absent file is an empty table."""
    try:
        raw = path.read_text()
    except FileNotFoundError:
        return {}
    try:
        table = json.loads(raw)
    except ValueError as exc:
        raise TokenFileError(f"{path} n'est pas un fichier de jetons lisible : {exc}") from None
    if not isinstance(table, dict):
        raise TokenFileError(f"{path} n'est pas un fichier de jetons (objet JSON attendu)")
    return table


def write(path: Path, table: Mapping[str, Mapping[str, object]], mode: int = 0o600) -> None:
    """Replace `path` by `table` in one rename: a service never reads half a file, and sees the new inode.

    An existing file keeps its mode (the compose tables are read by the containers' unprivileged user)."""
    replace_file(path, json.dumps(table, indent=2) + "\n", mode)


@contextmanager
def _locked(paths: Sequence[Path]) -> Iterator[None]:
    """One read-modify-write at a time per file: two operators issuing at once both keep their token.
    Locks a sidecar (the file itself is replaced by each write), in path order so two commands on the same
    files cannot wait on each other."""
    with ExitStack() as held:
        for path in sorted(set(paths)):
            path.parent.mkdir(parents=True, exist_ok=True)
            lock = held.enter_context((path.parent / f".{path.name}.lock").open("a"))
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def clear_keys(table: Mapping[str, object]) -> list[str]:
    """The keys that are usable tokens (not `sha256:` digests)."""
    return [key for key in table if not key.startswith(HASHED)]


def hash_file(path: Path, operator_file: Path | None = None) -> Table:
    """Rewrite `path` with its clear tokens hashed; returns the clear entries it held, first added to
    `operator_file` if given (written before the services' file, so that a crash loses no token)."""
    with _locked([path]):
        table = read(path)
        clear = {key: table[key] for key in clear_keys(table)}
        if clear:
            if operator_file is not None:
                write(operator_file, {**read(operator_file), **clear})
            write(path, hashed(table))
    return clear


def issue(paths: Sequence[Path], org: str, roles: Sequence[str], actor_id: str) -> str:
    """A new token for `actor_id` (of `org`, with `roles`), added hashed to each file; the clear token is
    returned, to be shown once."""
    if not paths:
        raise TokenFileError("aucun fichier de jetons indiqué (--file)")
    if not _NAME.fullmatch(org):
        raise TokenFileError(f"organisation {org!r} invalide : lettres, chiffres, - et _ seulement")
    if not _NAME.fullmatch(actor_id):
        raise TokenFileError(f"identifiant {actor_id!r} invalide : lettres, chiffres, - et _ seulement")
    unknown = sorted(set(roles) - set(ROLES))
    if not roles or unknown:
        raise TokenFileError(
            f"rôle(s) inconnu(s) : {', '.join(unknown) or 'aucun rôle donné'} (parmi : {', '.join(ROLES)})"
        )
    token = new_token(32)
    who: Entry = {"org": org, "actor_id": actor_id}
    who |= {"role": roles[0]} if len(roles) == 1 else {"roles": sorted(set(roles))}
    with _locked(paths):
        tables = [(path, read(path)) for path in paths]  # every file readable before any is written
        for path, table in tables:
            write(path, {**table, hashed_key(token): who})
    return token


def matching(table: Mapping[str, Mapping[str, object]], which: str | None, actor_id: str | None) -> list[str]:
    """The keys `revoke` removes: the token itself, its `sha256:` key or a prefix of its digest, or every
    token of `actor_id`."""
    keys = []
    for key, who in table.items():
        by_actor = actor_id is not None and who.get("actor_id") == actor_id
        if by_actor or (which is not None and _names(key, which)):
            keys.append(key)
    return keys


def _names(key: str, which: str) -> bool:
    # `which` is the clear token or its full key (same digest), or the start of the digest's hex.
    if _key(which) == _key(key):
        return True
    prefix = which.removeprefix(HASHED)
    digest = _key(key).removeprefix(HASHED)
    hexadecimal = re.fullmatch(r"[0-9a-f]+", prefix) is not None
    return len(prefix) >= MIN_PREFIX and hexadecimal and digest.startswith(prefix)


def revoke(paths: Sequence[Path], which: str | None = None, actor_id: str | None = None) -> dict[Path, int]:
    """Remove the tokens `matching` names from each file; how many left each file. A digest prefix naming
    several tokens is refused (say which, or revoke by `actor_id`)."""
    if which is None and actor_id is None:
        raise TokenFileError("indiquez le jeton à révoquer (son empreinte) ou --actor")
    removed: dict[Path, int] = {}
    with _locked(paths):
        tables = [(path, read(path)) for path in paths]
        for path, table in tables:
            keys = matching(table, which, actor_id)
            if which is not None and actor_id is None and len(keys) > 1:
                raise TokenFileError(
                    f"« {which} » désigne {len(keys)} jetons de {path} : donnez plus de caractères"
                )
        for path, table in tables:
            keys = matching(table, which, actor_id)
            if keys:
                write(path, {key: who for key, who in table.items() if key not in keys})
            removed[path] = len(keys)
    return removed


def listing(table: Mapping[str, Mapping[str, object]]) -> list[tuple[str, str, str, str, bool]]:
    """(digest prefix, org, roles, actor id, held in clear) per token, never the token itself."""
    rows = []
    for key, who in table.items():
        roles = who.get("roles") or [who.get("role")]
        assert isinstance(roles, list)
        digest = _key(key).removeprefix(HASHED)[:12]
        clear = not key.startswith(HASHED)
        actor = str(who.get("actor_id"))
        rows.append((digest, str(who.get("org")), ", ".join(map(str, roles)), actor, clear))
    return sorted(rows, key=lambda row: (row[1], row[3], row[0]))
