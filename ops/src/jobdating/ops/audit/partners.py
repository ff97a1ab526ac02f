"""A partner on its own server (`jobdating audit --partner ORG`): its stream, read through the hub in the
partner's JetStream domain, checked against the hub's.

The partner's instances (`SERVICE@ORG`) relay into its stream, not the hub's: `run` checks their logs against
it, and their fed tables against its consumers. Here, the two streams, by event id:
- each message of the partner's stream is in the hub's, same subject, same bytes: its own events the hub
  sourced, the others' the hub had first. Its own events the hub lacks after the last one it holds are not
  sourced yet (the hub was down, the leaf is cut off): a notice; one it lacks before one it holds is a hole;
- every message the hub holds under the partner's subjects is in the partner's stream (one the partner never
  stored came into the hub some other way), once, and in the partner's order;
- every hub message one of the partner's sources takes (its stream's source filters) is in the partner's
  stream; those after the last one it took under that filter are not sourced yet: a notice.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass

import nats
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from jobdating.contracts.subjects import ALL_EVENTS, STREAM_NAME
from jobdating.ops.audit.report import AuditError, Difference, few
from jobdating.ops.audit.stream import StreamMessage, read_stream
from jobdating.ops.fed_tables import matches


@dataclass
class PartnerStream:
    """A partner's stream as read: its messages and the filters of what it sources from the hub."""

    org: str
    messages: list[StreamMessage]
    sourced: list[str]

    @property
    def label(self) -> str:
        """The service column of a difference found in this stream."""
        return f"flux de {self.org}"

    def own(self, message: StreamMessage) -> bool:
        return message.subject.startswith(f"jobdating.{self.org}.")


async def read_partner(js: JetStreamContext, org: str) -> PartnerStream | None:
    """The partner's stream through `js` (in its domain); None when it has none."""
    try:
        info = await js.stream_info(STREAM_NAME)
        messages = await read_stream(js)
    except NotFoundError:
        return None
    except (TimeoutError, nats.errors.Error) as exc:
        raise AuditError(f"flux de {org} injoignable par le hub (feuille coupée ?) : {exc!r}") from exc
    sourced = [s.filter_subject or ALL_EVENTS for s in info.config.sources or []]
    return PartnerStream(org, messages, sourced)


def check_against_hub(
    partner: PartnerStream, hub: list[StreamMessage], out: list[Difference], notices: list[str]
) -> None:
    """The partner's stream against the hub's (see the module's docstring)."""
    at_hub: dict[str, StreamMessage] = {}
    for message in hub:
        if message.msg_id is not None:
            at_hub.setdefault(message.msg_id, message)
    _partner_in_hub(partner, at_hub, out, notices)
    _hub_in_partner(partner, hub, out, notices)


def _partner_in_hub(
    partner: PartnerStream, at_hub: dict[str, StreamMessage], out: list[Difference], notices: list[str]
) -> None:
    lacking: list[StreamMessage] = []  # its own events the hub lacks
    sourced: list[tuple[int, int]] = []  # its own events the hub holds: (its seq, the hub's)
    for message in partner.messages:
        copy = at_hub.get(message.msg_id or "")
        if copy is None:
            if partner.own(message):
                lacking.append(message)
            else:
                detail = f"événement {message.msg_id} (séquence {message.seq}) : {message.subject}"
                out.append(Difference(partner.label, "inconnu du hub", detail))
            continue
        if (copy.subject, copy.data) != (message.subject, message.data):
            detail = f"événement {message.msg_id} : séquence {message.seq} ≠ séquence {copy.seq} du hub"
            out.append(Difference(partner.label, "différent au hub", detail))
        if partner.own(message):
            sourced.append((message.seq, copy.seq))
    last = sourced[-1][0] if sourced else 0
    holes = [m.seq for m in lacking if m.seq < last]
    if holes:
        out.append(Difference(partner.label, "absent du hub", f"séquences {few(holes)}"))
    if len(lacking) > len(holes):
        notices.append(
            f"{partner.label} : {len(lacking) - len(holes)} événement(s) de {partner.org} pas encore "
            "sourcé(s) par le hub"
        )
    for (before, at), (after, then) in itertools.pairwise(sourced):
        if then <= at:
            detail = f"séquence {after} du partenaire au hub avant sa séquence {before}"
            out.append(Difference(partner.label, "ordre au hub", detail))
            break


def _hub_in_partner(
    partner: PartnerStream, hub: list[StreamMessage], out: list[Difference], notices: list[str]
) -> None:
    held = {m.msg_id for m in partner.messages}
    own = [m for m in hub if partner.own(m)]
    strays = [m.seq for m in own if m.msg_id not in held]
    if strays:
        out.append(Difference(partner.label, "au hub seulement", f"séquences du hub {few(strays)}"))
    times = Counter(m.msg_id for m in own)
    twice = [m.seq for m in own if times[m.msg_id] > 1]
    if twice:
        out.append(Difference(partner.label, "sourcé plusieurs fois", f"séquences du hub {few(twice)}"))
    waiting = 0
    for subject in partner.sourced:
        taken = [m.msg_id in held for m in hub if matches(subject, m.subject)]
        last = max((i for i, present in enumerate(taken) if present), default=-1)
        holes = [i for i, present in enumerate(taken[:last]) if not present]
        if holes:
            out.append(
                Difference(partner.label, "absent du partenaire", f"{len(holes)} message(s) de {subject}")
            )
        waiting += len(taken) - last - 1
    if waiting:
        notices.append(
            f"{partner.label} : {waiting} message(s) du hub pas encore sourcé(s) par {partner.org}"
        )
