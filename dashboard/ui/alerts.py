"""The Alerts page: the inbox of every monitor's alerts (acknowledge, snooze, open the moment)
and the monitor editor (a monitor's YAML checked as it is typed, saved in the store, and its
backtest beside the rules).

Reached from the sidebar's "Alerts & monitors" button or by a link with `?page=alerts`. All
text shown comes from the store and the user's files: it is escaped before markdown."""

from __future__ import annotations

import datetime as dt
import logging

import pandas as pd
import streamlit as st

from dashboard.textsafe import escape_markdown

log = logging.getLogger(__name__)
PAGE = "alerts"
NEW_MONITOR = "— new monitor —"
SNOOZES = {"1 hour": dt.timedelta(hours=1), "1 day": dt.timedelta(days=1), "1 week": dt.timedelta(days=7)}
STATUSES = ("new", "snoozed", "acknowledged")
TEMPLATE = """name: my-monitor
mentions: /path/to/inbox/*.csv      # a file or a glob; new files are picked up
# events: /path/to/events.csv
actors: [TikTok]
# narratives: [Huawei, "tax=tax ruling,tax bill"]   # kept names, or NAME=KEYWORD,KEYWORD (mentions with text)
min_stage: boiling                  # and/or rules: [spike, drift, change_point]
# webhook: {url: "https://hooks.example/…", format: slack}
# email: {to: [comms@example.org], from: bp@example.org, smtp: "smtp.example.org:587"}
# quiet_hours: {from: "22:00", to: "07:00", timezone: Europe/Paris}
# rate_limit: 5/hour
"""


def _store(create: bool):
    import os

    from dashboard.store import open_store
    from dashboard.store.sql import URL_ENV, open_monitor_store

    try:
        return open_monitor_store() if os.environ.get(URL_ENV) else open_store(create=create)
    except (OSError, ValueError) as exc:
        log.warning("the store cannot be opened: %s", exc)
        return None


def wanted() -> bool:
    """Whether this run shows the Alerts page (the sidebar's button, or ?page=alerts in the link)."""
    if "_page" not in st.session_state:
        st.session_state["_page"] = st.query_params.get("page", "")
    return st.session_state["_page"] == PAGE


def _go(page: str) -> None:
    st.session_state["_page"] = page
    if page:
        st.query_params["page"] = page
    elif "page" in st.query_params:
        del st.query_params["page"]


def render_entry() -> None:
    """The sidebar's way in, with the count of new alerts."""
    from dashboard.store.monitors import list_alerts

    fresh = sum(1 for a in list_alerts(_store(create=False)) if a.status() == "new")
    label = f"Alerts & monitors ({fresh} new)" if fresh else "Alerts & monitors"
    st.button(label, icon=":material/notifications:", width="stretch", key="to_alerts", on_click=_go, args=(PAGE,))


def render_page() -> None:
    st.button("Back to the dashboard", icon=":material/arrow_back:", key="from_alerts", on_click=_go, args=("",))
    st.title("Alerts & monitors")
    st.caption("Every monitor's alerts — one per episode — and the monitors themselves. "
               "`boilingpoint watch MONITOR` raises and delivers them (docs/monitors.md).")
    inbox, editor = st.tabs(["Inbox", "Monitors"], key="alerts_tab")
    with inbox:
        render_inbox()
    with editor:
        render_editor()


# --- the inbox -----------------------------------------------------------------------------


def _acknowledge(alert_id: int) -> None:
    from dashboard.store.monitors import acknowledge

    store = _store(create=False)
    if store is not None:
        acknowledge(store, alert_id)


def _snooze(alert_id: int) -> None:
    from dashboard.store.monitors import snooze, utc_now

    store = _store(create=False)
    choice = st.session_state.get(f"snooze_for_{alert_id}") or "1 day"
    if store is not None:
        snooze(store, alert_id, utc_now() + SNOOZES[choice])


def render_inbox() -> None:
    from dashboard.store.monitors import deliveries_of, list_alerts

    store = _store(create=False)
    alerts = list_alerts(store)
    if not alerts:
        st.info("No alert yet. Define a monitor (Monitors tab or a YAML file) and run `boilingpoint watch MONITOR`.")
        return
    counts = {s: sum(1 for a in alerts if a.status() == s) for s in STATUSES}
    shown = st.pills("Show", STATUSES, selection_mode="multi", default=["new", "snoozed"], key="inbox_status",
                     format_func=lambda s: f"{s} ({counts[s]})")
    monitors = sorted({a.monitor for a in alerts})
    which = st.multiselect("Monitors", monitors, key="inbox_monitors", placeholder="every monitor") if len(monitors) > 1 else []
    chosen = [a for a in alerts if a.status() in (shown or STATUSES) and (not which or a.monitor in which)]
    st.caption(f"{len(chosen)} of {len(alerts)} alerts, the latest episodes first.")
    for alert in chosen[:200]:
        with st.container(border=True, key=f"alert_{alert.id}"):
            top, actions = st.columns([4, 1.4])
            with top:
                rule = alert.rule.replace("stage:", "entered ").replace("_", " ")
                st.markdown(f"**{escape_markdown(alert.monitor)}** · **{escape_markdown(alert.stage)}** ({escape_markdown(rule)}) · "
                            f"{alert.window_start:%d %b %Y %H:%M} → {alert.window_end:%d %b %Y %H:%M} UTC · *{alert.status()}*")
                st.markdown(escape_markdown(alert.explanation))
                sent = deliveries_of(store, alert.id) if store is not None else []
                st.caption(" · ".join(
                    f"{channel}: " + (f"delivered {when:%d %b %H:%M}" if when else f"pending, {attempts} attempts"
                                      + (f" ({escape_markdown(error[:80])})" if error else ""))
                    for channel, _target, attempts, error, when in sent))
            with actions:
                st.link_button("Open the moment", alert.link, icon=":material/open_in_new:", width="stretch", key=f"open_{alert.id}")
                if alert.acknowledged is None:
                    st.button("Acknowledge", key=f"ack_{alert.id}", on_click=_acknowledge, args=(alert.id,), width="stretch")
                    st.selectbox("Snooze for", list(SNOOZES), index=1, key=f"snooze_for_{alert.id}", label_visibility="collapsed")
                    st.button("Snooze", key=f"snooze_{alert.id}", on_click=_snooze, args=(alert.id,), width="stretch")


# --- the editor ----------------------------------------------------------------------------


def _check(text: str):
    """(the checked monitor or None, the problem in words or "")."""
    from dashboard.monitor.spec import MonitorError, parse_monitor

    try:
        return parse_monitor(text, "."), ""
    except MonitorError as exc:
        return None, str(exc)


def _save() -> None:
    from dashboard.store.monitors import save_monitor

    spec, problem = _check(st.session_state.get("monitor_yaml", ""))
    store = _store(create=True)
    if spec is None or store is None:
        st.session_state["_monitor_msg"] = ("error", f"Not saved: {problem or 'the store cannot be opened on this server'}")
        return
    save_monitor(store, spec)
    st.session_state["_monitor_msg"] = ("success", f"Saved {spec.name}. Run it with `boilingpoint watch` on a file of this YAML.")
    st.session_state["_monitor_pick"] = spec.name


def _load_pick() -> None:
    from dashboard.store.monitors import monitor_source

    name = st.session_state.get("monitor_pick")
    store = _store(create=False)
    text = monitor_source(store, name) if store is not None and name and name != NEW_MONITOR else None
    st.session_state["monitor_yaml"] = text or TEMPLATE
    st.session_state.pop("_backtest", None)


def render_editor() -> None:
    from dashboard.store.monitors import monitor_names

    store = _store(create=False)
    names = monitor_names(store) if store is not None else []
    options = [NEW_MONITOR, *names]
    if st.session_state.get("_monitor_pick") in options:
        st.session_state["monitor_pick"] = st.session_state.pop("_monitor_pick")
    st.selectbox("Monitor", options, key="monitor_pick", on_change=_load_pick)
    if "monitor_yaml" not in st.session_state:
        _load_pick()
    rules, figures = st.columns([1, 1], gap="large")
    with rules:
        text = st.text_area("Definition (YAML)", key="monitor_yaml", height=360,
                            help="The keys of docs/monitors.md. Paths are read on this server.")
        spec, problem = _check(text)
        if problem:
            st.error(escape_markdown(problem))
        elif spec is not None:
            within = (f" within the narrative{'s' if len(spec.narratives) > 1 else ''} "
                      + " or ".join(f"'{escape_markdown(n)}'" for n in spec.narrative_names)) if spec.narratives else ""
            st.success(f"{escape_markdown(spec.name)}: alerts on {escape_markdown(', '.join(spec.rule_names))}{within}; "
                       f"delivered to the log" + (", a webhook" if spec.webhook else "") + (", e-mail" if spec.email else "") + ".")
        st.button("Save the monitor", key="monitor_save", on_click=_save, disabled=spec is None, icon=":material/save:")
        message = st.session_state.pop("_monitor_msg", None)
        if message:
            (st.success if message[0] == "success" else st.error)(escape_markdown(message[1]))
    with figures:
        render_backtest(spec, text)


def render_backtest(spec, text: str) -> None:
    st.subheader("Backtest")
    st.caption("The monitor's files replayed bucket by bucket as if live (no look-ahead): how often its rules would "
               "have fired, and how early, against the stage onsets of the full-history model.")
    if spec is None:
        st.info("The backtest runs once the definition is valid.")
        return
    kept = st.session_state.get("_backtest")
    if st.button("Run the backtest", key="monitor_backtest", icon=":material/history:"):
        from dashboard.monitor.backtest import backtest_report, run_backtest

        with st.spinner("Replaying every bucket…"):
            try:
                kept = (text, backtest_report(run_backtest(spec)))
            except ValueError as exc:
                kept = (text, {"error": str(exc)})
        st.session_state["_backtest"] = kept
    if kept is None:
        return
    if kept[0] != text:
        st.caption("These figures are for the rules as they were when it ran; run it again for the edited ones.")
    rep = kept[1]
    if "error" in rep:
        st.error(escape_markdown(rep["error"]))
        return
    a, b, c, d = st.columns(4)
    a.metric("Alerts", len(rep["alerts"]))
    b.metric("Precision", "n/a" if rep["precision"] is None else f"{rep['precision']:.0%}")
    c.metric("Recall", "n/a" if rep["recall"] is None else f"{rep['recall']:.0%}")
    d.metric("Median lead", "n/a" if rep["median_lead_days"] is None else f"{rep['median_lead_days']:+g} d")
    within = ("; within " + " or ".join(f"'{escape_markdown(n['name'])}' ({escape_markdown(', '.join(n['keywords'][:5]))})"
                                        for n in rep.get("narratives", []))) if rep.get("narratives") else ""
    st.caption(f"{rep['buckets']} {rep['bucket']} buckets, {rep['from']} to {rep['to']}{within}; against "
               f"{escape_markdown(rep['reference'])} ({rep['episodes']} episodes).")
    months = pd.DataFrame({"month": list(rep["alerts_per_month"]), "alerts": list(rep["alerts_per_month"].values())})
    st.bar_chart(months, x="month", y="alerts", height=180)
    if rep["alerts"]:
        st.dataframe(pd.DataFrame([{"raised": x["raised"][:16], "rule": x["rule"], "catches": x["catches"] or "—"} for x in rep["alerts"]]),
                     hide_index=True, width="stretch", height=min(36 * (len(rep["alerts"]) + 1), 300))
