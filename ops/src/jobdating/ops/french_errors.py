"""typer's usage errors in French: an unknown option or command, a missing argument, a value refused.

typer words them in English inside its own copy of click (f-strings, no catalogue to plug in); the
commands of `french_help` catch them on their way out and say them again with the table below. A message
it does not know keeps its English words, framed in French where the frame is known.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from typer._click.exceptions import NoArgsIsHelpError, UsageError

_PATH_KIND = {"File": "fichier", "Directory": "dossier", "Path": "chemin"}

# In order: the frame of the message, then the words typer and pydantic put in it.
_SAID: tuple[tuple[str, str | Callable[[re.Match[str]], str]], ...] = (
    (r"^No such option: (.+?)(?= \(Possible options: |$)", r"option inconnue : \1"),
    (r"\(Possible options: (.*)\)$", r"(options possibles : \1)"),
    (r"^No such command (.*?)\.(?= Did you mean |$)", r"commande inconnue : \1"),
    (r" Did you mean (.*)\?$", r" (vouliez-vous dire \1 ?)"),
    (r"^Missing command\.", "commande manquante."),
    (r"^Missing argument (.*?)\.", r"argument manquant : \1."),
    (r"^Missing option (.*?)\.", r"option manquante : \1."),
    (r"^Missing parameter(?:: | )(.*?)\.?$", r"paramètre manquant : \1."),
    (r"Choose from:", "Choisir parmi :"),
    (r"^Invalid value for (.*?): ", r"valeur invalide pour \1 : "),
    (r"^Invalid value: ", "valeur invalide : "),
    (r" \(env var: (.*?)\)", r" (variable d'environnement : \1)"),
    (r"^Got unexpected extra argument\(s\) \((.*)\)", r"argument(s) en trop : \1"),
    (r"^Option (.*) requires an argument\.", r"l'option \1 attend une valeur."),
    (r"^Option (.*) requires (\d+) arguments\.", r"l'option \1 attend \2 valeurs."),
    (r"^Option (.*) does not take a value\.", r"l'option \1 ne prend pas de valeur."),
    (r"^Argument (.*) takes (\d+) values\.", r"l'argument \1 attend \2 valeurs."),
    (r"Value error, ", ""),
    (r"(\S+) is not one of (.*)\.$", r"\1 n'est pas l'un de \2."),
    (r"Input should be a valid integer(, [^.]*)?", "un nombre entier est attendu"),
    (r"Input should be a valid number(, [^.]*)?", "un nombre est attendu"),
    (r"Input should be a valid boolean(, [^.]*)?", "oui ou non est attendu (true, false)"),
    (r"(File|Directory|Path) ('.*') does not exist\.", lambda m: f"{_PATH_KIND[m[1]]} {m[2]} introuvable."),
    (r"(File|Directory|Path) ('.*') is a file\.", lambda m: f"{_PATH_KIND[m[1]]} {m[2]} : un fichier."),
    (r"(File|Directory|Path) ('.*') is a directory\.", lambda m: f"{_PATH_KIND[m[1]]} {m[2]} : un dossier."),
)


def in_french(message: str) -> str:
    """An English usage error of typer's in French (unknown words kept)."""
    for english, french in _SAID:
        message = re.sub(english, french, message, flags=re.DOTALL)
    return message


def french_usage_error(error: UsageError) -> UsageError:
    """The same error said in French, with its command (for the usage line and the help hint)."""
    if isinstance(error, NoArgsIsHelpError):  # a help page, not an error
        return error
    said = in_french(error.format_message())
    return error if said == error.format_message() else UsageError(said, error.ctx)
