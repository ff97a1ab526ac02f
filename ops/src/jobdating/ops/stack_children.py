"""The children of the embedded stack (`Stack`): which services run, and the environment each is started
with (its own settings, the stack's clock, where its store, NATS user and tokens are)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import msgspec

from jobdating.ops.nats_users import CONSOLE_USER, instance_user
from jobdating.ops.stack_console import console_env
from jobdating.ops.stack_wording import TEMPLATES_DIR, WORDING_FILE
from jobdating.runtime.clock import ScaledClock

if TYPE_CHECKING:
    from jobdating.ops.stack import Stack

SERVICES = ("registration", "sites", "scheduling", "notifications", "identity")
CONSOLE = "console"  # the web pages: no store, no NATS user; it calls the services with people's tokens
WALL_CLOCK = ("identity", CONSOLE)  # on real time whatever clock the others read (see `service_env`)


class ServiceSpec(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    port: int
    org: str


def service_env(stack: Stack, spec: ServiceSpec) -> dict[str, str]:
    """Everything a service is started with: its own settings, the clock, where its store, NATS and tokens
    are, and the extra environment of this run (`Stack.restart`)."""
    prefix = f"JOBDATING_{spec.name.upper()}_"
    own = notifications_env(stack) if spec.name == "notifications" else {}
    if spec.name == "identity":
        own = identity_env(stack)
    if spec.name == CONSOLE:
        own = console_env(stack.data_dir, stack.url, stack.nats_url(CONSOLE_USER))
    if spec.name == "registration" and stack.console is not None:
        # Registration checks the candidates' links itself before it records their answers.
        own = {"JOBDATING_REGISTRATION_CANDIDATE_LINK_KEY_FILE": str(stack.console_secret_file)}
    # No federation key here: the blind index finds one person registered by two partners' registration
    # instances, and this stack runs one (every organisation's, the coordinator's); with a key it would
    # only add an index entry per candidate that nothing reads. compose, with the mission locale's own
    # instance, draws one (`compose-init`).
    # Identity stays on real time: access tokens' dates are checked against the services' wall clock
    # and TOTP codes against the person's phone, whatever day a rehearsal's clock reads. So does the
    # console, which counts the tokens' lives.
    clock_env = {} if spec.name in WALL_CLOCK else stack.clock_env
    clock = {prefix + key: value for key, value in clock_env.items()}
    return {
        **own,
        **clock,
        **os.environ,
        prefix + "ORG": spec.org,
        prefix + "STORE_URL": f"sqlite:///{stack.data_dir / (spec.name + '.db')}",
        **(
            {}
            if spec.name == CONSOLE
            else {prefix + "NATS_URL": stack.nats_url(instance_user(spec.name, spec.org))}
        ),
        prefix + "HOST": "127.0.0.1",
        prefix + "PORT": str(spec.port),
        prefix + "TOKENS_FILE": str(stack.tokens_file),
        **(identity_of(stack, prefix) if spec.name not in ("identity", CONSOLE) else {}),
        **stack.extra_env.get(spec.name, {}),
    }


def notifications_env(stack: Stack) -> dict[str, str]:
    """Notifications' own settings (the embedded mail server's too): where it sends and keeps copies, the
    operator's files, the console's links."""
    env = {
        "JOBDATING_NOTIFICATIONS_SMTP_HOST": "127.0.0.1",
        "JOBDATING_NOTIFICATIONS_SMTP_PORT": str(stack.smtp_port),
        "JOBDATING_NOTIFICATIONS_MAILDIR": str(stack.maildir),
        "JOBDATING_NOTIFICATIONS_SMS_SINK": str(stack.sms_file),
        "JOBDATING_NOTIFICATIONS_VOICE_SINK": str(stack.voice_file),
        # Delivery receipts: the SMS sink reports to the signed webhook, bounces are read from a folder.
        # Candidates' replies to SMS (`POST /sms/replies`) are signed with the same secret, which an SMS
        # provider would share (here, whoever plays the provider signs with it).
        "JOBDATING_NOTIFICATIONS_SMS_PROVIDER_SECRET_FILE": str(stack.sms_provider_secret_file),
        "JOBDATING_NOTIFICATIONS_SMS_SINK_REPORTS": "true",
        "JOBDATING_NOTIFICATIONS_BOUNCE_MAILDIR": str(stack.bounce_maildir),
    }
    # The organisation's wording and the operator's templates (`prepare` made them).
    if (stack.data_dir / WORDING_FILE).exists():
        env["JOBDATING_NOTIFICATIONS_WORDING_FILE"] = str(stack.data_dir / WORDING_FILE)
    if (stack.data_dir / TEMPLATES_DIR).is_dir():
        env["JOBDATING_NOTIFICATIONS_TEMPLATES_DIR"] = str(stack.data_dir / TEMPLATES_DIR)
    if stack.staff_file.exists():
        env["JOBDATING_NOTIFICATIONS_STAFF_FILE"] = str(stack.staff_file)
    if stack.console is not None:
        # Candidates' convocations carry their personal link to the console, signed with its key.
        env["JOBDATING_NOTIFICATIONS_CANDIDATE_LINK_KEY_FILE"] = str(stack.console_secret_file)
        env["JOBDATING_NOTIFICATIONS_CONSOLE_URL"] = stack.url(CONSOLE)
    return env


def identity_env(stack: Stack) -> dict[str, str]:
    """Identity's own settings: invitations through the embedded mail server, its URL as issuer."""
    url = stack.url("identity")
    return {
        "JOBDATING_IDENTITY_SMTP_HOST": "127.0.0.1",
        "JOBDATING_IDENTITY_SMTP_PORT": str(stack.smtp_port),
        "JOBDATING_IDENTITY_ISSUER": url,
        # No console yet: invitation links point at identity itself (the demo reads their token).
        "JOBDATING_IDENTITY_PUBLIC_BASE_URL": url,
        **{f"JOBDATING_IDENTITY_{key}": value for key, value in stack.identity_settings.items()},
    }


def identity_of(stack: Stack, prefix: str) -> dict[str, str]:
    """What makes another service accept identity's access tokens (the issuer is identity's)."""
    if not stack.with_identity:
        return {}
    url = stack.url("identity")
    return {prefix + "IDENTITY_URL": url, prefix + "IDENTITY_ISSUER": url}


def clock_env(clock: ScaledClock) -> dict[str, str]:
    """The settings (after each service's prefix) that make a service read `clock`."""
    return {
        "CLOCK_START": clock.start.isoformat(),
        "CLOCK_SPEED": repr(clock.speed),
        "CLOCK_ORIGIN": repr(clock.origin),
    }
