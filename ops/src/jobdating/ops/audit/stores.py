"""Each audited service store opened (read-only) and checked (`log.audit_store`), left open for the
stream's checks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from jobdating.ops.audit.log import Logged, audit_store
from jobdating.ops.audit.report import AuditError, Difference, ServiceAudit, kind_of
from jobdating.ops.readmodels import SERVICES, Live, LiveStore, open_url, store_path


@dataclass
class AuditedStores:
    """The audited stores, still open for the stream's checks, and what their logs hold."""

    summaries: dict[str, ServiceAudit]
    logs: dict[str, dict[str, Logged]]
    stores: dict[str, Live]

    def only(self, labels: set[str]) -> AuditedStores:
        """These instances' part (still closed by this one's `close`)."""
        return AuditedStores(
            {k: v for k, v in self.summaries.items() if k in labels},
            {k: v for k, v in self.logs.items() if k in labels},
            {k: v for k, v in self.stores.items() if k in labels},
        )

    def close(self) -> None:
        for store in self.stores.values():
            store.close()


def audit_stores(
    data_dir: Path,
    services: tuple[str, ...],
    urls: Mapping[str, str],
    differences: list[Difference],
    notices: list[str],
) -> AuditedStores:
    """The checks of every service store: given by URL in `urls`, else `<service>.db` in `data_dir`
    (opened read-only, left open for the stream's checks)."""
    found = AuditedStores({}, {}, {})
    unknown = sorted({kind_of(label) for label in urls} - set(SERVICES))
    if unknown:
        raise AuditError(f"service inconnu : {', '.join(unknown)} (attendu : {', '.join(SERVICES)})")
    # Partner instances (`registration@mission-locale=URL`) are audited beside the data folder's services.
    services = (*services, *(label for label in urls if label not in services))
    try:
        for service in services:
            path = store_path(data_dir, service)
            where = urls.get(service) or str(path)
            if service not in urls and not path.exists():
                notices.append(f"{service} : pas de base {path.name}, non audité")
                continue
            try:
                store = open_url(urls[service], read_only=True) if service in urls else LiveStore(path, True)
                found.stores[service] = store
                found.summaries[service], found.logs[service] = audit_store(service, store, differences)
            except Exception as exc:  # e.g. not a store at all, a database that does not answer: say which
                raise AuditError(f"{service} ({_safe(where)}) : {type(exc).__name__}: {exc}") from exc
        if not found.summaries:
            raise AuditError(f"aucune base de service dans {data_dir.resolve()}")
    except BaseException:
        found.close()
        raise
    return found


def _safe(where: str) -> str:
    """A store's location without the password a PostgreSQL URL may carry."""
    parts = urlsplit(where)
    if parts.password is None:
        return where
    return urlunsplit(parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")))
