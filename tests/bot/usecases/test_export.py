"""Export files: their names, the format word, spreadsheet-safe cells, and well-formed JSON
and CSV whatever the data (no teams, empty histories, awkward text)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from bot.usecases.export import (
    COLUMNS,
    _cell,
    file_name,
    split_format,
    write_csv,
    write_json,
)
from storage.db import read_scope, session_scope
from storage.export import export_teams
from storage.workspaces import get_or_create_named_team, get_or_create_workspace


@pytest.mark.parametrize(
    ("team", "name"),
    [
        ("Payments Platform", "maturity-Payments-Platform.csv"),
        ("Zahlungs-Plattform Ü", "maturity-Zahlungs-Plattform-Ü.csv"),
        ("<!channel> ../../etc/passwd", "maturity-channel-..-..-etc-passwd.csv"),
        ("🚀🚀", "maturity-team.csv"),
        ("x" * 200, f"maturity-{'x' * 80}.csv"),
    ],
)
def test_file_names_are_safe(team: str, name: str) -> None:
    assert file_name(team, "csv") == name
    assert "/" not in file_name(team, "csv")


@pytest.mark.parametrize(
    ("rest", "expected"),
    [
        ("Payments Platform csv", ("Payments Platform", "csv")),
        ("JSON", ("", "json")),
        ("Payments", ("Payments", None)),
        ("", ("", None)),
        ("all CSV", ("all", "csv")),
    ],
)
def test_the_format_is_the_last_word(rest: str, expected: tuple[str, str | None]) -> None:
    assert split_format(rest) == expected


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_a_cell_that_would_be_a_formula_is_shown_as_text(text: str) -> None:
    assert _cell(text) == "'" + text
    assert _cell("Payments") == "Payments"
    assert _cell(-1.5) == -1.5  # numbers we wrote stay numbers
    assert _cell(None) == ""


def test_empty_exports_are_still_well_formed(sqlite_engine) -> None:
    with session_scope(sqlite_engine) as s:
        ws = get_or_create_workspace(session=s, slack_team_id="T1").id
        get_or_create_named_team(session=s, workspace_id=ws, name="Quiet", channel_id=None)
    with read_scope(sqlite_engine) as s:
        teams = export_teams(session=s, workspace_id=ws)
        csv_out, json_out, none_out = io.StringIO(), io.StringIO(), io.StringIO()
        counts = write_csv(s, ws, teams, csv_out)
        write_json(s, ws, teams, json_out, slack_team_id="T1")
        write_json(s, ws, [], none_out)
    assert counts.teams == 1 and counts.changes == 0
    assert list(csv.reader(io.StringIO(csv_out.getvalue()))) == [list(COLUMNS)]
    data = json.loads(json_out.getvalue())
    assert data["teams"][0]["name"] == "Quiet"
    assert data["teams"][0]["history"] == [] and data["teams"][0]["nudges"] == []
    assert json.loads(none_out.getvalue())["teams"] == []
