"""``/maturity workspace [export | delete]``: what the bot keeps for this workspace, and —
for workspace admins — all of it as one JSON file, or all of it deleted (asked first; with
Slack OAuth installs, the workspace's tokens go too).

The JSON file (``maturity-workspace-<Slack team id>.json``) holds every row of every table
the bot keeps for the workspace, column by column as stored, less anything that holds a
credential (installed tokens are in slack_sdk's own tables and are never exported)::

    {"format": "maturity-bot/workspace-export", "version": 1, "exported_at": "<time>",
     "workspace": {"id", "slack_team_id", "enterprise_id", "name", "created_at",
                   "uninstalled_at"},
     "tables": {"teams": [{<column>: <value>, …}, …], "assessments": […],
                "criterion_statuses": […], "criterion_events": […], "nudges": […],
                "schedules": […], "runbook_operations": […], "runbook_imports": […]}}

Times are UTC, ISO 8601; ids (``team_id``, ``workspace_id``) refer to rows of the same
file. Like team exports, it is written as it is read, a chunk of rows at a time.
"""

from __future__ import annotations

import json
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from slack_sdk import WebClient
from sqlmodel import Session

from bot.blocks.team_card import NOTHING_KEPT, contents, delete_workspace_blocks
from bot.blocks.text import escape_mrkdwn
from bot.deps import Deps
from bot.slack.answer import Answer
from bot.slack.errors import UserFacingError
from bot.slack.ids import COMMAND
from bot.slack.oauth import installation_store
from bot.usecases.admin_only import require_admin
from bot.usecases.context import Where, forget_workspaces, workspace_id_for
from bot.usecases.export import FORMAT_VERSION, Upload, upload
from bot.usecases.teams_admin import EXPIRED, fresh
from storage.db import read_scope, session_scope
from storage.export import table_rows, workspace_row, workspace_tables
from storage.types import utcnow
from storage.workspaces import purge_workspace, workspace_row_counts

WORKSPACE_FORMAT = "maturity-bot/workspace-export"
ADMINS_EXPORT = "export everything I keep for this workspace"
ADMINS_DELETE = "delete everything I keep for this workspace"


def command(deps: Deps, client: WebClient, where: Where, rest: str) -> Answer:
    verb = rest.strip().lower()
    if verb == "export":
        return export_everything(deps, client, where)
    if verb == "delete":
        return ask_delete(deps, client, where)
    if verb:
        raise UserFacingError(
            f"`{COMMAND} workspace` shows what I keep here; `{COMMAND} workspace export` and "
            f"`{COMMAND} workspace delete` (workspace admins) export or delete all of it."
        )
    return summary(deps, where)


def summary(deps: Deps, where: Where) -> Answer:
    """What the bot keeps for the workspace, and for how long."""
    with read_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        counts = workspace_row_counts(session=session, workspace_id=ws)
    days = deps.settings.data_retention_days
    return Answer(
        text=f"For this workspace I keep {contents(counts)}. It stays until a team or the "
        f"workspace's data is deleted; after the app is uninstalled it is kept {days} days "
        f"(so a reinstall finds it), then deleted. Workspace admins: `{COMMAND} workspace "
        f"export` sends all of it to you as JSON, `{COMMAND} workspace delete` deletes it."
    )


def export_everything(deps: Deps, client: WebClient, where: Where) -> Answer:
    """Every row kept for the workspace, as one JSON file in the admin's DM."""
    require_admin(client, where.user_id, doing=ADMINS_EXPORT)
    filename = f"maturity-workspace-{_safe(where.slack_team_id)}.json"
    with tempfile.TemporaryDirectory(prefix="maturity-export-") as tmp:
        path = Path(tmp) / filename
        with read_scope(deps.engine) as session:
            ws = workspace_id_for(session, where)
            with path.open("w", encoding="utf-8") as out:
                counts = write_everything(session, ws, out)
        upload(
            client,
            where.user_id,
            Upload(
                path=path,
                filename=filename,
                title="maturity-bot: everything kept for this workspace",
                comment=f"Everything I keep for this workspace: {contents(counts)}.",
            ),
        )
    return Answer(text=f"I've sent you `{escape_mrkdwn(filename)}` in our DM: {contents(counts)}.")


def _safe(slack_team_id: str) -> str:
    return "".join(ch for ch in slack_team_id if ch.isalnum())[:32] or "workspace"


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def write_everything(session: Session, ws: int, out: IO[str]) -> dict[str, int]:
    """Write the workspace export to ``out``, one row at a time; rows per table."""
    head = {
        "format": WORKSPACE_FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": utcnow().isoformat(),
        "workspace": {
            k: _jsonable(v)
            for k, v in (workspace_row(session=session, workspace_id=ws) or {}).items()
        },
    }
    out.write(_dump(head)[:-1] + ',"tables":{')
    counts: dict[str, int] = {}
    for i, table in enumerate(workspace_tables()):
        if i:
            out.write(",")
        out.write(_dump(table.name) + ":[")
        n = 0
        for row in table_rows(session=session, table=table, workspace_id=ws):
            if n:
                out.write(",")
            out.write(_dump({k: _jsonable(v) for k, v in row.items()}))
            n += 1
        out.write("]")
        counts[table.name] = n
    out.write("}}")
    return counts


def ask_delete(deps: Deps, client: WebClient, where: Where) -> Answer:
    """``/maturity workspace delete``: what would go, and the button that deletes it."""
    require_admin(client, where.user_id, doing=ADMINS_DELETE, instead="Nothing was deleted.")
    with read_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        counts = workspace_row_counts(session=session, workspace_id=ws)
    kept = contents(counts)
    if kept == NOTHING_KEPT and not deps.settings.uses_oauth:
        return Answer(text="There's nothing to delete: I keep nothing for this workspace yet.")
    blocks = delete_workspace_blocks(
        contents=kept, tokens=deps.settings.uses_oauth, issued=utcnow().isoformat()
    )
    return Answer(
        text="Delete everything I keep for this workspace?", blocks=[b.to_dict() for b in blocks]
    )


def delete_confirmed(deps: Deps, client: WebClient, where: Where, issued: str) -> Answer:
    """*Delete everything*: asked of Slack again (still an admin?), then the workspace's
    rows go in one unit of work, and with OAuth installs its tokens after them."""
    if not fresh(issued):
        raise UserFacingError(EXPIRED)
    require_admin(client, where.user_id, doing=ADMINS_DELETE, instead="Nothing was deleted.")
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        counts = purge_workspace(session=session, workspace_id=ws)
    forget_workspaces()
    tokens = ""
    if deps.settings.uses_oauth:
        installation_store(deps.settings, deps.engine).delete_all(
            enterprise_id=where.enterprise_id, team_id=where.slack_team_id
        )
        tokens = (
            " The app's tokens for this workspace are deleted too: I can't act here until "
            "someone installs me again."
        )
    return Answer(
        text=f"Deleted everything I kept for this workspace ({contents(counts)}).{tokens}",
        replace=True,
    )
