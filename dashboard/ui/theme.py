"""The projector (dark) theme on the page: the toggle, the page's colours, the charts' choice.

Streamlit's own theme comes from config.toml and cannot be set by the script (its theme
options are not scriptable; the viewer can pick Light or Dark in the app menu, and
`st.context.theme.type` reports which). So "Projector (dark)" is ours: a toggle kept in the
view's URL (`theme=dark`), which recolours every chart (charts/theme.py) and the page around
them with a style sheet. Charts are also drawn dark when the viewer chose Streamlit's Dark
theme in the app menu, so they never sit light on a dark page.
"""

from __future__ import annotations

import streamlit as st

from dashboard.charts.theme import DARK_BACKGROUND, DARK_INK, DARK_MUTED

STATE = "_theme"  # the theme the view asks for ("light" or "dark"), read from and written to the URL
LABEL = "Projector (dark)"
HELP = "A dark page and charts with high-contrast, colour-blind-safe colours, for a projector or a dark room."

PANEL = "#1a1f29"  # widgets, code and boxes on the dark page
_BORDER = "#4b5563"

# Streamlit draws its own widgets from its (light) theme; these rules turn the page, the
# sidebar, text, buttons, inputs, tabs and boxes dark. Tables are drawn on a canvas in
# Streamlit's (light) colours, which no style reaches: they are shown inverted, hue kept (a
# white cell becomes near-black, dark text light, a red stays red).
PAGE_CSS = f"""
<style>
.stApp, [data-testid="stHeader"], [data-testid="stBottomBlockContainer"] {{ background-color: {DARK_BACKGROUND}; color: {DARK_INK}; }}
[data-testid="stSidebar"], [data-testid="stSidebarContent"] {{ background-color: #161b24; color: {DARK_INK}; }}
.stApp h1, .stApp h2, .stApp h3, .stApp h4, .stApp h5, .stApp h6, .stApp p, .stApp li, .stApp label, .stApp span,
[data-testid="stMetricValue"], [data-testid="stMetricLabel"], [data-testid="stMarkdownContainer"] {{ color: {DARK_INK}; }}
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p, [data-testid="stWidgetLabel"] small {{ color: {DARK_MUTED}; }}
[data-testid="stBaseButton-secondary"] {{ background-color: {PANEL}; color: {DARK_INK}; border-color: {_BORDER}; }}
[data-testid="stBaseButton-secondary"]:disabled {{ color: #8b93a1; }}
[data-testid="stButtonGroup"] button {{ background-color: {PANEL}; color: {DARK_INK}; border-color: {_BORDER}; }}
[data-testid="stButtonGroup"] button[aria-checked="true"] {{ background-color: #3b2a22; }}
[data-testid="stMetricDelta"] {{ background-color: #232a35; }}
label:has(input[role="switch"]):not([data-selected="true"]) > div:first-of-type {{ background-color: {_BORDER}; }}
.stApp input::placeholder, .stApp textarea::placeholder {{ color: {DARK_MUTED}; }}
.stApp button[aria-label="Help"], [data-testid="stTooltipIcon"] {{ color: {DARK_MUTED}; background: transparent; }}
.stApp [data-testid="stTooltipIcon"] .stTooltipHoverTarget svg.icon, .stApp [data-testid="stTooltipIcon"] svg {{ stroke: {DARK_MUTED}; }}
.stApp [data-testid="stSelectbox"] [role="group"] svg, .stApp [data-testid="stMultiSelect"] [role="group"] svg,
.stApp [data-testid="stDateInput"] svg {{ color: {DARK_MUTED}; fill: {DARK_MUTED}; }}
.stApp .stMarkdownColoredText {{ filter: brightness(1.9); }}
.stApp input, .stApp textarea, [data-baseweb="select"] > div, [data-baseweb="input"], [data-baseweb="base-input"],
[data-testid="stSelectbox"] [role="group"], [data-testid="stMultiSelect"] [role="group"],
[data-testid="stDateInputField"] {{ background-color: {PANEL}; color: {DARK_INK}; border-color: {_BORDER}; }}
[data-baseweb="popover"] ul, [data-baseweb="popover"] li, [data-baseweb="menu"] {{ background-color: {PANEL}; color: {DARK_INK}; }}
[data-baseweb="tag"] {{ background-color: #3b4250; color: {DARK_INK}; }}
.stApp pre, .stApp code, [data-testid="stCode"] {{ background-color: {PANEL}; color: {DARK_INK}; }}
[data-testid="stExpander"] details, [data-testid="stExpander"] summary {{
  background-color: {DARK_BACKGROUND}; color: {DARK_INK}; border-color: {_BORDER}; }}
[data-testid="stAlertContainer"] {{ background-color: #1c2a3d; color: {DARK_INK}; }}
[data-baseweb="tab-list"] button, [data-baseweb="tab"] {{ background-color: transparent; color: {DARK_INK}; }}
[data-testid="stVerticalBlockBorderWrapper"] {{ border-color: {_BORDER}; }}
hr {{ border-color: {_BORDER}; }}
[data-testid="stDataFrame"] {{ filter: invert(0.9) hue-rotate(180deg); }}
</style>
"""

# Meeting mode on a large screen (1920×1080 and up): the moment's chart takes the whole width
# and the text goes under it; below that (a 1280×720 projector) they stay side by side, so the
# moment fits without scrolling.
MEETING_CSS = """
<style>
/* The arrow keys' step buttons: kept in the page (their key listeners live as long as the
   button does), never seen; the visible buttons carry PageUp/PageDown (present.NAVIGATION). */
.st-key-left, .st-key-right { display: none !important; }
/* The moment chart is drawn once per layout, its labels laid out for that layout's width
   (present.LABEL_ROOM); the one for the screen is shown, on the same media query as below. */
/* (the container's wrapper goes too: an empty wrapper would still take a gap of the column) */
[data-testid="stLayoutWrapper"]:has(> .st-key-moment_wide) { display: none !important; }
@media (min-width: 1600px) and (min-height: 960px) {
  [data-testid="stLayoutWrapper"]:has(> .st-key-moment_wide) { display: flex !important; }
  [data-testid="stLayoutWrapper"]:has(> .st-key-moment_narrow) { display: none !important; }
}
@media (min-width: 1600px) and (min-height: 960px) {
  .st-key-moment > [data-testid="stLayoutWrapper"] > [data-testid="stHorizontalBlock"] { flex-direction: column; gap: 0.5rem; }
  .st-key-moment > [data-testid="stLayoutWrapper"] > [data-testid="stHorizontalBlock"] > [data-testid="stColumn"] {
    width: 100% !important; flex: 1 1 auto !important; }
}
</style>
"""


def asked_theme() -> str:
    """The theme the view asks for: "dark" when the toggle (or the link) says so."""
    return "dark" if st.session_state.get(STATE) == "dark" else "light"


def chart_theme() -> str:
    """The theme to draw charts in: dark on the projector theme, or when the viewer chose
    Streamlit's Dark theme in the app menu."""
    if asked_theme() == "dark":
        return "dark"
    try:
        return "dark" if st.context.theme.type == "dark" else "light"
    except Exception:  # noqa: BLE001 — no browser context (a bare script run): draw light
        return "light"


def _flip(key: str) -> None:
    st.session_state[STATE] = "dark" if st.session_state.get(key) else "light"


def render_toggle(key: str = "projector") -> None:
    """The "Projector (dark)" toggle; its state outlives the widget (meeting mode has one
    too, under another key), so it is kept in STATE and the widget set from it each run."""
    st.session_state[key] = asked_theme() == "dark"
    st.toggle(LABEL, key=key, on_change=_flip, args=(key,), help=HELP)


# The only raw HTML the app sends: these two constant style sheets, no data in them
# (tests/test_layers.py holds every other module to no st.html at all). Streamlit puts a
# style-only st.html in its event container, so it takes no room on the page.


def apply_page_theme() -> None:
    """The page's style sheet for the asked theme (nothing for light)."""
    if asked_theme() == "dark":
        st.html(PAGE_CSS)


def apply_meeting_layout() -> None:
    """Meeting mode's large-screen layout (MEETING_CSS)."""
    st.html(MEETING_CSS)
