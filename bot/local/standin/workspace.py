"""The workspace behind the stand-in: Slack Web API semantics over in-memory state.

No HTTP here. ``Workspace.call(method, params, token=...)`` answers like Slack would (a dict
with ``ok``), and keeps the messages, ephemerals, views and files the app produced so tests
can assert on the current state rather than on raw requests. Thread-safe: one lock guards
all state.
"""

from __future__ import annotations

import copy
import secrets
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.local.standin import validation
from bot.local.standin.common import (
    CHANNEL_ID,
    USER_ID,
    Answer,
    Params,
    SlackError,
    id_list,
    truthy,
)
from bot.local.standin.files import FilesMixin
from bot.local.standin.views import ViewsMixin

# Methods called with the app's client id and secret instead of a token.
NO_TOKEN_METHODS = frozenset({"oauth.v2.access"})

# Scope each method needs (None: any token will do). conversations.info depends on the
# channel type and is checked in its handler.
METHOD_SCOPES: dict[str, str | None] = {
    "auth.test": None,
    "oauth.v2.access": None,
    "chat.postMessage": "chat:write",
    "chat.update": "chat:write",
    "chat.postEphemeral": "chat:write",
    "chat.delete": "chat:write",
    "chat.getPermalink": None,
    "conversations.open": "im:write",
    "conversations.info": None,
    "conversations.history": None,
    "conversations.join": "channels:join",
    "users.info": "users:read",
    "team.info": "team:read",
    "views.open": None,
    "views.update": None,
    "views.push": None,
    "views.publish": None,
    "files.getUploadURLExternal": "files:write",
    "files.completeUploadExternal": "files:write",
}

DEFAULT_SCOPES: tuple[str, ...] = (
    "chat:write",
    "commands",
    "im:write",
    "users:read",
    "team:read",
    "channels:read",
    "groups:read",
    "im:read",
    "im:history",
    "mpim:read",
    "channels:join",
    "files:write",
)


def tz_facts(tz: str) -> tuple[int, str]:
    """(offset in seconds, label) of ``tz`` right now, as users.info reports them."""
    try:
        now = datetime.now(ZoneInfo(tz))
    except (ZoneInfoNotFoundError, ValueError):
        return 0, tz
    offset = now.utcoffset()
    return (int(offset.total_seconds()) if offset else 0), (now.tzname() or tz)


class Workspace(ViewsMixin, FilesMixin):
    """One Slack workspace with one installed bot; ``call`` answers Web API methods."""

    def __init__(
        self,
        *,
        base_url: Callable[[], str],
        bot_token: str,
        team_id: str,
        team_name: str,
        team_domain: str,
        bot_user_id: str,
        bot_id: str,
        bot_name: str,
        app_id: str,
        scopes: tuple[str, ...],
        default_tz: str,
    ) -> None:
        self._base_url = base_url
        self.team_id = team_id
        self.team_name = team_name
        self.team_domain = team_domain
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.bot_name = bot_name
        self.app_id = app_id
        self.scopes = tuple(scopes)
        self.default_tz = default_tz
        self.lock = threading.RLock()
        self._tokens: dict[str, str | None] = {bot_token: None}  # token -> forced error
        self._installs = 0
        self._refreshes = 0
        self._refresh_tokens: dict[str, str] = {}
        self._users: dict[str, dict[str, Any]] = {}
        self._channels: dict[str, dict[str, Any]] = {}
        self._channel_errors: dict[str, str] = {}
        self._dm_by_user: dict[str, str] = {}
        self._user_by_dm: dict[str, str] = {}
        self._mpims: dict[frozenset[str], str] = {}
        self._opened: set[str] = set()
        self._triggers: dict[str, str | None] = {}  # trigger_id -> user_id
        self._expired_triggers: set[str] = set()
        self._exchanged_triggers: set[str] = set()
        self._response_urls: dict[str, dict[str, Any]] = {}
        self._last_ts_us = 0
        self._next_id = 0
        self.reset_state()

    # ------------------------------------------------------------------ state

    def reset_state(self) -> None:
        """Forget messages, ephemerals, views, files and trigger use; keep configuration."""
        with self.lock:
            self._messages: dict[tuple[str, str], dict[str, Any]] = {}
            self._ephemerals: list[dict[str, Any]] = []
            self._views: dict[str, dict[str, Any]] = {}  # view_id -> {"view", "user"}
            self._home_by_user: dict[str, str] = {}
            self._modal_stacks: dict[str, list[str]] = {}
            self._files: dict[str, dict[str, Any]] = {}
            self._exchanged_triggers.clear()

    def new_id(self, prefix: str) -> str:
        with self.lock:
            self._next_id += 1
            return f"{prefix}0S{self._next_id:07d}"

    def next_ts(self) -> str:
        """A message ts: epoch seconds with 6 decimals, strictly increasing, never repeated."""
        with self.lock:
            now_us = time.time_ns() // 1000
            self._last_ts_us = max(now_us, self._last_ts_us + 1)
            seconds, micros = divmod(self._last_ts_us, 1_000_000)
            return f"{seconds}.{micros:06d}"

    # ---------------------------------------------------------- configuration

    def add_token(self, token: str) -> None:
        with self.lock:
            self._tokens[token] = None

    def revoke_token(self, token: str) -> None:
        with self.lock:
            self._tokens[token] = "token_revoked"

    def add_user(self, user_id: str, **spec: Any) -> None:
        with self.lock:
            self._users[user_id] = spec

    def add_channel(
        self,
        channel_id: str,
        *,
        name: str | None,
        archived: bool,
        member: bool,
        private: bool,
    ) -> None:
        with self.lock:
            self._channels[channel_id] = {
                "name": name or channel_id.lower(),
                "archived": archived,
                "member": member,
                "private": private or channel_id.startswith("G"),
                "created": int(time.time()),
            }
            self._channel_errors.pop(channel_id, None)

    def channel_name(self, channel_id: str) -> str | None:
        with self.lock:
            meta = self._channels.get(channel_id)
            return str(meta["name"]) if meta and meta.get("name") else None

    def remove_channel(self, channel_id: str) -> None:
        with self.lock:
            self._channels.pop(channel_id, None)
            self._channel_errors[channel_id] = "channel_not_found"

    def fail_channel(self, channel_id: str, error: str | None) -> None:
        with self.lock:
            if error is None:
                self._channel_errors.pop(channel_id, None)
            else:
                self._channel_errors[channel_id] = error

    def dm_channel_id(self, user_id: str) -> str:
        """The stable DM channel id between the bot and ``user_id`` ("D" + the user's id)."""
        with self.lock:
            if user_id not in self._dm_by_user:
                candidate = f"D{user_id[1:]}"
                n = 1
                while candidate in self._user_by_dm:
                    n += 1
                    candidate = f"D{user_id[1:]}{n}"
                self._dm_by_user[user_id] = candidate
                self._user_by_dm[candidate] = user_id
            return self._dm_by_user[user_id]

    def new_trigger_id(self, user_id: str | None) -> str:
        trigger_id = f"{int(time.time())}.{secrets.randbelow(10**9)}.{secrets.token_hex(16)}"
        with self.lock:
            self._triggers[trigger_id] = user_id
        return trigger_id

    def expire_trigger(self, trigger_id: str) -> None:
        with self.lock:
            self._expired_triggers.add(trigger_id)

    def register_response_url(self, name: str, binding: dict[str, Any]) -> None:
        with self.lock:
            self._response_urls[name] = {**binding, "uses": 0}

    # --------------------------------------------------------------- readers

    def messages(self, channel: str | None) -> list[dict[str, Any]]:
        with self.lock:
            return [
                {**copy.deepcopy(msg), "channel": ch}
                for (ch, _ts), msg in self._messages.items()
                if channel is None or ch == channel
            ]

    def newest(
        self, channel: str, matches: Callable[[dict[str, Any]], bool]
    ) -> dict[str, Any] | None:
        """The newest message in ``channel`` that ``matches`` (a copy), without copying the
        rest: a driver looking for the button to click reads one message, not the DM."""
        with self.lock:
            for (ch, _ts), msg in reversed(self._messages.items()):
                if ch == channel and matches(msg):
                    return {**copy.deepcopy(msg), "channel": ch}
        return None

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        with self.lock:
            msg = self._messages.get((channel, ts))
            return None if msg is None else {**copy.deepcopy(msg), "channel": channel}

    def ephemerals(self, channel: str | None, user: str | None) -> list[dict[str, Any]]:
        with self.lock:
            return [
                copy.deepcopy(e)
                for e in self._ephemerals
                if (channel is None or e["channel"] == channel)
                and (user is None or e["user"] == user)
            ]

    def views(self, user: str | None) -> list[dict[str, Any]]:
        with self.lock:
            return [
                copy.deepcopy(rec["view"])
                for rec in self._views.values()
                if user is None or rec["user"] == user
            ]

    def view_user(self, view_id: str) -> str | None:
        with self.lock:
            rec = self._views.get(view_id)
            return None if rec is None else rec["user"]

    def files(self) -> list[dict[str, Any]]:
        with self.lock:
            return [
                {**copy.deepcopy(f["object"]), "content": f["content"]}
                for f in self._files.values()
                if f["object"] is not None
            ]

    def file_content(self, file_id: str) -> tuple[str, bytes] | None:
        with self.lock:
            f = self._files.get(file_id)
            if f is None or f["content"] is None:
                return None
            return f["filename"], f["content"]

    # ------------------------------------------------------------- dispatch

    def knows(self, method: str) -> bool:
        return method in METHOD_SCOPES

    def call(self, method: str, params: Params, *, token: str | None) -> Answer:
        """Answer one Web API call like Slack (HTTP 200 body)."""
        if not self.knows(method):
            return {"ok": False, "error": "unknown_method", "req_method": method}
        try:
            with self.lock:
                if method not in NO_TOKEN_METHODS:
                    self._authenticate(token)
                needed = METHOD_SCOPES[method]
                if needed is not None:
                    self._require_scope(needed)
                handler = getattr(self, "_m_" + method.replace(".", "_"))
                answer: Answer = handler(params)
                return answer
        except SlackError as err:
            return err.answer()

    def _authenticate(self, token: str | None) -> None:
        if not token:
            raise SlackError("not_authed")
        if token not in self._tokens:
            raise SlackError("invalid_auth")
        forced = self._tokens[token]
        if forced:
            raise SlackError(forced)

    def _require_scope(self, needed: str) -> None:
        if needed not in self.scopes:
            raise SlackError("missing_scope", needed=needed, provided=",".join(self.scopes))

    # ---------------------------------------------------------------- helpers

    def _resolve_channel(self, value: Any) -> str:
        """Channel id for a ``channel`` argument (an id, a #name, or a user id for the DM)."""
        if not value or not isinstance(value, str):
            raise SlackError("channel_not_found")
        channel = value.strip()
        if channel.startswith("#"):
            for cid, meta in self._channels.items():
                if meta["name"] == channel[1:]:
                    channel = cid
                    break
            else:
                raise SlackError("channel_not_found")
        elif USER_ID.match(channel):
            channel = self.dm_channel_id(channel)
        if channel in self._channel_errors:
            raise SlackError(self._channel_errors[channel])
        if not CHANNEL_ID.match(channel):
            raise SlackError("channel_not_found")
        return channel

    def _check_postable(self, channel: str) -> None:
        meta = self._channels.get(channel)
        if meta is None:
            return
        if meta["archived"]:
            raise SlackError("is_archived")
        if not meta["member"]:
            raise SlackError("not_in_channel")

    def _blocks_arg(self, params: Params) -> list[Any] | None:
        blocks = params.get("blocks")
        if blocks in (None, ""):
            return None
        errors = validation.blocks_errors(blocks, limit=validation.MAX_MESSAGE_BLOCKS)
        if errors:
            raise SlackError(
                "invalid_blocks", errors=errors, response_metadata={"messages": errors}
            )
        return copy.deepcopy(blocks)

    def _attachments_arg(self, params: Params) -> list[Any] | None:
        attachments = params.get("attachments")
        if attachments in (None, ""):
            return None
        if not isinstance(attachments, list) or not all(isinstance(a, dict) for a in attachments):
            raise SlackError("invalid_attachments")
        if len(attachments) > validation.MAX_ATTACHMENTS:
            raise SlackError("too_many_attachments")
        return copy.deepcopy(attachments)

    def _text_arg(self, params: Params) -> str | None:
        text = params.get("text")
        if text is None:
            return None
        text = str(text)
        if len(text) > validation.MAX_MESSAGE_TEXT:
            raise SlackError("msg_too_long")
        return text

    def _bot_message(self, ts: str) -> dict[str, Any]:
        return {
            "type": "message",
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "app_id": self.app_id,
            "team": self.team_id,
            "text": "",
            "ts": ts,
            "bot_profile": {
                "id": self.bot_id,
                "app_id": self.app_id,
                "name": self.bot_name,
                "team_id": self.team_id,
                "deleted": False,
            },
        }

    def _store_message(self, channel: str, msg: dict[str, Any], thread_ts: str | None) -> None:
        if thread_ts:
            msg["thread_ts"] = thread_ts
            parent = self._messages.get((channel, thread_ts))
            if parent is not None and parent is not msg:
                msg["parent_user_id"] = parent.get("user", "")
                parent["thread_ts"] = thread_ts
                parent["reply_count"] = parent.get("reply_count", 0) + 1
                users = parent.setdefault("reply_users", [])
                if msg["user"] not in users:
                    users.append(msg["user"])
                parent["reply_users_count"] = len(users)
                parent["latest_reply"] = msg["ts"]
        self._messages[(channel, msg["ts"])] = msg

    def post_bot_message(
        self,
        channel: str,
        *,
        text: str | None,
        blocks: list[Any] | None,
        attachments: list[Any] | None = None,
        thread_ts: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        with self.lock:
            msg = self._bot_message(self.next_ts())
            msg["text"] = text or ""
            if blocks is not None:
                msg["blocks"] = blocks
            if attachments is not None:
                msg["attachments"] = attachments
            msg.update(extra or {})
            self._store_message(channel, msg, thread_ts)
            return msg

    def post_user_message(self, channel: str, user_id: str, text: str) -> dict[str, Any]:
        """A message a person wrote in ``channel`` (what a shortcut can then act on)."""
        with self.lock:
            msg = {"type": "message", "user": user_id, "text": text, "ts": self.next_ts()}
            self._store_message(channel, msg, None)
            return dict(msg)

    def _find_message(self, channel: str, ts: Any) -> dict[str, Any]:
        if not ts or not isinstance(ts, str):
            raise SlackError("message_not_found")
        msg = self._messages.get((channel, ts))
        if msg is None:
            raise SlackError("message_not_found")
        return msg

    def _user_object(self, user_id: str) -> dict[str, Any]:
        if user_id == self.bot_user_id:
            spec: dict[str, Any] = {"name": self.bot_name, "is_bot": True}
        else:
            spec = self._users.get(user_id, {})
        name = spec.get("name") or user_id.lower()
        real_name = spec.get("real_name") or name
        display_name = spec.get("display_name") or ""
        tz = spec.get("tz") or self.default_tz
        tz_offset, tz_label = tz_facts(tz)
        profile: dict[str, Any] = {
            "real_name": real_name,
            "real_name_normalized": real_name,
            "display_name": display_name,
            "display_name_normalized": display_name,
            "status_text": "",
            "status_emoji": "",
            "team": self.team_id,
        }
        if spec.get("email"):
            profile["email"] = spec["email"]
        if spec.get("is_bot"):
            profile["bot_id"] = self.bot_id if user_id == self.bot_user_id else ""
        return {
            "id": user_id,
            "team_id": self.team_id,
            "name": name,
            "deleted": bool(spec.get("deleted", False)),
            "color": "9f69e7",
            "real_name": real_name,
            "tz": tz,
            "tz_label": spec.get("tz_label") or tz_label,
            "tz_offset": tz_offset,
            "profile": profile,
            "is_admin": bool(spec.get("is_admin", False)),
            "is_owner": bool(spec.get("is_owner", False)),
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": bool(spec.get("is_bot", False)),
            "is_app_user": False,
            "updated": int(time.time()),
        }

    def _channel_object(self, channel: str) -> dict[str, Any]:
        if channel.startswith("D"):
            return {
                "id": channel,
                "created": int(time.time()),
                "is_im": True,
                "is_org_shared": False,
                "user": self._user_by_dm.get(channel, ""),
                "is_user_deleted": False,
                "priority": 0,
            }
        meta = self._channels.get(channel) or {
            "name": channel.lower(),
            "archived": False,
            "member": True,
            "private": channel.startswith("G"),
            "created": int(time.time()),
        }
        mpim = channel in self._mpims.values()
        return {
            "id": channel,
            "name": meta["name"],
            "name_normalized": meta["name"],
            "is_channel": not meta["private"],
            "is_group": meta["private"] and not mpim,
            "is_im": False,
            "is_mpim": mpim,
            "is_private": meta["private"],
            "is_archived": meta["archived"],
            "is_general": False,
            "is_shared": False,
            "is_org_shared": False,
            "is_member": meta["member"],
            "created": meta["created"],
            "creator": "",
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
        }

    # ---------------------------------------------------------------- methods

    def _m_auth_test(self, params: Params) -> Answer:
        return {
            "ok": True,
            "url": f"{self._base_url()}/",
            "team": self.team_name,
            "user": self.bot_name,
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def rotating_install(self, hours: float = 12.0) -> None:
        """Installs from now on hand out expiring bot tokens with a refresh token (Slack's
        token rotation); ``hours`` is the tokens' lifetime."""
        self._rotation_s = int(hours * 3600)

    def _m_oauth_v2_access(self, params: Params) -> Answer:
        """Exchange an install ``code`` for a bot token of this workspace (a fresh token
        each install, accepted from then on). ``code`` "invalid" answers invalid_code.
        ``grant_type=refresh_token`` swaps a refresh token we issued for a new bot token
        (and a new refresh token), as Slack's token rotation does."""
        if params.get("grant_type") == "refresh_token":
            return self._refresh(str(params.get("refresh_token") or ""))
        code = params.get("code")
        if not code or code == "invalid":
            raise SlackError("invalid_code")
        self._installs += 1
        token = f"xoxb-install-{self._installs}-{code}"[:80]
        self._tokens[token] = None
        return {
            "ok": True,
            "access_token": token,
            "token_type": "bot",
            "scope": ",".join(self.scopes),
            "bot_user_id": self.bot_user_id,
            "app_id": self.app_id,
            "team": {"name": self.team_name, "id": self.team_id},
            "enterprise": None,
            "is_enterprise_install": False,
            "authed_user": {"id": params.get("user_hint") or "U0INSTALLER"},
            **self._expiring(token),
        }

    def _expiring(self, token: str) -> dict[str, Any]:
        if not getattr(self, "_rotation_s", 0):
            return {}
        self._installs += 1
        refresh = f"xoxe-1-refresh-{self._installs}"
        self._refresh_tokens[refresh] = token
        return {"expires_in": self._rotation_s, "refresh_token": refresh}

    def _refresh(self, refresh_token: str) -> Answer:
        if refresh_token not in self._refresh_tokens:
            raise SlackError("invalid_refresh_token")
        self._refreshes += 1
        token = f"xoxb-refreshed-{self._refreshes}"
        self._tokens[token] = None
        return {
            "ok": True,
            "app_id": self.app_id,
            "access_token": token,
            "token_type": "bot",
            "scope": ",".join(self.scopes),
            "bot_user_id": self.bot_user_id,
            "team": {"name": self.team_name, "id": self.team_id},
            "enterprise": None,
            **self._expiring(token),
        }

    @property
    def refreshes(self) -> int:
        """How many refresh-token grants were answered."""
        return self._refreshes

    def _m_team_info(self, params: Params) -> Answer:
        return {
            "ok": True,
            "team": {
                "id": self.team_id,
                "name": self.team_name,
                "domain": self.team_domain,
                "email_domain": "",
                "url": f"{self._base_url()}/",
                "icon": {"image_default": True},
                "is_verified": False,
            },
        }

    def _m_users_info(self, params: Params) -> Answer:
        user = params.get("user")
        if not isinstance(user, str) or not USER_ID.match(user):
            raise SlackError("user_not_found")
        return {"ok": True, "user": self._user_object(user)}

    def _m_chat_postMessage(self, params: Params) -> Answer:
        channel = self._resolve_channel(params.get("channel"))
        self._check_postable(channel)
        text = self._text_arg(params)
        blocks = self._blocks_arg(params)
        attachments = self._attachments_arg(params)
        if not text and not blocks and not attachments:
            raise SlackError("no_text")
        extra: dict[str, Any] = {}
        if isinstance(params.get("metadata"), dict):
            extra["metadata"] = params["metadata"]
        msg = self.post_bot_message(
            channel,
            text=text,
            blocks=blocks,
            attachments=attachments,
            thread_ts=params.get("thread_ts") or None,
            extra=extra,
        )
        return {"ok": True, "channel": channel, "ts": msg["ts"], "message": copy.deepcopy(msg)}

    def _m_chat_update(self, params: Params) -> Answer:
        channel = self._resolve_channel(params.get("channel"))
        msg = self._find_message(channel, params.get("ts"))
        if msg.get("user") != self.bot_user_id:
            raise SlackError("cant_update_message")
        if not any(k in params for k in ("text", "blocks", "attachments")):
            raise SlackError("no_text")
        text = self._text_arg(params)
        blocks = self._blocks_arg(params)
        attachments = self._attachments_arg(params)
        if text is not None:
            msg["text"] = text
        if "blocks" in params:
            if blocks:
                msg["blocks"] = blocks
            else:
                msg.pop("blocks", None)
        if "attachments" in params:
            if attachments:
                msg["attachments"] = attachments
            else:
                msg.pop("attachments", None)
        msg["edited"] = {"user": self.bot_user_id, "ts": self.next_ts()}
        return {
            "ok": True,
            "channel": channel,
            "ts": msg["ts"],
            "text": msg.get("text", ""),
            "message": copy.deepcopy(msg),
        }

    def _m_chat_delete(self, params: Params) -> Answer:
        channel = self._resolve_channel(params.get("channel"))
        msg = self._find_message(channel, params.get("ts"))
        if msg.get("user") != self.bot_user_id:
            raise SlackError("cant_delete_message")
        del self._messages[(channel, msg["ts"])]
        return {"ok": True, "channel": channel, "ts": msg["ts"]}

    def _m_chat_postEphemeral(self, params: Params) -> Answer:
        channel = self._resolve_channel(params.get("channel"))
        user = params.get("user")
        if not isinstance(user, str) or not USER_ID.match(user):
            raise SlackError("user_not_in_channel")
        meta = self._channels.get(channel)
        if meta is not None and meta["archived"]:
            raise SlackError("is_archived")
        text = self._text_arg(params)
        blocks = self._blocks_arg(params)
        attachments = self._attachments_arg(params)
        if not text and not blocks and not attachments:
            raise SlackError("no_text")
        ts = self.next_ts()
        self._ephemerals.append(
            {
                "channel": channel,
                "user": user,
                "text": text or "",
                "blocks": blocks or [],
                "attachments": attachments or [],
                "thread_ts": params.get("thread_ts") or None,
                "message_ts": ts,
                "source": "chat.postEphemeral",
            }
        )
        return {"ok": True, "message_ts": ts}

    def _m_chat_getPermalink(self, params: Params) -> Answer:
        channel = self._resolve_channel(params.get("channel"))
        msg = self._find_message(channel, params.get("message_ts"))
        link = f"{self._base_url()}/archives/{channel}/p{msg['ts'].replace('.', '')}"
        if msg.get("thread_ts") and msg["thread_ts"] != msg["ts"]:
            link += f"?thread_ts={msg['thread_ts']}&cid={channel}"
        return {"ok": True, "channel": channel, "permalink": link}

    def _m_conversations_open(self, params: Params) -> Answer:
        if params.get("channel"):
            channel = self._resolve_channel(params["channel"])
            return {"ok": True, "channel": self._channel_object(channel)}
        users = [u for u in id_list(params.get("users")) if u != self.bot_user_id]
        if not users:
            raise SlackError("users_list_not_supplied")
        if len(users) > 8:
            raise SlackError("too_many_users")
        for user in users:
            if not USER_ID.match(user):
                raise SlackError("user_not_found")
        if len(users) == 1:
            channel = self.dm_channel_id(users[0])
        else:
            key = frozenset(users)
            if key not in self._mpims:
                self._mpims[key] = self.new_id("G")
                self.add_channel(
                    self._mpims[key],
                    name="mpdm-" + "--".join(sorted(u.lower() for u in users)) + "-1",
                    archived=False,
                    member=True,
                    private=True,
                )
            channel = self._mpims[key]
        if channel in self._channel_errors:
            raise SlackError(self._channel_errors[channel])
        full = truthy(params.get("return_im"))
        answer: Answer = {
            "ok": True,
            "channel": self._channel_object(channel) if full else {"id": channel},
        }
        if channel in self._opened:
            answer.update(no_op=True, already_open=True)
        self._opened.add(channel)
        return answer

    def _m_conversations_info(self, params: Params) -> Answer:
        value = params.get("channel")
        if isinstance(value, str) and USER_ID.match(value):
            raise SlackError("channel_not_found")
        channel = self._resolve_channel(value)
        needed = {"C": "channels:read", "G": "groups:read", "D": "im:read"}[channel[0]]
        if channel in self._mpims.values():
            needed = "mpim:read"
        self._require_scope(needed)
        return {"ok": True, "channel": self._channel_object(channel)}

    def _m_conversations_history(self, params: Params) -> Answer:
        """A channel's top-level messages, newest first, ``limit`` at a time (cursor paged)."""
        channel = self._resolve_channel(params.get("channel"))
        needed = {"C": "channels:history", "G": "groups:history", "D": "im:history"}[channel[0]]
        self._require_scope(needed)
        try:
            limit = max(1, min(int(params.get("limit") or 100), 999))
            start = int(str(params.get("cursor") or "0").removeprefix("next:"))
        except ValueError:
            raise SlackError("invalid_cursor") from None
        newest = sorted(
            (
                copy.deepcopy(msg)
                for (ch, _ts), msg in self._messages.items()
                if ch == channel and msg.get("thread_ts") in (None, msg["ts"])
            ),
            key=lambda m: float(m["ts"]),
            reverse=True,
        )
        page = newest[start : start + limit]
        more = start + limit < len(newest)
        return {
            "ok": True,
            "messages": [{"type": "message", **m} for m in page],
            "has_more": more,
            "pin_count": 0,
            "response_metadata": {"next_cursor": f"next:{start + limit}" if more else ""},
        }

    def _m_conversations_join(self, params: Params) -> Answer:
        channel = self._resolve_channel(params.get("channel"))
        meta = self._channels.get(channel)
        private = meta["private"] if meta else channel.startswith("G")
        if channel.startswith("D") or private:
            raise SlackError("method_not_supported_for_channel_type")
        if meta is None:
            self.add_channel(channel, name=None, archived=False, member=True, private=False)
            meta = self._channels[channel]
        if meta["archived"]:
            raise SlackError("is_archived")
        answer: Answer = {"ok": True}
        if meta["member"]:
            answer["warning"] = "already_in_channel"
            answer["response_metadata"] = {"warnings": ["already_in_channel"]}
        meta["member"] = True
        answer["channel"] = self._channel_object(channel)
        return answer

    # ----------------------------------------------------------- response_url

    def response_url_post(
        self, name: str, body: dict[str, Any], max_uses: int | None
    ) -> str | None:
        """Apply a response_url POST; returns an error code (HTTP 4xx) or None for "ok"."""
        with self.lock:
            binding = self._response_urls.setdefault(name, {"uses": 0})
            if max_uses is not None and binding["uses"] >= max_uses:
                return "used_url"
            delete = truthy(body.get("delete_original"))
            text = body.get("text")
            blocks = copy.deepcopy(body.get("blocks"))
            if blocks is not None and validation.blocks_errors(
                blocks, limit=validation.MAX_MESSAGE_BLOCKS
            ):
                return "invalid_blocks"
            if not delete and not text and not blocks and not body.get("attachments"):
                return "no_text"
            binding["uses"] += 1
            channel: str | None = binding.get("channel")
            original = None
            if channel and binding.get("message_ts"):
                original = self._messages.get((channel, binding["message_ts"]))
            if delete:
                if channel and original is not None:
                    del self._messages[(channel, original["ts"])]
                return None
            if truthy(body.get("replace_original")):
                if original is not None:
                    original["text"] = text or ""
                    if blocks is not None:
                        original["blocks"] = blocks
                    else:
                        original.pop("blocks", None)
                    original["edited"] = {"user": self.bot_user_id, "ts": self.next_ts()}
                return None
            if not channel:
                return None
            thread_ts = body.get("thread_ts") or binding.get("thread_ts")
            if body.get("response_type") == "in_channel":
                self.post_bot_message(channel, text=text, blocks=blocks, thread_ts=thread_ts)
            else:
                self._ephemerals.append(
                    {
                        "channel": channel,
                        "user": binding.get("user"),
                        "text": text or "",
                        "blocks": blocks or [],
                        "attachments": body.get("attachments") or [],
                        "thread_ts": thread_ts,
                        "message_ts": self.next_ts(),
                        "source": "response_url",
                    }
                )
            return None
