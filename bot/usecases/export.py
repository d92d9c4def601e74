"""``/maturity export [team name] csv|json``: a team's check-ins, criterion history, level
changes and nudges as a file, uploaded to the person's DM (files upload v2) as
``maturity-<team>.csv`` or ``.json``. ``/maturity export all csv|json`` does every team
(workspace admins only; a team that is really called “all” is ``export "all" csv``).

Anyone may export a team (anyone may view it). The file is written row by row into a
temporary file as the rows are read, a chunk at a time (``storage/export.py``), so a long
history is never held in memory whole; then it is uploaded and the temporary file removed.
(slack_sdk's ``files_upload_v2`` reads the finished file into memory once to send it.)

The file name is ``maturity-`` + the team's name with every run of characters other than
letters, digits, ``_``, ``.`` and ``-`` turned into ``-`` (``Payments Platform`` →
``maturity-Payments-Platform.csv``); every team at once is ``maturity-all-teams.<ext>``.
Times are UTC, ISO 8601 (``2025-03-04T09:15:00+00:00``); user ids are Slack's (``U…``).

CSV — one header row, then one row per record: teams A to Z; within a team its check-ins,
then its criterion changes, level changes and nudges, each oldest first. Columns, in this
order (a column a record does not use is empty):

================  ========================================================================
``record``        ``assessment`` (a check-in), ``criterion`` (a criterion change),
                  ``level`` (a level change) or ``nudge``
``team``          the team's name
``at``            when the check-in started / the change was made / the nudge was shown
``user``          who ran the check-in / made the change (empty: the bot itself)
``criterion``     criterion changes: the criterion id (``iac.env_from_scratch_1h``);
                  level changes: the criterion whose change moved the level
``old_status``    criterion changes: the status before (empty: first status, or unknown)
``status``        check-ins: ``open``, ``completed``, ``expired`` or ``abandoned``;
                  criterion changes: ``met``, ``partly``, ``not_met`` or ``unknown``;
                  nudges: ``active`` or ``dismissed``
``old_value``     criterion changes: the number before
``value``         criterion changes: the number given for a numeric criterion (percent
                  or minutes)
``old_level``     level changes: the level before (empty: not assessed before)
``level``         check-ins: the level (0–5) the finished check-in found; level changes:
                  the new level
``source``        criterion and level changes: where the change came from
                  (``assessment`` for a check-in, ``board``, ``runbook``, …); nudges:
                  where the nudge was shown
``evidence``      criterion changes: the evidence recorded with it
``note``          criterion changes: the note the person gave
``link``          criterion changes: the evidence link the person gave
``rule``          nudges: the rule id (``skip_level``, ``over_automation``,
                  ``broken_process``, ``cultural_readiness``, ``ready_to_advance``)
``subject``       nudges: what the nudge was about
``completed``     check-ins: when it finished
``dismissed``     nudges: when it was dismissed
``dismissed_by``  nudges: who dismissed it
``answers``       check-ins: the answers as a JSON object, question id → answer (``yes``,
                  ``no``, ``partly``, ``skip`` or a number)
================  ========================================================================

A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
leading ``'`` so a spreadsheet shows it rather than running it as a formula.

JSON — one object::

    {"format": "maturity-bot/team-export", "version": 1, "exported_at": "<time>",
     "workspace": {"slack_team_id": "T…", "enterprise_id": null},
     "teams": [{"name", "level", "target_level", "channel", "owners": ["U…"],
                "created_by", "created_at",
                "assessments": [{"user", "status", "started_at", "completed_at", "level",
                                 "answers": {"<question id>": "<answer>"}}],
                "history": [{"at", "user", "criterion", "old_status", "status",
                             "old_value", "value", "source", "evidence", "note", "link"}],
                "levels": [{"at", "from", "to", "criterion", "user", "source"}],
                "nudges": [{"at", "rule", "source", "subject", "dismissed_at",
                            "dismissed_by"}]}]}

with the same meanings and values as the CSV columns (``null`` where the CSV is empty, and
no formula guard); ``owners`` is empty until someone sets them — the team's creator
(``created_by``) owns it until then.
"""

from __future__ import annotations

import csv
import json
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from slack_sdk import WebClient
from sqlmodel import Session

from bot.blocks.export import format_question_blocks
from bot.blocks.text import escape_mrkdwn
from bot.deps import Deps
from bot.slack.answer import Answer
from bot.slack.errors import UserFacingError
from bot.slack.ids import COMMAND
from bot.usecases.admin_only import require_admin
from bot.usecases.context import Where, workspace_id_for
from bot.usecases.teams import q, resolve_team
from conversations.text import plural
from storage.db import read_scope
from storage.export import (
    TeamRecord,
    assessments,
    changes,
    export_teams,
    level_changes,
    nudges,
)
from storage.types import utcnow

FORMATS = ("csv", "json")
ALL_TEAMS = ("all", "all teams")
MAX_FILE_BYTES = 1024**3  # Slack's limit on one uploaded file
COLUMNS = (
    "record",
    "team",
    "at",
    "user",
    "criterion",
    "old_status",
    "status",
    "old_value",
    "value",
    "old_level",
    "level",
    "source",
    "evidence",
    "note",
    "link",
    "rule",
    "subject",
    "completed",
    "dismissed",
    "dismissed_by",
    "answers",
)
TEAM_FORMAT = "maturity-bot/team-export"
FORMAT_VERSION = 1
EXAMPLE = f"{COMMAND} export Payments Platform csv"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_UNSAFE_IN_NAME = re.compile(r"[^\w.-]+")


@dataclass
class Counts:
    teams: int = 0
    assessments: int = 0
    changes: int = 0
    levels: int = 0
    nudges: int = 0

    def phrase(self) -> str:
        parts = [
            plural(self.assessments, "check-in"),
            plural(self.changes, "criterion change"),
            plural(self.levels, "level change"),
            plural(self.nudges, "nudge"),
        ]
        head = f"{plural(self.teams, 'team')}: " if self.teams != 1 else ""
        return head + ", ".join(parts)


@dataclass(frozen=True)
class Upload:
    path: Path
    filename: str
    title: str
    comment: str


def file_name(team_name: str, fmt: str) -> str:
    """``maturity-<team>.<fmt>``, the team's name made safe for a file name."""
    slug = _UNSAFE_IN_NAME.sub("-", unicodedata.normalize("NFKC", team_name)).strip("-.")
    return f"maturity-{slug[:80].strip('-.') or 'team'}.{fmt}"


def split_format(rest: str) -> tuple[str, str | None]:
    """(team name as typed, format) from ``[team name] csv|json``; format None when the
    last word is neither."""
    words = rest.split()
    if words and words[-1].lower() in FORMATS:
        return " ".join(words[:-1]), words[-1].lower()
    return rest.strip(), None


def command(deps: Deps, client: WebClient, where: Where, rest: str) -> Answer:
    team_text, fmt = split_format(rest)
    if fmt is None:
        if team_text and team_text.lower() not in ALL_TEAMS:
            with read_scope(deps.engine) as session:  # "export xml": no such team, say so
                ws = workspace_id_for(session, where)
                resolve_team(
                    session,
                    ws,
                    where,
                    team_text,
                    create=False,
                    example=EXAMPLE,
                    unknown_hint=f"I export `csv` or `json`: `{EXAMPLE}`.",
                )
        named = f" {team_text}" if team_text else ""
        return Answer(
            text=f"Which format? `{COMMAND} export{escape_mrkdwn(named)} csv` or `… json`.",
            blocks=format_question_blocks(team_text),
        )
    if team_text.lower() in ALL_TEAMS:
        require_admin(
            client,
            where.user_id,
            doing="export every team at once",
            instead=f"You can export one team: `{EXAMPLE}`.",
        )
        return export(deps, client, where, None, fmt, every=True)
    return export(deps, client, where, team_text or None, fmt)


def export(
    deps: Deps,
    client: WebClient,
    where: Where,
    team_name: str | None,
    fmt: str,
    *,
    every: bool = False,
    team_id: int | None = None,
) -> Answer:
    """Export the named team (else the channel's own; or the team ``team_id``, from a
    button), or ``every`` team, and upload it into the person's DM."""
    with tempfile.TemporaryDirectory(prefix="maturity-export-") as tmp:
        with read_scope(deps.engine) as session:
            ws = workspace_id_for(session, where)
            if every:
                teams = export_teams(session=session, workspace_id=ws)
                if not teams:
                    raise UserFacingError("There are no teams on the board yet: nothing to export.")
                filename, label = f"maturity-all-teams.{fmt}", None
            elif team_id is not None:
                teams = export_teams(session=session, workspace_id=ws, team_id=team_id)
                if not teams:
                    raise UserFacingError("That team isn't on the board any more.")
                filename, label = file_name(teams[0].name, fmt), teams[0].name
            else:
                team = resolve_team(
                    session,
                    ws,
                    where,
                    team_name,
                    create=False,
                    example=EXAMPLE,
                    unknown_hint=f"`{COMMAND} teams` lists this workspace's teams.",
                )
                teams = export_teams(session=session, workspace_id=ws, team_id=team.id)
                filename, label = file_name(team.name, fmt), team.name
            path = Path(tmp) / filename
            with path.open("w", encoding="utf-8", newline="") as out:
                counts = write(
                    session,
                    ws,
                    teams,
                    fmt,
                    out,
                    slack_team_id=where.slack_team_id,
                    enterprise_id=where.enterprise_id,
                )
        what = "every team" if label is None else f"“{q(label)}”"
        upload(
            client,
            where.user_id,
            Upload(
                path=path,
                filename=filename,
                title=f"maturity-bot export: {'every team' if label is None else label}",
                comment=f"Here is the export of {what}: {counts.phrase()}.",
            ),
        )
    return Answer(text=f"I've sent you `{escape_mrkdwn(filename)}` in our DM: {counts.phrase()}.")


def write(
    session: Session,
    ws: int,
    teams: Iterable[TeamRecord],
    fmt: str,
    out: IO[str],
    *,
    slack_team_id: str = "",
    enterprise_id: str | None = None,
) -> Counts:
    """Write the export of ``teams`` to ``out``, streaming: each row is written as it is
    read. How many records went in."""
    if fmt == "csv":
        return write_csv(session, ws, teams, out)
    return write_json(
        session, ws, teams, out, slack_team_id=slack_team_id, enterprise_id=enterprise_id
    )


# ------------------------------------------------------------------ CSV


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _csv_row(**values: Any) -> list[Any]:
    return [_cell(values.get(column)) for column in COLUMNS]


def csv_rows(session: Session, ws: int, team: TeamRecord, counts: Counts) -> Iterator[list[Any]]:
    for a in assessments(session=session, workspace_id=ws, team_id=team.id):
        counts.assessments += 1
        yield _csv_row(
            record="assessment",
            team=team.name,
            at=a.started_at,
            user=a.user_id,
            status=a.status,
            level=a.level,
            completed=a.completed_at,
            answers=json.dumps(a.answers, ensure_ascii=False, sort_keys=True),
        )
    for c in changes(session=session, workspace_id=ws, team_id=team.id):
        counts.changes += 1
        yield _csv_row(
            record="criterion",
            team=team.name,
            at=c.at,
            user=c.user_id,
            criterion=c.criterion_id,
            old_status=c.old_status,
            status=c.status,
            old_value=c.old_value,
            value=c.value,
            source=c.source,
            evidence=c.evidence,
            note=c.note,
            link=c.link,
        )
    for lc in level_changes(session=session, workspace_id=ws, team_id=team.id):
        counts.levels += 1
        yield _csv_row(
            record="level",
            team=team.name,
            at=lc.at,
            user=lc.user_id,
            criterion=lc.criterion_id,
            old_level=lc.from_level,
            level=lc.to_level,
            source=lc.source,
        )
    for n in nudges(session=session, workspace_id=ws, team_id=team.id):
        counts.nudges += 1
        yield _csv_row(
            record="nudge",
            team=team.name,
            at=n.at,
            status="dismissed" if n.dismissed_at else "active",
            source=n.source,
            rule=n.rule_id,
            subject=n.subject,
            dismissed=n.dismissed_at,
            dismissed_by=n.dismissed_by,
        )


def write_csv(session: Session, ws: int, teams: Iterable[TeamRecord], out: IO[str]) -> Counts:
    counts = Counts()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for team in teams:
        counts.teams += 1
        writer.writerows(csv_rows(session, ws, team, counts))
    return counts


# ------------------------------------------------------------------ JSON


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _array(out: IO[str], items: Iterable[Any]) -> None:
    """``[item, item, …]`` written one item at a time."""
    out.write("[")
    for i, item in enumerate(items):
        if i:
            out.write(",")
        out.write(_json(item))
    out.write("]")


def write_json(
    session: Session,
    ws: int,
    teams: Iterable[TeamRecord],
    out: IO[str],
    *,
    slack_team_id: str = "",
    enterprise_id: str | None = None,
) -> Counts:
    counts = Counts()
    head = {
        "format": TEAM_FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": _iso(utcnow()),
        "workspace": {"slack_team_id": slack_team_id, "enterprise_id": enterprise_id},
    }
    out.write(_json(head)[:-1] + ',"teams":[')
    for i, team in enumerate(teams):
        counts.teams += 1
        if i:
            out.write(",")
        out.write(_json(_team_head(team))[:-1])
        out.write(',"assessments":')
        _array(out, _assessment_items(session, ws, team, counts))
        out.write(',"history":')
        _array(out, _change_items(session, ws, team, counts))
        out.write(',"levels":')
        _array(out, _level_items(session, ws, team, counts))
        out.write(',"nudges":')
        _array(out, _nudge_items(session, ws, team, counts))
        out.write("}")
    out.write("]}")
    return counts


def _team_head(team: TeamRecord) -> dict[str, Any]:
    return {
        "name": team.name,
        "level": team.level,
        "target_level": team.target_level,
        "channel": team.channel_id,
        "owners": team.owners,
        "created_by": team.created_by,
        "created_at": _iso(team.created_at),
    }


def _assessment_items(
    session: Session, ws: int, team: TeamRecord, counts: Counts
) -> Iterator[dict[str, Any]]:
    for a in assessments(session=session, workspace_id=ws, team_id=team.id):
        counts.assessments += 1
        yield {
            "user": a.user_id,
            "status": a.status,
            "started_at": _iso(a.started_at),
            "completed_at": _iso(a.completed_at),
            "level": a.level,
            "answers": a.answers,
        }


def _change_items(
    session: Session, ws: int, team: TeamRecord, counts: Counts
) -> Iterator[dict[str, Any]]:
    for c in changes(session=session, workspace_id=ws, team_id=team.id):
        counts.changes += 1
        yield {
            "at": _iso(c.at),
            "user": c.user_id,
            "criterion": c.criterion_id,
            "old_status": c.old_status,
            "status": c.status,
            "old_value": c.old_value,
            "value": c.value,
            "source": c.source,
            "evidence": c.evidence,
            "note": c.note,
            "link": c.link,
        }


def _level_items(
    session: Session, ws: int, team: TeamRecord, counts: Counts
) -> Iterator[dict[str, Any]]:
    for lc in level_changes(session=session, workspace_id=ws, team_id=team.id):
        counts.levels += 1
        yield {
            "at": _iso(lc.at),
            "from": lc.from_level,
            "to": lc.to_level,
            "criterion": lc.criterion_id,
            "user": lc.user_id,
            "source": lc.source,
        }


def _nudge_items(
    session: Session, ws: int, team: TeamRecord, counts: Counts
) -> Iterator[dict[str, Any]]:
    for n in nudges(session=session, workspace_id=ws, team_id=team.id):
        counts.nudges += 1
        yield {
            "at": _iso(n.at),
            "rule": n.rule_id,
            "source": n.source,
            "subject": n.subject,
            "dismissed_at": _iso(n.dismissed_at),
            "dismissed_by": n.dismissed_by or None,
        }


# ------------------------------------------------------------------ the upload


def upload(client: WebClient, user_id: str, file: Upload) -> None:
    """Upload the file into the person's DM with the bot (files upload v2)."""
    if file.path.stat().st_size > MAX_FILE_BYTES:
        raise UserFacingError(
            "That export is larger than Slack accepts for one file (1 GB). Export one team "
            f"at a time: `{EXAMPLE}`."
        )
    dm = client.conversations_open(users=user_id)["channel"]["id"]
    client.files_upload_v2(
        channel=dm,
        file=str(file.path),
        filename=file.filename,
        title=file.title,
        initial_comment=file.comment,
    )
