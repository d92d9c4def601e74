"""Text for Slack: user text made inert before it lands in a mrkdwn field.

Slack's ``mrkdwn`` treats ``&``, ``<`` and ``>`` as control characters (``<!channel>``,
``<@U123>``, ``<https://x|label>``), so anything that may hold user text — team names,
operation titles, notes, evidence, imported steps, echoed input — goes through
:func:`escape_mrkdwn` (or :func:`escape_and_truncate`) here, in the rendering, and nowhere
else. The domain produces plain text.
"""

from __future__ import annotations

from conversations.text import ELLIPSIS

_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def escape_mrkdwn(text: str) -> str:
    """Escape ``&``, ``<`` and ``>`` so user text never becomes a mention, link or markup.

    ``escape_mrkdwn("<!channel> & co") == "&lt;!channel&gt; &amp; co"``.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_and_truncate(text: str, limit: int) -> str:
    """Escape for mrkdwn and fit in ``limit`` characters without splitting an entity.

    Use this for a Slack field with a length cap: escaping can triple a character's length,
    and cutting after escaping could leave half an ``&amp;``.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    escaped = escape_mrkdwn(text)
    if len(escaped) <= limit:
        return escaped
    out: list[str] = []
    used = 0
    for ch in text:
        piece = _ESCAPES.get(ch, ch)
        if used + len(piece) > limit - 1:
            break
        out.append(piece)
        used += len(piece)
    return "".join(out).rstrip() + ELLIPSIS
