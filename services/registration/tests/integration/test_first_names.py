"""The first names a recruiter's agenda shows, asked in one question for all its slots: sealed to the asker,
only of candidates who may be named, every id asked logged (over NATS: `test_contacts`)."""

from __future__ import annotations

import msgspec
import structlog

from jobdating.contracts.queries import FIRST_NAMES_AT_MOST, FirstNames, FirstNamesReply, FirstNamesRequest
from jobdating.privacy.box import BoxKeys
from jobdating.registration.application.contacts import answer_first_names
from jobdating.registration.application.handlers import RegistrationHandlers
from jobdating.registration.application.service import RegistrationService
from jobdating.registration.domain.commands import EraseCandidate, WithdrawCandidate
from jobdating.registration.testing import CALLERS, candidate

COUNSELLOR = CALLERS["mel-counsellor"]


def question(keys: BoxKeys, *ids: str, purpose: str = "recruiter_agenda:first_name") -> FirstNamesRequest:
    return FirstNamesRequest(
        candidate_ids=ids, purpose=purpose, requester="notifications", reply_key=keys.public
    )


def named(keys: BoxKeys, reply: FirstNamesReply) -> dict[str, str]:
    assert reply.status == "found", reply.reason
    assert reply.sealed is not None
    return msgspec.json.decode(keys.open(reply.sealed), type=FirstNames).names


def registered(service: RegistrationService, site: str, first_name: str) -> str:
    return RegistrationHandlers(service).register_candidate(
        COUNSELLOR, candidate(site, first_name=first_name)
    )


def test_only_candidates_who_may_be_named_are_named_and_every_id_asked_is_logged(
    service: RegistrationService, site: str
) -> None:
    handlers = RegistrationHandlers(service)
    samia = registered(service, site, "Samia")
    karim = registered(service, site, "Karim")
    gone = registered(service, site, "Lina")
    handlers.withdraw_candidate(COUNSELLOR, WithdrawCandidate(candidate_id=gone, reason="autre"))
    erased = registered(service, site, "Yanis")
    handlers.erase_candidate(COUNSELLOR, EraseCandidate(candidate_id=erased))
    keys = BoxKeys()
    with structlog.testing.capture_logs() as logs:
        reply = answer_first_names(service, question(keys, samia, karim, gone, erased, "nobody", samia))
    assert named(keys, reply) == {samia: "Samia", karim: "Karim"}
    for clear in (b"Samia", b"Karim", b"Lina"):
        assert clear not in msgspec.json.encode(reply)
    (entry,) = [e for e in logs if e["event"] == "first_names_requested"]
    assert (entry["requester"], entry["purpose"], entry["status"]) == (
        "notifications",
        "recruiter_agenda:first_name",
        "found",
    )
    assert entry["subject_ids"] == [samia, karim, gone, erased, "nobody", samia]
    assert "Samia" not in str(logs)


def test_a_question_without_purpose_with_too_many_ids_or_a_bad_key_is_refused(
    service: RegistrationService, site: str
) -> None:
    keys = BoxKeys()
    live = registered(service, site, "Samia")
    too_many = tuple(f"c-{i}" for i in range(FIRST_NAMES_AT_MOST + 1))
    refused = [
        answer_first_names(service, question(keys, live, purpose=" ")),
        answer_first_names(service, question(keys, *too_many)),
        answer_first_names(service, msgspec.structs.replace(question(keys, live), reply_key="not-a-key")),
    ]
    assert [r.status for r in refused] == ["refused"] * 3
    assert all(r.sealed is None and r.reason for r in refused)
