"""Golden files pin the wire form of every event version; upcasters and subjects are checked too."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import msgspec
import pytest

from jobdating.contracts import registration as r
from jobdating.contracts.asyncapi import render
from jobdating.contracts.catalog import REGISTRY
from jobdating.contracts.envelope import decode_envelope, encode_envelope, envelope_for
from jobdating.contracts.registry import UnknownEventType, publishing_service
from jobdating.contracts.subjects import InvalidSubjectToken, event_subject
from jobdating.testing.events import envelope
from jobdating.testing.samples import IN_CLEAR_BEFORE, PROFILE, PROFILE_V1, SAMPLES

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("JOBDATING_UPDATE_GOLDEN") == "1"
T = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
KEYS = sorted((c.event_type, c.schema_version) for c in REGISTRY)


def golden_envelope(key: tuple[str, int]) -> bytes:
    env = envelope_for(
        SAMPLES[key],
        event_id="0192f0c4-0000-7000-8000-000000000001",
        org="mel",
        service=publishing_service(type(SAMPLES[key])),
        stream_id="stream-1",
        stream_version=1,
        occurred_at=T,
        recorded_at=T,
        correlation_id="corr-1",
        causation_id=None,
        actor_id="actor-1",
    )
    return encode_envelope(env)


def test_every_registered_event_version_has_a_sample() -> None:
    assert sorted(SAMPLES) == KEYS


@pytest.mark.parametrize("key", KEYS, ids=lambda k: f"{k[0]}.v{k[1]}")
def test_the_wire_form_matches_its_golden_file(key: tuple[str, int]) -> None:
    path = GOLDEN / f"{key[0]}.v{key[1]}.json"
    wire = json.dumps(json.loads(golden_envelope(key)), indent=2, sort_keys=True, ensure_ascii=False)
    if UPDATE or not path.exists():
        assert UPDATE, f"missing golden file {path.name}: run with JOBDATING_UPDATE_GOLDEN=1"
        path.write_text(wire + "\n")
    assert path.read_text() == wire + "\n"
    # and the golden file still decodes into the current type
    event = REGISTRY.payload(decode_envelope(path.read_bytes()))
    assert type(event) is REGISTRY.latest(key[0])


def test_a_v1_registration_is_upcast_to_the_latest_on_read() -> None:
    env = decode_envelope((GOLDEN / "CandidateRegistered.v1.json").read_bytes())
    event = REGISTRY.payload(env)
    assert isinstance(event, r.CandidateRegistered)
    assert event.import_key is None
    # What v1 had in clear is kept apart (`legacy`), the rest is the profile as it is now.
    assert event.profile == PROFILE
    assert event.legacy == IN_CLEAR_BEFORE


@pytest.mark.parametrize("key", [("CandidateRegistered", 2), ("CandidateUpdated", 1)], ids=str)
def test_the_counsellor_postcode_and_commune_of_old_events_move_out_of_the_profile(
    key: tuple[str, int],
) -> None:
    old = SAMPLES[key]
    if key[0] == "CandidateUpdated":
        old = msgspec.structs.replace(old, profile=PROFILE_V1)
    wire = encode_envelope(envelope(old, "cand-1", 1, service="registration", at=T))
    event = REGISTRY.payload(decode_envelope(wire))
    assert type(event) is REGISTRY.latest(key[0])
    assert event.profile == PROFILE  # type: ignore[attr-defined]
    assert event.legacy == IN_CLEAR_BEFORE  # type: ignore[attr-defined]


def test_new_registrations_carry_no_counsellor_postcode_or_commune_in_clear() -> None:
    wire = json.loads(golden_envelope(("CandidateRegistered", 3)))["data"]
    assert not {"counsellor_id", "postcode", "commune"} & set(wire["profile"])
    assert wire["legacy"] is None


def test_an_unknown_event_type_is_a_clear_error() -> None:
    env = decode_envelope(golden_envelope(("CandidateErased", 1)))
    with pytest.raises(UnknownEventType):
        REGISTRY.payload(msgspec.structs.replace(env, event_type="Nope"))


def test_the_envelope_uses_cloudevents_attribute_names() -> None:
    wire = json.loads(golden_envelope(("CandidateErased", 1)))
    assert {"specversion", "id", "source", "type", "time", "datacontenttype"} <= set(wire)
    assert all(k.isalnum() and k.islower() for k in wire)


def test_subjects_carry_org_and_service_and_refuse_structure_in_tokens() -> None:
    assert event_subject("mel", "registration", "candidate", "CandidateRegistered", "c1") == (
        "jobdating.mel.registration.candidate.CandidateRegistered.c1"
    )
    for bad in ("a.b", "*", ">", "a b", ""):
        with pytest.raises(InvalidSubjectToken):
            event_subject(bad, "registration", "candidate", "CandidateRegistered", "c1")


def test_the_checked_in_asyncapi_document_matches_the_code() -> None:
    doc = Path(__file__).parents[2] / "docs" / "asyncapi.json"
    assert doc.read_text() == render()


def test_a_v1_slot_assigned_is_read_as_an_interview_on_a_site_computer() -> None:
    from jobdating.contracts.scheduling import SlotAssigned

    event = REGISTRY.payload(decode_envelope(golden_envelope(("SlotAssigned", 1))))
    assert isinstance(event, SlotAssigned)
    assert (event.place, event.address, event.computer_id) == ("site", None, "pc-3")
