"""`jobdating-sites`: run a sites instance (`serve`) or rebuild its read model from its log (`rebuild`)."""

from __future__ import annotations

from jobdating.runtime.service_main import rebuild_command, service_main
from jobdating.sites.adapters import projections
from jobdating.sites.bootstrap import bootstrap
from jobdating.sites.config import SitesSettings

main = service_main(
    "sites",
    SitesSettings,
    bootstrap,
    description="Service des sites : lieux, salles et ordinateurs prêtés par les partenaires.",
    commands=[rebuild_command(projections.migrate, projections.rebuild)],
)

if __name__ == "__main__":
    raise SystemExit(main())
