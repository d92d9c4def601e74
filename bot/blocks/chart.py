"""The digest's chart: each team's level and criteria met over the last 12 weeks (PNG),
and, when a team has deploy evidence, a third panel of its successful production deploys a
week (left out when none has).

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
    from matplotlib.ticker import MaxNLocator

    teams = [w for w in weeks if w.history][:MAX_TEAMS]
    deploying = [w for w in teams if w.deploys is not None]
    fig = Figure(figsize=(7, 6.3 if deploying else 4.5), dpi=90)
    FigureCanvasAgg(fig)
    if deploying:
        top, middle, bottom = fig.subplots(3, 1, sharex=True)
        middle.set_ylabel("Criteria met")
        middle.set_ylim(0, 15.5)
        middle.grid(alpha=0.3)
        criteria = middle
    else:
        top, bottom = fig.subplots(2, 1, sharex=True)
        criteria = bottom
    xs = list(range(len(teams[0].history))) if teams else []
    labels = [p.week_end.strftime("%d %b") for p in teams[0].history] if teams else []
    for week in teams:
        levels = [p.level if p.level is not None else float("nan") for p in week.history]
        line = top.step(xs, levels, where="post", label=week.name[:30])[0]
        criteria.plot(xs, [p.criteria_met for p in week.history], color=line.get_color())
        if deploying and week.deploys is not None:
            counts = week.deploys.counts[-len(xs) :]
            bottom.plot(xs[-len(counts) :], counts, marker=".", color=line.get_color())
    top.set_ylim(-0.3, 5.3)
    top.set_yticks(range(6))
    top.set_ylabel("Level")
    top.set_title(title, fontsize=10)
    top.grid(alpha=0.3)
    if deploying:
        bottom.set_ylim(bottom=0)
        bottom.yaxis.set_major_locator(MaxNLocator(integer=True))
        bottom.set_ylabel("Deploys a week")
    else:
        bottom.set_ylim(0, 15.5)
        bottom.set_ylabel("Criteria met")
    bottom.grid(alpha=0.3)
    bottom.set_xticks(xs, labels, rotation=45, fontsize=7)
    if teams:
        top.legend(loc="upper left", fontsize=7, ncol=2)
    fig.subplots_adjust(
        left=0.09,
        right=0.98,
        top=0.94 if deploying else 0.92,
        bottom=0.12 if deploying else 0.16,
        hspace=0.12,
    )
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
