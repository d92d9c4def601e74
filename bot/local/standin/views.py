"""views.open / views.push / views.update / views.publish over the workspace's view store."""

from __future__ import annotations

import copy
import secrets
import threading
import time
from typing import TYPE_CHECKING, Any

from bot.local.standin import validation
from bot.local.standin.common import USER_ID, Answer, Params, SlackError, invalid


class ViewsMixin:
    """Mixed into :class:`~bot.local.standin.workspace.Workspace`, which owns the state below."""

    lock: threading.RLock
    team_id: str
    app_id: str
    bot_id: str
    _triggers: dict[str, str | None]
    _expired_triggers: set[str]
    _exchanged_triggers: set[str]
    _views: dict[str, dict[str, Any]]
    _home_by_user: dict[str, str]
    _modal_stacks: dict[str, list[str]]

    if TYPE_CHECKING:

        def new_id(self, prefix: str) -> str: ...

    def _take_trigger(self, params: Params) -> str | None:
        trigger = params.get("trigger_id") or params.get("interactivity_pointer")
        if not trigger or not isinstance(trigger, str):
            raise invalid("invalid_arguments", ["[ERROR] missing required field: trigger_id"])
        if trigger in self._expired_triggers:
            raise SlackError("expired_trigger_id")
        if trigger in self._exchanged_triggers:
            raise SlackError("trigger_exchanged")
        self._exchanged_triggers.add(trigger)
        return self._triggers.get(trigger)

    def _view_arg(self, params: Params, *, home: bool = False) -> dict[str, Any]:
        """The ``view`` argument, checked like Slack (``invalid_arguments`` with messages)."""
        view = params.get("view")
        errors = validation.view_errors(view)
        if errors:
            raise invalid("invalid_arguments", errors)
        assert isinstance(view, dict)
        if (view["type"] == "home") != home:
            want = "home" if home else "modal"
            raise invalid(
                "invalid_arguments", [f"[ERROR] must be {want} [json-pointer:/view/type]"]
            )
        external_id = view.get("external_id")
        if external_id:
            for view_id, rec in self._views.items():
                same = rec["view"].get("external_id") == external_id
                if same and view_id != params.get("view_id"):
                    raise SlackError("duplicate_external_id")
        return view

    def _new_hash(self) -> str:
        return f"{int(time.time())}.{secrets.token_hex(4)}"

    def _view_object(
        self,
        spec: dict[str, Any],
        *,
        view_id: str,
        root_view_id: str | None,
        previous_view_id: str | None,
    ) -> dict[str, Any]:
        view = {
            "id": view_id,
            "team_id": self.team_id,
            "type": spec["type"],
            "blocks": copy.deepcopy(spec.get("blocks", [])),
            "private_metadata": spec.get("private_metadata", ""),
            "callback_id": spec.get("callback_id", ""),
            "state": {"values": {}},
            "hash": self._new_hash(),
            "title": spec.get("title"),
            "clear_on_close": bool(spec.get("clear_on_close", False)),
            "notify_on_close": bool(spec.get("notify_on_close", False)),
            "close": spec.get("close"),
            "submit": spec.get("submit"),
            "previous_view_id": previous_view_id,
            "root_view_id": root_view_id or view_id,
            "app_id": self.app_id,
            "external_id": spec.get("external_id", ""),
            "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id,
        }
        if spec["type"] == "home":
            view.pop("title")
        return view

    def _m_views_open(self, params: Params) -> Answer:
        user = self._take_trigger(params)
        spec = self._view_arg(params)
        view_id = self.new_id("V")
        view = self._view_object(spec, view_id=view_id, root_view_id=None, previous_view_id=None)
        self._views[view_id] = {"view": view, "user": user}
        if user:
            self._modal_stacks[user] = [view_id]
        return {"ok": True, "view": copy.deepcopy(view)}

    def _m_views_push(self, params: Params) -> Answer:
        user = self._take_trigger(params)
        spec = self._view_arg(params)
        stack = self._modal_stacks.get(user, []) if user else []
        if len(stack) >= 3:
            raise SlackError("push_limit_reached")
        view_id = self.new_id("V")
        view = self._view_object(
            spec,
            view_id=view_id,
            root_view_id=stack[0] if stack else None,
            previous_view_id=stack[-1] if stack else None,
        )
        self._views[view_id] = {"view": view, "user": user}
        if user:
            self._modal_stacks[user] = [*stack, view_id]
        return {"ok": True, "view": copy.deepcopy(view)}

    def _m_views_update(self, params: Params) -> Answer:
        view_id = params.get("view_id")
        external_id = params.get("external_id")
        if not view_id and not external_id:
            raise invalid("invalid_arguments", ["[ERROR] view_id or external_id is required"])
        rec = self._views.get(view_id) if view_id else None
        if rec is None and external_id:
            rec = next(
                (r for r in self._views.values() if r["view"]["external_id"] == external_id),
                None,
            )
        if rec is None:
            raise SlackError("not_found")
        old = rec["view"]
        if params.get("hash") and params["hash"] != old["hash"]:
            raise SlackError("hash_conflict")
        params = {**params, "view_id": old["id"]}
        spec = self._view_arg(params, home=old["type"] == "home")
        rec["view"] = self._view_object(
            spec,
            view_id=old["id"],
            root_view_id=old["root_view_id"],
            previous_view_id=old["previous_view_id"],
        )
        return {"ok": True, "view": copy.deepcopy(rec["view"])}

    def _m_views_publish(self, params: Params) -> Answer:
        user = params.get("user_id")
        if not user:
            raise invalid("invalid_arguments", ["[ERROR] missing required field: user_id"])
        if not isinstance(user, str) or not USER_ID.match(user):
            raise SlackError("user_not_found")
        spec = self._view_arg(params, home=True)
        view_id = self._home_by_user.get(user)
        if view_id is not None:
            current = self._views[view_id]["view"]
            if params.get("hash") and params["hash"] != current["hash"]:
                raise SlackError("hash_conflict")
        else:
            view_id = self.new_id("V")
            self._home_by_user[user] = view_id
        view = self._view_object(spec, view_id=view_id, root_view_id=None, previous_view_id=None)
        self._views[view_id] = {"view": view, "user": user}
        return {"ok": True, "view": copy.deepcopy(view)}
