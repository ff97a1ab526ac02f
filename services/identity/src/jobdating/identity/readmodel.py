"""What operators' tools may know of the identity service's read model (see `jobdating.eventstore.readmodel`):
organisations and accounts follow its own log; it keeps nothing from other services.

The private tables (addresses, password hashes, TOTP secrets, invitations) and the signing keys are not a
projection: they are not in the log, so no replay can rebuild them, and no tool copies them.
"""

from __future__ import annotations

from jobdating.eventstore.log_models import log_read_model, no_fed_model
from jobdating.identity.adapters import projections

LOG = log_read_model(
    "identity", projections.TABLES, projections.SCHEMA, projections.apply, projections.PROJECTION
)
fed = no_fed_model
rebuild = projections.rebuild
