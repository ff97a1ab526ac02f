"""HiGHS and CP-SAT solve the same programs to the same optimum (every other one with companies' choices).
CP-SAT runs in a child process: OR-Tools and highspy bundle two HiGHS libraries under one name and cannot
share a process (google/or-tools#5246)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from jobdating.scheduling.planning.generate import small_instance
from jobdating.scheduling.planning.generate_choices import with_choices
from jobdating.scheduling.planning.solve import solve

SEEDS = list(range(40))
CHILD = """
import json, sys
from jobdating.scheduling.planning.solve import solve
from jobdating.scheduling.planning.generate import small_instance
from jobdating.scheduling.planning.generate_choices import with_choices
def instance(seed):
    return with_choices(small_instance(seed), seed) if seed % 2 else small_instance(seed)
solutions = [solve(instance(seed), engine="cpsat", time_limit=20) for seed in json.loads(sys.argv[1])]
print(json.dumps([[s.status, s.objective] for s in solutions]))
"""


def test_cp_sat_and_highs_reach_the_same_optima() -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    child = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(SEEDS)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    by_cpsat = json.loads(child.stdout)
    instances = [with_choices(small_instance(s), s) if s % 2 else small_instance(s) for s in SEEDS]
    for instance, (status, objective) in zip(instances, by_cpsat, strict=True):
        highs = solve(instance)
        assert status == highs.status
        if status == "optimal":
            assert objective == highs.objective


def test_an_engine_refuses_a_process_holding_the_other() -> None:
    solve(small_instance(0))  # highspy is loaded now
    with pytest.raises(RuntimeError, match="or-tools#5246"):
        solve(small_instance(0), engine="cpsat")
