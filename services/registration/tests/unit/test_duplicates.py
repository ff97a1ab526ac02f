"""The blind index of a candidate and the rules of a suspected duplicate (`domain.duplicates`)."""

from __future__ import annotations

import pytest

from jobdating.contracts.duplicates import DuplicateDismissed, DuplicateResolved, DuplicateSuspected
from jobdating.registration.domain.duplicates import (
    ALREADY_RESOLVED,
    BAD_VERDICT,
    NO_REASON,
    UNKNOWN,
    DuplicateState,
    IndexEntries,
    ResolveDuplicate,
    blind_entry,
    dismiss,
    duplicate_id,
    evolve_duplicate,
    index_entries,
    resolve,
    suspect,
)
from jobdating.registration.domain.errors import Rejected

KEY = b"federation-key-of-the-tests"
FOUND = DuplicateSuspected(
    duplicate_id="d-1", candidate_id="c-1", other_candidate_id="c-2", other_org="ml", matched=("phone",)
)


def _cmd(verdict: str | None, reason: str | None) -> ResolveDuplicate:
    return ResolveDuplicate(duplicate_id="d-1", verdict=verdict, reason=reason)


def _open() -> DuplicateState:
    return evolve_duplicate(DuplicateState(), FOUND)


def test_a_phone_typed_two_ways_gives_the_same_entry() -> None:
    assert index_entries(KEY, "06 12 34 56 78", None) == index_entries(KEY, "+33612345678", None)
    assert index_entries(KEY, "0612345678", None).phone == index_entries(KEY, "+33 6 12 34 56 78", None).phone


def test_an_email_in_another_case_gives_the_same_entry() -> None:
    assert index_entries(KEY, None, " Samia.Benali@Exemple.FR ") == index_entries(
        KEY, None, "samia.benali@exemple.fr"
    )


def test_an_entry_is_a_keyed_digest_that_does_not_carry_the_value() -> None:
    entries = index_entries(KEY, "06 12 34 56 78", "samia.benali@exemple.fr")
    assert entries.phone is not None
    assert entries.email is not None
    assert len(entries.phone) == len(entries.email) == 64
    assert "612345678" not in entries.phone
    assert "samia" not in entries.email
    # Another federation's key gives other entries: without the key, nobody can test a guessed number.
    assert index_entries(b"another-key", "06 12 34 56 78", None).phone != entries.phone


def test_a_phone_never_matches_an_email_of_the_same_text() -> None:
    assert blind_entry(KEY, "phone", "x") != blind_entry(KEY, "email", "x")


def test_no_contact_gives_no_entry() -> None:
    assert index_entries(KEY, None, "") == IndexEntries()


def test_two_candidates_share_the_kinds_of_their_equal_entries() -> None:
    one = index_entries(KEY, "06 12 34 56 78", "a@exemple.fr")
    assert one.kinds(index_entries(KEY, "+33612345678", "b@exemple.fr")) == ("phone",)
    assert one.kinds(index_entries(KEY, "06 99 99 99 99", "A@exemple.fr")) == ("email",)
    assert one.kinds(index_entries(KEY, "0612345678", "a@exemple.fr")) == ("phone", "email")
    assert IndexEntries().kinds(IndexEntries()) == ()


def test_a_pair_has_the_same_suspicion_id_each_time_it_is_found() -> None:
    assert duplicate_id("c-1", "ml", "c-2") == duplicate_id("c-1", "ml", "c-2")
    assert duplicate_id("c-1", "ml", "c-2") != duplicate_id("c-2", "ml", "c-1")


def test_a_pair_found_again_is_suspected_once() -> None:
    assert suspect(DuplicateState(), FOUND) == (FOUND,)
    assert suspect(_open(), FOUND) == ()


@pytest.mark.parametrize("verdict", ["same_person", "different_people"])
def test_a_coordinator_resolves_an_open_suspicion(verdict: str) -> None:
    resolved = resolve(_cmd(verdict, "  vu avec la personne  "), _open())
    assert resolved == DuplicateResolved(duplicate_id="d-1", verdict=verdict, reason="vu avec la personne")  # type: ignore[arg-type]


def test_a_suspicion_is_resolved_once() -> None:
    done = evolve_duplicate(_open(), resolve(_cmd("same_person", "même date de naissance"), _open()))
    with pytest.raises(Rejected) as refused:
        resolve(_cmd("different_people", "finalement non"), done)
    assert refused.value.kind == "conflict"
    assert refused.value.errors[0].reason == ALREADY_RESOLVED


@pytest.mark.parametrize(
    ("verdict", "reason", "field", "why"),
    [
        ("maybe", "je ne sais pas", "verdict", BAD_VERDICT),
        (None, "je ne sais pas", "verdict", BAD_VERDICT),
        ("same_person", "", "reason", NO_REASON),
        ("same_person", None, "reason", NO_REASON),
    ],
)
def test_a_resolution_needs_a_verdict_and_a_reason(
    verdict: str | None, reason: str | None, field: str, why: str
) -> None:
    with pytest.raises(Rejected) as refused:
        resolve(_cmd(verdict, reason), _open())
    assert [(e.field, e.reason) for e in refused.value.errors] == [(field, why)]


@pytest.mark.parametrize("reason", ["rappelée au 06 12 34 56 78", "écrit à samia@exemple.fr", "x" * 201])
def test_a_reason_travels_in_clear_so_it_carries_no_contact_and_stays_short(reason: str) -> None:
    with pytest.raises(Rejected) as refused:
        resolve(_cmd("same_person", reason), _open())
    assert refused.value.errors[0].field == "reason"


def test_an_unknown_or_dismissed_suspicion_cannot_be_resolved() -> None:
    for state in (
        DuplicateState(),
        evolve_duplicate(_open(), DuplicateDismissed(duplicate_id="d-1", reason="erased")),
    ):
        with pytest.raises(Rejected) as refused:
            resolve(_cmd("same_person", "vu"), state)
        assert refused.value.kind == "not_found"
        assert refused.value.errors[0].reason == UNKNOWN


def test_an_erasure_dismisses_a_standing_suspicion_once() -> None:
    assert dismiss(_open(), "d-1", "erased") == (DuplicateDismissed(duplicate_id="d-1", reason="erased"),)
    dismissed = evolve_duplicate(_open(), DuplicateDismissed(duplicate_id="d-1", reason="erased"))
    assert dismiss(dismissed, "d-1", "erased") == ()
    assert dismiss(DuplicateState(), "d-1", "erased") == ()
