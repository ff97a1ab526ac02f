"""The baseline: a bare FastAPI page (a fixed HTML body, no upstream call), served by uvicorn in its own
process as the console is (one worker, no access log), on the same machine in the same run."""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

import httpx
import uvicorn
from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from jobdating.bus.server import free_port

PAGE = "<!doctype html><html lang='fr'><title>Témoin</title><main><h1>Page témoin</h1></main></html>"
app = FastAPI()


@app.get("/")
def bare_page() -> HTMLResponse:
    return HTMLResponse(PAGE)


class BarePage:
    """The bare page's process, started and waited for; `stop` ends it."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.console.bare", "--port", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("the bare page did not answer within 30 s")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    uvicorn.run(app, host="127.0.0.1", port=parser.parse_args().port, access_log=False, log_level="warning")
