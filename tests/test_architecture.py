"""The direction of imports docs/architecture.md describes, held by the code."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APP = ROOT / "calculator"
FEATURES = ("calculator.api", "calculator.embeds", "calculator.sharing", "calculator.agency")
# The base: the model, the words and figures of a result, the form, the data.
BASE = (
    "calculator.model",
    "calculator.formatting",
    "calculator.summary",
    "calculator.explain",
    "calculator.charts",
    "calculator.integrations",
    "calculator.forms",
    "calculator.numbers",
    "calculator.fields",
    "calculator.results",
    "calculator.locale",
    "calculator.method",
    "calculator.models",
)
# The one step the base takes upwards: models registers the capabilities'
# models (Django finds an app's models in its models module).
ALLOWED = {
    ("calculator.models", "calculator.embeds.models"),
    ("calculator.models", "calculator.agency.models"),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function."""
    package = (
        module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else module_name(path)
    )
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def under(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


MODULES = {
    module_name(path): path
    for path in APP.rglob("*.py")
    if "migrations" not in path.parts and "management" not in path.parts
}


def test_the_layers_are_found():
    assert set(BASE) <= set(MODULES)
    assert {"calculator.http.caching", "calculator.embeds.views", "calculator.api.views"} <= set(
        MODULES
    )


@pytest.mark.parametrize("name", BASE)
def test_the_base_imports_no_view_and_no_feature(name):
    for imported in imports_of(MODULES[name]):
        if any(name == module and under(imported, (step,)) for module, step in ALLOWED):
            continue
        assert not under(imported, (*FEATURES, "calculator.views", "calculator.http")), imported


@pytest.mark.parametrize("name", sorted(n for n in MODULES if under(n, ("calculator.http",))))
def test_http_imports_only_itself_the_model_and_the_data(name):
    for imported in imports_of(MODULES[name]):
        if under(imported, ("calculator",)) and imported != "calculator":
            assert under(imported, ("calculator.http", "calculator.model", "calculator.models")), (
                imported
            )


def test_nothing_in_the_app_imports_the_project():
    for name, path in MODULES.items():
        for imported in imports_of(path):
            assert not under(imported, ("roi_site",)) or imported == "roi_site.worker", (
                name,
                imported,
            )


def capability_of(name: str) -> str | None:
    return next((feature for feature in FEATURES if under(name, (feature,))), None)


def cycles(graph: dict[str, set[str]]) -> set[tuple[str, ...]]:
    """Every group of nodes that reach each other through ``graph``'s edges."""

    def reachable(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for node in graph.get(todo.pop(), ()):
                if node not in seen:
                    seen.add(node)
                    todo.append(node)
        return seen

    nodes = set(graph).union(*graph.values())
    reach = {node: reachable(node) for node in nodes}
    return {
        tuple(sorted({node} | {other for other in reach[node] if node in reach[other]}))
        for node in nodes
        if node in reach[node]
    }


# Which modules of the app each module imports, at the top or inside a function.
APP_IMPORTS = {
    name: {imported for imported in imports_of(path) if imported in MODULES} - {name}
    for name, path in MODULES.items()
}


def test_the_graph_is_read_and_a_cycle_is_found():
    assert "calculator.embeds.views" in APP_IMPORTS["calculator.agency.capture"]
    # ratelimit imports the models inside its functions only: that counts too.
    assert "calculator.models" in APP_IMPORTS["calculator.http.ratelimit"]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == {("a", "b", "c")}
    assert cycles({"a": {"b"}, "b": set(), "c": {"d"}}) == set()


def test_no_module_imports_one_that_imports_it_back():
    assert cycles(APP_IMPORTS) == set()


# The one step back between capabilities: an embed profile checks its webhook's
# address by the agency's rule when it is validated. Nothing may join it.
BACK_STEPS = {("calculator.embeds.models", "calculator.agency.webhooks")}


def test_the_capabilities_depend_on_each_other_one_way():
    graph: dict[str, set[str]] = {}
    for name, imported in APP_IMPORTS.items():
        for other in imported - {other for module, other in BACK_STEPS if module == name}:
            if capability_of(name) and capability_of(other) not in (None, capability_of(name)):
                graph.setdefault(capability_of(name), set()).add(capability_of(other))
    assert "calculator.embeds" in graph["calculator.agency"]  # the agency is built on embeds
    # A step back that is gone leaves the list too.
    assert all(other in APP_IMPORTS[module] for module, other in BACK_STEPS)
    assert cycles(graph) == set()
