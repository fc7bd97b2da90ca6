"""What the code imports is declared, and the lock files hold what requirements*.txt ask for."""

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s;\\]+)", re.MULTILINE)


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path) -> dict[str, str]:
    return {normalise(name): version for name, version in PIN.findall(path.read_text())}


@pytest.mark.parametrize(
    "wanted, locked",
    [
        ("requirements.txt", "requirements.lock"),
        ("requirements-test.txt", "requirements-test.lock"),
    ],
)
def test_the_lock_holds_every_pinned_requirement_at_its_version(wanted, locked):
    asked, resolved = pins(ROOT / wanted), pins(ROOT / locked)
    assert {name: resolved.get(name) for name in asked} == asked, "run `make lock`"
    assert "--hash=sha256:" in (ROOT / locked).read_text()


def third_party_imports() -> set[str]:
    modules = set()
    for path in [
        *(ROOT / "app").rglob("*.py"),
        ROOT / "config.py",
        ROOT / "wsgi.py",
        *(ROOT / "migrations").glob("*.py"),
    ]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    return {m for m in modules if m not in sys.stdlib_module_names and m not in {"app", "config"}}


def test_every_package_the_code_imports_is_declared():
    declared = pins(ROOT / "requirements.txt")
    distributions = packages_distributions()
    undeclared = {
        module: distributions.get(module)
        for module in third_party_imports()
        if not any(normalise(d) in declared for d in distributions.get(module, []))
    }
    assert undeclared == {}
