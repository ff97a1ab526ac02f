"""What an operator changes without code, checked when the service starts: the organisation's wording file
and the folder of templates that replace the packaged ones.

The wording file (TOML, `JOBDATING_NOTIFICATIONS_WORDING_FILE`) has one table per organisation; an instance
reads its own organisation's (`JOBDATING_NOTIFICATIONS_ORG`):

    [departement-nord]
    sms_sender = "Dept Nord"              # the sender name phones show (11 letters, digits or spaces)
    mail_from_name = "Job dating du Nord" # shown before the e-mail address in "From"
    signature = '''
    Département du Nord, direction de l'insertion
    51 rue Gustave Delory, 59047 Lille cedex - 03 59 73 59 59'''
    logo = "logo.png"                     # PNG or JPEG, 100 Ko at most, next to this file (or a full path)

With a logo, e-mails get an HTML alternative with it on top (`mail_html`); without one, plain text only.

A mistake stops the service at start with one French sentence naming the file and the problem, rather
than a message failing later, at send time, in front of a candidate.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, cast

from jinja2 import Environment, TemplateNotFound, TemplateSyntaxError, meta, nodes

from jobdating.notifications.adapters.mail_html import Letterhead
from jobdating.notifications.adapters.mail_logo import Logo, LogoProblem, read_logo
from jobdating.notifications.adapters.rendering import TEMPLATES, JinjaRenderer
from jobdating.notifications.domain.gsm7 import is_gsm7, transliterate

# Alphanumeric sender ids: 11 characters at most, and at least one letter (all digits is a phone number).
_SENDER: Final = re.compile(r"(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}")
WORDING_KEYS: Final = ("sms_sender", "mail_from_name", "signature", "logo")
# The facts that hold what a message carries besides its own news (one message per person per moment):
# the carried messages are recorded as told (`merged`) when it goes, so a template leaving them out would
# lose them without a word. What each one is, for the sentence refusing such a template.
CARRYING_FACTS: Final = {
    "meetings": "les ateliers et rendez-vous avec le conseiller annoncés dans le même message",
    "changes": "les autres entretiens de l'entreprise annoncés dans le même courriel",
}


class SetupProblem(Exception):
    """An operator's file the service cannot use; the message is one French sentence naming it."""


@dataclass(frozen=True)
class Wording:
    """An organisation's words around the messages: SMS sender name, e-mail display name and signature,
    and the logo of its e-mails."""

    sms_sender: str | None = None
    mail_from_name: str | None = None
    signature: str = ""
    logo: Logo | None = None

    @property
    def letterhead(self) -> Letterhead | None:
        """The e-mails' HTML letterhead: only with a logo (which `load_wording` gives a name to say)."""
        if self.logo is None or self.mail_from_name is None:
            return None
        return Letterhead(self.mail_from_name, self.logo)


def load_wording(path: Path | None, org: str) -> Wording:
    """The wording of `org` in the file at `path` (none set: the packaged templates' words only)."""
    if path is None:
        return Wording()
    try:
        tables = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SetupProblem(
            f"Le fichier de présentation {path} ne peut pas être lu ({exc.strerror})."
        ) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SetupProblem(f"Le fichier de présentation {path} n'est pas un TOML valide ({exc}).") from exc
    table = tables.get(org)
    if not isinstance(table, dict):
        raise SetupProblem(
            f"Le fichier de présentation {path} n'a pas de table [{org}] pour cette organisation."
        )
    values = {key: _text(path, org, key, value) for key, value in table.items()}
    sender = values.get("sms_sender")
    if sender is not None and not _SENDER.fullmatch(sender):
        raise SetupProblem(
            f"Dans {path}, [{org}] sms_sender « {sender} » doit avoir 11 caractères au plus, lettres sans "
            "accent, chiffres ou espaces, dont au moins une lettre."
        )
    name = values.get("mail_from_name")
    if name is not None and (not name.strip() or "\n" in name or any(c in name for c in '<>"@')):
        raise SetupProblem(
            f'Dans {path}, [{org}] mail_from_name doit être un nom sur une ligne, sans < > " ni @.'
        )
    logo = values.get("logo")
    return Wording(sender, name, values.get("signature", ""), _logo(path, org, logo, name) if logo else None)


def _logo(path: Path, org: str, value: str, name: str | None) -> Logo:
    if name is None:
        raise SetupProblem(
            f"Dans {path}, [{org}] logo demande aussi mail_from_name : le nom de l'organisation est le texte "
            "lu à la place du logo par ceux qui ne voient pas l'image."
        )
    file = path.parent / Path(value).expanduser()  # a relative path is beside the wording file
    try:
        return read_logo(file)
    except LogoProblem as exc:
        raise SetupProblem(f"Le logo {file} (réglage logo de [{org}] dans {path}) {exc}.") from exc


def _text(path: Path, org: str, key: str, value: Any) -> str:
    if key not in WORDING_KEYS:
        raise SetupProblem(
            f"Dans {path}, [{org}] « {key} » n'est pas un réglage connu "
            f"(réglages : {', '.join(WORDING_KEYS)})."
        )
    if not isinstance(value, str):
        raise SetupProblem(f"Dans {path}, [{org}] {key} doit être un texte entre guillemets.")
    return value


def check_templates(renderer: JinjaRenderer) -> None:
    """Load every template the renderer may use; an operator's must replace a packaged one, use only the
    facts that message has, and in an SMS say its own words in GSM-7."""
    folder = renderer.overrides
    if folder is not None and not folder.is_dir():
        raise SetupProblem(f"Le dossier de modèles {folder} n'existe pas.")
    packaged = {p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.j2")}
    own = {p.relative_to(folder).as_posix() for p in folder.rglob("*.j2")} if folder is not None else set()
    for name in sorted(own - packaged):
        if not Path(name).name.startswith("_"):  # a new partial of the operator's is fine
            raise SetupProblem(
                f"Le modèle {folder}/{name} ne remplace aucun modèle du service : vérifiez son nom "
                "et son dossier (email/ ou sms/, par exemple sms/convocation.j2)."
            )
    for name in sorted(packaged | own):
        shown = f"{folder}/{name}" if name in own else name
        env = renderer.sms if name.startswith("sms/") else renderer.email
        try:
            env.get_template(name)
            tree = env.parse(env.loader.get_source(env, name)[0])  # type: ignore[union-attr]
            # Jinja looks included templates up when it renders: look them up now.
            for used in tree.find_all((nodes.Include, nodes.Import, nodes.FromImport)):
                named = getattr(used, "template", None)
                if isinstance(named, nodes.Const):
                    env.get_template(named.value)
        except TemplateSyntaxError as exc:
            raise SetupProblem(
                f"Le modèle {shown} a une erreur de syntaxe à la ligne {exc.lineno} "
                f"(Jinja dit : {exc.message})."
            ) from exc
        except TemplateNotFound as exc:
            raise SetupProblem(f"Le modèle {shown} inclut {exc.name}, qui n'existe pas.") from exc
        if name.startswith("sms/"):
            _gsm7_words(shown, tree)
        if name in own and not Path(name).name.startswith("_"):
            _known_facts(env, shown, name, tree)
            _carried_shown(env, shown, name, tree)


def _gsm7_words(shown: str, tree: nodes.Template) -> None:
    for data in tree.find_all(nodes.TemplateData):
        wrong = [c for c in data.data if not is_gsm7(c)]
        if wrong:
            raise SetupProblem(
                f"Le modèle {shown} contient « {wrong[0]} », absent de l'alphabet des SMS (GSM-7) : "
                f"écrivez « {transliterate(wrong[0])} » pour que le SMS ne coûte pas deux fois plus."
            )


def template_facts(env: Environment, kind: str) -> set[str]:
    """The facts a message of `kind` gives its templates: what its packaged templates use (a message's
    facts are the same on both channels); docs/notifications-wording.md lists them."""
    facts: set[str] = set()
    for channel in ("email", "sms"):
        facts |= _used_by(env, TEMPLATES / channel / f"{kind}.j2", set())
    return facts - set(env.globals) - {"compact"}


def _used_by(env: Environment, packaged: Path, seen: set[Path]) -> set[str]:
    """The facts a packaged template uses, with those of the templates it includes or imports (a digest's
    templates share `_news.j2`)."""
    if packaged in seen or not packaged.exists():
        return set()
    seen.add(packaged)
    tree = env.parse(packaged.read_text(encoding="utf-8"))
    # A name a template sets itself (inside a macro, where Jinja's analysis does not see it) is no fact.
    own = {
        target.name
        for node in tree.find_all((nodes.Assign, nodes.For))
        for target in cast(nodes.Assign | nodes.For, node).target.find_all(nodes.Name)
    } | {arg.name for macro in tree.find_all(nodes.Macro) for arg in macro.args}
    own |= _imported(tree)
    used = set(meta.find_undeclared_variables(tree)) - own
    for name in meta.find_referenced_templates(tree):
        if name is not None:
            used |= _used_by(env, TEMPLATES / name, seen)
    return used


def _imported(tree: nodes.Template) -> set[str]:
    """The partials a template imports by name: one imported at the top, for both blocks of an e-mail,
    is no fact, though Jinja's analysis of the blocks, which read it from the context, says it is one."""
    return {node.target for node in tree.find_all(nodes.Import)}


def _known_facts(env: Environment, shown: str, name: str, tree: nodes.Template) -> None:
    known = template_facts(env, Path(name).stem)
    unknown = sorted(
        meta.find_undeclared_variables(tree) - _imported(tree) - known - set(env.globals) - {"compact"}
    )
    if unknown:
        raise SetupProblem(
            f"Le modèle {shown} utilise « {unknown[0]} », que ce message ne fournit pas "
            f"(disponibles : {', '.join(sorted(known))})."
        )


def _carried_shown(env: Environment, shown: str, name: str, tree: nodes.Template) -> None:
    """An operator's template of a message that carries others (`CARRYING_FACTS`) must show them, itself
    or through a template it includes or imports (the packaged partials, or the operator's)."""
    known = template_facts(env, Path(name).stem)
    used = _used_with_partials(env, tree, set())
    for fact, what in CARRYING_FACTS.items():
        if fact in known and fact not in used:
            raise SetupProblem(
                f"Le modèle {shown} n'utilise pas « {fact} » : {what} ne seraient dits nulle part "
                "(voir docs/notifications-wording.md)."
            )


def _used_with_partials(env: Environment, tree: nodes.Template, seen: set[str]) -> set[str]:
    """The names a template uses, with those of the templates it includes or imports, as the renderer
    finds them (an operator's partial before the packaged one)."""
    used = set(meta.find_undeclared_variables(tree))
    for name in meta.find_referenced_templates(tree):
        if name is None or name in seen:
            continue
        seen.add(name)
        source = env.loader.get_source(env, name)[0]  # type: ignore[union-attr]
        used |= _used_with_partials(env, env.parse(source), seen)
    return used
