"""Evidence hooks, end to end, on a real ``serve --http`` process: ``/maturity hook``
and ``/maturity hook rotate`` typed as signed slash commands over HTTP, and deploy and
incident events POSTed to ``/hooks/deploys`` and ``/hooks/incidents`` with the token the
command showed — then the board, as the database and ``/maturity board`` show it.

One server serves the module (``HOOK_RATE_PER_MINUTE=20``); each test has a team (and so
a token, and a rate) of its own.
"""

from __future__ import annotations

import itertools
import json
import re
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func
from sqlmodel import select

from bot.local.payloads import Actor
from bot.local.standin import SlackStandIn
from bot.local.standin.driver import SlackUser, over_http
from conversations.scoring import Status
from storage.criteria import criteria_board, record_criterion
from storage.db import make_engine, session_scope
from storage.models import EvidenceEvent, EvidenceMeasurement, HookToken, LevelChange, Team
from storage.types import utcnow
from storage.workspaces import delete_team, ensure_channel_team, get_or_create_workspace

from .conftest import BOT_TOKEN, SIGNING_SECRET, ServeProcess, start_serve, stop_serve

RATE = 20
TOKEN = re.compile(r"mbh_[A-Za-z0-9_-]{20,}")
DEPLOY = "cd.deploy_under_10min"
ROLLBACK = "cd.automated_rollback"
NO_APPROVAL = "cdeploy.prod_without_approval"
INCIDENTS = "selfheal.incidents_auto_80pct"
_channels = itertools.count(1)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServeProcess, SlackStandIn]]:
    with SlackStandIn(bot_token=BOT_TOKEN) as slack:
        server = start_serve(
            tmp_path_factory.mktemp("hooks"),
            slack,
            extra_env={"HOOK_RATE_PER_MINUTE": str(RATE), "LOG_LEVEL": "DEBUG"},
        )
        try:
            yield server, slack
        finally:
            stop_serve(server)


@pytest.fixture(scope="module")
def engine(world):
    server, _ = world
    engine = make_engine(f"sqlite:///{Path(server.log).parent / 'serve.db'}")
    yield engine
    engine.dispose()


class Team_:
    """A channel's team in one workspace, its owner, and commands typed there."""

    def __init__(self, world, engine, *, workspace: str | None = None, owner: str = "U0ALICE"):
        self.server, self.standin = world
        self.engine = engine
        self.workspace = workspace or self.standin.team_id
        self.channel = f"C0HOOK{next(_channels)}"
        self.name = f"hooks-{self.channel.lower()}"
        with session_scope(engine) as s:
            ws = get_or_create_workspace(session=s, slack_team_id=self.workspace)
            team, _ = ensure_channel_team(
                session=s,
                workspace_id=ws.id,
                channel_id=self.channel,
                channel_name=self.name,
                user_id=owner,
            )
            self.ws, self.id = ws.id, team.id
        self.owner = owner

    def user(self, user_id: str) -> SlackUser:
        actor = Actor(
            user_id=user_id,
            user_name=user_id.lower(),
            team_id=self.workspace,
            channel_id=self.channel,
            channel_name=self.name,
        )
        return SlackUser(self.standin, over_http(self.server.base_url), SIGNING_SECRET, actor)

    def say(self, text: str, user_id: str | None = None) -> dict:
        """Type ``/maturity <text>``; the answer only that person saw."""
        who = user_id or self.owner
        before = len(self.standin.ephemerals(self.channel, who))
        assert self.user(who).command(text).status == 200
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            shown = self.standin.ephemerals(self.channel, who)
            if len(shown) > before:
                return shown[-1]
            time.sleep(0.02)
        raise AssertionError(f"no answer to /maturity {text}")

    def rotate(self) -> str:
        answer = self.say("hook rotate")
        (token,) = set(TOKEN.findall(json.dumps(answer)))
        return token

    def board(self) -> dict:
        with session_scope(self.engine) as s:
            return criteria_board(session=s, workspace_id=self.ws, team_id=self.id)

    def events(self) -> int:
        with session_scope(self.engine) as s:
            return s.exec(
                select(func.count())
                .select_from(EvidenceEvent)
                .where(EvidenceEvent.team_id == self.id)
            ).one()


def post(server: ServeProcess, kind: str, body, token: str | None, **kw) -> httpx.Response:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return httpx.post(
        f"{server.base_url}/hooks/{kind}", content=content, headers=headers, timeout=10
    )


def deploy(n: int | str, *, minutes: float = 5, **extra) -> dict:
    finished = utcnow() - timedelta(hours=1)
    return {
        "id": f"run-{n}",
        "service": "payments-api",
        "environment": "production",
        "status": "success",
        "started_at": (finished - timedelta(minutes=minutes)).isoformat(),
        "finished_at": finished.isoformat(),
        **extra,
    }


def incident(n: int, remediation: str, *, days_ago: float = 2) -> dict:
    opened = utcnow() - timedelta(days=days_ago)
    return {
        "id": f"INC-{n}",
        "service": "payments-api",
        "opened_at": opened.isoformat().replace("+00:00", "Z"),
        "resolved_at": (opened + timedelta(minutes=12)).isoformat().replace("+00:00", "Z"),
        "remediation": remediation,
    }


# ------------------------------------------------------------------ the token


def test_rotate_shows_a_token_once_and_only_to_an_owner(world, engine) -> None:
    team = Team_(world, engine)
    refused = team.say("hook rotate", user_id="U0BOB")
    assert "Only <@U0ALICE> (the team's owners) or a workspace admin" in json.dumps(refused)
    assert not TOKEN.search(json.dumps(refused))
    assert team.say("hook", user_id="U0BOB")["text"] == refused["text"]
    with session_scope(engine) as s:
        assert s.exec(select(HookToken).where(HookToken.team_id == team.id)).first() is None

    before = team.say("hook")
    assert "has no hook token yet" in json.dumps(before)
    token = team.rotate()
    shown = team.say("hook")
    assert "has a hook token" in json.dumps(shown) and token not in json.dumps(shown)
    with session_scope(engine) as s:
        row = s.exec(select(HookToken).where(HookToken.team_id == team.id)).one()
    assert token not in row.token_hash and len(row.token_hash) == 64  # its SHA-256 only

    assert post(world[0], "deploys", deploy("a"), token).status_code == 202
    newer = team.rotate()
    assert newer != token
    assert post(world[0], "deploys", deploy("b"), token).status_code == 401  # the old one
    assert post(world[0], "deploys", deploy("b"), newer).status_code == 202
    log = world[0].output()
    assert "DEBUG" in log
    assert token not in log and newer not in log


# ------------------------------------------------------------------ the contract


def test_events_are_accepted_refused_and_counted_once(world, engine) -> None:
    server, _ = world
    team = Team_(world, engine)
    token = team.rotate()

    ok = post(server, "deploys", deploy(1), token)
    assert ok.status_code == 202
    assert ok.json()["accepted"] is True and ok.json()["duplicate"] is False

    again = post(server, "deploys", deploy(1, minutes=30), token)
    assert again.status_code == 202 and again.json()["duplicate"] is True
    assert team.events() == 1

    wrong = post(server, "deploys", deploy(2), "mbh_" + "x" * 43)
    assert wrong.status_code == 401 and "error" in wrong.json()
    assert post(server, "deploys", deploy(2), None).status_code == 401

    bad = post(server, "deploys", deploy(3) | {"started_at": "yesterday"}, token)
    assert bad.status_code == 400
    assert bad.json()["field"] == "started_at" and "started_at" in bad.json()["error"]
    status = post(server, "deploys", deploy(3) | {"status": "ok"}, token)
    assert status.status_code == 400 and status.json()["field"] == "status"
    missing = post(server, "incidents", {"id": "INC-1", "service": "x"}, token)
    assert missing.status_code == 400 and missing.json()["field"] == "opened_at"
    not_json = post(server, "deploys", b"{not json", token)
    assert not_json.status_code == 400 and "JSON" in not_json.json()["error"]

    huge = deploy(4) | {"service": "x" * (70 * 1024)}
    assert post(server, "deploys", huge, token).status_code == 413
    assert team.events() == 1  # nothing refused was kept


def test_too_many_events_get_429_with_retry_after(world, engine) -> None:
    server, _ = world
    team = Team_(world, engine)
    token = team.rotate()
    answers = [post(server, "deploys", deploy(f"burst-{i}"), token) for i in range(RATE + 10)]
    codes = [a.status_code for a in answers]
    assert set(codes) == {202, 429}
    limited = next(a for a in answers if a.status_code == 429)
    assert int(limited.headers["Retry-After"]) >= 1
    assert team.events() == codes.count(202)
    # Another team's token has a rate of its own.
    other = Team_(world, engine)
    assert post(server, "deploys", deploy("x"), other.rotate()).status_code == 202


# ------------------------------------------------------------------ evidence on the board


def test_an_event_sets_unanswered_criteria_and_the_level_follows(world, engine) -> None:
    server, _ = world
    team = Team_(world, engine)
    with session_scope(engine) as s:  # levels 1 and 2 done, pipelines everywhere, by people
        for cid, value in (
            ("scripted.ops_80pct", 90.0),
            ("scripted.newcomers_use_scripts", None),
            ("scripted.in_version_control", None),
            ("iac.all_infra_as_code", None),
            ("iac.env_from_scratch_1h", 30.0),
            ("iac.no_manual_changes", None),
            ("cd.all_services_pipelines", None),
        ):
            record_criterion(
                session=s,
                workspace_id=team.ws,
                team_id=team.id,
                criterion_id=cid,
                status=Status.MET,
                value=value,
                user_id="U0ALICE",
                source="board",
            )
    token = team.rotate()
    answer = post(server, "deploys", deploy(1, minutes=6, automated_rollback=True), token)
    assert answer.status_code == 202
    assert set(answer.json()["criteria_moved"]) == {DEPLOY, ROLLBACK}
    board = team.board()
    assert (board[DEPLOY].status, board[DEPLOY].value, board[DEPLOY].source) == (
        "met",
        6.0,
        "evidence",
    )
    assert (board[ROLLBACK].status, board[ROLLBACK].source) == ("met", "evidence")
    with session_scope(engine) as s:
        level = s.exec(select(Team.level).where(Team.id == team.id)).one()
        moves = s.exec(select(LevelChange).where(LevelChange.team_id == team.id)).all()
    assert level == 3
    assert moves[-1].to_level == 3 and moves[-1].source == "evidence"

    # A slower median moves it back: the measurement set it, so the measurement follows.
    for n in (2, 3):
        post(server, "deploys", deploy(n, minutes=25), token)
    assert (team.board()[DEPLOY].status, team.board()[DEPLOY].value) == ("not_met", 25.0)
    shown = json.dumps(team.say("board"))
    assert "median 25 min over 3 successful deploys, last 14 days" in shown
    assert "evidence" in shown


def test_a_persons_value_is_never_overridden_and_the_measurement_shows_beside_it(
    world, engine
) -> None:
    server, _ = world
    team = Team_(world, engine)
    said = json.dumps(team.say(f"set {DEPLOY} 25 min"))
    assert "25 min" in said
    token = team.rotate()
    assert post(server, "deploys", deploy(1, minutes=4, approval_required=False), token).json()[
        "criteria_moved"
    ] == [NO_APPROVAL]
    board = team.board()
    assert (board[DEPLOY].status, board[DEPLOY].value, board[DEPLOY].source) == (
        "not_met",
        25.0,
        "board",
    )
    assert (board[NO_APPROVAL].status, board[NO_APPROVAL].source) == ("met", "evidence")
    with session_scope(engine) as s:
        kept = s.exec(
            select(EvidenceMeasurement).where(
                EvidenceMeasurement.team_id == team.id, EvidenceMeasurement.criterion_id == DEPLOY
            )
        ).one()
    assert (kept.status, kept.value) == ("met", 4.0)
    shown = json.dumps(team.say("board"))
    assert "Measured: met (4 min)" in shown
    assert "The answer above stands" in shown


def test_incidents_measure_the_share_remediated_automatically(world, engine) -> None:
    server, _ = world
    team = Team_(world, engine)
    token = team.rotate()
    for n, how in enumerate(("automatic", "automatic", "automatic", "manual", "automatic")):
        assert post(server, "incidents", incident(n, how), token).status_code == 202
    row = team.board()[INCIDENTS]
    assert (row.status, row.value, row.source) == ("met", 80.0, "evidence")
    # Kept, but older than the window (14 days): it measures nothing.
    assert post(server, "incidents", incident(8, "manual", days_ago=20), token).status_code == 202
    assert team.board()[INCIDENTS].value == 80.0
    assert post(server, "incidents", incident(9, "manual"), token).status_code == 202
    row = team.board()[INCIDENTS]
    assert (row.status, round(row.value or 0, 1)) == ("not_met", 66.7)


# ------------------------------------------------------------------ tenants and deletion


def test_tenants_apart_and_a_deleted_team_takes_its_token_and_events(world, engine) -> None:
    server, _ = world
    alpha = Team_(world, engine)
    beta = Team_(world, engine, workspace="T0BETA", owner="U0BETA")
    alpha_token, beta_token = alpha.rotate(), beta.rotate()
    assert post(server, "deploys", deploy("same-id", minutes=3), alpha_token).status_code == 202
    # Beta's token writes beta's team only, whatever the event says; the same id is its own.
    answer = post(server, "deploys", deploy("same-id", minutes=40), beta_token)
    assert answer.status_code == 202 and answer.json()["duplicate"] is False
    assert (alpha.board()[DEPLOY].value, beta.board()[DEPLOY].value) == (3.0, 40.0)
    assert (alpha.events(), beta.events()) == (1, 1)
    # Alpha's owner, typing in beta's workspace, cannot see or rotate beta's token.
    intruder = json.dumps(beta.say("hook rotate", user_id="U0ALICE"))
    assert not TOKEN.search(intruder)

    with session_scope(engine) as s:
        gone = delete_team(session=s, workspace_id=beta.ws, team_id=beta.id)
    assert gone is not None and gone["evidence_hooks"] == 1 and gone["evidence_events"] == 1
    assert post(server, "deploys", deploy("after"), beta_token).status_code == 401
    assert post(server, "deploys", deploy("after"), alpha_token).status_code == 202
