"""The digest's chart: each team's level and criteria met over the last 12 weeks (PNG).

Drawn with matplotlib's object API on the Agg canvas (no pyplot): no global figure state,
so digests for many channels can render charts on parallel threads.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from conversations.digest import TeamWeek

MAX_TEAMS = 8


def progress_chart(weeks: Sequence[TeamWeek], *, title: str) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    teams = [w for w in weeks if w.history][:MAX_TEAMS]
    fig = Figure(figsize=(7, 4.5), dpi=90)
    FigureCanvasAgg(fig)
    top, bottom = fig.subplots(2, 1, sharex=True)
    xs = list(range(len(teams[0].history))) if teams else []
    labels = [p.week_end.strftime("%d %b") for p in teams[0].history] if teams else []
    for week in teams:
        levels = [p.level if p.level is not None else float("nan") for p in week.history]
        top.step(xs, levels, where="post", label=week.name[:30])
        bottom.plot(xs, [p.criteria_met for p in week.history])
    top.set_ylim(-0.3, 5.3)
    top.set_yticks(range(6))
    top.set_ylabel("Level")
    top.set_title(title, fontsize=10)
    top.grid(alpha=0.3)
    bottom.set_ylim(0, 15.5)
    bottom.set_ylabel("Criteria met")
    bottom.grid(alpha=0.3)
    bottom.set_xticks(xs, labels, rotation=45, fontsize=7)
    if teams:
        top.legend(loc="upper left", fontsize=7, ncol=2)
    fig.subplots_adjust(left=0.09, right=0.98, top=0.92, bottom=0.16, hspace=0.12)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
