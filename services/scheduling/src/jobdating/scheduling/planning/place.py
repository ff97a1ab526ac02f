"""When, exactly, within one segment: the relaxation's missing pairs placed by a feasibility program.

The segment relaxation (`relax.py`) chooses who meets whom and in which segment; segments share no slot.
When the timetable's heuristic leaves a few chosen pairs out, each is tried with the candidates around it
in its segment (its candidate, those meeting its company there, those of its site there, then wider):
their interviews in that segment are taken off and, everything else fixed, a program must place all of
their pairs and the missing one: x[c, k, t] for the segment's slots t, each pair exactly once, one
interview at a time with the buffer (also against the candidate's interviews elsewhere), recruiters and
computers left free. No objective: any solution will do, so the solver stops at the first one (with an
objective, earliest slots first, HiGHS spent 0.5-2.2 s proving the weighted optimum of a 305-column one;
without, 0.01-0.05 s). If all the relaxation's pairs get a slot the plan reaches its bound, which proves
level 1 optimal without the whole time-indexed program. A pair may also go to another segment where it
has options: level 1 does not depend on the slot. When no neighbourhood places a pair, its segment is
placed anew, whole, with exactly the relaxation's choice for it (`_whole_segments`). When no placement
exists, the plan stays as it was; the pairs whose tries the clock stopped are tried again with the time
other components left (`solve`).
"""

from __future__ import annotations

from jobdating.scheduling.planning.board import Board
from jobdating.scheduling.planning.deadline import BUILD_SECONDS_PER_COLUMN, Deadline
from jobdating.scheduling.planning.formulation import Formulation, buffer_rows, computers_left
from jobdating.scheduling.planning.lns import Run
from jobdating.scheduling.planning.model import Interview
from jobdating.scheduling.planning.objective import Weights, score_interviews
from jobdating.scheduling.planning.outcome import Outcome

# Candidates re-placed around one missing pair: a first small neighbourhood, then wider ones. The widest
# held the whole segment of the 10,000-candidate regional fair's components (136-153 candidates): three of
# them placed their last pair only there (the 40 around it left one out, proven); it is capped for the
# open fairs, whose one component holds thousands.
_NEIGHBOURHOODS = (12, 40, 160)


def place_segments(
    board: Board,
    w: Weights,
    group: list[str],
    segment: dict[tuple[str, str], int],
    segment_of: list[int],
    unplaced: list[tuple[str, str]],
    run: Run,
    until: Deadline,
    threads: int,
    cut: list[tuple[str, str]] | None = None,
    whole: bool = True,
) -> tuple[list[tuple[str, str]], float, list[str]]:
    """Place the chosen pairs `unplaced` of `group` in their segments by `until`, each by re-placing the
    interviews of its segment around it (its candidate, its company, its site; then wider). Returns the
    pairs still unplaced, the solver time and one line per neighbourhood tried; `cut` gets those of them
    whose tries the clock stopped (a later try with more time may place them). Pairs no neighbourhood
    placed get their segments placed anew (`_whole_segments`), unless not `whole`."""
    seconds = 0.0
    steps: list[str] = []
    left: list[tuple[str, str]] = []
    for pair in unplaced:
        stopped = False
        # Its own segment first; a pair placed in another one keeps the plan's level 1 all the same.
        others = sorted({segment_of[t] for t in board.frame.options(*pair)} - {segment[pair]})
        tries = [(s, limit) for s in (segment[pair], *others) for limit in _NEIGHBOURHOODS]
        for s, limit in tries:
            if pair in board.met or until.passed():
                break
            chosen = _around(board, group, pair, s, segment_of, limit)
            freed = [i for c in chosen for t, i in board.busy.get(c, {}).items() if segment_of[t] == s]
            pairs = sorted(
                {i.pair for i in freed}
                | {
                    p
                    for p in unplaced
                    if p[0] in chosen and p not in board.met and (p == pair or segment[p] == s)
                }
            )
            still, outcome = _place_one(board, w, pairs, freed, s, segment_of, run, until, threads)
            seconds += outcome.seconds
            steps.append(
                f"segment {s}, {len(chosen)} candidates around {pair[0]}/{pair[1]}: "
                f"{len(pairs) - len(still)} of {len(pairs)} pairs placed ({outcome.status})"
            )
            stopped = stopped or outcome.status == "time_limit"
        if pair not in board.met:
            left.append(pair)
            if cut is not None and (stopped or until.passed()):
                cut.append(pair)
    if whole and left and not (cut or until.passed()):
        solving = (run, until, threads)
        spent, lines, stopped = _whole_segments(board, w, group, segment, segment_of, left, solving)
        seconds += spent
        steps.extend(lines)
        left = [p for p in left if p not in board.met]
        if cut is not None and stopped:
            cut.extend(left)
    return left, seconds, steps


Solving = tuple[Run, Deadline, int]


def _whole_segments(
    board: Board,
    w: Weights,
    group: list[str],
    segment: dict[tuple[str, str], int],
    segment_of: list[int],
    left: list[tuple[str, str]],
    solving: Solving,
) -> tuple[float, list[str], bool]:
    """The segments of the pairs `left` placed anew, each exactly with the relaxation's choice for it.

    The neighbourhoods keep what the heuristics put in a segment, and it may hold a pair the relaxation
    chose for another segment: on the open loose fair (5,000 candidates) one such pair held the last
    slot of a one-recruiter company in the failing segment, so no neighbourhood, not even the whole
    segment around the plan, could place the missing pair, while the segment's own choice fits. Here
    every interview of these segments is taken off, with those of the pairs chosen for them wherever
    they are; one program per segment places exactly its chosen pairs (the interviews elsewhere fixed),
    then the pairs chosen elsewhere that were taken off go back to their own segments by neighbourhoods.
    All placed, the plan reaches the relaxation's bound. Anything short (a choice proven not to fit, the
    clock) puts the plan back as it was. Returns the solver time, its lines, whether the clock stopped
    it."""
    run, until, threads = solving
    held = [i for c in group for i in board.busy.get(c, {}).values()]
    if any(i.pair not in segment for i in held):
        return 0.0, [], False  # not the relaxation's plan (the greedy plan was kept): nothing to reach
    redo = {segment[p] for p in left}
    chosen = {s: sorted(p for p, x in segment.items() if x == s) for s in sorted(redo)}
    sizes = [
        sum(1 for p in pairs for t in board.frame.options(*p) if segment_of[t] == s)
        for s, pairs in chosen.items()
    ]
    if not until.fits_all(sizes):
        return 0.0, [f"segments {sorted(redo)} anew: no time to build and solve them"], True
    taken = [i for i in held if segment_of[board.slot(i)] in redo or segment[i.pair] in redo]
    elsewhere = sorted(i.pair for i in taken if segment[i.pair] not in redo)
    before = _score(board, w, group)
    for interview in taken:
        board.remove(interview)
    seconds = 0.0
    steps: list[str] = []
    stopped = False
    done = True
    for s, pairs in chosen.items():
        f = _program(board, pairs, s, segment_of)
        if f is None:
            steps.append(f"segment {s} anew: a chosen pair has no slot left")
            done = False
            break
        outcome = run(f, set(), until.left() - f.columns * BUILD_SECONDS_PER_COLUMN, threads)
        seconds += outcome.seconds
        placed = _put(board, f, outcome, len(pairs))
        steps.append(f"segment {s} anew: {len(placed)} of {len(pairs)} pairs placed ({outcome.status})")
        stopped = outcome.status == "time_limit"
        if len(placed) < len(pairs):
            done = False
            break
    if done and elsewhere:
        rest, spent, lines = place_segments(
            board, w, group, segment, segment_of, elsewhere, run, until, threads, whole=False
        )
        seconds += spent
        steps.extend(f"back to its segment, {line}" for line in lines)
        done = not rest
        stopped = bool(rest) and until.passed()
    if not done or _score(board, w, group) < before:
        for interview in [i for c in group for i in board.busy.get(c, {}).values()]:
            board.remove(interview)
        for interview in held:
            board.add(interview)
    return seconds, steps, stopped


def _around(
    board: Board, group: list[str], pair: tuple[str, str], s: int, segment_of: list[int], limit: int
) -> list[str]:
    """Up to `limit` candidates of `group` whose interviews in segment `s` stand in the way of `pair`:
    its candidate, then those meeting its company there, then those of its site there, then those
    meeting the companies of the ones chosen so far."""
    frame = board.frame
    candidate_id, company_id = pair
    site_id = frame.candidates[candidate_id].site_id
    chosen: dict[str, None] = {candidate_id: None}
    in_segment = {c: [i for t, i in board.busy.get(c, {}).items() if segment_of[t] == s] for c in group}
    wanted: tuple[tuple[set[str], set[str]], ...] = (({company_id}, set()), (set(), {site_id}))
    for companies, sites in (*wanted, (set(), set())):
        if not companies and not sites:
            companies = {i.company_id for c in chosen for i in in_segment[c]}
        for c in group:
            if len(chosen) >= limit:
                return list(chosen)
            if c not in chosen and any(
                i.company_id in companies or i.site_id in sites for i in in_segment[c]
            ):
                chosen[c] = None
    return list(chosen)


def _place_one(
    board: Board,
    w: Weights,
    pairs: list[tuple[str, str]],
    freed: list[Interview],
    s: int,
    segment_of: list[int],
    run: Run,
    until: Deadline,
    threads: int,
) -> tuple[list[tuple[str, str]], Outcome]:
    touched = sorted({c for c, _ in pairs})
    before = _score(board, w, touched)
    for interview in freed:
        board.remove(interview)
    f = _program(board, pairs, s, segment_of)
    if f is None:
        # A pair has no slot left in the segment: nothing to solve.
        for interview in freed:
            board.add(interview)
        return [p for p in pairs if p not in board.met], Outcome((), "infeasible", "no slot", 0, 0, 0.0)
    outcome = run(f, set(), until.left() - f.columns * BUILD_SECONDS_PER_COLUMN, threads)
    placed = _put(board, f, outcome, len(pairs))
    # Never worse than the heuristic's plan (more interviews may still trade a better pair for two).
    if _score(board, w, touched) <= before:
        for interview in placed:
            board.remove(interview)
        for interview in freed:
            board.add(interview)
    return [p for p in pairs if p not in board.met], outcome


def _program(board: Board, pairs: list[tuple[str, str]], s: int, segment_of: list[int]) -> Formulation | None:
    """The feasibility program placing every one of `pairs` in segment `s` around what the board holds
    (None when one of them has no slot left there)."""
    frame = board.frame
    f = Formulation()
    by_company: dict[tuple[str, int], list[int]] = {}
    by_site: dict[tuple[str, int], list[int]] = {}
    by_candidate: dict[str, dict[int, list[int]]] = {}
    cache: dict[tuple[str, int], int] = {}
    for candidate_id, company_id in pairs:
        site_id = frame.candidates[candidate_id].site_id
        columns: list[int] = []
        for t in frame.options(candidate_id, company_id):
            if segment_of[t] != s or not board.candidate_free(candidate_id, t):
                continue
            if not board.company_free(company_id, t) or computers_left(board, site_id, t, cache) == 0:
                continue
            column = f.add_option((candidate_id, company_id, t), 0)
            columns.append(column)
            by_company.setdefault((company_id, t), []).append(column)
            by_site.setdefault((site_id, t), []).append(column)
            by_candidate.setdefault(candidate_id, {}).setdefault(t, []).append(column)
        if not columns:
            return None
        f.add_row(columns, [1] * len(columns), 1, 1)
    for by_slot in by_candidate.values():
        buffer_rows(f, frame, by_slot)
    for (company_id, t), columns in by_company.items():
        recruiters = frame.recruiters(company_id, t) - board.load.get((company_id, t), 0)
        if len(columns) > recruiters:
            f.add_row(columns, [1] * len(columns), 0, recruiters)
    for (site_id, t), columns in by_site.items():
        computers = computers_left(board, site_id, t, cache)
        if len(columns) > computers:
            f.add_row(columns, [1] * len(columns), 0, computers)
    return f


def _put(board: Board, f: Formulation, outcome: Outcome, pairs: int) -> list[Interview]:
    """The program's placement put on the board, when it placed all `pairs`; the interviews added."""
    frame = board.frame
    chosen = set(outcome.chosen)
    placed: list[Interview] = []
    if outcome.status != "infeasible" and len(chosen) == pairs:
        for column in sorted(chosen, key=lambda i: (f.options[i][2], f.options[i][0], f.options[i][1])):
            candidate_id, company_id, t = f.options[column]
            computer_id = board.free_computer(frame.candidates[candidate_id].site_id, t)
            if computer_id is None:
                raise AssertionError("the program gave a site more interviews than computers")
            placed.append(board.interview_at(candidate_id, company_id, t, computer_id))
            board.add(placed[-1])
    return placed


def _score(board: Board, w: Weights, candidate_ids: list[str]) -> int:
    """Level 1 of these candidates' interviews (all of them, so that the tiers count right)."""
    return score_interviews(
        board.frame, w, [i for c in candidate_ids for i in board.busy.get(c, {}).values()]
    )
