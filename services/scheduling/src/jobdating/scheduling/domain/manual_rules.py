"""The planner checker's verdicts on one interview changed by hand, in plain French for the coordinator.

The checker (`planning/check.py`) is the one judge of the rules; this module only says what a violation
means for the interview the coordinator touched, on which field, and whether forcing it is allowed. A few
rules are never forced: the published plan could not hold them (a computer or a candidate booked twice at
the same slot, the same candidate and company twice, a time off the slot grid) and the repairs that follow
would stumble on them.
"""

from __future__ import annotations

import msgspec

from jobdating.scheduling.domain.errors import Problem
from jobdating.scheduling.planning.check import Violation
from jobdating.scheduling.planning.frame import day_starts
from jobdating.scheduling.planning.model import Instance, Interview

IMPOSSIBLE = " (impossible, même en forçant)"


class Broken(msgspec.Struct, frozen=True, kw_only=True):
    """A rule the change breaks: the checker's code, the field to look at, the sentence, and whether the
    coordinator may force it."""

    rule: str
    field: str
    says: str
    forceable: bool = True

    @property
    def problem(self) -> Problem:
        """The refusal's line for this rule (a rule never forced says so)."""
        return Problem(self.field, self.says if self.forceable else self.says + IMPOSSIBLE)


def hhmm(minute: int) -> str:
    """A minute of the day as people read it: `09:20`."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def pin_kept_apart() -> Broken:
    """Cancelling an interview the coordination imposed."""
    return Broken(
        rule="pin_missing",
        field="slot_id",
        says="Cette rencontre est imposée par la coordination : l'annuler la retire du planning",
    )


def broken(violation: Violation, changed: Interview, instance: Instance) -> Broken:
    """What `violation` (which involves `changed`) means for the coordinator."""
    at = hhmm(changed.start)
    others = [i for i in violation.interviews if i != changed]
    match violation.rule:
        case "candidate_overlap":
            other = others[0] if others else changed
            if other.start == changed.start:
                says = f"Le candidat a déjà un entretien à {at}"
                return Broken(rule=violation.rule, field="starts_at", says=says, forceable=False)
            says = (
                f"Le candidat a un entretien à {hhmm(other.start)} : il faut {instance.grid.buffer} minutes "
                "entre deux entretiens"
            )
            return Broken(rule=violation.rule, field="starts_at", says=says)
        case "candidate_busy_elsewhere":
            says = f"Le candidat a un entretien dans un autre job dating à {at}"
            return Broken(rule=violation.rule, field="starts_at", says=says)
        case "recruiters_exceeded":
            return Broken(rule=violation.rule, field="starts_at", says=_recruiters(instance, changed, at))
        case "computer_double_booked":
            says = f"L'ordinateur {changed.computer_id} est déjà pris à {at}"
            return Broken(rule=violation.rule, field="computer_id", says=says, forceable=False)
        case "computer_unavailable":
            says = (
                f"L'ordinateur {changed.computer_id} est hors service ou pris par un second entretien à {at}"
            )
            return Broken(rule=violation.rule, field="computer_id", says=says)
        case "site_closed":
            return Broken(rule=violation.rule, field="starts_at", says=f"Le site est fermé à {at}")
        case "candidate_unavailable":
            says = f"Le candidat n'est pas disponible à {at}"
            return Broken(rule=violation.rule, field="starts_at", says=says)
        case "company_closed":
            says = f"L'entreprise ne reçoit pas de candidats à {at}"
            return Broken(rule=violation.rule, field="starts_at", says=says)
        case "company_not_at_site":
            says = "L'entreprise ne rencontre pas les candidats de ce site"
            return Broken(rule=violation.rule, field="site_id", says=says)
        case "wrong_site":
            says = "Le candidat est inscrit sur un autre site"
            return Broken(rule=violation.rule, field="site_id", says=says)
        case "not_wished":
            says = "Le candidat n'a pas demandé à rencontrer cette entreprise"
            return Broken(rule=violation.rule, field="company_id", says=says)
        case "forbidden":
            says = "La coordination a interdit cette rencontre"
            return Broken(rule=violation.rule, field="company_id", says=says)
        case "too_many_interviews":
            most = _most(instance, changed)
            says = f"Le candidat aurait {len(violation.interviews)} entretiens : {most} au plus"
            return Broken(rule=violation.rule, field="candidate_id", says=says)
        case "pair_repeated":
            other = others[0] if others else changed
            says = (
                f"Le candidat a déjà un entretien avec cette entreprise à {hhmm(other.start)} : "
                "déplacez-le plutôt"
            )
            return Broken(rule=violation.rule, field="company_id", says=says, forceable=False)
        case "off_grid":
            return Broken(
                rule=violation.rule, field="starts_at", says=_off_grid(instance, changed), forceable=False
            )
    # The checks before the checker leave none of the others (unknown ids, a computer of another site).
    return Broken(rule=violation.rule, field="slot_id", says=violation.detail, forceable=False)


def _recruiters(instance: Instance, changed: Interview, at: str) -> str:
    limit = next((k.recruiters for k in instance.companies if k.id == changed.company_id), 0)
    if limit == 0:
        return f"L'entreprise n'a aucun recruteur disponible à {at}"
    if limit == 1:
        return f"Le recruteur a déjà un entretien à {at}"
    return f"Les {limit} recruteurs ont déjà chacun un entretien à {at}"


def _most(instance: Instance, changed: Interview) -> int:
    return next((c.max_interviews for c in instance.candidates if c.id == changed.candidate_id), 0)


def _off_grid(instance: Instance, changed: Interview) -> str:
    day = next((d for d in instance.days if d.index == changed.day), None)
    starts = day_starts(day, instance.grid) if day is not None else []
    before = [s for s in starts if s < changed.start][-1:]
    after = [s for s in starts if s > changed.start][:1]
    near = " ou ".join(hhmm(s) for s in before + after)
    says = f"{hhmm(changed.start)} ne correspond à aucun créneau"
    return f"{says} : choisissez {near}" if near else says
