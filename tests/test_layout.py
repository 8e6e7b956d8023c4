"""The house rules of the source tree, checked on every run.

``make lint`` checks the layers, the engine's public face and cycles between sub-packages
(import-linter contracts in pyproject.toml); these tests check what those cannot say: no two
modules of one package import each other in a cycle (counting imports made only for type
checking), no module grows past about 400 lines, and the engine never names the programme it
runs. Each would fail on a change that breaks the rule; the import graph is grimp's, the
library import-linter is built on.
"""

from __future__ import annotations

import re
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("engine", "notifications", "workflows", "interfaces", "config", "migrations")
MAX_LINES = 400
PROGRAMME_WORDS = re.compile(r"bimtek|kabupaten|opd|smartcity", re.IGNORECASE)


def _modules(graph: grimp.ImportGraph) -> set[str]:
    return {m for m in graph.modules if not m.startswith("migrations.versions")}


def _cycles(graph: grimp.ImportGraph, modules: set[str]) -> list[list[str]]:
    """Strongly connected groups of more than one module, within each top-level package."""
    edges = {m: {i for i in graph.find_modules_directly_imported_by(m)
                 if i in modules and i.split(".")[0] == m.split(".")[0]} for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's algorithm
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(modules):
        if module not in index:
            visit(module)
    return found


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES, include_external_packages=False)


def test_no_two_modules_of_a_package_import_each_other_in_a_cycle(graph) -> None:
    assert _cycles(graph, _modules(graph)) == []


def _source(module: str) -> Path:
    path = ROOT.joinpath(*module.split("."))
    return path.with_suffix(".py") if path.with_suffix(".py").exists() else path / "__init__.py"


def test_no_module_grows_past_about_400_lines(graph) -> None:
    sizes = {m: len(_source(m).read_text(encoding="utf-8").splitlines())
             for m in _modules(graph)}
    assert {m: n for m, n in sizes.items() if n > MAX_LINES} == {}


def test_the_engine_never_names_the_programme_it_runs() -> None:
    named = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
             for path in sorted((ROOT / "engine").rglob("*.py"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if PROGRAMME_WORDS.search(line)]
    assert named == []


def _shipped(package_data: dict[str, list[str]], path: Path) -> bool:
    """Whether ``path`` matches a package-data glob of the package that holds it."""
    for package, globs in package_data.items():
        folder = ROOT.joinpath(*package.split("."))
        if folder in path.parents and any(
                path.relative_to(folder).match(g) and
                len(path.relative_to(folder).parts) == len(Path(g).parts) for g in globs):
            return True
    return False


def test_every_data_file_of_a_package_ships_in_the_wheel() -> None:
    """Templates, definitions and reference data moved with their concept; pyproject's
    package-data must follow, or an installed (non-editable) copy misses them."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    package_data = config["tool"]["setuptools"]["package-data"]
    data = [path for package in PACKAGES for path in sorted((ROOT / package).rglob("*"))
            if path.is_file() and path.suffix not in {".py", ".pyc"}
            and "__pycache__" not in path.parts]
    assert data and [str(p.relative_to(ROOT)) for p in data
                     if not _shipped(package_data, p)] == []
