"""Misuses of the command line found by the second review (issue 14): a plain message and exit 2,
never a traceback or a hang — with our own cases, through main() as the shell calls it."""

from __future__ import annotations

import os
import threading

import pytest

from dashboard.cli import EXIT_UNUSABLE, config_flags, main

EVENTS = "date,actor,headline\n2024-03-01,Acme,Recall\n"


@pytest.fixture
def events(tmp_path):
    f = tmp_path / "events.csv"
    f.write_text(EVENTS)
    return f


@pytest.mark.parametrize(("command", "out", "message"), [
    ("convert", "{tmp}", "is a directory"),
    ("convert", "{tmp}/no/such/folder/out.csv", "does not exist"),
    ("report", "{tmp}", "is a directory"),
    ("report", "{tmp}/missing/r.html", "does not exist"),
    ("score", "{tmp}", "is a directory"),
    ("score", "{tmp}/missing/s.csv", "does not exist"),
])
def test_cli_out_that_cannot_be_written_is_a_plain_error(tmp_path, events, capsys, command, out, message):
    args = [command, str(events), "--kind", "events"] if command == "convert" else [command, "--events", str(events)]
    code = main([*args, "--out", out.format(tmp=tmp_path)])
    err = capsys.readouterr().err
    assert code == EXIT_UNUSABLE
    assert message in err and "Traceback" not in err


@pytest.mark.parametrize("kind", ["fifo", "directory", "device"])
def test_cli_validate_reads_only_regular_files(tmp_path, capsys, kind):
    if kind == "fifo":
        path = tmp_path / "pipe.csv"
        os.mkfifo(path)
    elif kind == "directory":
        path = tmp_path / "folder.csv"
        path.mkdir()
    else:
        path = "/dev/zero"
    done: list[int] = []
    worker = threading.Thread(target=lambda: done.append(main(["validate", str(path), "--kind", "events"])), daemon=True)
    worker.start()
    worker.join(timeout=20)
    assert done == [EXIT_UNUSABLE], "the command blocked or read forever"
    out = capsys.readouterr().out
    assert "not a regular file" in out


def test_cli_run_passes_the_apps_own_config_whatever_the_folder():
    flags = config_flags(port=9999, address="127.0.0.1")
    pairs = dict(zip(flags[::2], flags[1::2]))
    assert pairs["--server.maxUploadSize"] == "200"
    assert pairs["--server.enableXsrfProtection"] == "true"
    assert pairs["--global.developmentMode"] == "false"
    assert pairs["--server.port"] == "9999"
