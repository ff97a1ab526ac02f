"""The logs' part of a restore: what the stream holds since the backup appended to each restored log, the
relay's cursor set to what the stream already has, and the erasures the restore knows of applied again.

Events are appended byte for byte as the stream carries them (the audit compares the bytes), in stream
order, which is the log's order for each service. A restored registration forgets the key of every
candidate erased, whether the erasure is in its log, on the stream, or only in a store found in the data
folder (a witness): keys of erased people are never restored (docs/privacy.md).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from jobdating.contracts.envelope import Envelope, decode_envelope, service_of
from jobdating.ops.audit.report import kind_of, org_of
from jobdating.ops.backup_manifest import StreamLine
from jobdating.ops.readmodels import RELAY, Live
from jobdating.ops.restore_stream import RestoreError

ERASED = "CandidateErased"
REGISTERED = "CandidateRegistered"
INSERT = (
    "INSERT INTO events (event_id, stream_type, stream_id, stream_version, event_type, body) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)


def logged_ids(store: Live) -> set[str]:
    return {str(r[0]) for r in store.query("SELECT event_id FROM events")}


Owns = Callable[[Envelope], bool]


def owner(label: str, labels: Iterable[str]) -> Owns:
    """Whether an event is the instance `label`'s: its service's, and its organisation's for a partner's
    own instance (`registration@mission-locale`); the folder's instance has the organisations no partner
    instance of its service claims."""
    kind, org = kind_of(label), org_of(label)
    partners = {org_of(other) for other in labels if kind_of(other) == kind and org_of(other)}
    return lambda env: service_of(env) == kind and (env.org == org if org else env.org not in partners)


def append_from_stream(store: Live, service: str, owns: Owns, lines: Iterable[StreamLine]) -> Counter[str]:
    """Append to `service`'s log the stream's events it `owns` and lacks; their types counted."""
    have = logged_ids(store)
    missing: list[tuple[Envelope, bytes]] = []
    for line in lines:
        env = decode_envelope(line.data)
        if owns(env) and env.event_id not in have:
            missing.append((env, line.data))
    _append(store, service, missing)
    return Counter(env.event_type for env, _ in missing)


def _append(store: Live, service: str, events: list[tuple[Envelope, bytes]]) -> None:
    if not events:
        return
    with store.transaction() as tx:
        for env, body in events:
            try:
                tx.execute(
                    INSERT,
                    (env.event_id, env.stream_type, env.stream_id, env.stream_version, env.event_type, body),
                )
            except Exception as exc:
                if store.dialect.is_unique_violation(exc):
                    raise RestoreError(
                        f"{service} : l'événement {env.event_id} ({env.event_type}) ne suit pas le journal "
                        f"restauré (version {env.stream_version} de {env.stream_id} déjà prise)"
                    ) from exc
                raise


def set_relay_cursor(store: Live, in_stream: set[str]) -> list[str]:
    """Move the relay's cursor to the last logged event the stream holds: the relay publishes what follows
    at the next start. Returns the logged events before it the stream lacks (the audit will name them)."""
    rows = store.query("SELECT position, event_id FROM events ORDER BY position")
    cursor = max((int(p) for p, event_id in rows if event_id in in_stream), default=0)
    with store.transaction() as tx:
        tx.execute("DELETE FROM relay_positions WHERE relay = ?", (RELAY,))
        tx.execute("INSERT INTO relay_positions (relay, position) VALUES (?, ?)", (RELAY, cursor))
    return [str(event_id) for p, event_id in rows if int(p) <= cursor and event_id not in in_stream]


def erased_in(bodies: Iterable[bytes]) -> list[Envelope]:
    envelopes = (decode_envelope(body) for body in bodies)
    return [env for env in envelopes if env.event_type == ERASED]


def append_erasures(store: Live, witnessed: list[tuple[Envelope, bytes]]) -> tuple[list[str], list[str]]:
    """Erasures known only from a witness, appended to registration's log where they follow the candidate's
    restored stream (the relay then publishes them); returns (appended, left aside) candidate ids."""
    have = logged_ids(store)
    fits, aside = [], []
    for env, body in witnessed:
        if env.event_id in have:
            continue
        rows = store.query("SELECT MAX(stream_version) FROM events WHERE stream_id = ?", (env.stream_id,))
        if rows and rows[0][0] is not None and int(rows[0][0]) == env.stream_version - 1:
            fits.append((env, body))
        else:
            aside.append(env.stream_id)
    _append(store, "registration", fits)
    return [env.stream_id for env, _ in fits], aside


def forget_keys(store: Live, candidates: set[str]) -> list[str]:
    """Delete the person keys of erased candidates (zeroed in the file); returns those that were there."""
    had = [str(r[0]) for r in store.query("SELECT subject_id FROM person_keys")]
    gone = sorted(c for c in had if c in candidates)
    if gone:
        with store.transaction() as tx:
            if store.dialect.name == "sqlite":
                tx.execute("PRAGMA secure_delete=ON")
            for candidate in gone:
                tx.execute("DELETE FROM person_keys WHERE subject_id = ?", (candidate,))
        store.scrub(["person_keys"])
    return gone


def keys_missing(store: Live) -> list[str]:
    """Candidates registered in the log, not erased, whose key the restored store lacks: their personal
    data is unreadable (registered after the backup, their key was only in the lost store)."""
    registered = {
        str(r[0]) for r in store.query("SELECT stream_id FROM events WHERE event_type = ?", (REGISTERED,))
    }
    erased = {str(r[0]) for r in store.query("SELECT stream_id FROM events WHERE event_type = ?", (ERASED,))}
    keyed = {str(r[0]) for r in store.query("SELECT subject_id FROM person_keys")}
    return sorted(registered - erased - keyed)
