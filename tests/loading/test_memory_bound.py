"""Peak memory of a load stays bounded on hostile inputs under the default caps (issue 14).

Each input runs in a fresh process (its peak resident set, VmHWM, is its own): the cap must
bound the work while it is done, not be checked after every row was built.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

BOUND_KIB = 1024 * 1024  # 1 GiB

SCRIPT = textwrap.dedent("""
    import gzip, sys
    from dashboard.loading import load_bytes, use_system_allocator
    use_system_allocator()
    body = {body}
    data = gzip.compress(body, 6)
    result = load_bytes(data, "events")
    print(result.report.summary())
    print(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1])
""")

CASES = {
    # a 1.7 MB gzip of 60 million short rows, as the review's; and blank lines; and many rejected rows
    "60 million short rows": 'b"date,actor,headline\\n" + b"a\\n" * 60_000_000',
    "60 million blank lines": 'b"date,actor,headline\\n" + b"\\n" * 60_000_000',
    "3 million rows each rejected": 'b"date,actor,headline\\n" + b"2021-01-01,A\\n" * 3_000_000',
}


@pytest.mark.parametrize("body", list(CASES.values()), ids=list(CASES))
def test_load_bytes_peak_memory_is_bounded_on_hostile_gzip(body):
    out = subprocess.run([sys.executable, "-c", SCRIPT.format(body=body)], capture_output=True, text=True, timeout=280)
    assert out.returncode == 0, out.stderr[-2000:]
    summary, peak = out.stdout.strip().splitlines()[-2:]
    assert "Traceback" not in out.stderr
    assert int(peak) < BOUND_KIB, f"peak {int(peak) / 1024:.0f} MiB: {summary}"
