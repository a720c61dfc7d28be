"""The package's structure: no import cycles, no private names across modules, honest dependencies,
and the rooms kept apart (case logic without a web framework; the API and the web page independent).

Imports are read from the source (``ast``), module-level and inside functions alike (a lazy import
still closes a cycle at run time); imports under ``if TYPE_CHECKING:`` are for the type checker only
and do not count. Importing ``recommender.a.b`` also runs the package ``recommender.a``'s
``__init__``, so it counts as an import of that package too (a cycle through a package front is a
cycle). The top-level front (``recommender/__init__``) is a facade: ``from recommender import NAME``
counts as an import of the module that defines ``NAME`` (its lazy table, its own imports); its one
constant, ``__version__``, needs none of what the front wires. No cycle is allowed, lazy or not.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "recommender"
#: Import name → distribution name, where they differ.
DISTRIBUTIONS = {
    "sklearn": "scikit-learn",
    "yaml": "pyyaml",
    "argon2": "argon2-cffi",
    "fastapi_offline": "fastapi-offline",
    "pydantic_settings": "pydantic-settings",
}
#: Declared but imported only by another dependency's optional feature that the package uses: name → where.
USED_THROUGH = {
    "itsdangerous": "starlette.middleware.sessions.SessionMiddleware (the web page's signed cookie)"
}
#: Web frameworks and templates: imported only by the HTTP API, the web page and the composition root.
FRAMEWORKS = ("fastapi", "fastapi_offline", "starlette", "jinja2")
FRAMEWORK_ROOMS = ("recommender.api", "recommender.web", "recommender.server")
#: The one module of the API that the web page may use: the request dependencies (database session,
#: served engine, pseudonymiser), never a router.
WEB_MAY_USE = {"recommender.api.deps"}


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


MODULES = _modules()


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> list[tuple[str, str | None, bool, int]]:
    """(module, imported name or None, lazy, line) of every runtime import in ``tree``."""
    found: list[tuple[str, str | None, bool, int]] = []

    def visit(node: ast.AST, lazy: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for other in child.orelse:
                    visit(other, lazy)
                continue
            if isinstance(child, ast.Import):
                found.extend((alias.name, None, lazy, child.lineno) for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                found.extend((child.module, alias.name, lazy, child.lineno) for alias in child.names)
            visit(child, lazy or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)))

    visit(tree, False)
    return found


def _front_names() -> dict[str, str]:
    """``from recommender import NAME`` → the module defining NAME (the front's lazy table, its imports)."""
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    names: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                names[alias.asname or alias.name] = full if full in MODULES else node.module
        lazy_table = isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "_LAZY" for t in node.targets
        )
        if lazy_table and isinstance(node.value, ast.Dict):
            names.update(
                {
                    ast.literal_eval(k): ast.literal_eval(v)
                    for k, v in zip(node.value.keys, node.value.values)
                    if k is not None
                }
            )
    return names


FRONT_NAMES = _front_names()
FRONT_CONSTANTS = {"__version__"}


def _targets(importer: str, module: str, imported: str | None) -> list[str]:
    """The package modules an import runs: the module itself and every package front above it (bar
    the top-level front, resolved by name, and the importer's own packages)."""
    if module == "recommender" and imported is not None:
        if imported in FRONT_CONSTANTS:
            return []
        target = FRONT_NAMES.get(imported, module)
    else:
        target = module
    if f"{module}.{imported}" in MODULES:  # a submodule: ``from recommender.cases import audit``
        target = f"{module}.{imported}"
    if target not in MODULES:
        return []
    parts = target.split(".")
    fronts = [".".join(parts[:i]) for i in range(2, len(parts))]
    return [t for t in (*fronts, target) if t != importer and not importer.startswith(t + ".")]


def _edges() -> dict[tuple[str, str], list[str]]:
    """Import edges between the package's modules, each with where it happens."""
    edges: dict[tuple[str, str], list[str]] = {}
    for name, path in MODULES.items():
        for module, imported, lazy, line in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            for target in _targets(name, module, imported):
                edges.setdefault((name, target), []).append(
                    f"{path.relative_to(ROOT)}:{line}{' (lazy)' if lazy else ''}"
                )
    return edges


def _cycles(edges: set[tuple[str, str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    graph: dict[str, list[str]] = {}
    for a, b in edges:
        graph.setdefault(a, []).append(b)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, []):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return out


def test_the_cycle_finder_finds_a_cycle_through_a_lazy_import() -> None:
    tree = ast.parse("import recommender.b\ndef f():\n    from recommender import a\n")
    assert [(m, n, lazy) for m, n, lazy, _ in _imports(tree)] == [
        ("recommender.b", None, False),
        ("recommender", "a", True),
    ]
    assert _cycles({("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")}) == [["a", "b", "c"]]
    assert _cycles({("a", "b"), ("b", "c")}) == []


def test_the_edges_count_package_fronts_and_resolve_the_top_level_front() -> None:
    assert _targets("recommender.web.result", "recommender.api.deps", "DbSession") == [
        "recommender.api",
        "recommender.api.deps",
    ]
    assert _targets("recommender.api.deps", "recommender.api.errors", "ApiError") == [
        "recommender.api.errors"
    ]
    assert _targets("recommender.cases.engine", "recommender", "recommend") == [
        "recommender.recommending",
        "recommender.recommending.recommend",
    ]
    assert _targets("recommender.server", "recommender", "__version__") == []


def test_no_import_cycles_among_the_package_modules() -> None:
    edges = EDGES
    cycles = _cycles(set(edges))
    shown = [
        " -> ".join(c) + ": " + "; ".join(w for (a, b), ws in edges.items() if a in c and b in c for w in ws)
        for c in cycles
    ]
    assert not cycles, "import cycles:\n" + "\n".join(shown)


def _room(name: str, rooms: tuple[str, ...]) -> bool:
    return any(name == r or name.startswith(r + ".") for r in rooms)


def test_web_frameworks_are_imported_only_by_the_api_the_web_page_and_the_server() -> None:
    bad = []
    for name, path in MODULES.items():
        if _room(name, FRAMEWORK_ROOMS):
            continue
        for module, _imported, _lazy, line in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if module.split(".")[0] in FRAMEWORKS:
                bad.append(f"{path.relative_to(ROOT)}:{line}: {module}")
    assert not bad, "web framework imported outside the API and the web page:\n" + "\n".join(bad)


EDGES = _edges()


def _imported_modules(name: str) -> list[tuple[str, str]]:
    """(target module, where) of every runtime import of ``name``, package fronts included."""
    return [(b, w) for (a, b), ws in EDGES.items() if a == name for w in ws]


def test_the_case_logic_knows_neither_http_nor_the_page_nor_the_command_line() -> None:
    bad = [
        f"{w}: {b}"
        for name in MODULES
        if _room(name, ("recommender.cases",))
        for b, w in _imported_modules(name)
        if _room(b, ("recommender.api", "recommender.web", "recommender.server", "recommender.cli"))
    ]
    assert not bad, "the case logic imports an outer layer:\n" + "\n".join(bad)


def test_the_api_and_the_web_page_never_import_each_others_routes() -> None:
    bad = []
    for name in MODULES:
        for b, w in _imported_modules(name):
            if _room(name, ("recommender.api",)) and _room(b, ("recommender.web", "recommender.server")):
                bad.append(f"{w}: {b}")
            if (
                _room(name, ("recommender.web",))
                and _room(b, ("recommender.api", "recommender.server"))
                and b not in WEB_MAY_USE
                and b != "recommender.api"
            ):
                bad.append(f"{w}: {b}")
    assert not bad, "the API and the web page depend on each other:\n" + "\n".join(bad)


def test_the_room_checks_see_a_lazy_import_of_a_router() -> None:
    tree = ast.parse("def f():\n    from recommender.api import decisions\n")
    [(module, imported, lazy, _line)] = _imports(tree)
    assert lazy and _targets("recommender.web.result", module, imported) == [
        "recommender.api",
        "recommender.api.decisions",
    ]
    assert "recommender.api.decisions" not in WEB_MAY_USE


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def test_no_module_imports_a_private_name_of_another_module() -> None:
    """``from recommender.x import _name`` is refused, unless ``_name`` is a private submodule of the
    importer's own package (a package may use its private modules)."""
    bad = []
    for name, path in MODULES.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for module, imported, _lazy, line in _imports(tree):
            if not module.startswith("recommender"):
                continue
            names = [imported] if imported else []
            parts = module.split(".")
            private_parts = [i for i, p in enumerate(parts) if _private(p)]
            if private_parts and not (package + ".").startswith(".".join(parts[: private_parts[0]]) + "."):
                bad.append(f"{path.relative_to(ROOT)}:{line}: {module}")
            for n in names:
                if _private(n) and not (f"{module}.{n}" in MODULES and package == module):
                    bad.append(f"{path.relative_to(ROOT)}:{line}: {module}.{n}")
        for node in ast.walk(tree):  # module._name through an imported package module
            if (
                isinstance(node, ast.Attribute)
                and _private(node.attr)
                and isinstance(node.value, ast.Name)
                and f"recommender.{node.value.id}" in MODULES
                and node.value.id != "self"
            ):
                bad.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value.id}.{node.attr}")
    assert not bad, "private names imported across modules:\n" + "\n".join(bad)


def _requirement_names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=!~;\[ ]", r, maxsplit=1)[0].strip().lower() for r in requirements}


def test_every_declared_dependency_is_imported_and_nothing_undeclared_is() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = _requirement_names(project["dependencies"])
    imported = set()
    for path in MODULES.values():
        for module, _name, _lazy, _line in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            top = module.split(".")[0]
            if top != "recommender" and top != "__future__" and top not in sys.stdlib_module_names:
                imported.add(DISTRIBUTIONS.get(top, top).lower())
    assert imported - declared == set(), f"imported but not declared: {sorted(imported - declared)}"
    unused = declared - imported - set(USED_THROUGH)
    assert unused == set(), f"declared but never imported: {sorted(unused)}"
