"""`python -m dashboard.ui.serve`: Streamlit's own command line, with the metrics endpoint closed.

Streamlit serves /_stcore/metrics to anyone who can reach the port, with no option to turn it
off: it shows every session's cache and upload sizes. `boilingpoint run` starts the server
through this module, which replaces the route factory by one that makes no route before the
server is built (tests/ui/test_streamlit_private_api.py fences the name). Set
BOILINGPOINT_METRICS=1 to keep the endpoint (for a deployment that scrapes it behind a proxy).
"""

from __future__ import annotations

import os
import sys


def close_metrics() -> bool:
    """Make Streamlit build no /_stcore/metrics route; False when this Streamlit has no such factory."""
    try:
        from streamlit.web.server.starlette import starlette_app
    except ImportError:  # pragma: no cover - another server implementation
        return False
    if not hasattr(starlette_app, "create_metrics_routes"):
        return False
    starlette_app.create_metrics_routes = lambda runtime, base_url: []
    return True


def main() -> int:
    if os.environ.get("BOILINGPOINT_METRICS") != "1":
        close_metrics()
    from streamlit.web.cli import main as streamlit_main

    sys.argv = ["streamlit", *sys.argv[1:]]
    return streamlit_main()


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
