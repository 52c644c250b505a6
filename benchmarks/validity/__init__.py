"""The validation suite of issue 13: the escalation model measured against real and synthetic
stories with known outcomes (benchmarks/validity/run.py; `make validity` writes VALIDITY.md)."""
