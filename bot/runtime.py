"""What a serving process runs beside the Bolt app: the scheduler and its senders."""

from __future__ import annotations

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.engine import Engine

from bot.deps import Deps
from bot.scheduler import Sender, start_scheduler
from bot.services import assessment
from bot.settings import Settings
from bot.slack_client import build_client


def build_sender(settings: Settings, engine: Engine) -> Sender:
    client = build_client(settings)
    # One bot token serves one workspace; OAuth installs would look theirs up here.
    return Sender(deps=Deps(settings=settings, engine=engine), client_for=lambda _ws: client)


def start_background(settings: Settings, engine: Engine) -> BackgroundScheduler:
    sender = build_sender(settings, engine)
    client = sender.client_for(0)
    return start_scheduler(
        sender.deps,
        sender,
        housekeeping=lambda: assessment.expire_idle(sender.deps, client),
    )
