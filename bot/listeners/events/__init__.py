"""Events API listeners."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners.events import app_home_opened, installs, message_im


def register(app: App) -> None:
    app.event("app_home_opened")(app_home_opened.handle_app_home_opened)
    app.event("message")(message_im.handle_message_im)
    app.event("app_uninstalled")(installs.app_uninstalled(app))
    app.event("tokens_revoked")(installs.tokens_revoked(app))
