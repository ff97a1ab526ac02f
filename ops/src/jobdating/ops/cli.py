"""`jobdating`: the operator's command (Typer + Rich), its commands gathered from `jobdating.ops.commands`."""

from __future__ import annotations

from collections.abc import Callable

import typer

from jobdating.ops.commands import partners, tokens
from jobdating.ops.commands.backups import backup, restore_command
from jobdating.ops.commands.checks import audit, replay
from jobdating.ops.commands.compose_demo import compose_demo
from jobdating.ops.commands.compose_init import compose_init
from jobdating.ops.commands.demo_day import demo_day
from jobdating.ops.commands.system import provision, run_nats, run_tally, up
from jobdating.ops.french_help import APP_HELP, in_french
from jobdating.ops.reporting.command import report

app = typer.Typer(no_args_is_help=True, add_completion=False, help=APP_HELP)

# Each command under the name the operator types, in the order `--help` lists them.
COMMANDS: dict[str, Callable[..., object]] = {
    "provision": provision,
    "nats": run_nats,
    "tally": run_tally,
    "up": up,
    "audit": audit,
    "replay": replay,
    "report": report,
    "compose-init": compose_init,
    "compose-demo": compose_demo,
    "demo": demo_day,
    "backup": backup,
    "restore": restore_command,
}
for name, command in COMMANDS.items():
    app.command(name)(command)
app.add_typer(tokens.app, name="tokens")
app.add_typer(partners.app, name="partner")
in_french(app)  # last: every command registered above


def main() -> None:
    app()


if __name__ == "__main__":
    main()
