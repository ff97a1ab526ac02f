"""Where `jobdating compose-demo` finds the compose stack from the operator's machine: the services' ports
and the folders `.env` names (written by `compose-init --demo`), the coordination's machine token in the
operator's clear copy, the demo's day; then the printed sign-ins kept for the operator alone.

The accounts, the chosen day and the sign-ins live beside the config folder, with the machine tokens
(`demo-accounts.json`, `demo-day`, `demo-sign-ins.txt`, 0600): never in a folder a container mounts.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from jobdating.ops import compose, tokens
from jobdating.ops.demo_calendar import keep_day, kept_day, local_today, next_working_day
from jobdating.ops.demo_setup import DemoPlace
from jobdating.ops.files import replace_file
from jobdating.runtime.clock import Clock, clock_from_settings
from jobdating.testing.demo_data import COORDINATOR_ORG

SIGN_INS = "demo-sign-ins.txt"
# The ports docker-compose.yml publishes when .env leaves them out.
DEFAULT_PORTS = {
    "REGISTRATION_PORT": "8001",
    "SITES_PORT": "8002",
    "SCHEDULING_PORT": "8003",
    "IDENTITY_PORT": "8005",
    "CONSOLE_PORT": "8000",
}
PARTNER_SITES_PORTS = {"mission-locale": ("SITES_MISSION_LOCALE_PORT", "8012")}
"""The sites instances of the partners running their own (compose.PARTNER_INSTANCES): each opens its own
sites."""


class ComposeDemoError(RuntimeError):
    """The compose stack cannot take the demo from here; the message says what to do, in French."""


class ComposeSettings:
    """The settings of a compose checkout's `.env`, as the operator's machine reaches its stack."""

    def __init__(self, root: Path) -> None:
        self.root = root
        env = root / ".env"
        if not env.exists():
            raise ComposeDemoError(
                f"pas de fichier .env dans {root.resolve()} : lancez `jobdating compose-init --demo`"
            )
        self.settings = compose.read_env(env)

    def get(self, key: str, default: str = "") -> str:
        return self.settings.get(key) or default

    def url(self, port_setting: str, default: str | None = None) -> str:
        bind = self.get("JOBDATING_BIND", "127.0.0.1")
        host = "127.0.0.1" if bind in ("0.0.0.0", "") else bind  # noqa: S104 - read, not bound
        return f"http://{host}:{self.get(port_setting, default or DEFAULT_PORTS[port_setting])}"

    @property
    def config_dir(self) -> Path:
        folder = Path(self.get("JOBDATING_CONFIG_DIR", "./deploy/compose/config"))
        return folder if folder.is_absolute() else self.root / folder

    @property
    def operator_folder(self) -> Path:
        return self.config_dir.parent

    def maildir(self) -> Path:
        setting = self.get("JOBDATING_MAIL_DIR", "mail")
        folder = compose.mail_folder(self.root, setting)
        if folder is None:
            raise ComposeDemoError(
                f"le courrier du relais de test est dans le volume Docker « {setting} », illisible d'ici : "
                "mettez JOBDATING_MAIL_DIR=./deploy/compose/mail dans .env (créez le dossier, mode 0777), "
                "puis `docker-compose up -d mail notifications identity`"
            )
        return folder

    def staff_file_problem(self) -> str | None:
        """Why notifications would not read the staff directory this command writes, or None."""
        expected = f"{compose.MOUNTED_CONFIG}/{compose.STAFF_FILE}"
        if self.get("JOBDATING_STAFF_FILE") != expected:
            return (
                f"JOBDATING_STAFF_FILE n'est pas {expected} dans .env : les conseillers ne seront pas "
                "prévenus des résultats de leurs candidats ; corrigez .env puis "
                "`docker-compose up -d notifications`"
            )
        return None

    def clock(self) -> Clock:
        """The services' clock: the one .env sets for a rehearsal on another date, else the real time."""
        start, speed, origin = (self.get(f"JOBDATING_CLOCK_{key}") for key in ("START", "SPEED", "ORIGIN"))
        return clock_from_settings(
            datetime.fromisoformat(start) if start else None,
            float(speed) if speed else 1.0,
            float(origin) if origin else None,
        )


def place_of(settings: ComposeSettings) -> DemoPlace:
    """The compose stack's addresses and folders (see `demo_setup.DemoPlace`)."""
    if not settings.config_dir.is_dir():
        raise ComposeDemoError(
            f"pas de dossier de configuration {settings.config_dir} : lancez `jobdating compose-init --demo`"
        )
    operator = compose.operator_file(settings.config_dir)
    if not operator.exists():
        raise ComposeDemoError(
            f"pas de jetons machine dans {operator} : lancez `jobdating compose-init --demo`"
        )
    coordination = [
        token
        for token, who in tokens.read(operator).items()
        if who.get("org") == COORDINATOR_ORG and who.get("role") == "coordinator"
    ]
    if not coordination:
        raise ComposeDemoError(f"aucun jeton de la coordination ({COORDINATOR_ORG}) dans {operator}")
    sites = {COORDINATOR_ORG: settings.url("SITES_PORT")}
    sites |= {org: settings.url(port, default) for org, (port, default) in PARTNER_SITES_PORTS.items()}
    return DemoPlace(
        identity_url=settings.url("IDENTITY_PORT"),
        registration_url=settings.url("REGISTRATION_PORT"),
        sites_url=sites,
        scheduling_url=settings.url("SCHEDULING_PORT"),
        machine_token=coordination[0],
        maildir=settings.maildir(),
        folder=settings.operator_folder,
        staff_file=settings.config_dir / compose.STAFF_FILE,
    )


def demo_day(settings: ComposeSettings, chosen: date | None) -> date:
    """The job dating's day: `chosen`, else the one an earlier run kept, else the next working day of the
    services' clock (convocations and reminders go out as before a real job dating); kept for the next run."""
    folder = settings.operator_folder
    if chosen is not None:
        return keep_day(folder, chosen)
    return kept_day(folder) or keep_day(folder, next_working_day(local_today(settings.clock().now())))


def keep_sign_ins(settings: ComposeSettings, lines: list[str]) -> Path:
    """The printed sign-ins, also in a file the operator alone reads (passwords and TOTP keys)."""
    path = settings.operator_folder / SIGN_INS
    replace_file(path, "\n".join(lines) + "\n", mode=0o600, keep_mode=False)
    return path
