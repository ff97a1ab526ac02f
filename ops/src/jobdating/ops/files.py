"""Files the operator's commands replace whole: written aside, then renamed over the old one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def replace_file(path: Path, text: str, mode: int = 0o600, keep_mode: bool = True) -> None:
    """Replace `path` by `text` in one rename: a reader never sees half a file, and sees the new inode.
    The file is never readable by others meanwhile; an existing file keeps its mode when `keep_mode` (the
    compose tables are read by the containers' unprivileged user)."""
    if keep_mode and path.exists():
        mode = path.stat().st_mode & 0o777
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w") as out:
            out.write(text)
        os.chmod(name, mode)
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
