"""The coordinator's changes by hand over HTTP on the published demo plan: a move the checker refuses (409
naming the rule in French) then forces with a reason, a cancellation, an interview added back, what only
the coordination may do, the change feed, and the forced change as it reaches the real NATS stream."""

from __future__ import annotations

from typing import Any

import pytest
from nats.js import JetStreamContext

from jobdating.bus.relay import Relay, subject_of
from jobdating.contracts.catalog import REGISTRY
from jobdating.contracts.envelope import decode_envelope
from jobdating.contracts.scheduling import InterviewChangedByHand
from jobdating.contracts.subjects import STREAM_NAME
from jobdating.scheduling.bootstrap import SchedulingService
from jobdating.scheduling.testing import MovableClock, company_id, site_id
from jobdating.testing.demo_data import COMPANIES, SITES

from .conftest import Api, paris, published_demo


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

    # Another interview, elsewhere: cancelled by hand, then added back by hand (nothing to force).
    other = next(
        s for s in slots if s["site_id"] != moving["site_id"] and s["company_id"] != busy["company_id"]
    )
    cancelled = await api.ok("POST", f"/slots/{other['slot_id']}/cancel", json={"reason": "erreur de saisie"})
    assert (cancelled["slot"]["status"], cancelled["slot"]["cancel_reason"]) == ("cancelled", "coordinator")
    back = {
        "candidate_id": other["candidate_id"],
        "company_id": other["company_id"],
        "starts_at": f"{other['day']}T{other['local_start']}",  # local time at the sites, as typed
        "computer_id": other["computer_id"],
        "reason": "erreur corrigée",
    }
    added = await api.call("POST", f"/job-datings/{api.jd}/interviews", json=back)
    assert added.status_code == 201, added.text
    assert (added.json()["forced"], added.json()["slot"]["starts_at"]) == (False, other["starts_at"])
    twice = await api.call("POST", f"/job-datings/{api.jd}/interviews", json={**back, "force": True})
    assert twice.status_code == 409
    assert "déplacez-le plutôt" in twice.json()["detail"][0]["reason"]

    feed = await api.ok("GET", f"/job-datings/{api.jd}/changes", params={"after": head})
    assert [(c["change"], c["reason"]) for c in feed] == [
        ("by_hand", "coordinator"),
        ("moved", "coordinator"),
        ("by_hand", "coordinator"),
        ("cancelled", "coordinator"),
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
