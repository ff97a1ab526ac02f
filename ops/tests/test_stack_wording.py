"""The embedded stack's notifications wording: the demo's département signs its messages (and heads its
e-mails with its logo), every notifications instance finds its table, and notifications' own start check
accepts what was written."""

from __future__ import annotations

from pathlib import Path

from jobdating.notifications.adapters.customization import check_templates, load_wording
from jobdating.notifications.adapters.rendering import JinjaRenderer
from jobdating.ops.stack_wording import write_customization


def test_the_demos_wording_is_the_departements_and_passes_notifications_check(tmp_path: Path) -> None:
    wording, templates = write_customization(tmp_path, ["departement-nord", "mission-locale"])
    demo = load_wording(wording, "departement-nord")
    assert demo.sms_sender == "Dept Nord"
    assert demo.mail_from_name == "Département du Nord - Job dating"
    assert "Direction de l'insertion" in demo.signature
    assert demo.letterhead is not None  # the demo's logo, copied beside the wording file
    assert (demo.letterhead.name, demo.letterhead.logo.subtype) == (demo.mail_from_name, "png")
    assert load_wording(wording, "mission-locale").sms_sender is None
    check_templates(JinjaRenderer(templates, demo.signature))
    assert sorted(p.name for p in templates.iterdir()) == ["README.txt", "email", "sms"]


def test_an_operators_edits_are_kept_when_the_stack_starts_again(tmp_path: Path) -> None:
    wording, templates = write_customization(tmp_path, ["departement-nord"])
    wording.write_text('[departement-nord]\nsms_sender = "Nord"\n', encoding="utf-8")
    (templates / "sms" / "thank_you.j2").write_text("Merci !", encoding="utf-8")
    write_customization(tmp_path, ["departement-nord"])
    assert load_wording(wording, "departement-nord").sms_sender == "Nord"
    assert (templates / "sms" / "thank_you.j2").read_text(encoding="utf-8") == "Merci !"


def test_the_folder_compose_mounts_passes_notifications_check() -> None:
    folder = Path(__file__).resolve().parents[2] / "deploy" / "notifications"
    wording = load_wording(folder / "wording.toml", "departement-nord")  # compose's notifications org
    assert wording.sms_sender == "Dept Nord"
    assert wording.letterhead is not None
    assert wording.letterhead.logo.data == (folder / "logo.png").read_bytes()
    check_templates(JinjaRenderer(folder / "templates", wording.signature))
