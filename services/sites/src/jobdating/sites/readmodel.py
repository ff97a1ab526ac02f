"""What operators' tools may know of the sites service's read model (see `jobdating.eventstore.readmodel`):
sites, rooms and computers follow its own log; it keeps nothing from other services."""

from __future__ import annotations

from jobdating.eventstore.log_models import log_read_model, no_fed_model
from jobdating.sites.adapters import projections

LOG = log_read_model(
    "sites", projections.TABLES, projections.SCHEMA, projections.apply, projections.PROJECTION
)
fed = no_fed_model
rebuild = projections.rebuild
