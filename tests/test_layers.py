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


@pytest.mark.parametrize("module", ["dashboard.cli", "dashboard.loading", "dashboard.query.duckdb_engine", "dashboard.charts", "dashboard.dataset", "dashboard.demo"])
def test_layers_domain_modules_do_not_pull_in_streamlit(module):
    code = f"import sys, {module}; print('streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_layers_no_module_is_named_after_the_standard_library():
    stdlib = set(sys.stdlib_module_names)
    clashes = [p for p in PACKAGE.rglob("*.py") if p.stem in stdlib]
    assert not clashes, f"`streamlit run` puts the script folder first on sys.path: {clashes}"


def test_layers_no_raw_html_rendering_anywhere():
    bad = []
    for p in PACKAGE.rglob("*.py"):
        text = p.read_text()
        for needle in ("unsafe_allow_html=True", "st.html(", "components.html("):
            if needle in text:
                bad.append(f"{p.name}: {needle}")
    assert not bad, bad


def test_launch_default_engine_is_the_query_layers():
    from dashboard.launch import DEFAULT_ENGINE as LAUNCH_DEFAULT
    from dashboard.query import DEFAULT_ENGINE

    assert LAUNCH_DEFAULT == DEFAULT_ENGINE
