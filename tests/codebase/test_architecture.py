"""The layers read top-down, from the code's own imports: no circle, no arrow running back up."""

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "app"
BLUEPRINTS = ("account", "api", "auth", "council", "exports", "feedback", "public", "staff")
REQUEST_STATE = {"request", "session", "g"}


def module_name(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> list[tuple[str, set[str]]]:
    """(module, names taken from it) for every import in a file, nested ones included."""
    found = []
    package = module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else None
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, set()) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative import: resolve against this file's package
                anchor = (package or module_name(path)).split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            names = {alias.name for alias in node.names}
            found.append((base, names))
            # `from app.services import access` imports the module app.services.access
            found += [(f"{base}.{name}", set()) for name in names]
    return found


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in APP.rglob("*.py")}
    edges: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for target, _ in imports_of(path):
            # A package that loads its own modules (a blueprint registering its routes)
            # is how Flask packages are made, not a circle between layers.
            if target in modules and target != name and not target.startswith(name + "."):
                edges[name].add(target)
    return edges


def layer_files(*packages: str) -> list[Path]:
    return [p for package in packages for p in (APP / package).rglob("*.py")]


def test_no_module_imports_itself_back_through_others(graph):
    index, low, stack, on_stack, circles = {}, {}, [], set(), []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    assert circles == []


@pytest.mark.parametrize("layer", ["services", "models"])
def test_services_and_models_never_import_a_task_a_blueprint_or_the_cli(layer):
    above = ("app.tasks", "app.cli", *(f"app.{bp}" for bp in BLUEPRINTS))
    wrong = [
        f"{path.relative_to(APP.parent)} imports {target}"
        for path in layer_files(layer)
        for target, _ in imports_of(path)
        if target.startswith(above) and not target.startswith("app.services")
    ]
    assert wrong == []


def test_models_import_no_service():
    wrong = [
        f"{path.relative_to(APP.parent)} imports {target}"
        for path in layer_files("models")
        for target, _ in imports_of(path)
        if target.startswith("app.services")
    ]
    assert wrong == []


def test_services_never_read_the_request():
    wrong = [
        f"{path.relative_to(APP.parent)} takes {sorted(names & REQUEST_STATE)} from flask"
        for path in layer_files("services", "models")
        for target, names in imports_of(path)
        if target == "flask" and names & REQUEST_STATE
    ]
    assert wrong == []


def test_no_blueprint_runs_a_query_or_commits():
    wrong = [
        str(path.relative_to(APP.parent))
        for path in layer_files(*BLUEPRINTS)
        if "db.session" in path.read_text()
    ]
    assert wrong == []
