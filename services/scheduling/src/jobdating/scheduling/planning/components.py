"""Exact decomposition: groups of candidates that share no constraint with other groups.

Two candidates interact only through something both could use at the same time: a company's recruiters on
a day or a site's computers on a day (a candidate's own constraints are theirs alone). So candidates are
linked to (company, day) and (site, day) for every option they have; the connected components can be
planned separately and their optimal plans put together are optimal for the whole event.
"""

from __future__ import annotations

from jobdating.scheduling.planning.frame import Frame


def components(frame: Frame) -> list[list[str]]:
    """Candidate ids (with at least one option) grouped into independent components, largest first;
    within a component, ids keep the instance's order."""
    parent: dict[object, object] = {}

    def find(x: object) -> object:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def union(a: object, b: object) -> None:
        parent.setdefault(a, a)
        parent.setdefault(b, b)
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb

    for candidate in frame.instance.candidates:
        for company_id, _ in frame.allowed(candidate.id):
            for day in {frame.slots[t][0] for t in frame.options(candidate.id, company_id)}:
                union(("candidate", candidate.id), ("company", company_id, day))
                union(("candidate", candidate.id), ("site", candidate.site_id, day))
    groups: dict[object, list[str]] = {}
    for candidate in frame.instance.candidates:
        key = ("candidate", candidate.id)
        if key in parent:
            groups.setdefault(find(key), []).append(candidate.id)
    return sorted(groups.values(), key=lambda g: (-len(g), g[0]))
