"""« L'état des données »: whether each service's log, the stream and the service's read model agree,
as far as the console can see (the quick part of `jobdating audit`).

Each service says on `/health` how many events its log holds, where its log ends, how far its relay
published it and where its read model stands; the stream says how many events it holds of that service
and organisation. The full audit (hashes of projections rebuilt from the log, the fed tables) needs the
stores themselves: it stays `jobdating audit`, run by an operator.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Protocol

from jobdating.console.application.ports import Refused, Services, Unreachable
from jobdating.contracts.subjects import service_filter

# The services the console knows the address of, as people name them.
AUDITED: Final = {
    "identity": "Comptes",
    "registration": "Inscriptions",
    "sites": "Sites et ordinateurs",
    "scheduling": "Planning",
}
UP_TO_DATE: Final = "à jour"
BEHIND: Final = "en retard"


class StreamCounts(Protocol):
    """How many events of the stream match a subject filter (None: the stream could not be read)."""

    async def count(self, subjects: str) -> int | None: ...


@dataclass(frozen=True)
class ServiceData:
    service: str
    org: str
    in_log: int | None
    in_stream: int | None
    # « à jour », « en retard », or None when the service does not say.
    relay: str | None
    read_model: str | None

    @property
    def findings(self) -> list[str]:
        """What disagrees, in plain French (empty: all agree)."""
        if self.in_log is None:
            return ["Le service ne répond pas."]
        said = []
        if self.relay == BEHIND:
            said.append("Une partie du journal n'est pas encore publiée dans le flux.")
        if self.in_stream is None:
            said.append("Le flux n'a pas pu être lu.")
        elif self.in_stream != self.in_log:
            said.append(f"Le flux en compte {self.in_stream}, le journal {self.in_log}.")
        if self.read_model == BEHIND:
            said.append("La vue de lecture n'a pas encore lu tout le journal.")
        return said


def health_of(services: Services, token: str, service: str) -> dict[str, object] | None:
    try:
        found = services.get(service, "/health", token)
    except (Refused, Unreachable):
        return None
    return dict(found) if isinstance(found, dict) else None


async def service_data(health: dict[str, object] | None, service: str, stream: StreamCounts) -> ServiceData:
    """One service's figures from its `/health` answer and the stream."""
    if health is None:
        return ServiceData(service, "", None, None, None, None)
    org = str(health.get("org", ""))
    head = _number(health.get("log_head"))
    return ServiceData(
        service=service,
        org=org,
        in_log=_number(health.get("events")),
        in_stream=await stream.count(service_filter(service, org)) if org else None,
        relay=_caught_up(_number(health.get("relay_position")), head),
        read_model=_caught_up(_number(health.get("read_model_position")), head),
    )


def _caught_up(position: int | None, head: int | None) -> str | None:
    if position is None or head is None:
        return None
    return UP_TO_DATE if position >= head else BEHIND


def _number(value: object) -> int | None:
    return value if isinstance(value, int) else None
