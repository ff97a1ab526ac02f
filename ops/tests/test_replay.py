"""`jobdating replay SERVICE [--from-stream]`: projections rebuilt into fresh tables equal the live ones,
repair damaged ones, catch up with events committed meanwhile, and never switch on a disagreeing stream."""

from __future__ import annotations

import pytest

from jobdating.bus.server import NatsServer
from jobdating.ops.audit.run import audit
from jobdating.ops.readmodels import projection_hash, read_model
from jobdating.ops.replay import ReplayError, replay
from jobdating.registration.application import handlers
from jobdating.registration.testing import CALLERS, candidate
from jobdating.sites.adapters import projections as sites_projections

from .conftest import History
from .test_audit import run_cli

pytestmark = pytest.mark.nats


def live_hash(history: History, service: str) -> str:
    store = history.registration.store if service == "registration" else history.sites.store
    return projection_hash(read_model(service).rows(store))


@pytest.mark.parametrize("service", ["registration", "sites"])
@pytest.mark.parametrize("from_stream", [False, True])
async def test_a_replay_gives_the_live_projection_back(
    history: History, service: str, from_stream: bool
) -> None:
    before = live_hash(history, service)
    seen: list[tuple[int, int]] = []
    result = await replay(
        history.data,
        service,
        js=history.js if from_stream else None,
        progress=lambda *p: seen.append(p),
        batch=3,
    )
    assert result.projection_hash == before == live_hash(history, service)
    assert result.replayed == 8
    assert result.caught_up == 0
    assert result.source == ("flux" if from_stream else "journal")
    assert seen[-1] == (8, 8)
    assert len(seen) >= 3  # the bar moves batch by batch
    assert (await audit(history.data, history.js)).clean


async def test_a_replay_repairs_a_damaged_projection_and_moves_its_checkpoint(history: History) -> None:
    before = live_hash(history, "sites")
    history.sql("sites", "DELETE FROM sites_room")
    history.sql("sites", "UPDATE sites_computer SET status = 'in_service'")
    history.sql("sites", "UPDATE checkpoints SET position = 0")
    assert not (await audit(history.data, None)).clean
    result = await replay(history.data, "sites")
    assert result.projection_hash == before == live_hash(history, "sites")
    assert result.rows == {"sites_site": 1, "sites_room": 1, "sites_computer": 3}
    store = history.sites.store
    assert store.checkpoint(sites_projections.PROJECTION) == store.head()
    assert (await audit(history.data, history.js)).clean


async def test_events_not_yet_in_the_stream_are_applied_at_the_switch(history: History) -> None:
    site = history.registration.store.query("SELECT site_id FROM known_sites")[0][0]
    handlers.register_candidate(history.registration, CALLERS["mel-counsellor"], candidate(site))
    result = await replay(history.data, "registration", js=history.js)
    assert result.replayed == 8
    assert result.caught_up == 1
    assert result.projection_hash == live_hash(history, "registration")
    assert result.rows["candidates"] == 5
    report = await audit(history.data, history.js)
    assert report.clean
    assert any("pas encore relayé" in n for n in report.notices)


async def test_a_stream_holding_an_event_the_log_lacks_stops_the_replay_before_the_switch(
    history: History,
) -> None:
    history.sql("sites", "DELETE FROM events WHERE event_type = 'ComputerRemoved'")
    history.sql("sites", "UPDATE sites_room SET name = 'Salle témoin'")
    before = live_hash(history, "sites")
    with pytest.raises(ReplayError, match="absents du journal"):
        await replay(history.data, "sites", js=history.js)
    assert live_hash(history, "sites") == before  # nothing switched


async def test_the_command_shows_the_rate_and_refuses_an_unknown_service(
    history: History, nats_server: NatsServer
) -> None:
    url = nats_server.url
    code, out = await run_cli(
        "replay", "sites", "--from-stream", "--data-dir", str(history.data), "--nats-url", url
    )
    assert code == 0, out
    assert "sites rejoué depuis le flux : 8 événements" in out
    assert "évén./s" in out
    code, out = await run_cli("replay", "planning", "--data-dir", str(history.data))
    assert code == 2, out
    assert "service inconnu" in out
