"""The App Home tab, built for one person: their teams to act on (level, next step, its
criteria with *Update*, *Check in*, the teams' active nudges), their reminders, then every
team of the workspace at a glance (``bot/blocks/home.py``).

It is published when the person opens it (``app_home_opened``), and again — by
:func:`refresh` — when something it shows changes: a criterion moved, a check-in finished
or started, a nudge dismissed. A refresh publishes for the people concerned (the person
who acted and the teams' owners), never for everyone, after the change's unit of work has
committed, on the work pool: it never delays or breaks the answer to the person who acted,
and a Slack error publishing is logged, not told.

"Your teams" are the teams the person owns (``permissions.owners_of``), whose latest
check-in they ran, or whose check-in they have open. Being a workspace admin does not make
every team yours (it does let you *Update* the criteria of the teams that are).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from bot.blocks.home import (
    MY_TEAMS_SHOWN,
    Home,
    HomeNudge,
    HomeReminder,
    MyTeam,
    TeamLine,
    home_view,
    next_step,
)
from bot.deps import Deps
from bot.scheduling.reminder_times import local_phrase
from bot.slack import people
from bot.usecases.context import Where, workspace_id_for
from bot.usecases.permissions import owners_of
from conversations.board import BoardEntry
from conversations.scoring import Status
from storage.assessments import IDLE_EXPIRY
from storage.criteria import to_entry
from storage.db import read_scope
from storage.home import (
    LatestCheckin,
    active_nudges,
    latest_checkins,
    open_checkins_of,
    reminders_of,
    workspace_boards,
    workspace_teams,
)
from storage.models import AssessmentStatus, CriterionStatus, Team
from storage.types import utcnow
from storage.workspaces import get_team

logger = logging.getLogger("maturity_bot.home")

NUDGES_STAND = timedelta(days=30)  # a runbook nudge stays on the Home this long, undismissed
USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


def publish(deps: Deps, client: WebClient, where: Where) -> None:
    """Build the person's Home and publish it (``views.publish``)."""
    client.views_publish(user_id=where.user_id, view=home_view(build(deps, client, where)))


def refresh(deps: Deps, client: WebClient, where: Where, team_ids: Iterable[int]) -> None:
    """Publish the Home again for the people a change to ``team_ids`` concerns — the person
    who acted and the teams' owners — once that change has committed. Runs on the work
    pool; failures are logged (a stale Home is refreshed the next time it is opened)."""
    ids = sorted({i for i in team_ids if i})

    def job() -> None:
        try:
            users = concerned(deps, where, ids)
        except Exception:
            logger.exception("could not tell whose Home to refresh")
            return
        for user in users:
            _publish_quietly(deps, client, replace(where, user_id=user, channel_id=""))

    deps.work.submit(job)


def concerned(deps: Deps, where: Where, team_ids: Iterable[int]) -> list[str]:
    """The person who acted, then the owners of ``team_ids`` (each once)."""
    users = [where.user_id]
    ids = list(team_ids)
    if ids:
        with read_scope(deps.engine) as session:
            ws = workspace_id_for(session, where)
            for team_id in ids:
                team = get_team(session=session, workspace_id=ws, team_id=team_id)
                users += owners_of(team) if team is not None else []
    return [u for u in dict.fromkeys(users) if USER_ID.match(u)]


def _publish_quietly(deps: Deps, client: WebClient, where: Where) -> None:
    try:
        publish(deps, client, where)
    except SlackApiError as exc:
        logger.info(
            "could not publish the Home of %s: %s", where.user_id, exc.response.get("error")
        )
    except Exception:
        logger.exception("could not publish the Home of %s", where.user_id)


# ------------------------------------------------------------------ building it


def build(deps: Deps, client: WebClient, where: Where, *, now: datetime | None = None) -> Home:
    """The person's Home, read in one short read-only unit of work (a fixed set of queries,
    whatever the number of teams)."""
    now = now or utcnow()
    user = where.user_id
    with read_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        teams = workspace_teams(session=session, workspace_id=ws)
        boards = workspace_boards(session=session, workspace_id=ws)
        latest = latest_checkins(session=session, workspace_id=ws)
        live = {
            team_id
            for team_id, moved in open_checkins_of(
                session=session, workspace_id=ws, user_id=user
            ).items()
            if moved >= now - IDLE_EXPIRY
        }
        mine = [t for t in teams if _is_mine(t, user, latest.get(t.id or 0), live)]
        shown = mine[:MY_TEAMS_SHOWN]
        nudges = _nudges(session, ws, shown, latest, now)
        reminders = reminders_of(session=session, workspace_id=ws, user_id=user)
    names = {t.id: t.name for t in teams}
    admin: bool | None = None
    my_teams: list[MyTeam] = []
    for team in shown:
        assert team.id is not None
        may = user in owners_of(team)
        if not may:
            if admin is None:
                admin = people.lookup(client, user).is_admin
            may = admin
        my_teams.append(
            MyTeam(
                team_id=team.id,
                name=team.name,
                level=team.level,
                board=_entries(boards.get(team.id, {})),
                may_change=may,
                resume=team.id in live,
                nudges=nudges.get(team.id, ()),
            )
        )
    tz = people.lookup(client, user) if reminders else None
    return Home(
        mine=my_teams,
        more_mine=len(mine) - len(shown),
        reminders=[
            HomeReminder(
                title=r.title,
                team_name=names.get(r.team_id, "a team"),
                due=_due(r.due, tz.tz if tz is not None and tz.known else r.tz),
            )
            for r in reminders
        ],
        teams=[_line(t, boards.get(t.id or 0, {})) for t in teams],
    )


def _is_mine(team: Team, user: str, latest: LatestCheckin | None, live: set[int]) -> bool:
    return (
        user in owners_of(team)
        or (latest is not None and latest.user_id == user)
        or (team.id or 0) in live
    )


def _nudges(
    session: Session, ws: int, teams: list[Team], latest: dict[int, LatestCheckin], now: datetime
) -> dict[int, list[HomeNudge]]:
    finished = {
        team.id: checkin.completed_at
        for team in teams
        if team.id is not None
        and (checkin := latest.get(team.id)) is not None
        and checkin.status == AssessmentStatus.COMPLETED
        and checkin.completed_at is not None
    }
    rows = active_nudges(
        session=session,
        workspace_id=ws,
        team_ids=[t.id for t in teams if t.id is not None],
        checked_in=finished,
        since=now - NUDGES_STAND,
    )
    return {
        team_id: [HomeNudge(r.id or 0, r.rule_id, r.subject) for r in records]
        for team_id, records in rows.items()
    }


def _entries(board: dict[str, CriterionStatus]) -> dict[str, BoardEntry]:
    return {cid: to_entry(row) for cid, row in board.items()}


def _line(team: Team, board: dict[str, CriterionStatus]) -> TeamLine:
    step = next_step(team.level)
    if team.level is None or step is None:
        return TeamLine(team.name, team.level)
    met = sum(1 for c in step.criteria if c.id in board and board[c.id].status == Status.MET.value)
    return TeamLine(team.name, team.level, met, len(step.criteria))


def _due(due: datetime | None, tz: str) -> str:
    if due is None:
        return "no date set"
    return f"{local_phrase(due, tz)} ({tz})"
