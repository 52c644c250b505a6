"""What is being said: the mentions' own words — their side table in the engine, the
representative mentions and emerging terms of a moment (said.py), and the evidence behind a peak."""
