"""typer's usage errors in French: an unknown option or command, a missing argument, a value refused.

typer words them in English inside its own copy of click (f-strings, no catalogue to plug in); the
commands of `french_help` catch them on their way out and say them again with the table below. A message
it does not know keeps its English words, framed in French where the frame is known.
"""

from __future__ import annotations

import re

from typer._click.exceptions import NoArgsIsHelpError, UsageError

# One rewrite a line, `English pattern  →  French`, applied in order: the frame of the message first, then
# the words typer and pydantic put in it; `\x20` is a space at either end of a side.
_TABLE = r"""
^No such option: (.+?)(?= \(Possible options: |$)       →  option inconnue : \1
\(Possible options: (.*)\)$                             →  (options possibles : \1)
^No such command (.*?)\.(?= Did you mean |$)            →  commande inconnue : \1
\x20Did you mean (.*)\?$                                →  \x20(vouliez-vous dire \1 ?)
^Missing command\.                                      →  commande manquante.
^Missing argument (.*?)\.                               →  argument manquant : \1.
^Missing option (.*?)\.                                 →  option manquante : \1.
^Missing parameter(?:: | )(.*?)\.?$                     →  paramètre manquant : \1.
Choose from:                                            →  Choisir parmi :
^Invalid value for (.*?):                               →  valeur invalide pour \1 :\x20
^Invalid value:                                         →  valeur invalide :\x20
\x20\(env var: (.*?)\)                                  →  \x20(variable d'environnement : \1)
^Got unexpected extra argument\(s\) \((.*)\)            →  argument(s) en trop : \1
^Option (.*) requires an argument\.                     →  l'option \1 attend une valeur.
^Option (.*) requires (\d+) arguments\.                 →  l'option \1 attend \2 valeurs.
^Option (.*) does not take a value\.                    →  l'option \1 ne prend pas de valeur.
^Argument (.*) takes (\d+) values\.                     →  l'argument \1 attend \2 valeurs.
Value error,\x20                                        →
(\S+) is not one of (.*)\.$                             →  \1 n'est pas l'un de \2.
Input should be a valid integer(, [^.]*)?               →  un nombre entier est attendu
Input should be a valid number(, [^.]*)?                →  un nombre est attendu
Input should be a valid boolean(, [^.]*)?               →  oui ou non est attendu (true, false)
: File '                                                →  : fichier '
: Directory '                                           →  : dossier '
: Path '                                                →  : chemin '
('.*') does not exist\.$                                →  \1 introuvable.
('.*') is a file\.$                                     →  \1 : un fichier.
('.*') is a directory\.$                                →  \1 : un dossier.
"""
_SAID = [
    (english.strip().replace("\\x20", " "), french.strip().replace("\\x20", " "))
    for english, french in (line.split("→") for line in _TABLE.strip("\n").splitlines())
]


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
