"""The embedded stack's notifications wording and templates folder, made once in the data folder and then
the operator's to edit (a restart of notifications reads them): the demo's département signs its messages,
and its logo heads its e-mails.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Final

from jobdating.testing.demo_data import COORDINATOR_ORG

WORDING_FILE: Final = "notifications-wording.toml"
TEMPLATES_DIR: Final = "notifications-templates"
LOGO_FILE: Final = "notifications-logo.png"
# The demo's logo, drawn for it (deploy/notifications/logo.png is the same file, for compose).
DEMO_LOGO: Final = Path(__file__).with_name("demo_logo.png")
# The demo's département: how its SMS and e-mails are signed.
DEMO_WORDING: Final = f'''# How each organisation signs its messages (docs/notifications-wording.md).
# Edit, then restart notifications; a mistake stops it with a sentence naming the problem.

[{COORDINATOR_ORG}]
sms_sender = "Dept Nord"
mail_from_name = "Département du Nord - Job dating"
signature = """
Département du Nord - Direction de l'insertion et de l'emploi
51 rue Gustave Delory, 59047 Lille cedex
03 59 73 59 59"""
logo = "{LOGO_FILE}"
'''
README: Final = """Templates placed here replace the packaged ones of the same name, file by file:
email/<kind>.j2 or sms/<kind>.j2 (docs/notifications-wording.md lists the kinds and their facts).
Restart notifications after a change; a mistake stops it with a sentence naming the file.
"""


def write_customization(data_dir: Path, orgs: Iterable[str]) -> tuple[Path, Path]:
    """The wording file (with a table for each notifications instance's organisation) and the templates
    folder, made when absent; an existing one is the operator's and is left as it is."""
    wording = data_dir / WORDING_FILE
    # Also beside a wording file made before the demo had a logo (one `logo = ...` line to add there).
    if not (data_dir / LOGO_FILE).exists():
        shutil.copyfile(DEMO_LOGO, data_dir / LOGO_FILE)
    if not wording.exists():
        others = "".join(f"\n[{org}]\n" for org in sorted(set(orgs) - {COORDINATOR_ORG}))
        wording.write_text(DEMO_WORDING + others, encoding="utf-8")
    templates = data_dir / TEMPLATES_DIR
    for channel in ("email", "sms"):
        (templates / channel).mkdir(parents=True, exist_ok=True)
    if not (templates / "README.txt").exists():
        (templates / "README.txt").write_text(README, encoding="utf-8")
    return wording, templates
