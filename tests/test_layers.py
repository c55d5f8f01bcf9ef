"""Data flows one way: the portal and the assistant call the directory, the surveys and the referrals; those never
import the portal (or the assistant), so they can be used from the command line, a job or a test on their own."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", ["accounts", "directory", "surveys", "referrals"])
def test_a_domain_package_never_imports_the_portal_or_the_assistant(package: str) -> None:
    reaching = {str(p.relative_to(ROOT)): sorted(imported(p) & {"portal", "bot", "actions"})
                for p in (ROOT / package).rglob("*.py")}
    assert {p: names for p, names in reaching.items() if names} == {}
