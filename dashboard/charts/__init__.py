"""Altair chart builders. Each takes frames and options and returns a chart; none renders.

Field names are our own fixed column names, always given as alt.X(field=..., type=...);
data values (actor names, headlines) only ever travel as data, never inside an expression.

- common.py: panel sizes, axes, scales, the row cap and the shared look;
- timeline.py: the escalation panel and the panels aligned with it, the overview strip;
- event_labels.py: the escalation panel's event labels, in a lane the index line does not cross;
- actors.py: share of voice, tone by actor, who acts on whom, the leaderboard;
- why.py: the index's components, two stories compared.
"""

from __future__ import annotations

from dashboard.charts.actors import leaderboard_chart, matrix_chart, share_of_voice_chart, tone_by_actor_chart
from dashboard.charts.common import (
    PANEL_CHROME,
    PANEL_HEIGHT,
    bucket_length,
    cap_rows,
    date_domain,
    outer_height,
)
from dashboard.charts.event_labels import label_rows
from dashboard.charts.timeline import (
    escalation_chart,
    events_chart,
    overview_chart,
    retraction_links_chart,
    stage_gauge_chart,
    stage_runs,
    timeline_export_chart,
    timeline_layers,
    tone_chart,
    volume_chart,
)
from dashboard.charts.why import compare_chart, components_chart
from dashboard.contract import MAX_CHART_ROWS

__all__ = [
    "MAX_CHART_ROWS", "PANEL_CHROME", "PANEL_HEIGHT", "bucket_length", "cap_rows", "compare_chart",
    "components_chart", "date_domain", "escalation_chart", "events_chart", "label_rows", "leaderboard_chart",
    "matrix_chart", "outer_height", "overview_chart", "retraction_links_chart", "share_of_voice_chart",
    "stage_gauge_chart", "stage_runs", "timeline_export_chart", "timeline_layers", "tone_by_actor_chart",
    "tone_chart", "volume_chart",
]
