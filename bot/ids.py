"""Every action_id, block_id and callback_id, in one place.

Block builders and listener registrations both import these, so a rename cannot
half-apply. Assessment question blocks use the model's question ids (DESIGN.md).
"""

from __future__ import annotations

from enum import StrEnum

COMMAND = "/maturity"


class ActionId(StrEnum):
    ASSESS_ANSWER = "assess.answer"
    ASSESS_RESUME = "assess.resume"
    ASSESS_RESTART = "assess.restart"
    ASSESS_SHARE = "assess.share"
    NUDGE_DISMISS = "nudge.dismiss"


class BlockId(StrEnum):
    USAGE = "usage"
    ERROR = "error"
    NUDGE_PREFIX = "nudge."


class CallbackId(StrEnum):
    pass
