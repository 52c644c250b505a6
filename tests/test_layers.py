"""Architecture rules that keep the layers honest."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "dashboard"
UI = PACKAGE / "ui"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize(
    "path",
    [p for p in PACKAGE.rglob("*.py") if UI not in p.parents],
    ids=lambda p: str(p.relative_to(PACKAGE)),
)
def test_layers_only_the_ui_imports_streamlit(path):
    assert "streamlit" not in _imports(path), f"{path} imports streamlit outside dashboard/ui"


DOMAIN_MODULES = [
    "dashboard.cli", "dashboard.loading", "dashboard.query.duckdb_engine", "dashboard.model.analysis", "dashboard.model.kpis",
    "dashboard.charts", "dashboard.exports.html_report", "dashboard.exports.tables", "dashboard.dataset", "dashboard.demo",
]


@pytest.mark.parametrize("module", DOMAIN_MODULES)
def test_layers_domain_modules_do_not_pull_in_streamlit(module):
    code = f"import sys, {module}; print('streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_layers_no_module_is_named_after_the_standard_library():
    stdlib = set(sys.stdlib_module_names)
    clashes = [p for p in PACKAGE.rglob("*.py") if p.stem in stdlib]
    assert not clashes, f"`streamlit run` puts the script folder first on sys.path: {clashes}"


# The one exception: the page's constant style sheets (the projector theme, meeting mode's
# large-screen layout), which Streamlit's theme options cannot express.
STYLE_SHEETS = PACKAGE / "ui" / "theme.py"


def test_layers_no_raw_html_rendering_anywhere():
    bad = []
    for p in PACKAGE.rglob("*.py"):
        text = p.read_text()
        for needle in ("unsafe_allow_html=True", "st.html(", "components.html(", "unsafe_allow_javascript"):
            if needle in text and not (p == STYLE_SHEETS and needle == "st.html("):
                bad.append(f"{p.name}: {needle}")
    assert not bad, bad


def test_layers_the_style_sheets_are_constants_with_nothing_but_style():
    """ui/theme.py may call st.html only with its own module constants, each only <style> blocks."""
    import re

    from dashboard.ui import theme

    tree = ast.parse(STYLE_SHEETS.read_text())
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
             and n.func.attr == "html"]
    assert calls
    for call in calls:
        assert len(call.args) == 1 and isinstance(call.args[0], ast.Name) and not call.keywords, ast.dump(call)
        sheet = getattr(theme, call.args[0].id)
        assert isinstance(sheet, str)
        assert re.sub(r"<style>.*?</style>", "", sheet, flags=re.DOTALL).strip() == ""  # style only
        assert "<script" not in sheet.lower() and "url(" not in sheet.lower() and "@import" not in sheet.lower()


def test_launch_default_engine_is_the_query_layers():
    from dashboard.launch import DEFAULT_ENGINE as LAUNCH_DEFAULT
    from dashboard.query import DEFAULT_ENGINE

    assert LAUNCH_DEFAULT == DEFAULT_ENGINE


def _modules() -> dict[str, Path]:
    root = PACKAGE.parent
    out = {}
    for p in PACKAGE.rglob("*.py"):
        parts = list(p.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = p
    return out


def _from_imports(path: Path):
    """(module, name) of every `from dashboard... import name` in the file, at any depth."""
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and node.module.startswith("dashboard"):
            for alias in node.names:
                yield node.module, alias.name


def test_layers_no_module_imports_another_modules_private_names():
    bad = [f"{path.relative_to(PACKAGE.parent)}: {module}.{name}"
           for path in PACKAGE.rglob("*.py") for module, name in _from_imports(path)
           if name.startswith("_") and not name.startswith("__")]
    assert not bad, "private names imported across modules: " + ", ".join(bad)


def test_layers_no_import_cycle_at_module_level():
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        deps = set()
        for node in tree.body:  # module level only: imports inside functions are lazy on purpose
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("dashboard"):
                deps.add(node.module)
                deps.update(f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in modules)
            elif isinstance(node, ast.Import):
                deps.update(a.name for a in node.names if a.name.startswith("dashboard"))
        graph[name] = {d for d in deps if d in modules and d != name}

    def parents(mod: str) -> set[str]:  # importing a.b.c runs a/__init__ and a/b/__init__ first
        bits = mod.split(".")
        return {".".join(bits[:i]) for i in range(1, len(bits)) if ".".join(bits[:i]) in modules}

    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(mod: str) -> list[str] | None:
        state[mod] = 1
        stack.append(mod)
        for dep in sorted(graph[mod] - parents(mod)):
            if state.get(dep) == 1:
                return stack[stack.index(dep):] + [dep]
            if dep not in state and (cycle := visit(dep)):
                return cycle
        stack.pop()
        state[mod] = 2
        return None

    for mod in sorted(graph):
        if mod not in state and (cycle := visit(mod)):
            pytest.fail("import cycle: " + " -> ".join(cycle))


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_layers_no_module_is_over_about_600_lines(path):
    assert len(path.read_text().splitlines()) <= 620, f"{path.name}: split it along its seams"


def test_layers_importing_changes_no_process_setting():
    """No work at import time: Arrow's allocator and Altair's globals stay as they were."""
    code = (
        "import pyarrow as pa, altair as alt\n"
        "pool, names, debug = pa.default_memory_pool().backend_name, set(alt.data_transformers.names()), "
        "alt.utils.schemapi.DEBUG_MODE\n"
        "import dashboard.loading, dashboard.cli, dashboard.ui.vega, dashboard.ui.page\n"
        "print(pa.default_memory_pool().backend_name == pool, set(alt.data_transformers.names()) == names, "
        "alt.utils.schemapi.DEBUG_MODE == debug)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "True", "True"], out.stderr
