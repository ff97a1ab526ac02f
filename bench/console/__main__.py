"""Both console benchmarks on one loaded fair (the load is most of a full-size run's time): the live
page against the bare page, then the SSE fan-out.

    .venv/bin/python -m bench.console                                 # reduced fair
    .venv/bin/python -m bench.console --candidates 5000 --sites 200 --companies 500 --events 10
"""

from __future__ import annotations

import argparse
import asyncio

from bench.common import report
from bench.console.fair import described, options, regional_fair, size_of
from bench.console.live_page import measure
from bench.console.sse_fanout import fan_out
from bench.console.steps import trace_file
from bench.planning.quality import load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    options(parser, candidates=1000, sites=40, companies=100)
    parser.add_argument("--loads", type=int, default=20)
    parser.add_argument("--clients", type=int, default=300)
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--name", default="console", help="the result file: bench/out/<name>.json")
    args = parser.parse_args()
    before = load()
    trace = trace_file()
    with regional_fair(size_of(args)) as fair:
        page = measure(fair, args.loads)
        after_page = load()
        fan = asyncio.run(fan_out(fair, args.clients, args.events, trace))
        result = {
            "benchmark": "console",
            "live_page": page,
            "load_after_live_page": after_page,
            "sse_fanout": fan,
            **described(fair, before),
        }
    report(args.name, result)


if __name__ == "__main__":
    main()
