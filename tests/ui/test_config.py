"""The deployment defaults and dependency floors of ../shared/RELIABILITY.md."""

from __future__ import annotations

import tomllib
from importlib.metadata import version
from pathlib import Path

from packaging.version import Version

REPO = Path(__file__).resolve().parents[2]


def test_streamlit_config_is_hardened():
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())
    server = config["server"]
    assert server["address"] == "127.0.0.1"
    assert server["enableCORS"] is True and server["enableXsrfProtection"] is True
    assert server["enableStaticServing"] is False
    assert 0 < server["maxUploadSize"] <= 500 and 0 < server["maxMessageSize"] <= 500
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["showErrorDetails"] in ("none", "type")
    assert config["client"]["toolbarMode"] == "viewer"


def test_dependency_floors_are_declared_and_installed():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    deps = " ".join(project["dependencies"])
    assert "streamlit>=1.54" in deps and "pyarrow>=14.0.1" in deps
    assert Version(version("streamlit")) >= Version("1.54")
    assert Version(version("pyarrow")) >= Version("14.0.1")


def test_readme_commands_match_the_makefile():
    readme = (REPO / "README.md").read_text()
    makefile = (REPO / "Makefile").read_text()
    for target in ("run", "test"):
        assert f"make {target}" in readme
        assert f"\n{target}:" in makefile
    ci = (REPO / ".ci" / "run").read_text()
    assert "make test" in ci and "make lint" in ci
    assert ci.index("make lint") < ci.index("make test")  # lint before the tests
    assert "\nlint:" in makefile


def test_streamlit_config_ships_in_the_package_identical_to_the_repos():
    packaged = REPO / "dashboard" / "streamlit_config.toml"
    assert packaged.read_text() == (REPO / ".streamlit" / "config.toml").read_text()
    project = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert "streamlit_config.toml" in project["tool"]["setuptools"]["package-data"]["dashboard"]


def test_config_flags_carry_every_option_of_the_apps_config():
    from dashboard.cli import CONFIG, config_flags

    config = tomllib.loads(CONFIG.read_text())
    flags = config_flags()
    for section, options in config.items():
        for name in options:
            assert f"--{section}.{name}" in flags


def test_metrics_endpoint_is_closed_by_the_launcher(monkeypatch):
    from streamlit.web.server.starlette import starlette_app

    from dashboard.ui.serve import close_metrics

    monkeypatch.setattr(starlette_app, "create_metrics_routes", starlette_app.create_metrics_routes)
    assert close_metrics() is True
    assert starlette_app.create_metrics_routes(None, "") == []


def test_server_runs_no_full_collection_after_every_script_run():
    # Streamlit's runner.postScriptGC walks every live object of every running session after
    # each run: quadratic in concurrent sessions (BENCHMARKS.md, "The server under load").
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False


def test_setup_process_freezes_the_import_time_heap():
    import gc

    from dashboard.ui.page import setup_process

    setup_process()  # once per process (functools.cache): the heap as imported is frozen
    assert gc.get_freeze_count() > 10_000
