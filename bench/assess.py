"""Click-to-next-question latency under concurrent check-ins: the bot against its floor.

N people (default 20) each run a whole check-in at once against a real
`maturity-bot serve --http` (one gunicorn worker, `--no-scheduler`), and the same N against
the floor (bench/floor.py): a bare Bolt app served by the same gunicorn stack
(bot.serve.http.run_wsgi, same options) whose click listener does only what a click must —
`ack()`, ONE write transaction (read the person's answers, upsert the new one with a version
compare-and-set), `chat.update` of the answered question, `chat.postMessage` of the next.
Both talk to the local Slack stand-in, ask the same questions in the same order in the same
Block Kit, and are clicked through by the same driver (bot.local.standin.driver.SlackUser).

For each click we measure the time from sending the signed block_actions request to the
stand-in receiving the next question (or the result) in that person's DM: what a user waits
for. Each run measures both servers, alternating which goes first; each measurement gets a
fresh stand-in, a fresh database (a SQLite file, or with --database-url a PostgreSQL database
created for it and dropped afterwards: the bot's `serve` migrates it, the floor creates its
one table), a fresh server process on its own port, and one unmeasured check-in first to warm
it (lazy imports, Bolt's first auth.test, the connection pool). Prints p50/p95/p99/max,
clicks and errors of each, the Slack calls each made while measured (a server that skipped a
`chat.update` did less than a click must: that is noted beside its figures), the ratio bot
p99 / floor p99 of each run and its median over the runs, and how many questions a level-0,
level-2 and level-5 team is asked. Percentiles are nearest-rank. Not a test: run

    .venv/bin/python bench/assess.py --users 20 --runs 10 [--level 2]
    .venv/bin/python bench/assess.py --users 20 --runs 10 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

Every answer is a button click. Where the level's policy would type a number no button
offers (a level-2 team builds an environment in "5" minutes), the driver clicks the button
with the same verdict ("30 min", also under the one-hour bar; a typed "120" minutes to
deploy becomes "20 min", also over the ten-minute bar); the questions asked, in order, are
checked at start to be the same as with the typed numbers. So every measured request is a
signed block_actions, at both servers.

The harness shares this process (and the machine's cores) between the stand-in and the N
clients, so it keeps its own cost down on both sides: each client is one keep-alive
http.client connection (httpx costs ~2 ms of CPU a request, see bench/ack.py), a stand-in
subscriber hands each DM post to the person waiting for it (no scanning of the call log), and
this process's garbage collector is paused while measuring.
"""

from __future__ import annotations

import argparse
import gc
import http.client
import math
import os
import platform
import queue
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.local.payloads import Actor  # noqa: E402
from bot.local.standin import SlackStandIn  # noqa: E402
from bot.local.standin.driver import Answer, SlackUser, Transport  # noqa: E402
from bot.local.standin.records import RecordedCall  # noqa: E402
from conversations.assessment import (  # noqa: E402
    Policy,
    questions_asked_for,
    run_flow,
    team_at_level,
)
from conversations.model import Question, Section, question  # noqa: E402
from conversations.scoring import criterion_status  # noqa: E402

SECRET = "bench-signing-secret"
TOKEN = "xoxb-standin"
WAIT_S = 30.0  # for any one answer, post or request
BOT, FLOOR = "maturity-bot", "floor"


# ------------------------------------------------------------------ what the people answer


def by_button(policy: Policy) -> Policy:
    """``policy``, with every answer a button: a typed number no button offers becomes the
    button with the same verdict on the criterion (met, partly, not met)."""

    def answer(q: Question) -> str:
        value = policy(q)
        if any(o.value == value for o in q.options):
            return value
        if q.section is Section.CRITERIA:
            wanted = criterion_status(q.id, value)
            for o in q.options:
                if criterion_status(q.id, o.value) is wanted:
                    return o.value
        raise SystemExit(f"no button answers {q.id} as {value!r} would")

    return answer


def _clicking_policy(level: int) -> Policy:
    typed, clicked = team_at_level(level), by_button(team_at_level(level))
    (typed_answers, typed_result), (clicked_answers, clicked_result) = (
        run_flow(typed),
        run_flow(clicked),
    )
    if list(typed_answers) != list(clicked_answers) or typed_result.level != clicked_result.level:
        raise SystemExit(f"clicking changes a level-{level} team's check-in: not comparable")
    return clicked


# ------------------------------------------------------------------ the servers measured


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _command(server: str, port: int) -> list[str]:
    if server == BOT:
        return [
            *(sys.executable, "-m", "bot.cli", "serve", "--http"),
            *("--host", "127.0.0.1", "--port", str(port), "--no-scheduler"),
        ]
    return [sys.executable, str(ROOT / "bench" / "floor.py"), "--port", str(port)]


def _start(cmd: list[str], env: dict[str, str], port: int, cwd: str) -> subprocess.Popen:
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{' '.join(cmd)} exited with {proc.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    proc.kill()
    proc.wait()
    raise SystemExit(f"server on {port} did not start")


@contextmanager
def fresh_database(base: str | None, tmp: str, name: str) -> Iterator[str]:
    """A database nobody used: a SQLite file in ``tmp``, or (``base`` a PostgreSQL URL) a
    new database on that server, dropped afterwards (as tests/conftest.py's ``pg_url``)."""
    if base is None:
        yield f"sqlite:///{tmp}/{name}.db"
        return
    admin_url = make_url(base).set(drivername="postgresql+psycopg")
    db = f"mb_bench_{name.replace('-', '_')}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{db}"'))
    try:
        yield admin_url.set(database=db).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
        admin.dispose()


# ------------------------------------------------------------------ the people


def _transport(port: int) -> Transport:
    """The driver's transport, on one keep-alive connection (http.client: cheap on CPU)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT_S)

    def send(body: str, headers: dict[str, str]) -> Answer:
        data = body.encode()
        for attempt in (1, 2):
            try:
                conn.request(
                    "POST",
                    "/slack/events",
                    body=data,
                    headers={**headers, "Content-Length": str(len(data))},
                )
                r = conn.getresponse()
                return Answer(r.status, r.read().decode())
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                conn.close()  # the server closed an idle keep-alive connection: reconnect once
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    return send


class Inboxes:
    """Each DM's new posts (the time the stand-in received them), handed to its reader."""

    def __init__(self, standin: SlackStandIn) -> None:
        self._boxes: dict[str, queue.SimpleQueue[float]] = {}
        self.close = standin.subscribe(self._on_call)

    def box(self, channel: str) -> queue.SimpleQueue[float]:
        return self._boxes.setdefault(channel, queue.SimpleQueue())

    def _on_call(self, call: RecordedCall) -> None:
        if call.method == "chat.postMessage" and call.ok:
            box = self._boxes.get(str(call.params.get("channel", "")))
            if box is not None:
                box.put(call.at)


def check_in(
    standin: SlackStandIn,
    inboxes: Inboxes,
    port: int,
    user_id: str,
    policy: Policy,
    out: list[float],
) -> None:
    """One person's whole check-in, from `/maturity assess` in their team's channel to the
    result; appends each click's wait to ``out``."""
    n = user_id[1:]
    actor = Actor(
        user_id=user_id, team_id=standin.team_id, channel_id=f"C{n}", channel_name=f"team-{n}"
    )
    user = SlackUser(standin, _transport(port), SECRET, actor)
    box = inboxes.box(standin.dm_channel_id(user_id))

    def posted() -> float:
        try:
            return box.get(timeout=WAIT_S)
        except queue.Empty:
            raise TimeoutError(f"nothing posted in the DM within {WAIT_S:.0f} s") from None

    answer = user.command("assess")
    if answer.status != 200:
        raise RuntimeError(f"/maturity assess: HTTP {answer.status}")
    posted()  # the intro
    posted()  # the first question
    while (qid := user.current_question()) is not None:
        value = policy(question(qid))
        t0 = time.time()
        answer = user.click(qid, value)
        if answer.status != 200:
            raise RuntimeError(f"click {qid}={value}: HTTP {answer.status}")
        out.append(posted() - t0)


# ------------------------------------------------------------------ one measurement


@dataclass
class Measured:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wall: float = 0.0
    calls: Counter[str] = field(default_factory=Counter)  # Web API calls while measured


def _seed_channel_teams(url: str, slack_team_id: str, users: int) -> None:
    """Every person's channel already has its team: the bot asks before it creates a team
    from a channel's name, and that question is not what is measured."""
    from storage.db import make_engine, session_scope
    from storage.migrate import upgrade
    from storage.workspaces import get_or_create_channel_team, get_or_create_workspace

    upgrade(url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        ws = get_or_create_workspace(session=session, slack_team_id=slack_team_id)
        for n in ["0WARMUP", *(f"{i:05d}" for i in range(users))]:
            get_or_create_channel_team(
                session=session,
                workspace_id=ws.id or 0,
                channel_id=f"C{n}",
                channel_name=f"team-{n}",
            )
    engine.dispose()


def measure(server: str, args: argparse.Namespace, policy: Policy, run: int) -> Measured:
    """N concurrent check-ins at a fresh ``server`` on a fresh database and stand-in."""
    result = Measured()
    with (
        SlackStandIn(bot_token=TOKEN) as standin,
        tempfile.TemporaryDirectory() as tmp,
        fresh_database(args.database_url, tmp, f"{server}-{run}") as url,
    ):
        env = {
            **os.environ,
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": standin.api_url,
            "DATABASE_URL": url,
            "LOG_LEVEL": "WARNING",
            # --bot-source runs the bot from another checkout (an earlier commit, to
            # compare); the floor, the stand-in and the driver always come from this one.
            "PYTHONPATH": str(args.bot_source if server == BOT and args.bot_source else ROOT),
        }
        env.pop("SLACK_APP_TOKEN", None)
        if server == BOT and not args.bot_source:
            _seed_channel_teams(url, standin.team_id, args.users)
        port = _free_port()
        proc = _start(_command(server, port), env, port, tmp)
        inboxes = Inboxes(standin)
        try:
            check_in(standin, inboxes, port, "U0WARMUP", policy, [])  # not measured

            def person(n: int) -> None:
                try:
                    check_in(standin, inboxes, port, f"U{n:05d}", policy, result.latencies)
                except Exception as exc:  # reported, not hidden
                    result.errors.append(f"user {n}: {exc!r}")

            threads = [
                threading.Thread(target=person, args=(n,), daemon=True) for n in range(args.users)
            ]
            before = len(standin.calls)
            gc.collect()
            gc.disable()  # a full collection here would be billed to whichever server runs
            started = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            result.wall = time.perf_counter() - started
            result.calls = Counter(c.method for c in standin.calls[before:])
        finally:
            gc.enable()
            inboxes.close()
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    return result


# ------------------------------------------------------------------ the report


def _rank(ordered: list[float], q: float) -> float:
    """Nearest-rank percentile, in ms."""
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)] * 1000


def _line(label: str, m: Measured, expected: int) -> dict[str, float]:
    lat = sorted(m.latencies)
    if not lat:
        print(f"{label}: no click answered; errors: {len(m.errors)}")
        return {"p50": math.nan, "p99": math.nan}
    p = {
        "p50": statistics.median(lat) * 1000,
        "p95": _rank(lat, 0.95),
        "p99": _rank(lat, 0.99),
        "max": lat[-1] * 1000,
    }
    wall = f" in {m.wall:.1f} s" if m.wall else ""
    print(
        f"{label}: p50 {p['p50']:6.1f}  p95 {p['p95']:6.1f}  p99 {p['p99']:6.1f}  "
        f"max {p['max']:6.1f} ms   clicks {len(lat)}/{expected}{wall}   errors {len(m.errors)}"
    )
    if m.calls:
        calls = ", ".join(f"{method} {n}" for method, n in sorted(m.calls.items()))
        print(f"{' ' * len(label)}  Slack calls: {calls}")
        skipped = len(lat) - m.calls.get("chat.update", 0)
        if skipped > 0:  # less work than a click must do: say so beside the figures
            print(
                f"{' ' * len(label)}  note: {skipped} answered question(s) were never turned "
                "into their answered record (no chat.update)"
            )
    return p


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _database_label(base: str | None) -> str:
    if base is None:
        return "SQLite (a fresh file for each server and run)"
    admin_url = make_url(base).set(drivername="postgresql+psycopg")
    engine = create_engine(admin_url)
    try:
        with engine.connect() as conn:
            version = conn.execute(text("SHOW server_version")).scalar()
    finally:
        engine.dispose()
    where = f"{admin_url.host or 'localhost'}:{admin_url.port or 5432}"
    return f"PostgreSQL {version} at {where} (a fresh database for each server and run)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--users", type=int, default=20, help="people checking in at once")
    parser.add_argument("--level", type=int, default=2, help="level the simulated teams are at")
    parser.add_argument("--runs", type=int, default=1, help="A/B repetitions (both servers)")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server to run both on, e.g. "
        "postgresql+psycopg://postgres@127.0.0.1:5432/test (default: SQLite)",
    )
    parser.add_argument(
        "--bot-source",
        type=Path,
        help="run the bot from this checkout instead (e.g. a `git worktree` of an earlier "
        "commit), to measure before and after on the same machine and harness",
    )
    args = parser.parse_args()
    if args.database_url and make_url(args.database_url).get_backend_name() != "postgresql":
        parser.error("--database-url takes a PostgreSQL URL (SQLite is the default)")

    print(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores "
        f"({_cpu_model()}), Python {platform.python_version()}, {platform.platform()}"
    )
    for level in (0, 2, 5):
        print(f"questions asked, level-{level} team: {questions_asked_for(team_at_level(level))}")
    policy = _clicking_policy(args.level)
    per_person = questions_asked_for(policy)
    expected = per_person * args.users
    print(f"database: {_database_label(args.database_url)}")
    if args.bot_source:
        print(f"{BOT} from: {args.bot_source}")
    print(
        f"{args.users} concurrent check-ins of level-{args.level} teams ({per_person} clicks "
        f"each), {args.runs} run(s), {BOT} and {FLOOR} alternating; ms from click to next "
        "question"
    )

    totals = {BOT: Measured(), FLOOR: Measured()}
    ratios: list[float] = []
    width = len(f"run {args.runs} {BOT}")
    for run in range(1, args.runs + 1):
        order = (BOT, FLOOR) if run % 2 else (FLOOR, BOT)
        figures: dict[str, dict[str, float]] = {}
        for server in order:
            m = measure(server, args, policy, run)
            figures[server] = _line(f"run {run} {server}".rjust(width), m, expected)
            totals[server].latencies += m.latencies
            totals[server].errors += m.errors
            totals[server].calls += m.calls
            for e in m.errors:
                print(f"  ERROR {server}: {e}")
        ratio = figures[BOT]["p99"] / figures[FLOOR]["p99"]
        ratios.append(ratio)
        print(
            f"{f'run {run} ratio'.rjust(width)}: p99 {BOT} / {FLOOR} {ratio:.2f}x  "
            f"(p50 {figures[BOT]['p50'] / figures[FLOOR]['p50']:.2f}x)"
        )
    if args.runs > 1:
        print(f"all {args.runs} runs pooled:")
        for server in (BOT, FLOOR):
            _line(server.rjust(width), totals[server], expected * args.runs)
    finite = [r for r in ratios if not math.isnan(r)]
    median = f"{statistics.median(finite):.2f}x" if finite else "n/a"
    print(
        f"median over {len(finite)} run(s) of p99 {BOT} / p99 {FLOOR}: {median}  "
        f"(runs: {', '.join(f'{r:.2f}' for r in ratios)})"
    )


if __name__ == "__main__":
    main()
