"""What a serving process runs beside the Bolt app: the scheduler and its senders."""

from __future__ import annotations

from apscheduler.schedulers.background import BackgroundScheduler
from slack_sdk import WebClient
from sqlalchemy.engine import Engine

from bot.deps import Deps
from bot.scheduling.scheduler import Sender, start_scheduler
from bot.settings import Settings
from bot.slack.client import build_client
from bot.slack.limits import WorkspaceGate
from bot.slack.oauth import installation_store
from bot.usecases import (
    assessment,
    checkins,
    digest,
    evidence,
    github_poll,
    installs,
    levels,
    nudge_delivery,
)
from bot.usecases.runbook import reminders as runbook_reminders
from storage.db import session_scope
from storage.models import Workspace


def build_sender(settings: Settings, engine: Engine) -> Sender:
    digest.register()
    runbook_reminders.register_kinds()
    levels.register_kinds()  # level changes, announced once (issue 12)
    checkins.register_kinds()  # weekly check-ins and their follow-ups (issue 13)
    github_poll.register_kinds()  # GitHub Actions runs polled as deploy evidence (issue 15)
    nudge_delivery.register_kinds()  # nudges on every change, one message a day (issue 14)
    gates: dict[int, WorkspaceGate] = {}
    clients: dict[int, WebClient] = {}

    def client_for(workspace_id: int) -> WebClient:
        # One client per workspace, each with its own rate-limit gate: a 429 in one
        # workspace pauses only that workspace's posts. With OAuth, each workspace's bot
        # token comes from the installation store; otherwise the one bot token serves.
        if workspace_id not in clients:
            gates[workspace_id] = WorkspaceGate()
            token = (
                _installed_token(settings, engine, workspace_id) if settings.uses_oauth else None
            )
            clients[workspace_id] = build_client(settings, token, gate=gates[workspace_id])
        return clients[workspace_id]

    return Sender(deps=Deps(settings=settings, engine=engine), client_for=client_for)


def _installed_token(settings: Settings, engine: Engine, workspace_id: int) -> str:
    with session_scope(engine) as session:
        workspace = session.get(Workspace, workspace_id)
    if workspace is None:
        return ""
    bot = installation_store(settings, engine).find_bot(
        enterprise_id=workspace.enterprise_id or None, team_id=workspace.slack_team_id
    )
    return bot.bot_token if bot is not None and bot.bot_token else ""


def housekeeping(sender: Sender) -> None:
    """The hourly chores: close idle check-ins (each workspace's note with that workspace's
    own token), delete the data of workspaces uninstalled past the retention period, and
    expire the evidence measurements whose source went quiet."""
    assessment.expire_idle(sender.deps, sender.client_for)
    installs.purge_departed(sender.deps)
    evidence.expire_quiet(sender.deps)  # measurements whose source went quiet (issue 15)


def start_background(settings: Settings, engine: Engine) -> BackgroundScheduler:
    sender = build_sender(settings, engine)
    scheduler = start_scheduler(sender.deps, sender, housekeeping=lambda: housekeeping(sender))
    nudge_delivery.add_weekly_job(scheduler, sender.deps)  # every team, weekly (issue 14)
    return scheduler
