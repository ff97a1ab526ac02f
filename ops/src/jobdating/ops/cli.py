"""`jobdating`: the operator's command (Typer + Rich), its commands gathered from `jobdating.ops.commands`."""

from __future__ import annotations

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

app.command("provision")(provision)
app.command("nats")(run_nats)
app.command("tally")(run_tally)
app.command("up")(up)
app.command("audit")(audit)
app.command("replay")(replay)
app.command("report")(report)
app.command("compose-init")(compose_init)
app.command("compose-demo")(compose_demo)
app.command("demo")(demo_day)
app.command("backup")(backup)
app.command("restore")(restore_command)
app.add_typer(tokens.app, name="tokens")
app.add_typer(partners.app, name="partner")
in_french(app)  # last: every command registered above


def main() -> None:
    app()


if __name__ == "__main__":
    main()
