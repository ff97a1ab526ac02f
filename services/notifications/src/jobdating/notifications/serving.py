"""Running one notifications instance: its host (consumers, relay, HTTP API), its sender, its bounce
reader and its render workers, on one event loop, and stopping them in order."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import signal

from jobdating.notifications.adapters.render_pool import RenderPool
from jobdating.notifications.application.dispatcher import Dispatcher
from jobdating.notifications.bootstrap import NotificationsService, bounce_reader, dispatcher
from jobdating.runtime.host import ServiceHost


async def run(host: ServiceHost, service: NotificationsService) -> None:
    """Run the host, the sender and the bounce reader on one loop; the sender stops first."""
    nc = await host.connect()
    processes = service.settings.render_processes
    pool = RenderPool(service.renderer, processes) if processes else None
    try:
        if pool is not None:
            await pool.warm()
        # What was made at start (modules, templates, settings) lives as long as the process: a full
        # collection of the garbage collector need not walk it again (a full one paused the loop for up to
        # 83 ms at 100 slots a second).
        gc.freeze()
        await _serve(host, service, dispatcher(service, nc, pool))
    finally:
        if pool is not None:
            await pool.close()


async def _serve(host: ServiceHost, service: NotificationsService, sender: Dispatcher) -> None:
    bounces = bounce_reader(service)
    stopping = asyncio.Event()
    hosting = asyncio.create_task(host.run())
    await asyncio.sleep(0)  # host.run installs its signal handlers first; ours replace them
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stopping.set)
    sending = asyncio.create_task(sender.run(stopping))
    reading = asyncio.create_task(bounces.run(stopping)) if bounces is not None else None
    # The sender stops first (its sends in flight finish), then the host stops the consumers, flushes the
    # relay and closes the store.
    await asyncio.wait([hosting, sending], return_when=asyncio.FIRST_COMPLETED)
    stopping.set()
    await sending
    if reading is not None:
        await reading
    host.stop.set()
    await hosting
