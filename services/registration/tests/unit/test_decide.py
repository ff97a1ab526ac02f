"""The registration rules, given a stream's state and the facts looked up, when a command, then events."""

from __future__ import annotations

from datetime import time

import msgspec
import pytest

from jobdating.contracts import registration as r
from jobdating.contracts.envelope import Event
from jobdating.contracts.sealed import Sealed
from jobdating.registration.domain.commands import (
    EraseCandidate,
    UpdateCandidate,
    UpdateCompany,
    WithdrawCandidate,
    WithdrawCompany,
)
from jobdating.registration.domain.decide import decide_candidate, decide_company
from jobdating.registration.domain.errors import Rejected
from jobdating.registration.domain.evolve import evolve_candidate, evolve_company
from jobdating.registration.domain.state import CandidateFacts, CandidateState, CompanyFacts, CompanyState
from jobdating.registration.domain.validation import validate_candidate, validate_company
from jobdating.registration.testing import candidate, company

SITE = "site-seclin"
SEALED = Sealed(key_id="k-1", nonce="bm9uY2U=", ciphertext="c2VhbGVk")
RESEALED = Sealed(key_id="k-1", nonce="bm9uY2U=", ciphertext="b3RoZXI=")
OPEN = CandidateFacts(open_sites=frozenset({SITE, "site-lille"}), live_companies=frozenset({"co-1"}))


def given_candidate(*events: Event) -> CandidateState:
    state = CandidateState()
    for event in events:
        state = evolve_candidate(state, event)
    return state


def registered(candidate_id: str = "cand-1") -> r.CandidateRegistered:
    cmd = validate_candidate(candidate(SITE, candidate_id=candidate_id))
    (event,) = decide_candidate(cmd, CandidateState(), SEALED, OPEN)
    assert isinstance(event, r.CandidateRegistered)
    return event


def refusal(run: object) -> list[tuple[str, str]]:
    assert isinstance(run, Rejected)
    return [(e.kind, e.field) for e in run.errors]


def test_a_candidate_registers_on_an_open_site_with_their_fields_sealed() -> None:
    cmd = validate_candidate(
        candidate(SITE, wishes=(r.Wish(rank=2, sector="vente"), r.Wish(rank=1, company_id="co-1")))
    )
    events = decide_candidate(cmd, CandidateState(), SEALED, OPEN)
    assert len(events) == 1
    event = events[0]
    assert isinstance(event, r.CandidateRegistered)
    assert event.personal == SEALED
    assert event.profile.site_id == SITE
    assert [w.rank for w in event.profile.wishes] == [1, 2]
    assert "Benali" not in msgspec.json.encode(event).decode()


def test_a_candidate_cannot_register_twice_with_the_same_phone() -> None:
    cmd = validate_candidate(candidate(SITE))
    facts = msgspec.structs.replace(OPEN, phone_owner="someone-else")
    with pytest.raises(Rejected) as refused:
        decide_candidate(cmd, CandidateState(), SEALED, facts)
    assert refusal(refused.value) == [("conflict", "phone")]
    assert "someone-else" not in str(refused.value)


def test_a_candidate_cannot_register_with_an_email_another_candidate_holds() -> None:
    cmd = validate_candidate(candidate(SITE))
    with pytest.raises(Rejected) as refused:
        decide_candidate(cmd, CandidateState(), SEALED, msgspec.structs.replace(OPEN, email_owner="other"))
    assert refusal(refused.value) == [("conflict", "email")]


def test_a_candidate_cannot_choose_a_closed_or_unknown_site_nor_wish_a_withdrawn_company() -> None:
    cmd = validate_candidate(candidate("site-closed", wishes=(r.Wish(rank=1, company_id="co-gone"),)))
    with pytest.raises(Rejected) as refused:
        decide_candidate(cmd, CandidateState(), SEALED, OPEN)
    assert refusal(refused.value) == [("invalid", "site_id"), ("invalid", "wishes[0].company_id")]


def test_a_registered_candidate_cannot_be_registered_again() -> None:
    state = given_candidate(registered("cand-1"))
    with pytest.raises(Rejected) as refused:
        decide_candidate(validate_candidate(candidate(SITE, candidate_id="cand-1")), state, SEALED, OPEN)
    assert refused.value.kind == "conflict"


def test_an_update_records_only_what_changed() -> None:
    state = given_candidate(registered())
    events = decide_candidate(UpdateCandidate(candidate_id="cand-1", site_id="site-lille"), state, None, OPEN)
    assert len(events) == 1
    event = events[0]
    assert isinstance(event, r.CandidateUpdated)
    assert event.personal is None
    assert event.profile is not None
    assert event.profile.site_id == "site-lille"
    assert event.profile.sectors == ("logistique",)


def test_an_update_of_personal_fields_only_carries_the_new_seal() -> None:
    state = given_candidate(registered())
    events = decide_candidate(
        UpdateCandidate(candidate_id="cand-1", last_name="Martin"), state, RESEALED, OPEN
    )
    assert events == [r.CandidateUpdated(candidate_id="cand-1", profile=None, personal=RESEALED)]


def test_an_update_that_changes_nothing_records_nothing() -> None:
    state = given_candidate(registered())
    assert decide_candidate(UpdateCandidate(candidate_id="cand-1", site_id=SITE), state, None, OPEN) == []


def test_an_update_cannot_take_a_phone_another_candidate_holds_but_keeping_ones_own_is_fine() -> None:
    state = given_candidate(registered())
    own = msgspec.structs.replace(OPEN, phone_owner="cand-1")
    assert decide_candidate(
        UpdateCandidate(candidate_id="cand-1", phone="+33612345678"), state, RESEALED, own
    )
    taken = msgspec.structs.replace(OPEN, phone_owner="cand-2")
    with pytest.raises(Rejected) as refused:
        decide_candidate(UpdateCandidate(candidate_id="cand-1", phone="+33612345678"), state, RESEALED, taken)
    assert refusal(refused.value) == [("conflict", "phone")]


def test_a_withdrawn_candidate_can_neither_change_nor_withdraw_again() -> None:
    state = given_candidate(registered(), r.CandidateWithdrew(candidate_id="cand-1", reason="autre"))
    for cmd in (
        UpdateCandidate(candidate_id="cand-1", site_id="site-lille"),
        WithdrawCandidate(candidate_id="cand-1", reason="autre"),
    ):
        with pytest.raises(Rejected) as refused:
            decide_candidate(cmd, state, None, OPEN)
        assert refusal(refused.value) == [("conflict", "candidate_id")]


def test_a_candidate_withdraws_for_a_listed_reason_only() -> None:
    state = given_candidate(registered())
    events = decide_candidate(WithdrawCandidate(candidate_id="cand-1", reason="a trouvé un emploi"), state)
    assert events == [r.CandidateWithdrew(candidate_id="cand-1", reason="a trouvé un emploi")]
    with pytest.raises(Rejected) as refused:
        decide_candidate(WithdrawCandidate(candidate_id="cand-1", reason="malade"), state)
    assert refusal(refused.value) == [("invalid", "reason")]


def test_an_unknown_candidate_is_not_found() -> None:
    for cmd in (
        UpdateCandidate(candidate_id="nobody", site_id=SITE),
        WithdrawCandidate(candidate_id="nobody", reason="autre"),
        EraseCandidate(candidate_id="nobody"),
    ):
        with pytest.raises(Rejected) as refused:
            decide_candidate(cmd, CandidateState(), None, OPEN)
        assert refused.value.kind == "not_found"


def test_a_withdrawn_candidate_can_be_erased_once_and_then_nothing_personal_remains_in_state() -> None:
    state = given_candidate(registered(), r.CandidateWithdrew(candidate_id="cand-1", reason="autre"))
    events = decide_candidate(EraseCandidate(candidate_id="cand-1"), state)
    assert events == [r.CandidateErased(candidate_id="cand-1")]
    erased = evolve_candidate(state, events[0])
    assert erased.personal is None
    assert erased.profile is not None  # the anonymous facts stay
    with pytest.raises(Rejected) as refused:
        decide_candidate(EraseCandidate(candidate_id="cand-1"), erased)
    assert refusal(refused.value) == [("conflict", "candidate_id")]
    with pytest.raises(Rejected):
        decide_candidate(UpdateCandidate(candidate_id="cand-1", site_id=SITE), erased, None, OPEN)


def given_company(*events: Event) -> CompanyState:
    state = CompanyState()
    for event in events:
        state = evolve_company(state, event)
    return state


def company_registered() -> r.CompanyRegistered:
    (event,) = decide_company(
        validate_company(company(company_id="co-1")), CompanyState(), SEALED, CompanyFacts()
    )
    assert isinstance(event, r.CompanyRegistered)
    return event


def test_a_company_registers_once_per_siret() -> None:
    event = company_registered()
    assert event.profile.positions[0].contract == "CDI"
    cmd = validate_company(company(siret=event.profile.siret))
    with pytest.raises(Rejected) as refused:
        decide_company(cmd, CompanyState(), SEALED, CompanyFacts(siret_owner="co-1"))
    assert refusal(refused.value) == [("conflict", "siret")]


def test_a_company_window_must_still_end_after_it_starts_once_updated() -> None:
    state = given_company(company_registered())
    with pytest.raises(Rejected) as refused:
        decide_company(UpdateCompany(company_id="co-1", window_start=time(13)), state, None, CompanyFacts())
    assert refusal(refused.value) == [("invalid", "window_end")]
    events = decide_company(
        UpdateCompany(company_id="co-1", window_start=time(13), window_end=time(17)),
        state,
        None,
        CompanyFacts(),
    )
    assert len(events) == 1
    assert isinstance(events[0], r.CompanyUpdated)


def test_a_withdrawn_company_cannot_withdraw_again() -> None:
    state = given_company(company_registered())
    events = decide_company(WithdrawCompany(company_id="co-1", reason="recrutement pourvu"), state)
    assert events == [r.CompanyWithdrew(company_id="co-1", reason="recrutement pourvu")]
    with pytest.raises(Rejected) as refused:
        decide_company(WithdrawCompany(company_id="co-1", reason="x"), evolve_company(state, events[0]))
    assert refusal(refused.value) == [("conflict", "company_id")]


def test_the_counsellors_note_travels_with_the_registration_and_changes_or_goes_on_update() -> None:
    note = "Cariste expérimentée, cherche un CDI en journée."
    cmd = validate_candidate(candidate(SITE, candidate_id="cand-1", note=f"  {note} "))
    events = decide_candidate(cmd, CandidateState(), SEALED, OPEN)
    assert [type(e) for e in events] == [r.CandidateRegistered, r.CandidateNoteWritten]
    assert events[1] == r.CandidateNoteWritten(candidate_id="cand-1", note=note)
    state = given_candidate(*events)

    def update(**fields: object) -> list[Event]:
        return decide_candidate(UpdateCandidate(candidate_id="cand-1", **fields), state, None, OPEN)  # type: ignore[arg-type]

    assert update(note=note) == []
    assert not any(isinstance(e, r.CandidateNoteWritten) for e in update(sectors=("vente",)))
    assert update(note="Préfère le travail en équipe.") == [
        r.CandidateNoteWritten(candidate_id="cand-1", note="Préfère le travail en équipe.")
    ]
    assert update(note=None) == [r.CandidateNoteWritten(candidate_id="cand-1", note="")]


@pytest.mark.parametrize(
    "note",
    [
        "Joignable au 06 12 34 56 78",
        "écrire à marie.dupont@example.org",
        "voir https://cv.example/marie",
        "habite 59000 Lille",
        "x" * 201,
    ],
)
def test_a_note_companies_read_carries_no_contact_details_and_stays_short(note: str) -> None:
    with pytest.raises(Rejected) as refused:
        validate_candidate(msgspec.structs.replace(candidate(SITE), note=note))
    assert [e.field for e in refused.value.errors] == ["note"]
