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


def third_party_imports(*folders: str, files: tuple[str, ...] = ()) -> set[str]:
    modules = set()
    paths = [p for folder in folders for p in (ROOT / folder).rglob("*.py")]
    for path in [*paths, *(ROOT / name for name in files)]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    local = {"app", "config", "tests", "bench", "support", "bare_insert_app", "save_load"}
    return {m for m in modules if m not in sys.stdlib_module_names and m not in local}


def undeclared(modules: set[str], *requirements: str) -> dict[str, list[str] | None]:
    declared = {name: v for file in requirements for name, v in pins(ROOT / file).items()}
    distributions = packages_distributions()
    return {
        module: distributions.get(module)
        for module in modules
        if not any(normalise(d) in declared for d in distributions.get(module, []))
    }


def test_every_package_the_app_imports_is_declared():
    modules = third_party_imports("app", "migrations", files=("config.py", "wsgi.py"))
    assert undeclared(modules, "requirements.txt") == {}


def test_every_package_the_tests_and_benchmarks_import_is_declared():
    # requirements-test.txt includes requirements.txt, so a fresh `make test` has them all.
    modules = third_party_imports("tests", "bench")
    assert undeclared(modules, "requirements.txt", "requirements-test.txt") == {}
