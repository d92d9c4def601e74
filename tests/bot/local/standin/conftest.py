from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from bot.local.standin import SlackStandIn


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as slack:
        yield slack


@pytest.fixture
def client(standin: SlackStandIn) -> WebClient:
    return WebClient(token=standin.bot_token, base_url=standin.api_url, timeout=5)
