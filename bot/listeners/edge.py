"""The typed edge: a Slack payload becomes plain values here, and every answer leaves here.

- Who and where come from Bolt's context (``context.user_id``, ``team_id``,
  ``enterprise_id``, ``channel_id``), which Bolt reads the same way for every kind of
  request; only what the context lacks (a channel's name, a modal's channel) is read from
  the payload.
- Ids inside action ids and values are read by :func:`db_id`: digits that fit the
  database, or nothing.
- A use case's :class:`~bot.slack.answer.Answer` is sent by :func:`later` (after the
  acknowledgement) or :func:`modal_answer` (in a modal's acknowledgement), through one of
  the ``Tell`` channels below. There is no other way a listener answers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.deps import Deps, deps_of
from bot.slack.answer import Answer, tell
from bot.slack.ids import ActionId
from bot.slack.work import Tell, after_ack, answer_modal
from bot.usecases.context import Where

logger = logging.getLogger("maturity_bot.edge")

MAX_ID = 2**31 - 1  # the database's integer ids; a longer number is no id of ours


def where_of(context: BoltContext, body: dict[str, Any], *, channel: str | None = None) -> Where:
    """Who acts where. ``channel`` overrides the context's (a modal remembers its own)."""
    raw_channel = body.get("channel")
    name = raw_channel.get("name", "") if isinstance(raw_channel, dict) else ""
    if channel is None:  # a click in a message carries its channel in the container too
        channel = context.channel_id or (body.get("container") or {}).get("channel_id") or ""
    return Where(
        slack_team_id=str(context.team_id or ""),
        enterprise_id=context.enterprise_id or None,
        user_id=str(context.user_id or ""),
        channel_id=str(channel),
        channel_name=str(body.get("channel_name") or name or ""),
    )


def db_id(text: Any) -> int | None:
    """A database id typed into a payload (``"42"``), or None for anything else."""
    text = str(text).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


def target(action: dict[str, Any]) -> int:
    """The record an action is about: ``runbook.edit:42`` → 42 (0 when there is none)."""
    parts = str(action.get("action_id", "")).split(":")
    found = db_id(parts[1]) if len(parts) > 1 else None
    return found or 0


def action_key(action: dict[str, Any]) -> str:
    """The text after the action kind (an import key): ``runbook.import_all:abc`` → abc."""
    return str(action.get("value") or str(action.get("action_id", "")).partition(":")[2])


def message_ts(body: dict[str, Any]) -> str:
    """The timestamp of the message the person clicked in."""
    return str(
        (body.get("container") or {}).get("message_ts")
        or (body.get("message") or {}).get("ts")
        or ""
    )


def trigger_of(body: dict[str, Any]) -> str:
    return str(body.get("trigger_id") or "")


def response_url_of(body: dict[str, Any]) -> str:
    return str(body.get("response_url") or "")


def on_home(body: dict[str, Any]) -> bool:
    """True for a click in the App Home tab: it has no channel and no response_url, so
    what there is to tell goes to the person's DM (and the Home is published again)."""
    return (body.get("view") or {}).get("type") == "home"


# ------------------------------------------------------------------ modal state


def values_of(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    values = (view.get("state") or {}).get("values") or {}
    return values if isinstance(values, dict) else {}


def field(view: dict[str, Any], block_id: str) -> dict[str, Any] | None:
    """The submitted element of form block ``block_id`` (None when not submitted)."""
    element = (values_of(view).get(block_id) or {}).get(ActionId.RUNBOOK_INPUT)
    return element if isinstance(element, dict) else None


def text_field(view: dict[str, Any], block_id: str) -> str:
    element = field(view, block_id) or {}
    return str(element.get("value") or "")


# ------------------------------------------------------------------ answering


def later(
    context: BoltContext,
    job: Callable[[], Answer | None],
    tell: Tell,
    *,
    what: str,
    replace: bool = False,
) -> None:
    """Run ``job`` after the acknowledgement (``bot.slack.work``) and send its answer."""
    after_ack(deps_of(context).work, job, tell, what=what, replace=replace)


# What a button about one of our records runs: (deps, client, where, the record's id from
# the action id, the action itself for its value or selection).
RecordJob = Callable[[Deps, WebClient, Where, int, dict[str, Any]], Answer | None]


def record_button(run: RecordJob, *, what: str, form: bool = False) -> Callable[..., None]:
    """The listener for a button or menu whose action id carries one of our ids
    (``<action>:<id>``): acknowledged at once, then ``run`` in the work pool, its answer
    just to the person who clicked (``what`` names the work in logs and apologies;
    ``form``: the answer may be a modal, opened with the click's trigger_id)."""

    def handle(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        client: WebClient,
        context: BoltContext,
        respond: Respond,
    ) -> None:
        ack()
        deps, where, record = deps_of(context), where_of(context, body), target(action)
        tell = ephemeral(respond, client, trigger_of(body)) if form else ephemeral(respond)
        later(context, lambda: run(deps, client, where, record, action), tell, what=what)

    return handle


def modal_answer(
    ack: Ack,
    context: BoltContext,
    body: dict[str, Any],
    decide: Callable[[], Answer | None],
    tell: Tell,
    *,
    what: str,
) -> None:
    """Answer a modal submission: errors or a new view in the acknowledgement, the rest
    told afterwards; a slow one shows "working on it", then the outcome in its place
    (``bot.slack.work.answer_modal``)."""
    view_id = str((body.get("view") or {}).get("id") or "")
    client = context.client

    def update_view(view: dict[str, Any]) -> None:
        client.views_update(view_id=view_id, view=view)

    answer_modal(
        ack,
        deps_of(context).work,
        decide,
        tell,
        what=what,
        update_view=update_view if view_id and client is not None else None,
    )


def _open(client: WebClient, trigger_id: str, answer: Answer) -> None:
    if answer.modal is not None:
        client.views_open(trigger_id=trigger_id, view=answer.modal)


def ephemeral(respond: Any, client: WebClient | None = None, trigger_id: str = "") -> Tell:
    """Tell through the request's response_url, just to the person who acted (and open
    the modal an answer asks for, with the request's trigger_id)."""

    def say(answer: Answer, replace: bool) -> None:
        if client is not None:
            _open(client, trigger_id, answer)
        if answer.text:
            respond(
                text=answer.text,
                blocks=answer.blocks or None,
                response_type="ephemeral",
                replace_original=replace,
            )

    return say


def dm_or_response_url(
    client: WebClient,
    user_id: str,
    response_url: str,
    trigger_id: str = "",
    *,
    dm_message: tuple[str, str] | None = None,
) -> Tell:
    """Tell through a response_url kept in a modal's metadata (if Slack's), else in DM.

    ``dm_message`` (channel, ts) is the bot's own DM message the modal was opened from: an
    answer that replaces goes in its place with ``chat.update``, which works long after
    the response_url has expired.
    """

    def say(answer: Answer, replace: bool) -> None:
        _open(client, trigger_id, answer)
        if not answer.text:
            return
        if replace and dm_message and dm_message[0].startswith("D") and dm_message[1]:
            channel, ts = dm_message
            try:
                client.chat_update(
                    channel=channel, ts=ts, text=answer.text, blocks=answer.blocks or None
                )
                return
            except SlackApiError as exc:  # the message is gone: say it the usual way
                logger.info("could not update %s/%s: %s", channel, ts, exc.response.get("error"))
        tell(client, user_id, response_url, answer, replace=replace)

    return say


def in_channel(client: WebClient, channel: str) -> Tell:
    """Tell with a plain message in ``channel`` (a DM the person wrote in)."""

    def say(answer: Answer, _replace: bool) -> None:
        if answer.text:
            client.chat_postMessage(channel=channel, text=answer.text, blocks=answer.blocks or None)

    return say


def nobody(_answer: Answer, _replace: bool) -> None:
    """For work nobody waits on (the Home tab): failures are logged, not told."""
