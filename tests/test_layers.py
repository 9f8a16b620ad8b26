"""The package's layers, read from its imports (docs/architecture.md).

    errors, files, _version the foundation: import nothing of ours
    data, fit               import only the foundation
    forecast                imports data and fit
    render                  imports forecast (and what it stands on)
    ingest                  imports data
    inputs                  argument checks of the API: over data, fit, forecast
    api                     over data, fit, forecast, ingest, inputs (render's charts only lazily)
    cli                     over api and render

No cycles among modules; package-internal imports at module level, except the
lazy steps listed in LAZY (each with its reason in the code).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "tracker"
FOUNDATION = {"errors", "_version", "files"}
ALLOWED = {
    "data": FOUNDATION | {"data"},
    "fit": FOUNDATION | {"fit"},
    "forecast": FOUNDATION | {"data", "fit", "forecast"},
    "render": FOUNDATION | {"data", "fit", "forecast", "render"},
    "ingest": FOUNDATION | {"data", "ingest"},
    "inputs": FOUNDATION | {"data", "fit", "forecast"},
    "api": FOUNDATION | {"data", "fit", "forecast", "ingest", "render", "inputs", "api"},
    "cli": FOUNDATION | {"api", "render", "cli"},
    "errors": set(),
    "files": set(),
    "_version": set(),
    "__init__": FOUNDATION | {"api"},
}
#: Function-level imports of our own modules allowed: (module, imported) -> why.
LAZY = {
    ("tracker/__init__.py", "tracker.api"): "import tracker stays cheap: the API loads on first use",
    ("tracker/api/figures.py", "tracker.render.charts"): "altair costs a second of start-up: load when asked",
    ("tracker/api/figures.py", "tracker.render.fan_chart"): "altair, as above",
    ("tracker/api/figures.py", "tracker.render.backtest_chart"): "altair, as above",
    ("tracker/api/figures.py", "tracker.render.export"): "altair and vl_convert, as above",
    ("tracker/api/figures.py", "tracker.forecast.backtest"): "a type annotation only (TYPE_CHECKING)",
    ("tracker/cli/main.py", "tracker.cli.parser"): "the parser loads the library: inside main's Ctrl-C guard",
    ("tracker/cli/main.py", "tracker.cli.options"): "its options module loads the library too: the same guard",
}


def _layer(rel: str) -> str:
    parts = rel.split("/")
    return parts[0][:-3] if len(parts) == 1 else parts[0]


def _imports(path: Path):
    """(imported module, at module level?) for every import of a tracker module in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = set(id(n) for n in tree.body)
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # "from tracker.render import charts" imports the module charts, not the package's __init__
            subs = [f"{node.module}.{a.name}" for a in node.names]
            mods = [n for n in subs if _is_module(n)]
            names = mods if len(mods) == len(subs) else [node.module, *mods]
        for name in names:
            if name == "tracker" or name.startswith("tracker."):
                yield name, id(node) in top


def _is_module(name: str) -> bool:
    p = ROOT.joinpath(*name.split(".")[1:])
    return p.with_suffix(".py").is_file() or (p / "__init__.py").is_file()


def _module_of(name: str) -> str | None:
    """The tracker module file (relative) an imported name refers to, or None for a package attribute."""
    parts = name.split(".")[1:]
    for k in range(len(parts), 0, -1):
        p = ROOT.joinpath(*parts[:k])
        if p.with_suffix(".py").is_file():
            return str(p.with_suffix(".py").relative_to(ROOT))
        if (p / "__init__.py").is_file() and k == len(parts):
            return str((p / "__init__.py").relative_to(ROOT))
    return None


def _graph():
    files = sorted(p for p in ROOT.rglob("*.py"))
    edges, lazy = {}, []
    for f in files:
        rel = str(f.relative_to(ROOT))
        for name, top in _imports(f):
            target = _module_of(name)
            if target is None or target == rel:
                continue
            if top:
                edges.setdefault(rel, set()).add(target)
            else:
                lazy.append(
                    (f"tracker/{rel}", ".".join(["tracker", *target[:-3].split("/")]).removesuffix(".__init__"))
                )
    return files, edges, lazy


def test_every_import_points_down_the_layers() -> None:
    _, edges, lazy = _graph()
    bad = []
    for src, targets in edges.items():
        for t in targets:
            if _layer(t) not in ALLOWED[_layer(src)]:
                bad.append(f"{src} imports {t}")
    for src, t in lazy:
        layer_t = t.split(".")[1] if "." in t else t
        if layer_t not in ALLOWED[_layer(src.removeprefix("tracker/"))]:
            bad.append(f"{src} imports {t} (lazily)")
    assert not bad, "\n".join(bad)


def test_no_cycles() -> None:
    _, edges, _ = _graph()
    state: dict[str, int] = {}
    cycle: list[str] = []

    def visit(n: str, path: list[str]) -> bool:
        state[n] = 1
        for m in sorted(edges.get(n, ())):
            if state.get(m) == 1:
                cycle.extend(path[path.index(m) :] + [m] if m in path else [n, m])
                return True
            if state.get(m) is None and visit(m, [*path, m]):
                return True
        state[n] = 2
        return False

    for node in sorted(edges):
        if state.get(node) is None and visit(node, [node]):
            break
    assert not cycle, " -> ".join(cycle)


def test_lazy_imports_are_the_listed_ones() -> None:
    _, _, lazy = _graph()
    unexpected = sorted({(src, t) for src, t in lazy} - set(LAZY))
    assert not unexpected, unexpected
