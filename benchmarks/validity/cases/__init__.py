"""The cases of the validation suite, one module each, in the order VALIDITY.md shows them.

Each module has TITLE, NEEDS_EXTERNAL (whether it reads ../shared/data/external) and
`run(external: Path) -> CaseResult`.
"""

from __future__ import annotations

from benchmarks.validity.cases import acled, covid, demo, headlines, noise, scenarios

CASES = {
    "covid": covid,
    "acled": acled,
    "headlines": headlines,
    "noise": noise,
    "scenarios": scenarios,
    "demo": demo,
}
