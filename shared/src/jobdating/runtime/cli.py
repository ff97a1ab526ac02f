"""The services' command lines said in French: `--help`, usage and argparse's errors, for the operators."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from typing import Any, NoReturn

# argparse's own messages (Python 3.11), in the words an operator reads them.
_ERRORS = (
    (r"the following arguments are required: (.*)", r"arguments obligatoires manquants : \1"),
    (
        r"argument (\S+): invalid choice: (.*) \(choose from (.*)\)",
        r"argument \1 : choix inconnu \2 (possibles : \3)",
    ),
    (r"argument (\S+): invalid (\w+) value: (.*)", r"argument \1 : valeur invalide \3"),
    (r"argument (\S+): expected one argument", r"argument \1 : une valeur attendue"),
    (r"unrecognized arguments: (.*)", r"arguments inconnus : \1"),
    (r"argument (\S+): not allowed with argument (\S+)", r"argument \1 : pas en même temps que \2"),
    (r"one of the arguments (.*) is required", r"un de ces arguments est obligatoire : \1"),
    (r"ambiguous option: (\S+) could match (.*)", r"option ambiguë : \1 peut être \2"),
    (r"argument (\S+): expected at least one argument", r"argument \1 : au moins une valeur attendue"),
    (r"argument (\S+): expected at most one argument", r"argument \1 : au plus une valeur attendue"),
    (r"argument (\S+): expected (\d+) arguments?", r"argument \1 : \2 valeur(s) attendue(s)"),
    (r"argument (\S+): ignored explicit argument (.*)", r"argument \1 : valeur \2 en trop"),
)


class FrenchHelpFormatter(argparse.HelpFormatter):
    """argparse's layout with the French word for usage."""

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, prefix if prefix is not None else "utilisation : ")


class FrenchArgumentParser(argparse.ArgumentParser):
    """An `ArgumentParser` whose help and errors are in French (its subcommands' parsers too)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", FrenchHelpFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "arguments"
        self._optionals.title = "options"
        self.add_argument("-h", "--help", action="help", help="afficher cette aide et quitter")

    def add_commands(self, dest: str = "command") -> argparse._SubParsersAction[FrenchArgumentParser]:
        """The subcommands, one of which is required."""
        return self.add_subparsers(dest=dest, required=True, title="commandes", metavar="COMMANDE")

    def error(self, message: str) -> NoReturn:
        for english, french in _ERRORS:
            message = re.sub(english, french, message)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur : {message}\n")
