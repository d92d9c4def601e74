"""The digest's chart: each team's level and criteria met over the last 12 weeks (PNG)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from conversations.digest import TeamWeek

MAX_TEAMS = 8


def progress_chart(weeks: Sequence[TeamWeek], *, title: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")  # headless: no display on a server
    import matplotlib.pyplot as plt

    teams = [w for w in weeks if w.history][:MAX_TEAMS]
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 5.5), sharex=True, dpi=100)
    try:
        for week in teams:
            xs = [p.week_end.strftime("%d %b") for p in week.history]
            levels = [p.level if p.level is not None else float("nan") for p in week.history]
            top.step(xs, levels, where="post", marker="o", markersize=3, label=week.name[:30])
            bottom.plot(xs, [p.criteria_met for p in week.history], marker="o", markersize=3)
        top.set_ylim(-0.3, 5.3)
        top.set_yticks(range(6))
        top.set_ylabel("Level")
        top.set_title(title)
        top.grid(alpha=0.3)
        bottom.set_ylim(0, 15.5)
        bottom.set_ylabel("Criteria met (of 15)")
        bottom.grid(alpha=0.3)
        bottom.tick_params(axis="x", labelrotation=45, labelsize=8)
        if teams:
            top.legend(loc="upper left", fontsize=8, ncol=2)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        return buf.getvalue()
    finally:
        plt.close(fig)
