"""Every service's HTTP API, fuzzed from its own OpenAPI with schemathesis: no input makes a 5xx, and every
answer (status and body) is one the OpenAPI declares.

In-process on each ASGI app (no NATS: the routes only read and write the store), on a store holding one
site. Per operation, EXAMPLES valid and EXAMPLES invalid requests, each from a caller drawn from the
service's token table (every role); derandomized, so CI sends the same requests every run, and not
shrunk, so a failure costs no extra time. About 45 s of CPU for the four domain services, ~30 s more for
identity (measured under load).

The same apps' OpenAPI is read as the French partners read it: every operation says in French who calls it
and what it does."""

from __future__ import annotations

import itertools
import time as clock
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Err
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from jobdating.eventstore.sqlite import SqliteEventStore
from jobdating.runtime.auth import Principal, TokenTable
from jobdating.testing.french_text import english_or_missing

EXAMPLES = 20
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


def _store(tmp_path: Path, name: str) -> SqliteEventStore:
    store = SqliteEventStore(tmp_path / f"{name}.db")
    store.migrate()
    return store


def registration_app(tmp_path: Path) -> tuple[FastAPI, list[str]]:
    from jobdating.registration.bootstrap import build_app, build_service
    from jobdating.registration.testing import CALLERS, open_site, tokens

    service = build_service(org="mel", store=_store(tmp_path, "registration"))
    open_site(service, site_id="site-1")
    return build_app(service, tokens()), [f"token-of-{name}" for name in CALLERS]


def sites_app(tmp_path: Path) -> tuple[FastAPI, list[str]]:
    from jobdating.sites.bootstrap import bootstrap
    from jobdating.sites.config import SitesSettings

    callers = {
        "coordinator": Principal(org="departement-nord", role="coordinator", actor_id="coord-1"),
        "site-manager": Principal(org="france-travail", role="site_manager", actor_id="ft-1"),
        "viewer": Principal(org="mission-locale", role="viewer", actor_id="view-1"),
    }
    settings_ = SitesSettings(org="departement-nord", store_url="sqlite:///unused", tokens_file=None)
    service = bootstrap(settings_, store=_store(tmp_path, "sites"), tokens=TokenTable(callers))
    return service.app, list(callers)


def scheduling_app(tmp_path: Path) -> tuple[FastAPI, list[str]]:
    from jobdating.scheduling.bootstrap import bootstrap
    from jobdating.scheduling.config import SchedulingSettings
    from jobdating.scheduling.testing import MovableClock, principals

    callers = principals("fuzz")
    settings_ = SchedulingSettings(
        org="departement-nord", store_url="sqlite:///unused", video_base_url="https://visio.test/e"
    )
    service = bootstrap(
        settings_, store=_store(tmp_path, "scheduling"), tokens=TokenTable(callers), clock=MovableClock()
    )
    return service.app, list(callers)


def notifications_app(tmp_path: Path) -> tuple[FastAPI, list[str]]:
    from jobdating.notifications.bootstrap import bootstrap
    from jobdating.notifications.config import NotificationsSettings

    callers = {
        "coordinator": Principal(org="departement-nord", role="coordinator", actor_id="coord-1"),
        "counsellor": Principal(org="mission-locale", role="counsellor", actor_id="ml-1"),
        "viewer": Principal(org="departement-nord", role="viewer", actor_id="view-1"),
    }
    staff = tmp_path / "staff.toml"
    staff.write_text("")
    secret = tmp_path / "sms-webhook.secret"  # the SMS provider's delivery webhook is served (and fuzzed)
    secret.write_text("secret")
    settings_ = NotificationsSettings(
        org="departement-nord",
        store_url="sqlite:///unused",
        staff_file=staff,
        maildir=None,
        sms_sink=tmp_path / "sms.jsonl",
        voice_sink=tmp_path / "voice.jsonl",
        sms_provider_secret_file=secret,
    )
    service = bootstrap(settings_, store=_store(tmp_path, "notifications"), tokens=TokenTable(callers))
    return service.app, list(callers)


class _Discarded:
    """Invitations go nowhere: the fuzzer checks answers, not mail."""

    def send(self, to: str, subject: str, text: str) -> None:
        pass


def identity_app(tmp_path: Path) -> tuple[FastAPI, list[str]]:
    from argon2 import Parameters, Type

    from jobdating.identity.adapters.passwords import Argon2Passwords
    from jobdating.identity.bootstrap import bootstrap
    from jobdating.identity.config import IdentitySettings
    from jobdating.identity.domain.commands import RegisterOrganisation
    from jobdating.identity.domain.permissions import Actor
    from jobdating.runtime.commands import Meta

    callers = {
        "coordinator": Principal(org="departement-nord", role="coordinator", actor_id="coord-1"),
        "counsellor": Principal(org="mission-locale", role="counsellor", actor_id="ml-1"),
        "viewer": Principal(org="departement-nord", role="viewer", actor_id="view-1"),
    }
    # The service's argon2id takes 64 MiB and up to a second a hash here: the fuzzer's hundreds of sign-ins
    # use the same algorithm at its smallest cost.
    cheap = Argon2Passwords(Parameters(Type.ID, 19, 16, 32, time_cost=1, memory_cost=8, parallelism=1))
    settings_ = IdentitySettings(org="departement-nord", store_url="sqlite:///unused", tokens_file=None)
    service = bootstrap(
        settings_,
        store=_store(tmp_path, "identity"),
        tokens=TokenTable(callers),
        mailer=_Discarded(),
        passwords=cheap,
    )
    coordinator = Actor(account_id="coord-1", org="departement-nord", roles=("coordinator",))
    meta = Meta(org="departement-nord", actor_id="coord-1", correlation_id="fuzz")
    command = RegisterOrganisation(
        organisation_id="mission-locale", kind="mission_locale", name="Mission Locale"
    )
    service.handlers.register_organisation(command, coordinator, meta)
    return service.app, list(callers)


APPS: dict[str, Callable[[Path], tuple[FastAPI, list[str]]]] = {
    "registration": registration_app,
    "sites": sites_app,
    "scheduling": scheduling_app,
    "notifications": notifications_app,
    "identity": identity_app,
}


def failures(app: FastAPI, tokens: list[str]) -> Iterator[str]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = []
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            raise result.err()
        operations.append(result.ok())
    for operation, mode in itertools.product(operations, MODES):

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode), token=st.sampled_from(tokens))
        def call(case: Any, token: str) -> None:
            response = case.call(headers={"Authorization": f"Bearer {token}"})
            case.validate_response(response, checks=CHECKS)

        try:
            call()
        except Unsatisfiable:
            pass  # nothing to make invalid (no parameters, no body)
        except (Exception, BaseExceptionGroup) as exc:  # every failing operation reported, not the 1st
            yield f"{operation.label} ({mode.value}): {exc}"


@pytest.mark.parametrize("service", list(APPS))
def test_no_input_makes_a_server_error_or_an_undeclared_answer(service: str, tmp_path: Path) -> None:
    app, tokens = APPS[service](tmp_path)
    started = clock.monotonic()
    found = list(failures(app, tokens))
    print(f"{service}: {clock.monotonic() - started:.1f} s")
    assert not found, "\n\n".join(found)


def test_the_french_check_tells_english_from_french() -> None:
    assert english_or_missing("Get Health") is not None
    assert english_or_missing("Register a candidate; the caller's organisation refers them.") is not None
    assert english_or_missing("") == "missing"
    assert english_or_missing("Inscrire un candidat") is None


@pytest.mark.parametrize("service", list(APPS))
def test_every_operation_says_in_french_who_calls_it_and_what_it_does(service: str, tmp_path: Path) -> None:
    app, _ = APPS[service](tmp_path)
    found = []
    for path, operations in app.openapi()["paths"].items():
        for method, operation in operations.items():
            for key in ("summary", "description"):
                wrong = english_or_missing(operation.get(key))
                if wrong is not None:
                    found.append(f"{method.upper()} {path} {key}: {wrong}: {operation.get(key)!r}")
    assert not found, "\n".join(found)
