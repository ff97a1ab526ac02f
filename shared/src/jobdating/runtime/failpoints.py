"""Named crash points for the kill -9 proofs: `JOBDATING_FAILPOINTS=relay.after_publish:3` kills the
process with SIGKILL the third time that point is reached. Unset (always, in production) it costs one
dictionary lookup.
"""

from __future__ import annotations

import os
import signal

_armed: dict[str, int] = {}
for _spec in filter(None, os.environ.get("JOBDATING_FAILPOINTS", "").split(",")):
    _name, _, _count = _spec.partition(":")
    _armed[_name.strip()] = int(_count or "1")


def failpoint(name: str) -> None:
    """Kill this process (as `kill -9` would) when the named point is armed and its count is reached."""
    if name not in _armed:
        return
    _armed[name] -= 1
    if _armed[name] <= 0:
        os.kill(os.getpid(), signal.SIGKILL)
