"""The floor for bench/assess.py: what a check-in click minimally costs on the bot's stack.

A bare ``slack_bolt.App`` served exactly as ``serve --http`` serves the bot
(``bot.serve.http.run_wsgi`` and ``build_wsgi`` with the same options, a health check on the
database, ``settle_heap`` before taking traffic), with the same Web API client
(``bot.slack.client.build_client``) and database engine (``storage.db.make_engine``). Only
the app differs: two listeners and none of the bot's layering.

``/maturity assess`` — ``ack()``, ``conversations.open``, one transaction (forget the
person's earlier answers, remember the team: the channel's name), then ``chat.postMessage``
of the intro and of the first question.

A click on an answer button (``assess.answer:…``) — ``ack()``, then on Bolt's listener thread:

1. ONE write transaction::

       BEGIN                                   -- BEGIN IMMEDIATE on SQLite (storage.db)
       SELECT question_id, answer, version FROM floor_answer WHERE user_id = :user
       INSERT INTO floor_answer (user_id, question_id, answer, version)
            VALUES (:user, :question, :answer, 1)
       ON CONFLICT (user_id, question_id) DO UPDATE
            SET answer = excluded.answer, version = floor_answer.version + 1
            WHERE floor_answer.version = :expected      -- compare-and-set
       COMMIT

   (retried when the compare-and-set lost, which a single clicker never makes happen);
2. ``chat.update`` of the clicked question into its answered record;
3. ``chat.postMessage`` of the next question (or of the result).

Which question comes next is decided by the pure state machine
(``conversations.assessment.apply_answer``/``next_step``) and the messages are rendered by
the bot's own block builders (``bot.blocks.assessment``), so the floor asks the same
questions in the same order, in the same messages, as the bot: the same driver clicks
through both. Bolt's listener pool has 16 threads, as many as the bot's work pool, since the
listener here does the work itself.

Run by bench/assess.py, or by hand with the bot's environment (SLACK_SIGNING_SECRET,
SLACK_BOT_TOKEN, SLACK_API_URL, DATABASE_URL)::

    .venv/bin/python bench/floor.py --port 3001
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Integer, MetaData, String, Table, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

METADATA = MetaData()
ANSWERS = Table(
    "floor_answer",
    METADATA,
    Column("user_id", String(32), primary_key=True),
    Column("question_id", String(64), primary_key=True),
    Column("answer", String(200), nullable=False),
    Column("version", Integer, nullable=False),
)
TEAM = "__team__"  # the row holding the team's name (not an answer)
LISTENER_THREADS = 16  # = bot.slack.work.WORK_THREADS: the threads a click's work runs on
CAS_ATTEMPTS = 5
ASSESSMENT_ID = 1  # goes into the buttons' action ids, as the bot's check-in id does

SELECT_ANSWERS = text("SELECT question_id, answer, version FROM floor_answer WHERE user_id = :user")
UPSERT_ANSWER = text(
    "INSERT INTO floor_answer (user_id, question_id, answer, version) "
    "VALUES (:user, :question, :answer, 1) "
    "ON CONFLICT (user_id, question_id) DO UPDATE "
    "SET answer = excluded.answer, version = floor_answer.version + 1 "
    "WHERE floor_answer.version = :expected"
)
FORGET_USER = text("DELETE FROM floor_answer WHERE user_id = :user")
ANSWER_ACTION = re.compile(r"^assess\.answer:")


class _Moved(Exception):
    """The compare-and-set lost: someone changed the row since we read it."""


def build_floor(settings: Any, engine: Any) -> Any:
    """The bare Bolt app: ``/maturity assess`` and the answer buttons, nothing else."""
    from slack_bolt import App

    from bot.blocks.assessment import (
        answered_blocks,
        answered_text,
        intro_blocks,
        question_blocks,
        result_blocks,
        result_text,
        to_dicts,
    )
    from bot.slack.client import build_client
    from conversations.assessment import InvalidAnswer, Result, apply_answer, next_step
    from conversations.model import question
    from storage.db import session_scope

    secret = settings.slack_signing_secret
    app = App(
        signing_secret=secret.get_secret_value() if secret else None,
        client=build_client(settings),
        token_verification_enabled=False,
        listener_executor=ThreadPoolExecutor(
            max_workers=LISTENER_THREADS, thread_name_prefix="listener"
        ),
    )

    @app.command("/maturity")
    def assess(ack: Any, command: dict[str, Any], client: Any) -> None:
        if (command.get("text") or "").strip().split(" ")[0] != "assess":
            ack(text="usage: /maturity assess", response_type="ephemeral")
            return
        ack()
        user = command["user_id"]
        team = command.get("channel_name") or command.get("channel_id") or "your team"
        dm = client.conversations_open(users=user)["channel"]["id"]
        with session_scope(engine) as session:
            session.execute(FORGET_USER, {"user": user})
            session.execute(
                UPSERT_ANSWER, {"user": user, "question": TEAM, "answer": team, "expected": 0}
            )
        first = next_step({})
        assert not isinstance(first, Result)
        client.chat_postMessage(
            channel=dm, text=f"Check-in for {team}", blocks=to_dicts(intro_blocks(team))
        )
        client.chat_postMessage(
            channel=dm,
            text=first.prompt,
            blocks=to_dicts(
                question_blocks(first, assessment_id=ASSESSMENT_ID, number=1, team_name=team)
            ),
        )

    @app.action(ANSWER_ACTION)
    def answer(ack: Any, body: dict[str, Any], action: dict[str, Any], client: Any) -> None:
        ack()
        user = body["user"]["id"]
        container = body.get("container") or {}
        q = question(str(action.get("block_id", "")))
        for _ in range(CAS_ATTEMPTS):
            try:
                with session_scope(engine) as session:
                    rows = session.execute(SELECT_ANSWERS, {"user": user}).all()
                    versions = {qid: version for qid, _, version in rows}
                    answers = {qid: value for qid, value, _ in rows if qid != TEAM}
                    team = next((value for qid, value, _ in rows if qid == TEAM), "your team")
                    try:
                        new = apply_answer(answers, q.id, str(action.get("value", "")))
                    except InvalidAnswer:
                        return
                    if q.id not in new:
                        return  # a stale button for a question off the path
                    moved = session.execute(
                        UPSERT_ANSWER,
                        {
                            "user": user,
                            "question": q.id,
                            "answer": new[q.id],
                            "expected": versions.get(q.id, 0),
                        },
                    )
                    if moved.rowcount != 1:
                        raise _Moved
                break
            except _Moved:
                continue
        else:
            return
        step = next_step(new)
        number = list(new).index(q.id) + 1
        client.chat_update(
            channel=container["channel_id"],
            ts=container["message_ts"],
            text=answered_text(q, new[q.id]),
            blocks=to_dicts(
                answered_blocks(q, assessment_id=ASSESSMENT_ID, number=number, value=new[q.id])
            ),
        )
        if isinstance(step, Result):
            client.chat_postMessage(
                channel=container["channel_id"],
                text=result_text(step, team),
                blocks=to_dicts(result_blocks(step, team_name=team, assessment_id=ASSESSMENT_ID)),
            )
            return
        client.chat_postMessage(
            channel=container["channel_id"],
            text=step.prompt,
            blocks=to_dicts(
                question_blocks(
                    step, assessment_id=ASSESSMENT_ID, number=len(new) + 1, team_name=team
                )
            ),
        )

    return app


def serve_floor(port: int, host: str = "127.0.0.1") -> int:
    """Serve the floor on the bot's server stack until SIGTERM (settings from the env)."""
    from bot.serve.http import build_wsgi, run_wsgi, settle_heap
    from bot.settings import load_settings
    from storage.db import make_engine

    settings = load_settings()
    os.environ.pop("SLACK_BOT_TOKEN", None)  # Bolt would read it and warn: the client has it
    schema = make_engine(settings.database_url)  # like serve's migrations: before the fork
    METADATA.create_all(schema)
    schema.dispose()

    def factory() -> Any:
        engine = make_engine(settings.database_url)
        wsgi = build_wsgi(build_floor(settings, engine), engine)
        settle_heap()
        return wsgi

    print(f"floor: serving on http://{host}:{port}/slack/events", flush=True)
    return run_wsgi(factory, host=host, port=port)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3001)
    args = parser.parse_args()
    raise SystemExit(serve_floor(args.port, args.host))


if __name__ == "__main__":
    main()
