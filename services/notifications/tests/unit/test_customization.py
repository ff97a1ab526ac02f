"""An operator's wording file and templates folder: read when right, refused at start with one French
sentence naming the file and the problem when wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobdating.notifications.adapters.customization import (
    SetupProblem,
    Wording,
    check_templates,
    load_wording,
    template_facts,
)
from jobdating.notifications.adapters.rendering import TEMPLATES, JinjaRenderer

from .test_templates import context

WORDING = '''
[departement-nord]
sms_sender = "Dept Nord"
mail_from_name = "Job dating du Nord"
signature = """
Département du Nord, direction de l'insertion
51 rue Gustave Delory, 59047 Lille cedex"""

[mission-locale]
sms_sender = "ML Lille"
'''


def test_an_instance_reads_its_own_organisations_wording(tmp_path: Path) -> None:
    path = tmp_path / "wording.toml"
    path.write_text(WORDING, encoding="utf-8")
    wording = load_wording(path, "departement-nord")
    assert wording.sms_sender == "Dept Nord"
    assert wording.mail_from_name == "Job dating du Nord"
    assert wording.signature.strip().startswith("Département du Nord")
    assert load_wording(path, "mission-locale") == Wording(sms_sender="ML Lille")
    assert load_wording(None, "departement-nord") == Wording()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[departement-nord\n", "n'est pas un TOML valide"),
        ("[mission-locale]\n", "n'a pas de table [departement-nord] pour cette organisation"),
        ('[departement-nord]\nsignatur = "x"\n', "« signatur » n'est pas un réglage connu"),
        ("[departement-nord]\nsms_sender = 3\n", "sms_sender doit être un texte"),
        ('[departement-nord]\nsms_sender = "Département"\n', "sms_sender « Département » doit avoir"),
        ('[departement-nord]\nsms_sender = "Conseil departemental"\n', "11 caractères au plus"),
        ('[departement-nord]\nsms_sender = "0320000000"\n', "dont au moins une lettre"),
        ('[departement-nord]\nmail_from_name = "Nord <x@y>"\n', "mail_from_name doit être un nom"),
    ],
)
def test_a_wrong_wording_file_is_refused_in_one_french_sentence_naming_it(
    tmp_path: Path, text: str, problem: str
) -> None:
    path = tmp_path / "wording.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SetupProblem) as refused:
        load_wording(path, "departement-nord")
    message = str(refused.value)
    assert problem in message
    assert str(path) in message
    assert message.endswith(".")
    assert "\n" not in message


def test_the_packaged_templates_pass_the_check() -> None:
    check_templates(JinjaRenderer())


def override(tmp_path: Path, name: str, text: str) -> JinjaRenderer:
    folder = tmp_path / "templates"
    (folder / name).parent.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return JinjaRenderer(folder)


@pytest.mark.parametrize(
    ("name", "text", "problem"),
    [
        (
            "sms/convocation.j2",
            "Entretien {{ company }",
            "sms/convocation.j2 a une erreur de syntaxe à la ligne 1 (Jinja dit : ",
        ),
        ("sms/convocaton.j2", "Entretien", "sms/convocaton.j2 ne remplace aucun modèle du service"),
        ("sms/convocation.j2", "Entretien {{ compagny }}", "utilise « compagny », que ce message ne"),
        ("sms/convocation.j2", "Fenêtre {{ company }}", "contient « ê », absent de l'alphabet des SMS"),
        ("email/thank_you.j2", '{% include "email/_absent.j2" %}', "inclut email/_absent.j2, qui n'existe"),
    ],
)
def test_a_broken_override_is_refused_in_one_french_sentence_naming_it(
    tmp_path: Path, name: str, text: str, problem: str
) -> None:
    renderer = override(tmp_path, name, text)
    with pytest.raises(SetupProblem) as refused:
        check_templates(renderer)
    message = str(refused.value)
    assert problem in message
    assert "\n" not in message
    if "absent" not in problem:
        assert str(tmp_path / "templates" / name) in message


@pytest.mark.parametrize(
    ("name", "text", "fact"),
    [
        ("sms/convocation.j2", "Entretien {{ interviews[0].company }}.", "meetings"),
        ("email/workshop_convocation.j2", "{% block subject %}Atelier{% endblock %}", "meetings"),
        (
            "email/agenda_update.j2",
            "{% block subject %}{{ item.starts_at|day }}{% endblock %}{% block body %}{{ item.first_name }}"
            "{% endblock %}",
            "changes",
        ),
    ],
)
def test_an_override_leaving_out_what_its_message_carries_is_refused(
    tmp_path: Path, name: str, text: str, fact: str
) -> None:
    # Its carried messages would be recorded as told (`merged`) and never said.
    with pytest.raises(SetupProblem) as refused:
        check_templates(override(tmp_path, name, text))
    message = str(refused.value)
    assert f"Le modèle {tmp_path / 'templates' / name} n'utilise pas « {fact} »" in message
    assert "\n" not in message


def test_an_override_may_show_what_it_carries_through_a_partial(tmp_path: Path) -> None:
    # The operator's own partial, included by their template, shows the meetings.
    renderer = override(
        tmp_path, "sms/convocation.j2", 'Entretien {{ interviews[0].company }}. {% include "sms/_mine.j2" %}'
    )
    (tmp_path / "templates" / "sms" / "_mine.j2").write_text("{{ meetings|length }} RDV", encoding="utf-8")
    check_templates(renderer)
    text = renderer.render("convocation", "sms", context(meetings=[])).text
    assert text == "Entretien Logistique du Nord. 0 RDV"


def test_a_missing_templates_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SetupProblem, match=r"Le dossier de modèles .* n'existe pas"):
        check_templates(JinjaRenderer(tmp_path / "absent"))


def test_an_override_replaces_its_template_only_and_the_signature_ends_every_email(tmp_path: Path) -> None:
    renderer = override(
        tmp_path,
        "sms/convocation.j2",
        "Le Nord vous attend : {{ interviews[0].company }}, {{ interviews[0].starts_at|short_hour }}."
        '{% from "sms/_meetings.j2" import list with context %} {{ list() }}',
    )
    renderer.signature = "Département du Nord"
    check_templates(renderer)
    assert (
        renderer.render("convocation", "sms", context()).text
        == "Le Nord vous attend : Logistique du Nord, 9h30."
    )
    assert renderer.render("reminder_morning", "sms", context()).text.startswith("C'est aujourd'hui")
    mail = renderer.render("convocation", "email", context()).text
    assert mail.endswith("\n\n-- \nDépartement du Nord\n")


def test_the_operators_docs_list_the_facts_each_template_gets() -> None:
    docs = Path(__file__).resolve().parents[4] / "docs" / "notifications-wording.md"
    rows = {}
    for line in docs.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`") and cells[1] in ("email", "email, sms", "sms"):
            rows[cells[0].strip("`")] = {fact.strip(" `") for fact in cells[2].split(",")}
    env = JinjaRenderer().email
    kinds = {p.stem for p in TEMPLATES.rglob("*.j2") if not p.name.startswith("_")}
    assert rows == {kind: template_facts(env, kind) for kind in kinds}


@pytest.mark.parametrize("kind", ["convocation", "reminder_morning", "workshop_convocation"])
def test_an_operators_copy_of_a_template_importing_its_partials_once_passes_the_check(
    tmp_path: Path, kind: str
) -> None:
    name = f"email/{kind}.j2"
    renderer = override(tmp_path, name, (TEMPLATES / name).read_text(encoding="utf-8"))
    check_templates(renderer)
    assert renderer.render(kind, "email", context()) == JinjaRenderer().render(kind, "email", context())
