"""The console's read model of the live day, fed by the stream: the facts of each site, read once from the
services and read again only for the sites (and what of them) an event touched since; the plan is followed
by its log of changes (the slots changed since, read one by one), never read whole again.

One model per permission scope (organisation and roles) and job dating: what the services answer depends
on the token's organisation and roles only, so the people of one scope may share the facts read with any of
their tokens, and the people of another scope never see them. The stream's consumer marks the sites its
events touch (`changed`), or the whole job dating when an event names no site; a model is trusted only
while that consumer runs (`trusted`), otherwise every read asks the services again.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime

from jobdating.console.application.live_day import (
    ASPECTS,
    ATTENDANCE,
    COMPUTERS,
    PLAN,
    WAITING,
    Interview,
    LiveDay,
    Outline,
    SiteDay,
    SiteFacts,
    merged,
    outline,
    plan_changes,
    read_sites,
    read_slot,
    site_day,
    site_names,
)
from jobdating.console.application.ports import Services

# More changed slots than this since the plan's last read: the whole plan is read again instead.
FEW_SLOTS = 50
# The aspects each service answers: a reading of one group never waits for a reading of the other.
GROUPS = ((COMPUTERS,), (PLAN, ATTENDANCE, WAITING))
# A few changed slots read at once (each its own call to scheduling).
_READERS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="live-day-slots")
# A slot read again: its id, its site and the interview; a plan read: the log position, the whole plan's
# facts (many changes) or else the slots read again.
SlotRead = tuple[str, str, Interview]
PlanRead = tuple[int, dict[str, SiteFacts] | None, list[SlotRead]]
# Who sees the same answers from the services: an organisation and its sorted roles.
Scope = tuple[str, tuple[str, ...]]


def scope_of(org: str, roles: Iterable[str]) -> Scope:
    return (org, tuple(sorted(set(roles))))


class LiveDayModel:
    """One scope's live day of one job dating."""

    def __init__(
        self, job_dating_id: str, trusted: Callable[[], bool], learn: Callable[[SiteFacts, str], None]
    ):
        self.job_dating_id = job_dating_id
        self._trusted = trusted
        self._learn = learn
        # One reader at a time of each service's aspects: the others wait and find them fresh instead of
        # asking again; a broken computer's reading never waits behind the plan's (scheduling may be busy
        # repairing). A whole reading holds both.
        self._reading = {group: threading.Lock() for group in GROUPS}
        self._marks = threading.Lock()
        # Held while the facts are changed or copied out (briefly): a reader of one group never sees the
        # other's half-applied.
        self._facts_lock = threading.Lock()
        self._outline: Outline | None = None
        self._facts: dict[str, SiteFacts] = {}
        # The plan as read: the log position of its last change read, and each interview's site.
        self._position = 0
        self._slot_sites: dict[str, str] = {}
        # Marks: a counter, and for each site's aspect (and the whole) the count when it was last marked.
        self._count = 0
        self._dirty: dict[tuple[str, str], int] = {}
        self._all_dirty: int | None = 0

    @property
    def site_ids(self) -> list[str]:
        return self._outline.site_ids if self._outline is not None else []

    def changed(self, site_id: str | None, aspects: Iterable[str] = ASPECTS) -> None:
        """An event touched these aspects of this site (None: the job dating, or a site it cannot tell)."""
        with self._marks:
            self._count += 1
            if site_id is None:
                self._all_dirty = self._count
            else:
                for aspect in aspects:
                    self._dirty[(site_id, aspect)] = self._count

    def view(self, services: Services, token: str, now: datetime) -> LiveDay:
        """Every site of the job dating, now."""
        self._refresh(services, token, None, ASPECTS)
        known = self._outline
        assert known is not None
        sites = self.known(known.site_ids, now)
        return LiveDay(job_dating_id=self.job_dating_id, title=known.title, sites=sites)

    def sites(self, services: Services, token: str, site_ids: Iterable[str], now: datetime) -> list[SiteDay]:
        """The sites asked that belong to the job dating, now."""
        wanted = list(dict.fromkeys(site_ids))
        self._refresh(services, token, wanted, ASPECTS)
        return self.known(wanted, now)

    def refresh(
        self, services: Services, token: str, site_ids: Iterable[str], aspects: Iterable[str]
    ) -> None:
        """Reads again what changed of these aspects of these sites (the rest as it was read)."""
        self._refresh(services, token, list(dict.fromkeys(site_ids)), tuple(aspects))

    def known(self, site_ids: Iterable[str], now: datetime) -> list[SiteDay]:
        """The sites asked that belong to the job dating, now, as last read (no reading)."""
        with self._facts_lock:
            outline, facts = self._outline, dict(self._facts)
        if outline is None:
            return []
        return [
            site_day(s, outline.names.get(s, s), facts[s], now) for s in dict.fromkeys(site_ids) if s in facts
        ]

    def _whole_due(self) -> bool:
        return self._all_dirty is not None or not self._trusted() or self._outline is None

    def _refresh(
        self, services: Services, token: str, wanted: list[str] | None, aspects: tuple[str, ...]
    ) -> None:
        mine = [g for g in GROUPS if set(g) & set(aspects)]
        while True:
            with self._marks:
                held = GROUPS if self._whole_due() else mine
            with contextlib.ExitStack() as reading:
                for group in held:  # always in the same order: two readers never hold each other's
                    reading.enter_context(self._reading[group])
                with self._marks:
                    started = self._count
                    whole = self._whole_due()
                    if whole and held != GROUPS:
                        continue  # a whole reading became due meanwhile: both groups are needed
                    covered = {a for group in held for a in group}
                    # A whole reading answers every mark made before it began.
                    stale = [
                        k
                        for k in self._dirty
                        if k[1] in covered and (whole or wanted is None or k[0] in wanted)
                    ]
                self._read(services, token, whole, stale, started)
                return

    def _read(
        self, services: Services, token: str, whole: bool, stale: list[tuple[str, str]], started: int
    ) -> None:
        if whole:
            known = outline(services, token, self.job_dating_id)
            # The plan's log position first: a change after it is read again, never missed.
            _, position = plan_changes(services, token, self.job_dating_id, 0)
            every = dict.fromkeys(ASPECTS, known.site_ids)
            facts = read_sites(services, token, self.job_dating_id, every)
            with self._facts_lock:
                self._outline, self._facts, self._position = known, facts, position
                self._slot_sites = {i.slot_id: s for s, f in facts.items() for i in f.interviews}
        else:
            assert self._outline is not None  # read whole the first time
            stale = [k for k in stale if k[0] in self._facts]
            if not stale:
                self._forget_others(started)
                return
            by_aspect = {a: sorted({s for s, x in stale if x == a}) for a in ASPECTS}
            # An event of the sites service: a site's name may have changed. Of sites only: scheduling may
            # be busy with this very event (a repair to compute).
            names = site_names(services, token) if by_aspect[COMPUTERS] else None
            plan = self._read_plan(services, token) if by_aspect[PLAN] else None
            by_aspect[PLAN] = []
            facts = read_sites(services, token, self.job_dating_id, by_aspect)
            with self._facts_lock:
                if names is not None:
                    self._outline = replace(self._outline, names=names)
                if plan is not None:
                    self._apply_plan(*plan)
                for site_id, site in facts.items():
                    fresh = [a for a in ASPECTS if site_id in by_aspect[a]]
                    self._facts[site_id] = merged(self._facts[site_id], site, fresh)
        for site_id in facts:
            self._learn(self._facts[site_id], site_id)
        with self._marks:
            # A mark since the reading began may be of an event the reading did not see: kept.
            if whole and self._all_dirty is not None and self._all_dirty <= started:
                self._all_dirty = None
            for key in stale:
                if self._dirty.get(key, started + 1) <= started:
                    del self._dirty[key]
        self._forget_others(started)

    def _read_plan(self, services: Services, token: str) -> PlanRead:
        """The slots changed since the plan's last read, each read again (a few at once), not the whole
        plan; unless there are many."""
        slots, position = plan_changes(services, token, self.job_dating_id, self._position)
        if len(slots) > FEW_SLOTS:  # a plan published or repaired at large: one read of the whole is less
            assert self._outline is not None
            return (
                position,
                read_sites(services, token, self.job_dating_id, {PLAN: self._outline.site_ids}),
                [],
            )
        if len(slots) < 2:
            return position, None, [(slot_id, *read_slot(services, token, slot_id)) for slot_id in slots]
        read = list(_READERS.map(lambda slot_id: read_slot(services, token, slot_id), slots))
        return position, None, [(slot_id, *got) for slot_id, got in zip(slots, read, strict=True)]

    def _apply_plan(self, position: int, whole: dict[str, SiteFacts] | None, slots: list[SlotRead]) -> None:
        self._position = position
        if whole is not None:
            for site_id, site in whole.items():
                self._facts[site_id] = merged(self._facts[site_id], site, [PLAN])
                self._learn(self._facts[site_id], site_id)
            self._slot_sites = {i.slot_id: s for s, f in self._facts.items() for i in f.interviews}
            return
        for slot_id, site_id, interview in slots:
            before = self._slot_sites.get(slot_id)
            if before in self._facts:
                old = self._facts[before]
                kept = [i for i in old.interviews if i.slot_id != slot_id]
                self._facts[before] = replace(old, interviews=kept)
            if site_id in self._facts:
                old = self._facts[site_id]
                kept = [i for i in old.interviews if i.slot_id != slot_id]
                self._facts[site_id] = replace(old, interviews=[*kept, interview])
                self._slot_sites[slot_id] = site_id
                self._learn(self._facts[site_id], site_id)

    def _forget_others(self, started: int) -> None:
        """Marks of sites not in this job dating: nothing to read again for them."""
        with self._marks:
            for key in [k for k, n in self._dirty.items() if k[0] not in self._facts and n <= started]:
                del self._dirty[key]


@dataclass
class LiveModels:
    """The models of every scope and job dating, and what the stream's events need to name their site."""

    trusted: Callable[[], bool] = lambda: False
    # Which site each computer and each interview stands at: their events name them only.
    computer_sites: dict[str, str] = field(default_factory=dict)
    slot_sites: dict[str, str] = field(default_factory=dict)
    _models: dict[tuple[Scope, str], LiveDayModel] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def model(self, scope: Scope, job_dating_id: str) -> LiveDayModel:
        with self._lock:
            key = (scope, job_dating_id)
            if key not in self._models:
                self._models[key] = LiveDayModel(job_dating_id, lambda: self.trusted(), self._learn)
            return self._models[key]

    def changed(
        self, site_id: str | None, job_dating_id: str | None = None, aspects: Iterable[str] = ASPECTS
    ) -> None:
        """Marks the site in every model (None: every site of `job_dating_id`'s models, or of all)."""
        with self._lock:
            models = list(self._models.items())
        for (_, jd), model in models:
            if site_id is not None or job_dating_id in (None, jd):
                model.changed(site_id, aspects)

    def site_of(self, computer_id: str | None, slot_id: str | None) -> str | None:
        if computer_id is not None and computer_id in self.computer_sites:
            return self.computer_sites[computer_id]
        return self.slot_sites.get(slot_id) if slot_id is not None else None

    def _learn(self, facts: SiteFacts, site_id: str) -> None:
        for computer in facts.computers:
            self.computer_sites[str(computer["computer_id"])] = site_id
        for interview in facts.interviews:
            if interview.slot_id:
                self.slot_sites[interview.slot_id] = site_id
