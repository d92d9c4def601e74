"""What Slack sees when things go wrong: answered in time, or not (before/after figures).

Runs a real `maturity-bot serve --http` against the local Slack stand-in and reports, for
each fault, how many requests were answered 200 within Slack's 3 seconds:

- refusals that used to race the acknowledgement (20 each);
- 15 check-ins and 5 help requests at once while every Web API call takes 4 s;
- 200 requests already sent when SIGTERM arrives (answered, reset, or empty);
- with --database-url (PostgreSQL): the database partitioned by a TCP proxy — /healthz's
  answer, a command's acknowledgement, when the person hears "try again", recovery.

    .venv/bin/python bench/faults.py [--bot-source DIR] [--database-url postgresql+psycopg://…]

``--bot-source`` runs the bot from another checkout (e.g. a `git worktree` of an earlier
commit) so before and after are measured by the same harness. Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.local.payloads import Actor, sign, slash_command  # noqa: E402
from bot.local.standin import SlackStandIn  # noqa: E402
from bot.local.standin.proxy import TcpProxy  # noqa: E402

SECRET = "faults-signing-secret"
TOKEN = "xoxb-standin"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, standin: SlackStandIn, db_url: str, source: Path | None) -> None:
        import subprocess

        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("SLACK_")},
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": standin.api_url,
            "DATABASE_URL": db_url,
            "LOG_LEVEL": "ERROR",
            "PYTHONPATH": str(source or ROOT),
        }
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bot.cli",
                "serve",
                "--http",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--no-scheduler",
            ],
            env=env,
            cwd=tempfile.mkdtemp(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise SystemExit("serve did not start")

    def command(
        self,
        standin: SlackStandIn,
        text: str,
        channel: str = "C0PLATFORM",
        user: str = "U0ALICE",
        url: str | None = None,
    ) -> tuple[int, float]:
        body, ctype = slash_command(
            Actor(user_id=user, channel_id=channel, team_id=standin.team_id),
            text,
            response_url=url or standin.response_url(),
        )
        started = time.monotonic()
        try:
            answer = httpx.post(
                f"{self.base}/slack/events",
                content=body.encode(),
                headers={"Content-Type": ctype, **sign(body, SECRET)},
                timeout=10,
            )
            return answer.status_code, time.monotonic() - started
        except httpx.TimeoutException:
            return 0, time.monotonic() - started

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)


def in_time(results: list[tuple[int, float]]) -> str:
    ok = sum(1 for status, took in results if status == 200 and took < 3.0)
    return f"{ok}/{len(results)} answered 200 within 3 s"


def refusals_and_slow_slack(source: Path | None) -> dict[str, object]:
    out: dict[str, object] = {}
    with SlackStandIn(bot_token=TOKEN) as standin, tempfile.TemporaryDirectory() as tmp:
        server = Server(standin, f"sqlite:///{tmp}/faults.db", source)
        try:
            for text, channel in [
                ("digest schedule tuesday 25:99", "C0PLATFORM"),
                ("digest schedule", "D0DM"),
                ("runbook import gopher://example.com/x", "C0PLATFORM"),
            ]:
                runs = [server.command(standin, text, channel) for _ in range(20)]
                out[f"refusal {text!r} in {channel}"] = in_time(runs)
            standin.inject("*", delay=4.0, times=None)
            results: list[tuple[int, float]] = []
            jobs = [("assess Platform", f"U0SLOW{i}") for i in range(15)]
            jobs += [("help", "U0HELP")] * 5
            threads = [
                threading.Thread(
                    target=lambda t=t, u=u: results.append(server.command(standin, t, user=u))
                )
                for t, u in jobs
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            out["Web API at 4 s: 15 check-ins + 5 help at once"] = in_time(results)
            standin.clear_faults()
        finally:
            server.stop()
    return out


def sigterm_burst(source: Path | None) -> dict[str, object]:
    with SlackStandIn(bot_token=TOKEN) as standin, tempfile.TemporaryDirectory() as tmp:
        server = Server(standin, f"sqlite:///{tmp}/faults.db", source)
        sockets = []
        for _ in range(200):
            body, ctype = slash_command(
                Actor(team_id=standin.team_id), "help", response_url=standin.response_url()
            )
            head = (
                f"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {ctype}\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n"
                + "".join(f"{k}: {v}\r\n" for k, v in sign(body, SECRET).items())
                + "\r\n"
            )
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=30)
            sock.sendall((head + body).encode())
            sockets.append(sock)
        server.proc.send_signal(signal.SIGTERM)
        seen: dict[str, int] = {}
        lock = threading.Lock()

        def read(sock: socket.socket) -> None:  # every client at once, as Slack's would
            try:
                answer = b""
                while chunk := sock.recv(65536):
                    answer += chunk
                key = answer.split(b" ", 2)[1].decode() if answer else "empty"
            except ConnectionResetError:
                key = "reset"
            with lock:
                seen[key] = seen.get(key, 0) + 1
            sock.close()

        readers = [threading.Thread(target=read, args=(s,)) for s in sockets]
        for r in readers:
            r.start()
        for r in readers:
            r.join(60)
        server.stop()
    return {"SIGTERM with 200 requests sent": seen}


def partition(source: Path | None, base_url: str) -> dict[str, object]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from storage.migrate import upgrade

    admin = create_engine(
        make_url(base_url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
    )
    name = f"mb_faults_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(base_url).set(drivername="postgresql+psycopg", database=name)
    out: dict[str, object] = {}
    try:
        upgrade(url.render_as_string(hide_password=False))
        with (
            SlackStandIn(bot_token=TOKEN) as standin,
            TcpProxy((url.host or "127.0.0.1", url.port or 5432)) as proxy,
        ):
            via = url.set(host=proxy.host, port=proxy.port).render_as_string(hide_password=False)
            server = Server(standin, via, source)
            try:
                proxy.partition()
                started = time.monotonic()
                try:
                    health = httpx.get(f"{server.base}/healthz", timeout=40).status_code
                    out["/healthz"] = f"{health} after {time.monotonic() - started:.1f} s"
                except httpx.TimeoutException:
                    out["/healthz"] = "no answer within 40 s"
                said_at = time.time()
                status, took = server.command(standin, "board", url=standin.response_url("cut"))
                out["a command's acknowledgement"] = f"{status} after {took:.2f} s"
                try:
                    told = standin.wait_for(
                        lambda c: c.method == "response_url" and c.path.endswith("/cut"),
                        timeout=30,
                    )
                    out["the person hears"] = (
                        f"after {told.at - said_at:.1f} s: {told.params.get('text', '')[:50]}…"
                    )
                except AssertionError:
                    out["the person hears"] = "nothing within 30 s"
                proxy.heal()
                healed = time.monotonic()
                while time.monotonic() - healed < 60:
                    try:
                        if httpx.get(f"{server.base}/healthz", timeout=5).status_code == 200:
                            break
                    except httpx.TimeoutException:
                        pass
                    time.sleep(0.2)
                out["recovered (healthz 200) after healing"] = f"{time.monotonic() - healed:.1f} s"
            finally:
                server.stop()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--bot-source", type=Path, help="run the bot from this checkout")
    parser.add_argument("--database-url", help="a PostgreSQL server for the partition test")
    args = parser.parse_args()
    report: dict[str, object] = {}
    report.update(refusals_and_slow_slack(args.bot_source))
    report.update(sigterm_burst(args.bot_source))
    if args.database_url:
        report.update(partition(args.bot_source, args.database_url))
    print(json.dumps(report, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
