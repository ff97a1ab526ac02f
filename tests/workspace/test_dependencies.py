"""Each workspace member's pyproject.toml declares what its code imports, so that a service image (built
from the member's own wheel and locked dependencies) never lacks a package another member happened to
bring."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MEMBERS = {
    "shared": ROOT / "shared",
    "ops": ROOT / "ops",
    **{p.name: p for p in sorted((ROOT / "services").iterdir()) if (p / "pyproject.toml").exists()},
}
# Subpackages of the `jobdating` namespace and the member that ships each.
OWN = {"registration", "sites", "scheduling", "notifications", "identity", "ops"}


def _name(requirement: str) -> str:
    found = re.match(r"[A-Za-z0-9_.\-]+", requirement)
    assert found, requirement
    return found.group(0).lower().replace("_", "-")


def declared(member: Path) -> set[str]:
    project = tomllib.loads((member / "pyproject.toml").read_text())["project"]
    names = {_name(r) for r in project.get("dependencies", [])}
    for extra in project.get("optional-dependencies", {}).values():
        names |= {_name(r) for r in extra}
    return names


def imported(member: Path) -> set[str]:
    """Top-level modules (and `jobdating.<x>` subpackages) imported anywhere in the member's src/."""
    modules: set[str] = set()
    for path in (member / "src").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                parts = name.split(".")
                modules.add(".".join(parts[:2]) if parts[0] == "jobdating" else parts[0])
    return modules


@pytest.mark.parametrize("member", sorted(MEMBERS))
def test_a_member_declares_every_package_its_code_imports(member: str) -> None:
    distributions = packages_distributions()
    wanted: dict[str, str] = {}
    for module in imported(MEMBERS[member]):
        if module.startswith("jobdating."):
            sub = module.partition(".")[2]
            if sub in OWN and sub != member:
                wanted[module] = f"jobdating-{sub}"
            continue
        if module in sys.stdlib_module_names or module == "__future__":
            continue
        dists = distributions.get(module)
        assert dists, f"{member} imports {module}, which no installed distribution provides"
        wanted[module] = dists[0].lower().replace("_", "-")
    have = declared(MEMBERS[member])
    missing = {module: dist for module, dist in wanted.items() if dist not in have}
    assert missing == {}, f"{member}/pyproject.toml does not declare {sorted(set(missing.values()))}"


def test_shared_imports_no_service_and_no_ops() -> None:
    assert {m for m in imported(MEMBERS["shared"]) if m.partition(".")[2] in OWN} == set()
