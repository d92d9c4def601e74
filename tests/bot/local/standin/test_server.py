"""The Slack stand-in, driven by slack_sdk's real WebClient (and Bolt) over real HTTP.

No timing assertions: retries and faults are checked through the recorded calls' order,
count and status.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from urllib.parse import urlencode

import pytest
from slack_bolt import App
from slack_bolt.request import BoltRequest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.signature import SignatureVerifier
from slack_sdk.webhook import WebhookClient

from bot.local.standin import FILE_UPLOAD, RESPONSE_URL, SlackStandIn

FAST = FixedValueRetryIntervalCalculator(0.01)


def section(text: str, block_id: str | None = None) -> dict:
    block = {"type": "section", "text": {"type": "mrkdwn", "text": text}}
    if block_id:
        block["block_id"] = block_id
    return block


def modal(title: str, *blocks: dict) -> dict:
    return {"type": "modal", "title": {"type": "plain_text", "text": title}, "blocks": list(blocks)}


def error_of(call) -> str:
    with pytest.raises(SlackApiError) as info:
        call()
    return info.value.response["error"]


# ------------------------------------------------------------------ lifecycle


def test_urls_and_lifecycle() -> None:
    slack = SlackStandIn()
    with pytest.raises(RuntimeError, match="not started"):
        _ = slack.url
    with slack:
        assert slack.url.startswith("http://127.0.0.1:")
        assert slack.api_url == slack.url + "/api/"
        assert slack.response_url("cmd") == slack.url + "/response/cmd"
    slack.stop()  # stopping twice is harmless


def test_auth_test_team_info_and_scope_header(standin: SlackStandIn, client: WebClient) -> None:
    auth = client.auth_test()
    assert auth["user_id"] == "U0BOT"
    assert auth["team_id"] == "T0STANDIN"
    assert auth["bot_id"] == standin.bot_id
    assert "chat:write" in auth.headers["x-oauth-scopes"].split(",")
    assert client.team_info()["team"]["id"] == "T0STANDIN"


# -------------------------------------------------------------------- messages


def test_post_update_delete_round_trip(standin: SlackStandIn, client: WebClient) -> None:
    first = client.chat_postMessage(channel="C0TEAM", text="hello", blocks=[section("hello")])
    assert first["channel"] == "C0TEAM"
    message = first["message"]
    assert message["type"] == "message"
    assert message["user"] == "U0BOT"
    assert message["bot_id"] == standin.bot_id
    assert message["ts"] == first["ts"]
    assert message["blocks"] == [section("hello")]

    reply = client.chat_postMessage(channel="C0TEAM", text="in thread", thread_ts=first["ts"])
    other = client.chat_postMessage(channel="C0OTHER", text="elsewhere")
    assert first["ts"] < reply["ts"] < other["ts"]

    updated = client.chat_update(channel="C0TEAM", ts=first["ts"], text="hello again")
    assert updated["message"]["text"] == "hello again"
    assert updated["message"]["blocks"] == [section("hello")]  # blocks kept when not given

    team = standin.messages("C0TEAM")
    assert [m["text"] for m in team] == ["hello again", "in thread"]
    assert team[0]["reply_count"] == 1
    assert team[1]["thread_ts"] == first["ts"]
    assert team[0]["edited"]["user"] == "U0BOT"
    assert len(standin.messages()) == 3

    client.chat_delete(channel="C0TEAM", ts=reply["ts"])
    assert [m["text"] for m in standin.messages("C0TEAM")] == ["hello again"]
    assert error_of(lambda: client.chat_delete(channel="C0TEAM", ts=reply["ts"])) == (
        "message_not_found"
    )

    link = client.chat_getPermalink(channel="C0TEAM", message_ts=first["ts"])
    assert link["permalink"].endswith(first["ts"].replace(".", ""))


def test_timestamps_are_unique_under_concurrency(standin: SlackStandIn, client: WebClient) -> None:
    def post(i: int) -> None:
        client.chat_postMessage(channel="C0LOAD", text=f"m{i}")

    threads = [threading.Thread(target=post, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stamps = [m["ts"] for m in standin.messages("C0LOAD")]
    assert len(stamps) == len(set(stamps)) == 20
    assert stamps == sorted(stamps)


def test_recorded_call_shape(standin: SlackStandIn, client: WebClient) -> None:
    client.chat_postMessage(channel="C0TEAM", text="x", blocks=[section("x", "nudge.skip_level")])
    call = standin.calls_to("chat.postMessage")[0]
    assert call.status == 200
    assert call.ok
    assert call.error is None
    assert call.params["channel"] == "C0TEAM"
    assert call.params["blocks"][0]["block_id"] == "nudge.skip_level"  # decoded from JSON
    assert call.headers["authorization"] == f"Bearer {standin.bot_token}"
    assert call.response["ts"] == standin.messages("C0TEAM")[0]["ts"]
    assert call.at > 0

    standin.clear()
    assert standin.calls == []
    assert len(standin.messages("C0TEAM")) == 1  # clear() keeps the workspace state


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"channel": "", "text": "x"}, "channel_not_found"),
        ({"channel": "not-an-id", "text": "x"}, "channel_not_found"),
        pytest.param(
            {"channel": "C0TEAM"},
            "no_text",
            marks=pytest.mark.filterwarnings("ignore:The top-level `text`"),
        ),
        ({"channel": "C0TEAM", "blocks": "not json", "text": "x"}, "invalid_blocks"),
        ({"channel": "C0TEAM", "blocks": '{"type": "section"}', "text": "x"}, "invalid_blocks"),
        ({"channel": "C0TEAM", "blocks": ["section"], "text": "x"}, "invalid_blocks"),
        (
            {"channel": "C0TEAM", "blocks": [section(str(i)) for i in range(51)], "text": "x"},
            "invalid_blocks",
        ),
        (
            {"channel": "C0TEAM", "blocks": [section("a", "b1"), section("b", "b1")], "text": "x"},
            "invalid_blocks",
        ),
        ({"channel": "C0TEAM", "blocks": [section("x" * 3001)], "text": "x"}, "invalid_blocks"),
        ({"channel": "C0TEAM", "text": "x" * 40_001}, "msg_too_long"),
        ({"channel": "C0ARCHIVED", "text": "x"}, "is_archived"),
        ({"channel": "C0OUTSIDE", "text": "x"}, "not_in_channel"),
        ({"channel": "C0GONE", "text": "x"}, "channel_not_found"),
    ],
)
def test_post_message_validation(
    standin: SlackStandIn, client: WebClient, kwargs: dict, error: str
) -> None:
    standin.add_channel("C0ARCHIVED", "old-team", archived=True)
    standin.add_channel("C0OUTSIDE", "private-ish", member=False)
    standin.add_channel("C0GONE", "gone")
    standin.remove_channel("C0GONE")
    assert error_of(lambda: client.chat_postMessage(**kwargs)) == error
    assert standin.messages() == []
    assert standin.calls_to("chat.postMessage")[0].error == error


def test_fifty_blocks_are_fine_and_invalid_blocks_explains(
    standin: SlackStandIn, client: WebClient
) -> None:
    client.chat_postMessage(channel="C0TEAM", text="x", blocks=[section(str(i)) for i in range(50)])
    with pytest.raises(SlackApiError) as info:
        client.chat_postMessage(channel="C0TEAM", text="x", blocks=[section("x" * 3001)])
    assert "/blocks/0/text/text" in info.value.response["response_metadata"]["messages"][0]


@pytest.mark.filterwarnings("ignore:The top-level `text`")
def test_update_errors_and_channel_failures(standin: SlackStandIn, client: WebClient) -> None:
    posted = client.chat_postMessage(channel="C0TEAM", text="x")
    assert error_of(lambda: client.chat_update(channel="C0TEAM", ts="1.000001", text="y")) == (
        "message_not_found"
    )
    assert error_of(lambda: client.chat_update(channel="C0TEAM", ts=posted["ts"])) == "no_text"
    standin.fail_channel("C0TEAM", "channel_not_found")
    assert error_of(lambda: client.chat_postMessage(channel="C0TEAM", text="x")) == (
        "channel_not_found"
    )
    standin.fail_channel("C0TEAM", None)
    client.chat_update(channel="C0TEAM", ts=posted["ts"], text="y")
    assert standin.messages("C0TEAM")[0]["text"] == "y"


def test_ephemeral(standin: SlackStandIn, client: WebClient) -> None:
    answer = client.chat_postEphemeral(
        channel="C0TEAM", user="U1", text="just you", blocks=[section("just you")]
    )
    assert answer["message_ts"]
    client.chat_postEphemeral(channel="C0TEAM", user="U2", text="and you")
    mine = standin.ephemerals(channel="C0TEAM", user="U1")
    assert len(mine) == 1
    assert mine[0]["text"] == "just you"
    assert mine[0]["blocks"] == [section("just you")]
    assert mine[0]["source"] == "chat.postEphemeral"
    assert len(standin.ephemerals()) == 2
    assert standin.messages() == []  # ephemerals are not channel messages


# ---------------------------------------------------------- conversations/users


def test_conversations_open_gives_a_stable_dm(standin: SlackStandIn, client: WebClient) -> None:
    first = client.conversations_open(users="U1")
    again = client.conversations_open(users=["U1"])
    other = client.conversations_open(users="U2")
    dm = first["channel"]["id"]
    assert dm.startswith("D")
    assert again["channel"]["id"] == dm
    assert again["already_open"] is True
    assert other["channel"]["id"] != dm
    assert standin.dm_channel_id("U1") == dm

    posted = client.chat_postMessage(channel="U1", text="psst")  # a user id posts to the DM
    assert posted["channel"] == dm
    info = client.conversations_info(channel=dm)["channel"]
    assert info["is_im"] is True
    assert info["user"] == "U1"
    assert error_of(lambda: client.api_call("conversations.open")) == "users_list_not_supplied"


def test_conversations_info_and_join(standin: SlackStandIn, client: WebClient) -> None:
    standin.add_channel("C0PLATFORM", "platform", member=False)
    info = client.conversations_info(channel="C0PLATFORM")["channel"]
    assert (info["name"], info["is_member"], info["is_archived"]) == ("platform", False, False)
    joined = client.conversations_join(channel="C0PLATFORM")
    assert joined["channel"]["is_member"] is True
    client.chat_postMessage(channel="C0PLATFORM", text="now I can")
    assert client.conversations_info(channel="C0UNKNOWN")["channel"]["name"] == "c0unknown"


def test_users_info_timezone_and_profile(standin: SlackStandIn, client: WebClient) -> None:
    standin.add_user(
        "U1", "anna", real_name="Anna Lind", display_name="anna", tz="Europe/Berlin", is_admin=True
    )
    user = client.users_info(user="U1")["user"]
    assert user["tz"] == "Europe/Berlin"
    assert user["tz_offset"] in (3600, 7200)
    assert user["tz_label"] in ("CET", "CEST")
    assert user["real_name"] == "Anna Lind"
    assert user["profile"]["display_name"] == "anna"
    assert user["is_admin"] is True

    default = client.users_info(user="U9")["user"]
    assert (default["tz"], default["tz_offset"], default["is_admin"]) == ("UTC", 0, False)
    assert error_of(lambda: client.users_info(user="nobody")) == "user_not_found"


def test_missing_scope_is_reported(standin: SlackStandIn) -> None:
    with SlackStandIn(scopes=("chat:write", "commands")) as narrow:
        client = WebClient(token=narrow.bot_token, base_url=narrow.api_url)
        with pytest.raises(SlackApiError) as info:
            client.users_info(user="U1")
        assert info.value.response["error"] == "missing_scope"
        assert info.value.response["needed"] == "users:read"
        client.chat_postMessage(channel="C0TEAM", text="allowed")


# ------------------------------------------------------------------------ views


def test_views_open_update_push_publish(standin: SlackStandIn, client: WebClient) -> None:
    trigger = standin.new_trigger_id("U1")
    opened = client.views_open(
        trigger_id=trigger, view=modal("Assess", section("Q1", "scripted.ops_80pct"))
    )["view"]
    assert opened["id"].startswith("V")
    assert opened["state"] == {"values": {}}
    assert opened["blocks"][0]["block_id"] == "scripted.ops_80pct"
    assert opened["root_view_id"] == opened["id"]

    updated = client.views_update(
        view_id=opened["id"], hash=opened["hash"], view=modal("Assess", section("Q2"))
    )["view"]
    assert updated["id"] == opened["id"]
    assert updated["hash"] != opened["hash"]
    assert error_of(
        lambda: client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal("X"))
    ) == ("hash_conflict")

    pushed = client.views_push(trigger_id=standin.new_trigger_id("U1"), view=modal("More"))
    assert pushed["view"]["root_view_id"] == opened["id"]
    assert pushed["view"]["previous_view_id"] == opened["id"]

    home = client.views_publish(user_id="U1", view={"type": "home", "blocks": [section("hi")]})
    assert home["view"]["type"] == "home"

    mine = standin.views(user="U1")
    assert [v["type"] for v in mine] == ["modal", "modal", "home"]
    assert mine[0]["blocks"] == [section("Q2")]
    assert standin.views(user="U2") == []


def test_view_trigger_rules(standin: SlackStandIn, client: WebClient) -> None:
    expired = standin.new_trigger_id("U1")
    standin.expire_trigger(expired)
    assert error_of(lambda: client.views_open(trigger_id=expired, view=modal("X"))) == (
        "expired_trigger_id"
    )
    used = "12345.98765.abcd"  # any non-empty trigger id is accepted once
    client.views_open(trigger_id=used, view=modal("X"))
    assert error_of(lambda: client.views_open(trigger_id=used, view=modal("X"))) == (
        "trigger_exchanged"
    )
    assert error_of(lambda: client.views_open(trigger_id="", view=modal("X"))) == (
        "invalid_arguments"
    )
    too_long = modal("A title longer than twenty-four characters")
    with pytest.raises(SlackApiError) as info:
        client.views_open(trigger_id=standin.new_trigger_id(), view=too_long)
    assert info.value.response["error"] == "invalid_arguments"
    assert "/view/title/text" in info.value.response["response_metadata"]["messages"][0]


# ------------------------------------------------------------------------ files


def test_files_upload_v2(standin: SlackStandIn, client: WebClient) -> None:
    answer = client.files_upload_v2(
        channel="C0TEAM",
        content=b"\x89PNG fake chart",
        filename="chart.png",
        title="Weekly progress",
        initial_comment="This week",
    )
    assert answer["file"]["title"] == "Weekly progress"
    [stored] = standin.files()
    assert stored["content"] == b"\x89PNG fake chart"
    assert (stored["name"], stored["title"], stored["channels"]) == (
        "chart.png",
        "Weekly progress",
        ["C0TEAM"],
    )
    assert stored["mimetype"] == "image/png"
    assert [c.method for c in standin.calls] == [
        "files.getUploadURLExternal",
        FILE_UPLOAD,
        "files.completeUploadExternal",
    ]
    complete = standin.calls_to("files.completeUploadExternal")[0]
    assert complete.params["channel_id"] == "C0TEAM"
    assert complete.params["files"][0]["title"] == "Weekly progress"
    [share] = standin.messages("C0TEAM")
    assert share["text"] == "This week"
    assert share["files"][0]["id"] == stored["id"]

    with urllib.request.urlopen(stored["url_private"]) as resp:
        assert resp.read() == b"\x89PNG fake chart"


# ------------------------------------------------------------------------- auth


def test_invalid_and_missing_token(standin: SlackStandIn) -> None:
    wrong = WebClient(token="xoxb-wrong", base_url=standin.api_url)
    with pytest.raises(SlackApiError) as info:
        wrong.chat_postMessage(channel="C0TEAM", text="x")
    assert info.value.response.status_code == 200
    assert info.value.response["error"] == "invalid_auth"
    assert error_of(lambda: WebClient(base_url=standin.api_url).auth_test()) == "not_authed"
    standin.revoke_token(standin.bot_token)
    client = WebClient(token=standin.bot_token, base_url=standin.api_url)
    assert error_of(client.auth_test) == "token_revoked"
    assert standin.messages() == []


def test_token_in_form_or_query_and_get(standin: SlackStandIn) -> None:
    form = urlencode({"token": standin.bot_token, "channel": "C0TEAM", "text": "form"}).encode()
    with urllib.request.urlopen(standin.api_url + "chat.postMessage", data=form) as resp:
        assert json.load(resp)["ok"] is True
        assert resp.headers["Content-Type"] == "application/json; charset=utf-8"
    query = urlencode({"token": standin.bot_token, "user": "U1"})
    with urllib.request.urlopen(f"{standin.api_url}users.info?{query}") as resp:
        assert json.load(resp)["user"]["id"] == "U1"
    assert standin.messages("C0TEAM")[0]["text"] == "form"


def test_unknown_method(client: WebClient) -> None:
    assert error_of(lambda: client.api_call("maturity.levels")) == "unknown_method"


# ---------------------------------------------------------------------- faults


def test_rate_limit_is_retried_once(standin: SlackStandIn) -> None:
    standin.inject("chat.postMessage", status=429, retry_after=1)
    client = WebClient(
        token=standin.bot_token,
        base_url=standin.api_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )
    client.chat_postMessage(channel="C0TEAM", text="digest")
    calls = standin.calls_to("chat.postMessage")
    assert [c.status for c in calls] == [429, 200]
    assert calls[0].error == "ratelimited"
    assert len(standin.messages("C0TEAM")) == 1


def test_rate_limit_without_handler_surfaces_retry_after(
    standin: SlackStandIn, client: WebClient
) -> None:
    standin.inject("chat.postMessage")  # default fault: 429, Retry-After: 1
    with pytest.raises(SlackApiError) as info:
        client.chat_postMessage(channel="C0TEAM", text="x")
    assert info.value.response.status_code == 429
    assert info.value.response.headers["Retry-After"] == "1"
    assert info.value.response["error"] == "ratelimited"
    client.chat_postMessage(channel="C0TEAM", text="x")  # consumed: the next call passes


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_are_retried(standin: SlackStandIn, status: int) -> None:
    standin.inject("chat.postMessage", status=status)
    client = WebClient(
        token=standin.bot_token,
        base_url=standin.api_url,
        retry_handlers=[ServerErrorRetryHandler(max_retry_count=1, interval_calculator=FAST)],
    )
    client.chat_postMessage(channel="C0TEAM", text="x")
    assert [c.status for c in standin.calls_to("chat.postMessage")] == [status, 200]
    assert len(standin.messages()) == 1


def test_dropped_connection_is_retried(standin: SlackStandIn) -> None:
    standin.inject("chat.postMessage", disconnect=True)
    client = WebClient(
        token=standin.bot_token,
        base_url=standin.api_url,
        retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=1, interval_calculator=FAST)],
    )
    client.chat_postMessage(channel="C0TEAM", text="x")
    assert [c.status for c in standin.calls_to("chat.postMessage")] == [0, 200]
    assert len(standin.messages()) == 1


def test_injected_error_surfaces_then_clears(standin: SlackStandIn, client: WebClient) -> None:
    standin.inject("chat.postMessage", error="channel_not_found", times=2)
    for _ in range(2):
        assert error_of(lambda: client.chat_postMessage(channel="C0TEAM", text="x")) == (
            "channel_not_found"
        )
    client.chat_postMessage(channel="C0TEAM", text="x")
    assert [c.error for c in standin.calls_to("chat.postMessage")] == [
        "channel_not_found",
        "channel_not_found",
        None,
    ]


def test_faults_are_consumed_in_order_and_per_method(
    standin: SlackStandIn, client: WebClient
) -> None:
    standin.inject("chat.postMessage", error="invalid_auth")
    standin.inject("*", status=503)
    assert error_of(lambda: client.chat_postMessage(channel="C0TEAM", text="x")) == ("invalid_auth")
    with pytest.raises(SlackApiError) as info:
        client.users_info(user="U1")  # the wildcard fault
    assert info.value.response.status_code == 503
    client.users_info(user="U1")
    assert [(c.method, c.status) for c in standin.calls] == [
        ("chat.postMessage", 200),
        ("users.info", 503),
        ("users.info", 200),
    ]


def test_slow_answer_still_answers(standin: SlackStandIn, client: WebClient) -> None:
    fault = standin.inject("chat.postMessage", delay=0.2)
    client.chat_postMessage(channel="C0TEAM", text="eventually")
    assert fault.hits == 1
    assert standin.calls_to("chat.postMessage")[0].ok
    assert len(standin.messages()) == 1


def test_rate_limit_per_channel(standin: SlackStandIn, client: WebClient) -> None:
    standin.rate_limit_per_channel(per_second=1.0)
    client.chat_postMessage(channel="C0ONE", text="first")
    with pytest.raises(SlackApiError) as info:
        client.chat_postMessage(channel="C0ONE", text="too soon")
    assert info.value.response.status_code == 429
    assert int(info.value.response.headers["Retry-After"]) >= 1
    client.chat_postMessage(channel="C0TWO", text="another channel has its own budget")
    assert [m["text"] for m in standin.messages()] == [
        "first",
        "another channel has its own budget",
    ]
    standin.rate_limit_per_channel(None)
    client.chat_postMessage(channel="C0ONE", text="limit off")


# ---------------------------------------------------------------- response_url


def test_response_url_posts_are_recorded_and_applied(
    standin: SlackStandIn, client: WebClient
) -> None:
    url = standin.response_url("cmd", channel="C0TEAM", user="U1")
    webhook = WebhookClient(url)
    answer = webhook.send(text="only for you")
    assert (answer.status_code, answer.body) == (200, "ok")
    webhook.send(text="for everyone", response_type="in_channel")

    [post, shared] = standin.response_url_posts("cmd")
    assert post.body["text"] == "only for you"
    assert shared.body["response_type"] == "in_channel"
    assert post.status == 200
    assert standin.ephemerals(user="U1")[0]["source"] == "response_url"
    assert standin.messages("C0TEAM")[0]["text"] == "for everyone"
    assert standin.wait_for(RESPONSE_URL, count=2).path == "/response/cmd"

    posted = client.chat_postMessage(channel="C0TEAM", text="question", blocks=[section("Q")])
    click = WebhookClient(standin.response_url(channel="C0TEAM", message_ts=posted["ts"]))
    click.send(text="answered", replace_original=True)
    assert standin.message("C0TEAM", posted["ts"])["text"] == "answered"
    click.send_dict({"delete_original": True})
    assert standin.message("C0TEAM", posted["ts"]) is None


def test_response_url_limits(standin: SlackStandIn) -> None:
    webhook = WebhookClient(standin.response_url("once", channel="C0TEAM", user="U1"))
    assert webhook.send_dict({}).status_code == 400  # no text
    for _ in range(5):
        assert webhook.send(text="ok").status_code == 200
    spent = webhook.send(text="sixth")
    assert (spent.status_code, spent.body) == (404, "used_url")
    assert standin.response_url_posts("once")[-1].error == "used_url"


# --------------------------------------------------------------------- wait_for


def test_wait_for_sees_calls_made_on_other_threads(
    standin: SlackStandIn, client: WebClient
) -> None:
    def later() -> None:
        time.sleep(0.05)
        client.chat_postMessage(channel="C0TEAM", text="from a thread")

    threading.Thread(target=later).start()
    call = standin.wait_for("chat.postMessage", timeout=5)
    assert call.params["text"] == "from a thread"
    found = standin.wait_for(lambda c: c.params.get("channel") == "C0TEAM", timeout=1)
    assert found is call


def test_wait_for_times_out_with_a_clear_message(standin: SlackStandIn, client: WebClient) -> None:
    client.auth_test()
    with pytest.raises(AssertionError) as info:
        standin.wait_for("chat.postMessage", timeout=0.1)
    message = str(info.value)
    assert "'chat.postMessage'" in message
    assert "0.1s" in message
    assert "auth.test(200)" in message


def test_subscribe_sees_every_call(standin: SlackStandIn, client: WebClient) -> None:
    seen: list[str] = []
    unsubscribe = standin.subscribe(lambda call: seen.append(call.method))
    client.auth_test()
    unsubscribe()
    client.auth_test()
    assert seen == ["auth.test"]


# ------------------------------------------------------------------------- bolt


def test_bolt_app_runs_against_the_standin(standin: SlackStandIn) -> None:
    secret = "standin-signing-secret"
    app = App(
        client=WebClient(token=standin.bot_token, base_url=standin.api_url),
        signing_secret=secret,
    )

    @app.command("/maturity")
    def maturity(ack, say, respond, command) -> None:
        ack()
        say(text=f"<@{command['user_id']}> asked for {command['text']}")
        respond(text="Usage: /maturity assess")

    body = urlencode(
        {
            "token": "verification-token",
            "team_id": standin.team_id,
            "channel_id": "C0TEAM",
            "channel_name": "team",
            "user_id": "U1",
            "command": "/maturity",
            "text": "help",
            "response_url": standin.response_url("slash", channel="C0TEAM", user="U1"),
            "trigger_id": standin.new_trigger_id("U1"),
        }
    )
    timestamp = str(int(time.time()))
    signature = SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body)
    response = app.dispatch(
        BoltRequest(
            body=body,
            headers={
                "content-type": ["application/x-www-form-urlencoded"],
                "x-slack-request-timestamp": [timestamp],
                "x-slack-signature": [signature],
            },
        )
    )
    assert response.status == 200
    standin.wait_for("chat.postMessage")
    standin.wait_for(RESPONSE_URL)
    assert standin.messages("C0TEAM")[0]["text"] == "<@U1> asked for help"
    assert standin.ephemerals(user="U1")[0]["text"] == "Usage: /maturity assess"
    assert standin.calls[0].method == "auth.test"  # Bolt checks the token at start-up
