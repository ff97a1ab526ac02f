"""A render worker: a child process of the notifications service that renders its messages
(`python -m jobdating.notifications.adapters.render_worker`, started by `render_pool`).

It reads frames on its standard input and answers each on its standard output, in order: a frame is a
4-byte big-endian length, then a pickle. The first frame sets it up (the operator's templates folder or
None, the organisation's signature); each next one is `(request id, kind, channel, facts)`, answered with
`(request id, RenderedText)` or `(request id, the exception)`. It ends when its input ends, which is also
what happens when the service dies, however it dies.
"""

from __future__ import annotations

import pickle
import signal
import struct
import sys
from pathlib import Path
from typing import IO, Any

from jobdating.notifications.adapters.rendering import JinjaRenderer

HEADER = struct.Struct(">I")


def frame(value: Any) -> bytes:
    """`value` as one frame."""
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(data)) + data


def _read(stream: IO[bytes]) -> Any:
    header = stream.read(HEADER.size)
    if len(header) < HEADER.size:
        return None
    (size,) = HEADER.unpack(header)
    data = stream.read(size)
    if len(data) < size:
        return None
    return pickle.loads(data)  # noqa: S301 - frames come from the service that started this process


def _answer(renderer: JinjaRenderer, request: tuple[int, str, str, Any]) -> tuple[int, Any]:
    number, kind, channel, context = request
    try:
        return number, renderer.render(kind, channel, context)
    except Exception as exc:  # the service raises it where the message was being sent
        try:
            pickle.dumps(exc)
        except Exception:
            return number, RuntimeError(f"{type(exc).__name__}: {exc}")
        return number, exc


def main() -> None:
    # Ctrl-C reaches the whole process group: the service stops on it and then closes this worker's input.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    given, answers = sys.stdin.buffer, sys.stdout.buffer
    # The answers own standard output: anything printed by mistake goes to the log, not into a frame.
    sys.stdout = sys.stderr
    setup = _read(given)
    if setup is None:
        return
    overrides, signature = setup
    renderer = JinjaRenderer(Path(overrides) if overrides is not None else None, signature=signature)
    answers.write(frame("ready"))
    answers.flush()
    while (request := _read(given)) is not None:
        answers.write(frame(_answer(renderer, request)))
        answers.flush()


if __name__ == "__main__":
    main()
