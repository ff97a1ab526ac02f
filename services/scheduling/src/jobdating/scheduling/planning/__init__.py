"""The planning core of the scheduling service: who meets whom, when and on which computer.

Pure code (no I/O, clock, uuid or logging). What the service calls:

- `greedy(instance)` and `solve(instance, ...)` (`solve.py`): a first plan, an optimised plan with the
  solvers' verdict; `upper_bound(instance)` (`bound.py`): the max-flow bound on interviews;
- `repair(instance, plan, disruption, now)` (`repair.py`): the fewest changes after a disruption, as a diff;
  `apply_disruption` (`disruption.py`) and `apply_repair` give the instance and plan after it;
- `check(instance, plan)` (`check.py`): every broken rule, before publishing anything.
"""
