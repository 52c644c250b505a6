"""Uploads: the uploaders, the step that says how to read a file that is not in the canonical
format, and uploads kept in the store so that a link reopens them.

The column mapping, the date layout, the wide-table switch and the actor dictionary chosen
here are the command line's import options; the mapping is also kept in the URL
(`map=events:date=Time,actor=airline`), so that a person who has the file and the link gets
the same choices after uploading it again. A file that loads is kept in the store
(store/uploads.py) and the link names it: `ds=upload:<id>` reopens it, for anyone with the
link on this server, until it expires.
"""

from __future__ import annotations

import logging
import re

import streamlit as st

from dashboard.contract import COLUMNS
from dashboard.dataset import Dataset
from dashboard.demo import DATA
from dashboard.loading import peek_columns
from dashboard.loading.options import build_options
from dashboard.store import (
    UploadError,
    UploadInfo,
    UploadLimits,
    UploadOptions,
    keep_upload,
    open_store,
    purge_uploads,
    upload_info,
)
from dashboard.store.uploads import PREFIX, parse_ref
from dashboard.textsafe import escape_markdown
from dashboard.ui.cache import dataset_from_bytes, kept_dataset

log = logging.getLogger(__name__)

NONE = "— none —"
DATE_LAYOUTS = {"auto": "Recognised on their own", "month-first": "Month first (2/24/2015)", "day-first": "Day first (24/2/2015)"}
TIKTOK_DICTIONARY = DATA / "tiktok-2020" / "actors.csv"
READING = "How to read these files"
LABEL_CHARS = 60
RECOGNISED = ("ACLED", "GDELT")  # formats read by their own rules (LoadReport.file_format starts so)

# The loader and the options speak to the command line; on the page the same advice names the
# sidebar's controls. Each pattern is replaced by its words, in order.
_IN_WORDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"give an actor dictionary \(--actors FILE\)"), f"give an actor dictionary (under “{READING}”)"),
    (re.compile(r"load it with --wide \(wide=True\)"), f"tick “Wide table of counts” under “{READING}”"),
    (re.compile(r"Name the file's columns with a column mapping, e\.g\. --map \S+"),
     f"Say which of its columns hold the date, the actor and so on under “{READING}”"),
    (re.compile(r"give one --map events:… and one --map mentions:…"), "map the events file and the mentions file each on its own"),
    (re.compile(r"--map: "), ""),
    (re.compile(r"--map\b"), "the column mapping"),
    (re.compile(r"--date-format\b"), "the date layout"),
    (re.compile(r"--actors\b( FILE)?"), "the actor dictionary"),
    (re.compile(r"--wide\b( \(wide=True\))?"), "“Wide table of counts”"),
    (re.compile(r"--timezone\b"), "the time zone"),
)


def in_words(message: str) -> str:
    """A loader's or the options' message, with the command line's flags put in the page's words."""
    for pattern, words in _IN_WORDS:
        message = pattern.sub(words, message)
    return message


def is_kept(choice: str | None) -> bool:
    return bool(choice) and str(choice).startswith(PREFIX)


def upload_label(info: UploadInfo) -> str:
    """The dataset menu's name for a kept upload: its file names, on one line, cut with an ellipsis."""
    names = " ".join(info.names.split())
    return "Upload: " + (names if len(names) <= LABEL_CHARS else names[: LABEL_CHARS - 1] + "…")


def upload_name(ref: str) -> str | None:
    """The whole name of an upload of this session (its file names, on one line), for where its
    menu label is cut; None for any other choice."""
    info = st.session_state.get("_upload_infos", {}).get(ref)
    return "Upload: " + " ".join(info.names.split()) if info is not None else None


def _store(create: bool):
    try:
        return open_store(create=create)
    except (OSError, ValueError) as exc:  # a read-only folder, a store from a newer version
        log.warning("the store cannot be opened: %s", exc)
        return None


def _limits() -> UploadLimits:
    try:
        return UploadLimits.from_env()
    except ValueError as exc:
        log.warning("%s; the default upload limits apply", exc)
        return UploadLimits()


@st.cache_resource(ttl=3600, show_spinner=False)
def purge_expired() -> int:
    """Delete the expired uploads: at most once an hour per server process (and on every upload)."""
    store = _store(create=False)
    if store is None:
        return 0
    try:
        return purge_uploads(store, _limits())
    except Exception:  # noqa: BLE001 — a locked or read-only store: the next upload purges
        log.warning("expired uploads could not be purged", exc_info=True)
        return 0


def known_uploads() -> dict[str, str]:
    """The uploads this session made or opened by link: {ds value: label}. Others' uploads are
    reachable only through their link, never listed."""
    return dict(st.session_state.get("_uploads", {}))


def _remember(info: UploadInfo) -> None:
    uploads = st.session_state.setdefault("_uploads", {})
    uploads[info.ref] = upload_label(info)
    st.session_state.setdefault("_upload_infos", {})[info.ref] = info


def adopt(ref: str | None) -> str | None:
    """Make the upload a link names (or one pasted in) one of this session's datasets, marking
    it used; None when it is, else the message to show."""
    upload = parse_ref(ref)
    if upload is None:
        return f"“{str(ref)[:40]}” does not name an upload (a link's upload looks like upload:0123456789abcdef)."
    if PREFIX + upload in known_uploads():
        return None
    info = upload_info(_store(create=False), upload, _limits())
    if info is None:
        days = _limits().max_age_days
        return (f"The upload upload:{upload} is not kept on this server: it never was, or it was not opened for "
                f"{days} days, or newer uploads took its place. Upload the files again to see them.")
    _remember(info)
    return None


def render_kept(ref: str, engine: str | None, quiet: bool = False) -> tuple[Dataset | None, str]:
    """A kept upload, opened from the store; its reading options are the ones kept with it.
    `quiet` (meeting mode): only a problem is said, not how the upload is kept."""
    missing = adopt(ref)
    info = st.session_state.get("_upload_infos", {}).get(ref)
    if missing or info is None:
        st.warning(escape_markdown(missing or "This upload is not kept any more."))
        return None, ref
    try:
        dataset = kept_dataset(info.id, engine)
    except (UploadError, ValueError, LookupError) as exc:
        log.warning("kept upload %s cannot be opened: %s", info.id, exc)
        st.warning(f"The upload {info.ref} cannot be opened on this server any more: {escape_markdown(in_words(str(exc)))}")
        return None, info.names
    if quiet:
        return dataset, info.names
    reading = _options_in_words(info.options, info.has_dictionary)
    st.caption(f":material/link: Kept on this server: the link below reopens it for anyone who has it. {escape_markdown(reading)}")
    return dataset, info.names


def _options_in_words(options: UploadOptions, dictionary: bool) -> str:
    parts = []
    for spec in options.maps:
        kind, sep, body = spec.partition(":")
        if not sep or kind not in COLUMNS:
            kind, body = "columns", spec
        parts.append(f"{kind}: " + body.replace("=", " ← "))
    parts += [f"dates {DATE_LAYOUTS.get(d, d).lower()}" for d in options.date_formats]
    if options.wide:
        parts.append("wide table of counts")
    if dictionary:
        parts.append("with an actor dictionary")
    return ("Read with " + "; ".join(parts) + ".") if parts else ""


def _auto_index(column: str, columns: list[str]) -> int:
    lowered = [c.strip().lower() for c in columns]
    return lowered.index(column) + 1 if column in lowered else 0


def _named_as_the_contract(kind: str, columns: list[str]) -> bool:
    """The file names every column the contract needs as the contract does (and the link asks
    for no other mapping of it): nothing to choose."""
    if st.session_state.get("_url_maps", {}).get(kind):
        return False
    return all(_auto_index(spec.name, columns) for spec in COLUMNS[kind] if spec.required)


def _mapping_widgets(kind: str, columns: list[str], dictionary: bool) -> dict[str, str]:
    """One select per contract column, one under the other (the sidebar is narrow: two side by
    side cut every option); returns {contract column: file column} where it differs."""
    mapping: dict[str, str] = {}
    for spec in COLUMNS[kind]:
        key = f"map_{kind}_{spec.name}"
        pending = st.session_state.get("_url_maps", {}).get(kind, {}).get(spec.name)
        if pending in columns and key not in st.session_state:
            st.session_state[key] = pending
        found_in_text = spec.name == "actor" and kind == "mentions" and dictionary
        required = spec.required and not found_in_text
        meaning = spec.meaning[0].upper() + spec.meaning[1:]
        help_text = f"{meaning}. {NONE}: the file has no such column."
        if found_in_text:
            help_text += " Optional here: the actor dictionary finds the actors in the text."
        elif spec.required:
            help_text += " Every file of this kind needs one."
        label = spec.name + (" (required)" if required else "")
        picked = st.selectbox(label, [NONE, *columns], index=_auto_index(spec.name, columns), key=key, help=help_text)
        if picked != NONE:
            mapping[spec.name] = picked
    identity = all(src.strip().lower() == name for name, src in mapping.items())
    return {} if identity else mapping


def _columns(kind: str, upload, data: bytes) -> list[str]:
    """The file's header, peeked once per upload (not on every rerun) and kept in the session."""
    peeked = st.session_state.setdefault("_peeked_columns", {})
    key = (kind, getattr(upload, "file_id", ""), len(data))
    if key not in peeked:
        if len(peeked) > 4:
            peeked.clear()
        peeked[key] = peek_columns(data)
    return peeked[key]


def _keep(dataset: Dataset, files: dict[str, bytes | None], names: dict[str, str | None], dictionary: str,
          options: UploadOptions) -> str | None:
    """Keep a loaded upload in the store, once per content and options in a session: its ds=
    value, or None (with the reason shown) when it cannot be kept."""
    done = st.session_state.setdefault("_kept_by_key", {})
    new = False
    if dataset.key not in done:
        if len(done) > 32:  # a session that tries many mappings: the store has them, the session needs few
            done.clear()
        try:
            store = _store(create=True)
            if store is None:
                raise UploadError("the store cannot be opened on this server")
            info = keep_upload(store, files["events"], files["mentions"], dictionary=dictionary, options=options,
                               events_name=names["events"], mentions_name=names["mentions"], limits=_limits())
            new = info.ref not in known_uploads()
            _remember(info)
            done[dataset.key] = ("kept", info.ref)
        except UploadError as exc:
            done[dataset.key] = ("not kept", str(exc))
        except Exception as exc:  # noqa: BLE001 — a full disk or a locked database: the data still show
            log.exception("keeping an upload failed")
            done[dataset.key] = ("not kept", f"the store could not keep it ({type(exc).__name__})")
    state, value = done[dataset.key]
    if new:
        st.session_state["_upload_ref"] = value
        st.rerun()  # the dataset menu, drawn before the upload was kept, lists it now
    if state == "kept":
        days = _limits().max_age_days
        st.caption(f":material/link: Kept on this server for {days} days after its last use: "
                   "the link below reopens it for anyone who has it.")
        return value
    st.caption(f":material/link_off: Not kept for sharing: {escape_markdown(value)}. "
               "The link below shows your view only to someone who uploads the same files.")
    return None


def _tiktok_dictionary() -> None:
    st.session_state["actor_dict"] = TIKTOK_DICTIONARY.read_text(encoding="utf-8")


def render_upload(engine: str | None = None) -> tuple[Dataset | None, str]:
    """The uploaders and the reading options; the dataset (on `engine`) once at least one file is there."""
    st.session_state.pop("_upload_ref", None)
    ev = st.file_uploader("Events file", key="upload_events", help="CSV, TSV, JSON, JSON Lines, Parquet, GDELT or ACLED")
    me = st.file_uploader("Mentions file", key="upload_mentions", help="CSV, TSV, JSON, JSON Lines, Parquet, GDELT, or text")
    if ev is None and me is None:
        return None, "Your files"
    files = {"events": ev.getvalue() if ev else None, "mentions": me.getvalue() if me else None}
    maps: list[str] = []
    dictionary_given = bool(str(st.session_state.get("actor_dict") or "").strip())
    # Open once these files needed the mapping, and kept open while the person maps them (a
    # change of `expanded` would fold it away under their cursor as soon as the file reads).
    these = tuple(getattr(f, "file_id", "") for f in (ev, me) if f is not None)
    with st.expander(READING, expanded=st.session_state.get("_mapping_for") == these):
        st.caption("Canonical, GDELT and ACLED files are recognised on their own. For any other table, "
                   "say which of its columns hold the date, the actor, and so on.")
        for kind, data in files.items():
            if data is None:
                continue
            file_id = getattr(ev if kind == "events" else me, "file_id", "")
            known = st.session_state.get("_known_formats", {}).get((kind, file_id))
            if known:  # read by its own rules: a mapping would not be used
                st.markdown(f"**{kind.capitalize()} file** · {escape_markdown(known)}")
                st.caption("Recognised: read by its own rules, nothing to map.")
                continue
            columns = _columns(kind, ev if kind == "events" else me, data)
            if not columns:
                continue
            st.markdown(f"**{kind.capitalize()} file** · {len(columns)} columns")
            needed = st.session_state.get("_mapping_for") == these  # a file of these failed for a missing column
            if not needed and _named_as_the_contract(kind, columns) and not st.toggle(
                    "Choose its columns myself", key=f"map_{kind}_edit",
                    help="Its columns carry the contract's names (date, actor, …) and are read as they are. "
                         "Turn on to say which column holds what."):
                st.caption("Its columns are named as the contract names them: read as they are.")
                continue
            mapping = _mapping_widgets(kind, columns, dictionary_given)
            if mapping:
                maps.append(f"{kind}:" + ",".join(f'"{k}={v}"' if "," in v else f"{k}={v}" for k, v in mapping.items()))
        st.markdown("**Both files**")
        layout = st.selectbox("Dates", list(DATE_LAYOUTS), format_func=DATE_LAYOUTS.__getitem__, key="datefmt",
                              help="How the dates are written, when day and month could be read either way "
                                   "(ISO 8601 dates such as 2015-02-24 are always recognised).")
        wide = st.checkbox("Wide table of counts", key="wide",
                           help="The mentions file has a date column, then one count column per actor.")
        dictionary = st.text_area(
            "Actor dictionary", key="actor_dict", height=110, placeholder="canonical,alias\nAmazon,AMZN",
            help="One `canonical,alias` per line. Aliases are matched as whole words in any case; they name the "
                 "actors of every file, and find the actors in a mentions file's text when it has no actor column.",
        )
        st.button("Use the TikTok demo's dictionary", key="tiktok_dict", width="stretch", on_click=_tiktok_dictionary)
    try:
        options = build_options(maps, [layout] if layout != "auto" else [], wide=wide)
        dataset = dataset_from_bytes(files["events"], files["mentions"], options, dictionary, engine)
    except ValueError as exc:
        st.error(f"These reading options cannot be used: {escape_markdown(in_words(str(exc)))}")
        return None, "Your files"
    st.session_state["_maps"] = tuple(maps)
    needs = any(r.error is not None and r.error.code == "missing-label" for r in dataset.reports.values())
    if needs and st.session_state.get("_mapping_for") != these:
        st.session_state["_mapping_for"] = these
        st.rerun()  # open the reading options at once
    known = st.session_state.setdefault("_known_formats", {})
    if len(known) > 8:
        known.clear()
    for kind, f in (("events", ev), ("mentions", me)):
        report = dataset.reports.get(kind)
        if f is not None and report is not None and report.file_format.startswith(RECOGNISED):
            known[(kind, getattr(f, "file_id", ""))] = report.file_format
    names = {"events": ev.name if ev else None, "mentions": me.name if me else None}
    if not dataset.empty:
        ref = _keep(dataset, files, names, dictionary if dictionary.strip() else "",
                    UploadOptions(tuple(maps), (layout,) if layout != "auto" else (), bool(wide)))
        if ref:
            st.session_state["_upload_ref"] = ref
    return dataset, " + ".join(n for n in names.values() if n)
