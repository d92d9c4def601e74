"""The check-in, end to end: the state machine in ``conversations``, its state in the
database, its messages in Slack.

Every answer is one unit of work — a compare-and-set on the row's version that records the
answer, the timestamp of the message it was given in, and, when it is the last one, the
outcome (level, criteria board, nudges) — and then two Web API calls: the answered question
becomes its record, the next question (or the result) is posted. A double click advances
once; a crash after the save loses nothing (``/maturity assess`` → Resume re-posts the
current question).

The timestamp of a posted question is learnt when the question is clicked (the click
carries it). Only a typed answer, or an earlier answer changed so that questions drop out,
may need the timestamp of a question nobody clicked: it is then read back from the DM's
history.

A finished check-in stays correctable by its owner for ``CORRECTION_WINDOW`` (a week from
when it finished), as long as no newer check-in of the team replaced it: the same one unit
of work re-records the outcome (level, criteria board, nudges), or reopens the check-in
when the change opens questions. Typing ``stop`` in the DM pauses a check-in (its answers
stay; ``/maturity assess`` offers to resume); ``help`` explains how to answer and leave.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import Session, col, select

from bot.blocks.assessment import (
    ANSWERED,
    ASKING,
    RESULT,
    answered_blocks,
    answered_text,
    dropped_blocks,
    help_text,
    intro_blocks,
    question_blocks,
    replaced_blocks,
    result_blocks,
    result_text,
    resume_blocks,
    stopped_blocks,
    to_dicts,
)
from bot.blocks.text import escape_mrkdwn
from bot.deps import Deps
from bot.slack.answer import Answer
from bot.slack.errors import UserFacingError
from bot.slack.ids import COMMAND
from bot.usecases import home, levels
from bot.usecases.context import Where, workspace_id_for
from bot.usecases.teams import resolve_team
from conversations.assessment import (
    Intent,
    InvalidAnswer,
    Result,
    apply_answer,
    next_step,
    position,
    question_for,
    question_range,
    typed_intent,
)
from conversations.model import CRITERIA, TARGET_LEVEL, Question, question
from conversations.nudges import COOLDOWNS, Nudge
from conversations.scoring import (
    AnswerError,
    button_answer,
    criterion_status,
    exact_number_of,
    number_of,
    parse_answer,
)
from conversations.text import plural
from storage.assessments import (
    IDLE_EXPIRY,
    AnswerState,
    answer_state,
    get_assessment,
    open_assessment,
    start_assessment,
    update_assessment,
)
from storage.criteria import lock_team, record_criteria, runbook_facts
from storage.db import read_scope, session_scope
from storage.models import Assessment, AssessmentStatus, Team
from storage.nudges import recently_dismissed, record_nudge
from storage.types import utcnow
from storage.workspaces import get_team

logger = logging.getLogger("maturity_bot.assessment")

_Owned = TypeVar("_Owned", Assessment, AnswerState)
SHARED_KEY = "__shared__"
CAS_ATTEMPTS = 5
HISTORY_PAGE = 100  # messages read back from the DM to find a question nobody clicked
USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
CORRECTION_WINDOW = timedelta(days=7)  # a finished check-in's owner may correct it this long
RESULT_KEY = "__result__"  # in ``messages``: a result was posted for this check-in


def known_facts(session: Session, workspace_id: int, team_id: int) -> dict[str, str]:
    """Facts measured elsewhere that the check-in need not ask: the runbook's scripted share,
    only when the team said its runbook lists all of its operations. Otherwise the runbook
    is evidence about the operations it lists, and the check-in asks (a person's answer is
    never replaced by a runbook nobody called complete)."""
    measured = runbook_facts(session=session, workspace_id=workspace_id, team_id=team_id)
    return {cid: _number(value) for cid, value in measured.items()}


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _answered(answers: dict[str, str]) -> int:
    return len([k for k in answers if not k.startswith("__")])


# ------------------------------------------------------------------------------- start


@dataclass
class _Opened:
    """A check-in whose current question is to be posted (after the unit of work)."""

    assessment_id: int
    team_name: str
    dm: str
    step: Question | Result
    answers: dict[str, str]
    resumed: bool
    known: dict[str, str] = field(default_factory=dict)


def start(deps: Deps, client: WebClient, where: Where, team_name: str | None) -> Answer:
    """``/maturity assess [team name]``: start a check-in in DM, or offer resume/restart."""
    if not team_name and where.channel_id.startswith("D"):
        raise UserFacingError(
            f"Which team? In a DM, name it: `{COMMAND} assess Payments Platform`."
        )
    dm = _dm(client, where)
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        team = resolve_team(
            session, ws, where, team_name, example=f"{COMMAND} assess Payments Platform"
        )
        existing = open_assessment(
            session=session, workspace_id=ws, team_id=team.id or 0, user_id=where.user_id
        )
        if existing is not None and not _expired(existing):
            answered = _answered(existing.answers)
            stopped = existing.current_question is None
            what = (
                "You stopped a check-in for" if stopped else "You already have a check-in open for"
            )
            return Answer(
                text=f"{what} {escape_mrkdwn(team.name)}.",
                blocks=to_dicts(
                    resume_blocks(team.name, existing.id or 0, answered, stopped=stopped)
                ),
            )
        if existing is not None:
            _expire(session, existing)
        opened = _create(session, ws, team, where, dm)
    _post_current(client, opened)
    return Answer(
        text=f"I've sent you a DM to check in on {escape_mrkdwn(opened.team_name)}. "
        "Your answers are saved as you go."
    )


def _dm(client: WebClient, where: Where) -> str:
    return str(client.conversations_open(users=where.user_id)["channel"]["id"])


def _create(session: Session, ws: int, team: Team, where: Where, dm: str) -> _Opened:
    assert team.id is not None
    known = known_facts(session, ws, team.id)
    step = next_step({}, known)
    a = start_assessment(
        session=session,
        workspace_id=ws,
        team_id=team.id,
        user_id=where.user_id,
        origin_channel=team.channel_id or None,
    )
    a.dm_channel = dm
    a.current_question = step.id if isinstance(step, Question) else None
    # The first question is posted right after this commits; its timestamp is learnt
    # when it is clicked ("" = posted, timestamp not known yet).
    a.messages = {step.id: ""} if isinstance(step, Question) else {}
    session.add(a)
    session.flush()
    assert a.id is not None
    return _Opened(a.id, team.name, dm, step, {}, resumed=False, known=known)


def restart(deps: Deps, client: WebClient, where: Where, assessment_id: int) -> Answer:
    dm = _dm(client, where)
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        old = _owned(session, ws, assessment_id, where.user_id)
        team = get_team(session=session, workspace_id=ws, team_id=old.team_id)
        if team is None:
            raise UserFacingError("I can't find that team any more.")
        if old.status == AssessmentStatus.OPEN:
            update_assessment(
                session=session,
                workspace_id=ws,
                assessment_id=old.id or 0,
                expected_version=old.version,
                status=AssessmentStatus.ABANDONED,
            )
        opened = _create(session, ws, team, where, dm)
    _post_current(client, opened)
    return Answer(
        text=f"Starting over for {escape_mrkdwn(opened.team_name)}: your first question is "
        "in our DM."
    )


def resume(deps: Deps, client: WebClient, where: Where, assessment_id: int) -> Answer:
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        a = _owned(session, ws, assessment_id, where.user_id)
        if a.status != AssessmentStatus.OPEN:
            raise UserFacingError(
                f"That check-in has ended. Run `{COMMAND} assess` to start a fresh one."
            )
        team = get_team(session=session, workspace_id=ws, team_id=a.team_id)
        team_name = team.name if team else "your team"
        answers = dict(a.answers)
        known = known_facts(session, ws, a.team_id)
        step = next_step(answers, known)
        dm = a.dm_channel
        if isinstance(step, Question):  # posted again below: its new message is learnt later
            update_assessment(
                session=session,
                workspace_id=ws,
                assessment_id=assessment_id,
                expected_version=a.version,
                messages={**a.messages, step.id: ""},
                current_question=step.id,  # a stopped check-in takes typed answers again
            )
    opened = _Opened(
        assessment_id,
        team_name,
        dm or _dm(client, where),
        step,
        answers,
        resumed=True,
        known=known,
    )
    _post_current(client, opened)
    return Answer(text="Picked up where you left off — the next question is in our DM.")


def _post_current(client: WebClient, o: _Opened) -> None:
    """Post the intro (with how many questions to expect) and the current question."""
    expected = question_range(o.answers, o.known)
    client.chat_postMessage(
        channel=o.dm,
        text=f"Check-in for {escape_mrkdwn(o.team_name)}",
        blocks=to_dicts(
            intro_blocks(
                o.team_name,
                resumed=o.resumed,
                expected=expected,
                answered=_answered(o.answers),
            )
        ),
    )
    if isinstance(o.step, Question):
        number = position(o.answers, o.step.id, o.known)
        _post_question(client, o.dm, o.step, o.assessment_id, number, o.team_name)


def _post_question(
    client: WebClient,
    dm: str,
    q: Question,
    assessment_id: int,
    number: int,
    team_name: str,
) -> None:
    client.chat_postMessage(
        channel=dm,
        text=q.prompt,
        blocks=to_dicts(
            question_blocks(q, assessment_id=assessment_id, number=number, team_name=team_name)
        ),
    )


# ------------------------------------------------------------------------------- answer


@dataclass
class _Decision:
    """What one answer changed, decided and saved in its unit of work; told to Slack after."""

    kind: str  # "noop" | "advanced" | "finished"
    qid: str = ""
    question: Question | None = None  # as this check-in asks it (the target: levels above)
    value: str = ""
    number: int = 0
    answered_ts: str = ""
    dropped: list[tuple[str, str]] = field(default_factory=list)
    next_question: Question | None = None
    next_number: int = 0
    already_posted: bool = False
    answers: dict[str, str] = field(default_factory=dict)
    result: Result | None = None
    nudges: list[tuple[Nudge, int | None]] = field(default_factory=list)
    team_name: str = ""
    dm_channel: str = ""
    corrected: bool = False  # a finished check-in's answer changed: its result is replaced
    team_id: int = 0


def answer(
    deps: Deps,
    client: WebClient,
    where: Where,
    assessment_id: int,
    qid: str,
    raw: str,
    *,
    clicked_ts: str = "",
    button: bool = False,
) -> Answer | None:
    """A click (``button``: ``raw`` is the button's value) or a typed answer for question
    ``qid``; ``clicked_ts`` is the message the button was in. Answers only when the person
    needs to be told something (bad input, not theirs, ended); otherwise the next question
    is the answer."""
    try:
        q = question(qid)
    except KeyError:
        raise UserFacingError("That button belongs to a question I no longer ask.") from None
    if button:
        raw = button_answer(q, raw)  # a range button answers its range, not its number
    decision = _decide(deps, where, assessment_id, q, raw, clicked_ts)
    if decision.result is not None:  # finished (or corrected): the Homes concerned follow
        home.refresh(deps, client, where, [decision.team_id])
    if decision.kind != "noop":
        _tell_slack(client, where, assessment_id, decision.question or q, decision)
    return None


def _decide(
    deps: Deps, where: Where, assessment_id: int, q: Question, raw: str, clicked_ts: str
) -> _Decision:
    for _ in range(CAS_ATTEMPTS):
        with session_scope(deps.engine) as session:
            ws = workspace_id_for(session, where)
            a = _answerable(session, ws, assessment_id, where.user_id)
            decision = _next(session, ws, a, q, raw, clicked_ts)
            if decision is not None:
                return decision
    raise UserFacingError("That answer collided with another one. Please click it again.")


def _answerable(session: Session, ws: int, assessment_id: int, user_id: str) -> AnswerState:
    """The person's check-in, open and not idle for too long, or finished recently enough
    to correct (else a friendly no)."""
    a = answer_state(session=session, workspace_id=ws, assessment_id=assessment_id)
    _check_owner(a, user_id)
    assert a is not None
    if a.status == AssessmentStatus.COMPLETED:
        _check_correctable(session, ws, a)
        return a
    if a.status != AssessmentStatus.OPEN or _expired(a):
        if a.status == AssessmentStatus.OPEN:
            _expire(session, a)
            session.commit()  # keep the expiry even though we answer with an error
        raise UserFacingError(
            f"This check-in has ended. Run `{COMMAND} assess` to start a fresh one."
        )
    return a


def _check_correctable(session: Session, ws: int, a: AnswerState) -> None:
    """A finished check-in takes corrections for a week, until a newer one replaces it."""
    row = get_assessment(session=session, workspace_id=ws, assessment_id=a.id)
    finished = row.completed_at if row is not None else None
    if finished is None or finished < utcnow() - CORRECTION_WINDOW:
        raise UserFacingError(
            "This check-in finished more than a week ago, so its answers are settled. "
            f"Run `{COMMAND} assess` to take a fresh one."
        )
    newer = session.exec(
        select(Assessment.id).where(
            Assessment.workspace_id == ws,
            Assessment.team_id == a.team_id,
            col(Assessment.id) > a.id,
            col(Assessment.status).in_([AssessmentStatus.OPEN, AssessmentStatus.COMPLETED]),
        )
    ).first()
    if newer is not None:
        raise UserFacingError(
            f"A newer check-in for {escape_mrkdwn(a.team_name)} has taken this one's place, "
            "so change the answer there."
        )


def _next(
    session: Session, ws: int, a: AnswerState, q: Question, raw: str, clicked_ts: str
) -> _Decision | None:
    """Apply the answer and save it (compare-and-set); None when another request moved
    the row first (look again)."""
    known = known_facts(session, ws, a.team_id)
    asked = question_for(q.id, a.answers, known)
    parsed = parse_answer(asked, raw)
    if isinstance(parsed, AnswerError):
        raise UserFacingError(parsed.message)
    if a.answers.get(q.id) == parsed.value:
        return _Decision("noop")  # a double click, or the same answer again
    try:
        new = apply_answer(a.answers, q.id, parsed.value, known)
    except InvalidAnswer as exc:
        raise UserFacingError(exc.error.message) from None
    if new.get(q.id) != parsed.value:
        return _Decision("noop")  # a stale button for a question off the path
    correcting = a.status == AssessmentStatus.COMPLETED
    step = next_step(new, known)
    next_q = step if isinstance(step, Question) else None
    messages = dict(a.messages)
    if clicked_ts:
        messages[q.id] = clicked_ts  # learnt from the click itself
    keep = set(new) | ({next_q.id} if next_q else set())
    dropped = [(k, ts) for k, ts in messages.items() if not k.startswith("__") and k not in keep]
    for k, _ts in dropped:
        messages.pop(k)
    if next_q is not None and next_q.id in a.answers and next_q.id not in new:
        # Answered before, but the change made that answer no answer (a target the team
        # has now reached): its record is retired and the question asked afresh.
        dropped.append((next_q.id, messages.pop(next_q.id, "")))
    already_posted = bool(next_q and next_q.id in messages)
    if next_q is not None and not already_posted:
        messages[next_q.id] = ""  # posted right after this commits
    had_result = correcting or RESULT_KEY in a.messages
    if had_result:
        messages.pop(SHARED_KEY, None)  # the shared result is out of date: share afresh
    if had_result or isinstance(step, Result):
        messages[RESULT_KEY] = ""  # a result is (or is about to be) in the DM
    changes: dict[str, object] = {
        "answers": new,
        "messages": messages,
        "current_question": next_q.id if next_q else None,
    }
    if isinstance(step, Result):
        changes.update(status=AssessmentStatus.COMPLETED, result_level=step.level)
        if not had_result:
            changes["completed_at"] = utcnow()  # a correction keeps the week it started
    elif correcting:
        changes["status"] = AssessmentStatus.OPEN  # the change opened questions: reopen
    if not update_assessment(
        session=session,
        workspace_id=ws,
        assessment_id=a.id,
        expected_version=a.version,
        **changes,
    ):
        return None
    decision = _Decision(
        "advanced" if next_q else "finished",
        qid=q.id,
        question=asked,
        value=parsed.value,
        number=position(new, q.id, known),
        answered_ts=messages.get(q.id, ""),
        dropped=dropped,
        next_question=next_q,
        next_number=position(new, next_q.id, known) if next_q else 0,
        already_posted=already_posted,
        answers=new,
        team_name=a.team_name,
        dm_channel=a.dm_channel,
        corrected=had_result and isinstance(step, Result),
        team_id=a.team_id,
    )
    if isinstance(step, Result):
        team = get_team(session=session, workspace_id=ws, team_id=a.team_id)
        assert team is not None
        decision.result = step
        decision.nudges = _finish(session, ws, team, a.user_id, step, answered=new)
    return decision


def _finish(
    session: Session,
    ws: int,
    team: Team,
    user_id: str,
    result: Result,
    *,
    answered: Mapping[str, str],
) -> list[tuple[Nudge, int | None]]:
    """Store the outcome: the team's level and target, its criteria board, its nudges.

    Only what the person answered is recorded as the check-in's: a fact the check-in took
    as known (the runbook's share) stays its source's."""
    assert team.id is not None
    # The team's row first, as every path that moves the board does: two check-ins of one
    # team finishing at once are decided one after the other.
    team = lock_team(session=session, workspace_id=ws, team_id=team.id) or team
    assert team.id is not None
    target = number_of(TARGET_LEVEL, result.facts)
    if target is not None:
        team.target_level = int(target)
    team.updated_at = utcnow()
    session.add(team)
    facts = {k: v for k, v in result.facts.items() if k in answered}
    record_criteria(
        session=session,
        workspace_id=ws,
        team_id=team.id,
        statuses=[
            # The number the person gave; a range they picked has none to record.
            (c.id, criterion_status(c, facts[c.id]), exact_number_of(c.id, facts))
            for c in CRITERIA
            if c.id in facts
        ],
        user_id=user_id,
        source="assessment",
    )
    # The level follows the board (which this check-in just updated), announced if it
    # moved; and the team's nudges are looked at with the new board, target and facts.
    levels.follow(session, ws, team, user_id=user_id, source="assessment")
    shown: list[tuple[Nudge, int | None]] = []
    for nudge in _not_dismissed(session, ws, team.id, result.nudges):
        row = record_nudge(
            session=session,
            workspace_id=ws,
            team_id=team.id,
            rule_id=nudge.id.value,
            source="assessment",
        )
        shown.append((nudge, row.id))
    return shown


def _not_dismissed(session: Session, ws: int, team_id: int, nudges: Sequence[Nudge]) -> list[Nudge]:
    """The nudges nobody in the team dismissed within the rule's cooldown."""
    return [
        n
        for n in nudges
        if not recently_dismissed(
            session=session,
            workspace_id=ws,
            team_id=team_id,
            rule_id=n.id.value,
            cooldown=COOLDOWNS.get(n.id, timedelta(days=7)),
        )
    ]


def _tell_slack(
    client: WebClient, where: Where, assessment_id: int, q: Question, d: _Decision
) -> None:
    """The saved answer, shown: its record, dropped questions, the next question or result."""
    dm = d.dm_channel or _dm(client, where)
    wanted = [k for k, ts in [(q.id, d.answered_ts), *d.dropped] if not ts]
    if d.corrected:
        wanted.append(f"{RESULT}{assessment_id}")  # the result this one replaces
    found = _question_messages(client, dm, wanted) if wanted else {}
    answered_ts = d.answered_ts or found.get(q.id, "")
    if answered_ts:
        client.chat_update(
            channel=dm,
            ts=answered_ts,
            text=answered_text(q, d.value),
            blocks=to_dicts(
                answered_blocks(q, assessment_id=assessment_id, number=d.number, value=d.value)
            ),
        )
    for qid, ts in d.dropped:
        if ts or found.get(qid):
            client.chat_update(
                channel=dm,
                ts=ts or found[qid],
                text="Not needed after your change",
                blocks=to_dicts(dropped_blocks(question(qid))),
            )
    if d.next_question is not None and not d.already_posted:
        _post_question(client, dm, d.next_question, assessment_id, d.next_number, d.team_name)
    if d.result is not None:
        old = found.get(f"{RESULT}{assessment_id}", "")
        if d.corrected and old:
            client.chat_update(
                channel=dm,
                ts=old,
                text="Replaced by an updated result",
                blocks=to_dicts(replaced_blocks()),
            )
        blocks = result_blocks(
            d.result,
            team_name=d.team_name,
            assessment_id=assessment_id,
            nudges=d.nudges,
            corrected=d.corrected,
        )
        client.chat_postMessage(
            channel=dm, text=result_text(d.result, d.team_name), blocks=to_dicts(blocks)
        )


def _question_messages(client: WebClient, dm: str, qids: list[str]) -> dict[str, str]:
    """The timestamps of the DM messages asking (or recording) ``qids``, newest first (and
    of a result, asked for by its header's block id)."""
    try:
        history = client.conversations_history(channel=dm, limit=HISTORY_PAGE)
    except SlackApiError as exc:
        logger.info("could not read the check-in DM back: %s", exc.response.get("error"))
        return {}
    found: dict[str, str] = {}
    for message in history.get("messages") or []:
        for block in message.get("blocks") or []:
            block_id = str(block.get("block_id", ""))
            if block_id.startswith(RESULT) and block_id in qids and block_id not in found:
                found[block_id] = str(message.get("ts", ""))  # an earlier result
            for prefix in (ASKING, ANSWERED):
                qid = block_id.removeprefix(prefix)
                if block_id.startswith(prefix) and qid in qids and qid not in found:
                    found[qid] = str(message.get("ts", ""))
    return found


# ------------------------------------------------------------------------------- typed


def typed_answer(deps: Deps, client: WebClient, where: Where, text: str) -> Answer | None:
    """A DM line for the open check-in: the answer to its current question, or ``stop``
    / ``help`` (and near misses) when it reads as no answer.

    None when the person has no check-in waiting for an answer in this DM; an empty
    answer when it was taken; otherwise what to tell them.
    """
    with read_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        candidates = [
            a
            for a in _open_for_user(session, ws, where.user_id)
            if a.dm_channel == where.channel_id and a.current_question
        ]
    if not candidates:
        return None
    a = candidates[0]
    assert a.id is not None and a.current_question is not None
    q = question(a.current_question)
    if isinstance(parse_answer(q, text), AnswerError):
        intent = typed_intent(text)
        if intent is Intent.HELP:
            return Answer(text=f"{help_text(q)} (Waiting for: “{escape_mrkdwn(q.prompt)}”)")
        if intent is Intent.STOP:
            return stop(deps, client, where, a.id)
    try:
        answer(deps, client, where, a.id, q.id, text)
    except UserFacingError as exc:
        return Answer(
            text=f"{exc} (This is for: “{escape_mrkdwn(q.prompt)}”. Type *help* for help, "
            "*stop* to leave.)"
        )
    return Answer()  # accepted: the next question (or the result) is the reply


def stop(deps: Deps, client: WebClient, where: Where, assessment_id: int) -> Answer:
    """Pause the check-in at its current question: its answers stay; ``/maturity assess``
    offers to resume or start over; the week of quiet still closes it (without a note)."""
    for _ in range(CAS_ATTEMPTS):
        with session_scope(deps.engine) as session:
            ws = workspace_id_for(session, where)
            a = _owned(session, ws, assessment_id, where.user_id)
            if a.status != AssessmentStatus.OPEN or a.current_question is None:
                return Answer(text="There's no check-in waiting on you here.")
            team = get_team(session=session, workspace_id=ws, team_id=a.team_id)
            waiting, name = a.current_question, team.name if team else "your team"
            ts, answered, dm = a.messages.get(waiting, ""), _answered(a.answers), a.dm_channel
            if update_assessment(
                session=session,
                workspace_id=ws,
                assessment_id=assessment_id,
                expected_version=a.version,
                current_question=None,
            ):
                break
    else:
        raise UserFacingError("That collided with an answer. Please type stop again.")
    channel = dm or where.channel_id
    ts = ts or _question_messages(client, channel, [waiting]).get(waiting, "")
    if ts:
        q = question(waiting)
        client.chat_update(
            channel=channel, ts=ts, text=f"Stopped: {q.prompt}", blocks=to_dicts(stopped_blocks(q))
        )
    kept = (
        f"your {plural(answered, 'answer')} {'is' if answered == 1 else 'are'} saved"
        if answered
        else "nothing was answered yet"
    )
    return Answer(
        text=f"Stopped the check-in for {escape_mrkdwn(name)}: {kept}. When you want to carry "
        f"on, run `{COMMAND} assess` in the team's channel and pick *Resume* (or *Start over*). "
        "Left alone, it closes by itself after a week."
    )


def _open_for_user(session: Session, ws: int, user_id: str) -> list[Assessment]:
    return list(
        session.exec(
            select(Assessment)
            .where(
                Assessment.workspace_id == ws,
                Assessment.user_id == user_id,
                Assessment.status == AssessmentStatus.OPEN,
            )
            .order_by(col(Assessment.updated_at).desc())
        )
    )


# ------------------------------------------------------------------------------- share


def share(deps: Deps, client: WebClient, where: Where, assessment_id: int) -> Answer:
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        a = _owned(session, ws, assessment_id, where.user_id)
        if a.status != AssessmentStatus.COMPLETED:
            raise UserFacingError("Finish the check-in first, then share the result.")
        if SHARED_KEY in a.messages:
            return Answer(text="Already shared in the team channel.")
        team = get_team(session=session, workspace_id=ws, team_id=a.team_id)
        assert team is not None
        channel = a.origin_channel or team.channel_id
        if not channel:
            raise UserFacingError(
                "This team has no channel yet. Run the check-in from the team's channel "
                "to share results there."
            )
        known = known_facts(session, ws, a.team_id)
        # Claim the share before posting, so a double click posts once.
        claimed = dict(a.messages)
        claimed[SHARED_KEY] = "pending"
        if not update_assessment(
            session=session,
            workspace_id=ws,
            assessment_id=assessment_id,
            expected_version=a.version,
            messages=claimed,
        ):
            return Answer(text="Already shared in the team channel.")
        answers, team_name = dict(a.answers), team.name
        result = next_step(answers, known)
        assert isinstance(result, Result)
        shown = [(n, None) for n in _not_dismissed(session, ws, a.team_id, result.nudges)]
    sharer = where.user_id if USER_ID.match(where.user_id) else None
    try:
        posted = client.chat_postMessage(
            channel=channel,
            text=result_text(result, team_name),
            blocks=to_dicts(
                result_blocks(
                    result,
                    team_name=team_name,
                    assessment_id=assessment_id,
                    shareable=False,
                    nudges=shown,
                    shared_by=sharer,
                )
            ),
        )
    except SlackApiError as exc:
        _set_shared(deps, where, assessment_id, None)  # give the claim back
        if exc.response.get("error") in ("not_in_channel", "channel_not_found", "is_archived"):
            raise UserFacingError(
                "I can't post in that channel. Invite me with `/invite @maturity-bot` "
                "and click Share again."
            ) from None
        raise
    _set_shared(deps, where, assessment_id, str(posted["ts"]))
    return Answer(text="Shared in the team channel.")


def _set_shared(deps: Deps, where: Where, assessment_id: int, ts: str | None) -> None:
    """Record where the result was shared (``None``: the share failed, forget the claim)."""
    for _ in range(CAS_ATTEMPTS):
        with session_scope(deps.engine) as session:
            ws = workspace_id_for(session, where)
            a = get_assessment(session=session, workspace_id=ws, assessment_id=assessment_id)
            if a is None:
                return
            messages = {k: v for k, v in a.messages.items() if k != SHARED_KEY}
            if ts is not None:
                messages[SHARED_KEY] = ts
            if update_assessment(
                session=session,
                workspace_id=ws,
                assessment_id=assessment_id,
                expected_version=a.version,
                messages=messages,
            ):
                return
    logger.warning("could not record the share of check-in %s", assessment_id)


# ------------------------------------------------------------------------------- helpers


def _owned(session: Session, ws: int, assessment_id: int, user_id: str) -> Assessment:
    a = get_assessment(session=session, workspace_id=ws, assessment_id=assessment_id)
    return _check_owner(a, user_id)


def _check_owner(a: _Owned | None, user_id: str) -> _Owned:
    if a is None:
        raise UserFacingError("I can't find that check-in any more.")
    if a.user_id != user_id:
        raise UserFacingError(
            "Only the person who started this check-in can answer it. "
            f"Run `{COMMAND} assess` to start your own."
        )
    return a


def _expired(a: Assessment | AnswerState) -> bool:
    return a.status == AssessmentStatus.OPEN and a.updated_at < utcnow() - IDLE_EXPIRY


def _expire(session: Session, a: Assessment | AnswerState) -> None:
    update_assessment(
        session=session,
        workspace_id=a.workspace_id,
        assessment_id=a.id or 0,
        expected_version=a.version,
        status=AssessmentStatus.EXPIRED,
    )


# ------------------------------------------------------------------------------- expiry


def expire_idle(
    deps: Deps, client_for: Callable[[int], WebClient], *, now: datetime | None = None
) -> int:
    """Close check-ins idle for 7 days and tell each owner, kindly, once (with their own
    workspace's client)."""
    cutoff = (now or utcnow()) - IDLE_EXPIRY
    with read_scope(deps.engine) as session:
        stale = list(
            session.exec(
                select(Assessment).where(
                    Assessment.status == AssessmentStatus.OPEN,
                    col(Assessment.updated_at) < cutoff,
                )
            )
        )
    told = 0
    for a in stale:
        with session_scope(deps.engine) as session:
            won = update_assessment(
                session=session,
                workspace_id=a.workspace_id,
                assessment_id=a.id or 0,
                expected_version=a.version,
                status=AssessmentStatus.EXPIRED,
            )
            team = get_team(session=session, workspace_id=a.workspace_id, team_id=a.team_id)
        if not won or not a.dm_channel or team is None:
            continue  # another process closed it (and told them), or we never reached them
        if a.current_question is None:
            continue  # they stopped it themselves: no need to tell them it closed
        try:
            client_for(a.workspace_id).chat_postMessage(
                channel=a.dm_channel,
                text=(
                    f"Your check-in for {escape_mrkdwn(team.name)} has been quiet for a week, "
                    f"so I've closed it. Whenever you're ready, `{COMMAND} assess` starts a "
                    "fresh one."
                ),
            )
        except SlackApiError as exc:  # one workspace's trouble must not stop the others
            logger.warning("could not tell %s their check-in closed: %s", a.user_id, exc)
            continue
        told += 1
    return told
