"""*Newer* / *Older* on a team's history (``history.page:<team id>``): the page, in place."""

from __future__ import annotations

from bot.listeners.edge import record_button
from bot.usecases import history

handle_page = record_button(
    lambda deps, _client, where, team_id, action: history.turn(
        deps, where, team_id, str(action.get("value") or "")
    ),
    what="a page of a team's history",
)
