"""What a serving process runs beside the Bolt app: the scheduler and its senders."""

from __future__ import annotations

from apscheduler.schedulers.background import BackgroundScheduler
from slack_sdk import WebClient
from sqlalchemy.engine import Engine

from bot.deps import Deps
from bot.scheduler import Sender, start_scheduler
from bot.services import assessment, digest
from bot.settings import Settings
from bot.slack_client import build_client
from bot.slack_limits import WorkspaceGate


def build_sender(settings: Settings, engine: Engine) -> Sender:
    digest.register()
    gates: dict[int, WorkspaceGate] = {}
    clients: dict[int, WebClient] = {}

    def client_for(workspace_id: int) -> WebClient:
        # One client per workspace, each with its own rate-limit gate: a 429 in one
        # workspace pauses only that workspace's posts. (One bot token serves one
        # workspace; OAuth installs would look up each workspace's token here.)
        if workspace_id not in clients:
            gates[workspace_id] = WorkspaceGate()
            clients[workspace_id] = build_client(settings, gate=gates[workspace_id])
        return clients[workspace_id]

    return Sender(deps=Deps(settings=settings, engine=engine), client_for=client_for)


def start_background(settings: Settings, engine: Engine) -> BackgroundScheduler:
    sender = build_sender(settings, engine)
    client = sender.client_for(0)
    return start_scheduler(
        sender.deps,
        sender,
        housekeeping=lambda: assessment.expire_idle(sender.deps, client),
    )
