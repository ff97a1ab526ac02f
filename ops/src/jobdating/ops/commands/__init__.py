"""The `jobdating` command's commands, one module per group, put on one Typer app by `jobdating.ops.cli`."""
