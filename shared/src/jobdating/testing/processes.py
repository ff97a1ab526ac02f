"""A service run as its own process by a test or a benchmark (to kill it, or to measure it alone)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path


def service_env(service: str, settings: Mapping[str, str], src: Path) -> dict[str, str]:
    """The environment of `service`'s process: this one's without any `JOBDATING_` setting (the
    caller's own must not leak in), `settings` under the service's prefix, and its sources in `src`
    importable."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("JOBDATING_")}
    env |= {f"JOBDATING_{service.upper()}_{k}": v for k, v in settings.items()}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), env.get("PYTHONPATH")]))
    return env
