"""The coordinator's changes by hand over HTTP on the published demo plan: a move the checker refuses (409
naming the rule in French) then forces with a reason, a cancellation, the time each left given to the
waiting list in the same command (never back to the pair cancelled), an interview added back, what only
the coordination may do, the change feed, and the forced change as it reaches the real NATS stream."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from nats.js import JetStreamContext

from jobdating.bus.relay import Relay, subject_of
from jobdating.contracts.catalog import REGISTRY
from jobdating.contracts.envelope import decode_envelope
from jobdating.contracts.scheduling import InterviewChangedByHand, SlotAssigned
from jobdating.contracts.subjects import STREAM_NAME
from jobdating.scheduling.bootstrap import SchedulingService
from jobdating.scheduling.testing import MovableClock, company_id, site_id
from jobdating.testing.demo_data import COMPANIES, SITES

from .conftest import Api, log_events, paris, published_demo, starts


def _move_into_a_busy_recruiter(
    prefix: str, slots: list[dict[str, Any]]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Two interviews of a company with one recruiter, the first movable to the second's time: its
    candidate has nothing then and its site has a computer free (so the recruiter is the only rule)."""
    single = {company_id(prefix, c.key) for c in COMPANIES if c.recruiters == 1}
    computers = {site_id(prefix, s.key): s.computers for s in SITES}
    for a in slots:
        for b in slots:
            if a["company_id"] != b["company_id"] or a["company_id"] not in single:
                continue
            at = b["starts_at"]
            candidate_busy = any(
                s["candidate_id"] == a["candidate_id"] and s["starts_at"] == at for s in slots
            )
            used = sum(1 for s in slots if s["site_id"] == a["site_id"] and s["starts_at"] == at)
            if a["starts_at"] != at and not candidate_busy and used < computers[a["site_id"]]:
                return a, b
    raise AssertionError("the demo plan has no such pair")


@pytest.mark.nats
async def test_the_coordinator_changes_interviews_by_hand_and_a_forced_move_names_its_rules(
    js: JetStreamContext, api: Api, service: SchedulingService, clock: MovableClock
) -> None:
    await published_demo(api, service)
    clock.set(paris(8))
    slots = await api.published_slots(False)
    moving, busy = _move_into_a_busy_recruiter(api.prefix, slots)
    url = f"/slots/{moving['slot_id']}/move"
    body = {"starts_at": busy["starts_at"], "reason": "le candidat arrive plus tard"}
    for someone in ("ml-counsellor", "ml-manager"):
        assert (await api.call("POST", url, as_=someone, json=body)).status_code == 403
    assert (await api.call("POST", url, json={**body, "reason": " "})).status_code == 422

    refused = await api.call("POST", url, json=body)
    assert refused.status_code == 409
    said = refused.json()["detail"]
    assert {
        "field": "starts_at",
        "reason": f"Le recruteur a déjà un entretien à {busy['local_start']}",
    } in said
    assert said[-1]["field"] == "force"
    head = service.store.head()
    forced = await api.ok("POST", url, json={**body, "force": True})
    assert forced["forced"]
    assert "recruiters_exceeded" in [r["rule"] for r in forced["overridden"]]
    assert (forced["slot"]["starts_at"], forced["slot"]["site_id"]) == (busy["starts_at"], moving["site_id"])
    # The time it left on its computer went to the waiting list in the same command.
    assert _given(service, head, moving) != []

    # On the bus as the audit reads it: the forced move, its reason and rules, by the coordinator's id.
    await Relay(service.store, js).publish_pending()
    [recorded] = service.store.read_all(head, 1)
    message = await js.get_last_msg(STREAM_NAME, subject_of(recorded))
    assert message.data is not None
    env = decode_envelope(message.data)
    event = REGISTRY.payload(env)
    assert isinstance(event, InterviewChangedByHand)
    assert (env.actor_id, event.forced, event.reason) == ("coord-1", True, "le candidat arrive plus tard")
    assert "recruiters_exceeded" in [r.rule for r in event.overridden]

    # Another interview, elsewhere: cancelled by hand, then added back by hand.
    other = next(
        s for s in slots if s["site_id"] != moving["site_id"] and s["company_id"] != busy["company_id"]
    )
    at_cancel = service.store.head()
    cancelled = await api.ok("POST", f"/slots/{other['slot_id']}/cancel", json={"reason": "erreur de saisie"})
    assert (cancelled["slot"]["status"], cancelled["slot"]["cancel_reason"]) == ("cancelled", "coordinator")
    [refilled] = _given(service, at_cancel, other)
    assert (refilled.candidate_id, refilled.company_id) != (other["candidate_id"], other["company_id"])

    # Added back by hand at the first time it can be, forced if need be: the refill filled the site's
    # computers at its old time, and the morning is full.
    now = await api.published_slots(False)
    added = None
    for at in sorted({s["starts_at"] for s in now if s["site_id"] == other["site_id"]}):
        local = next(s["local_start"] for s in now if s["starts_at"] == at)
        back = {
            "candidate_id": other["candidate_id"],
            "company_id": other["company_id"],
            "starts_at": f"{other['day']}T{local}",  # local time at the sites, as typed
            "reason": "erreur corrigée",
            "force": True,
        }
        added = await api.call("POST", f"/job-datings/{api.jd}/interviews", json=back)
        if added.status_code == 201:
            break
    assert added is not None
    assert added.status_code == 201, added.text
    twice = await api.call("POST", f"/job-datings/{api.jd}/interviews", json=back)
    assert twice.status_code == 409
    assert "déplacez-le plutôt" in twice.json()["detail"][0]["reason"]

    feed = await api.ok("GET", f"/job-datings/{api.jd}/changes", params={"after": head})
    moved_given, cancel_given = len(_given(service, head, moving)), 1
    assert [(c["change"], c["reason"]) for c in feed] == [
        ("by_hand", "coordinator"),
        ("moved", "coordinator"),
        *[("assigned", None)] * moved_given,
        ("by_hand", "coordinator"),
        ("cancelled", "coordinator"),
        *[("assigned", None)] * cancel_given,
        ("by_hand", "coordinator"),
        ("assigned", None),
    ]
    decided = feed[0]["detail"]
    assert (decided["change"], decided["reason"], decided["forced"], decided["actor_id"]) == (
        "moved",
        "le candidat arrive plus tard",
        True,
        "coord-1",
    )
    assert feed[1]["causation_id"] == feed[0]["event_id"]


def _given(service: SchedulingService, head: int, before: dict[str, Any]) -> list[SlotAssigned]:
    """The interviews given from the waiting list since `head` on `before`'s computer, in the time it held."""
    return [
        e.data
        for e in log_events(service.store, head)
        if isinstance(e.data, SlotAssigned)
        and e.data.from_waiting_list
        and e.data.computer_id == before["computer_id"]
        and e.data.starts_at < datetime.fromisoformat(before["ends_at"])
        and starts(before) < e.data.ends_at
    ]
