"""Monitors: saved definitions (spec), the watcher that loads arriving files incrementally and
raises one alert per episode (watch, episodes), delivery by webhook, e-mail and the local log
through a persistent outbox (deliver), and a backtest of a monitor's rules (backtest).
See docs/monitors.md."""
