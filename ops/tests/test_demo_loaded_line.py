"""The line the operator reads once the demo is loaded: what it holds, and what this load added."""

from jobdating.ops.demo_report import DemoReport
from jobdating.ops.demo_setup import loaded_line


def test_the_added_count_names_records_not_candidates() -> None:
    report = DemoReport(sites=4, computers=18, companies=15, candidates=50, created=88, already_there=0)
    assert loaded_line(report) == (
        "Démo chargée : 4 sites, 18 ordinateurs, 15 entreprises, 50 candidats "
        "(88 fiches ajoutées maintenant, 0 déjà présentes)."
    )


def test_a_resumed_stack_says_everything_was_already_there() -> None:
    report = DemoReport(sites=4, computers=18, companies=15, candidates=50, created=0, already_there=88)
    assert "(0 fiches ajoutées maintenant, 88 déjà présentes)." in loaded_line(report)
