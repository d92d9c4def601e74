"""``app_uninstalled`` and ``tokens_revoked``: tokens deleted at once, posts stopped."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext

from bot.deps import deps_of
from bot.listeners.edge import later, nobody, where_of
from bot.slack.answer import Answer
from bot.usecases import installs


def _store(app: App) -> Any:
    return app.installation_store if app.oauth_flow is not None else None


def app_uninstalled(app: App) -> Any:
    def handle_app_uninstalled(body: dict[str, Any], context: BoltContext) -> None:
        deps, where, store = deps_of(context), where_of(context, body), _store(app)

        def job() -> Answer | None:
            installs.uninstalled(deps, where, store)
            return None

        later(context, job, nobody, what="an uninstall")

    return handle_app_uninstalled


def tokens_revoked(app: App) -> Any:
    def handle_tokens_revoked(
        body: dict[str, Any], event: dict[str, Any], context: BoltContext
    ) -> None:
        deps, where, store = deps_of(context), where_of(context, body), _store(app)
        tokens = event.get("tokens") or {}
        bot = bool(tokens.get("bot"))
        user_ids = [str(u) for u in tokens.get("oauth") or []]

        def job() -> Answer | None:
            installs.tokens_revoked(deps, where, store, bot=bot, user_ids=user_ids)
            return None

        later(context, job, nobody, what="revoked tokens")

    return handle_tokens_revoked
