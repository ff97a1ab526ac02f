"""Seeded companies' choices for generated instances (`generate.py`): which candidates each company ranks
and which it must meet, among those who wished for it. The same instance and seed give the same choices,
and the instance itself is left as it was (the choices draw from their own `random.Random`)."""

from __future__ import annotations

import random

import msgspec

from jobdating.scheduling.planning.model import Choice, Instance


def with_choices(
    instance: Instance,
    seed: int = 2026,
    *,
    ranking: float = 0.6,
    ranked_share: float = 0.5,
    must_meet: int = 2,
) -> Instance:
    """`instance` where a share `ranking` of the companies rank about `ranked_share` of the candidates who
    wished for them (a random order) and mark up to `must_meet` of those "must meet"."""
    rng = random.Random(seed)
    wishers: dict[str, list[str]] = {}
    for candidate in instance.candidates:
        for company_id in candidate.wishes:
            wishers.setdefault(company_id, []).append(candidate.id)
    choices: list[Choice] = []
    for company in instance.companies:
        mine = wishers.get(company.id, [])
        if not mine or rng.random() >= ranking:
            continue
        ranked = rng.sample(mine, max(1, round(len(mine) * ranked_share)))
        must = set(rng.sample(ranked, min(must_meet, len(ranked))))
        choices.extend(
            Choice(company_id=company.id, candidate_id=c, rank=q, must_meet=c in must)
            for q, c in enumerate(ranked, start=1)
        )
    return msgspec.structs.replace(instance, choices=tuple(choices))
