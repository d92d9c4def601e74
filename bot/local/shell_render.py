"""Block Kit to terminal text, for ``maturity-bot shell``.

Every interactive element gets a number; the shell clicks it when the user types it.
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

WIDTH = 78
_LINK = re.compile(r"<(https?://[^|>]+)\|([^>]+)>")
_BARE_LINK = re.compile(r"<(https?://[^>]+)>")
_USER = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>")
_CHANNEL = re.compile(r"<#([A-Z0-9]+)(?:\|([^>]*))?>")
_EMOJI_CODE = re.compile(r":([a-z0-9_+-]+):")
# Slack draws these shortcodes as emoji; so does the terminal (others stay as typed).
EMOJI = {
    "white_check_mark": "✅",
    "ballot_box_with_check": "☑️",
    "white_circle": "⚪",
    "large_yellow_circle": "🟡",
    "large_orange_circle": "🟠",
    "large_green_circle": "🟢",
    "small_orange_diamond": "🔸",
    "small_red_triangle_down": "🔻",
    "grey_question": "❔",
    "construction": "🚧",
    "warning": "⚠️",
    "alarm_clock": "⏰",
    "hourglass": "⌛",
    "raised_hand": "✋",
    "bulb": "💡",
    "arrow_up": "⬆️",
    "zzz": "💤",
    "wave": "👋",
    "wastebasket": "🗑️",
    "robot_face": "🤖",
    "point_down": "👇",
    "inbox_tray": "📥",
    "dart": "🎯",
    "clipboard": "📋",
    "chart_with_upwards_trend": "📈",
    "tada": "🎉",
}


@dataclass
class Clickable:
    """A button (or a select option) the user can click by number."""

    element: dict[str, Any]
    block_id: str
    where: dict[str, Any]  # {"message": {...}, "channel": C} or {"view": {...}}
    label: str


@dataclass
class Rendered:
    lines: list[str] = field(default_factory=list)
    clickables: list[Clickable] = field(default_factory=list)


def plain(text: str, people: Mapping[str, str] | None = None) -> str:
    """Slack mrkdwn to terminal text: links shown with their URL, mentions by name (from
    ``people``, user or channel id to name, as Slack shows them), emoji drawn, entities
    decoded."""
    text = _LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})", text)
    text = _BARE_LINK.sub(lambda m: m.group(1), text)
    text = _USER.sub(lambda m: f"@{(people or {}).get(m.group(1), m.group(1))}", text)
    text = _CHANNEL.sub(
        lambda m: f"#{(people or {}).get(m.group(1)) or m.group(2) or m.group(1)}", text
    )
    text = _EMOJI_CODE.sub(lambda m: EMOJI.get(m.group(1), m.group(0)), text)
    return html.unescape(text)


def _plain_of(obj: Any, people: Mapping[str, str] | None = None) -> str:
    if isinstance(obj, dict):
        return plain(str(obj.get("text", "")), people)
    return plain(str(obj or ""), people)


def _wrap(text: str, indent: str = "  ") -> list[str]:
    out: list[str] = []
    for para in text.split("\n"):
        out.extend(
            textwrap.wrap(para, WIDTH, initial_indent=indent, subsequent_indent=indent)
            or [indent.rstrip()]
        )
    return out


def render_blocks(
    blocks: list[dict[str, Any]] | None,
    fallback: str,
    where: dict[str, Any],
    start: int,
    people: Mapping[str, str] | None = None,
) -> Rendered:
    """Render ``blocks`` (or ``fallback`` text); clickables are numbered from ``start``;
    mentions are shown by the names in ``people``."""
    result = Rendered()
    if not blocks:
        result.lines.extend(_wrap(plain(fallback, people)))
        return result

    def _text_of(obj: Any) -> str:
        return _plain_of(obj, people)

    def clickable(element: dict[str, Any], block_id: str) -> str:
        label = _text_of(element.get("text")) or element.get("action_id", "button")
        result.clickables.append(Clickable(element, block_id, where, label))
        return f"[{start + len(result.clickables) - 1}] {label}"

    for block in blocks:
        kind = block.get("type")
        block_id = block.get("block_id", "")
        if kind == "header":
            title = _text_of(block.get("text"))
            result.lines += [f"  {title}", "  " + "═" * min(len(title), WIDTH)]
        elif kind == "section":
            if block.get("text"):
                result.lines.extend(_wrap(_text_of(block["text"])))
            for f in block.get("fields", []) or []:
                result.lines.extend(_wrap("• " + _text_of(f), "    "))
            acc = block.get("accessory")
            if isinstance(acc, dict) and acc.get("type") == "button":
                result.lines.append("    " + clickable(acc, block_id))
        elif kind == "context":
            parts = [_text_of(e) if e.get("type") != "image" else "" for e in block["elements"]]
            result.lines.extend(_wrap(" · ".join(p for p in parts if p), "    "))
        elif kind == "divider":
            result.lines.append("  " + "─" * 40)
        elif kind == "actions":
            labels: list[str] = []
            for el in block.get("elements", []):
                if el.get("type") == "button":
                    labels.append(clickable(el, block_id))
                elif el.get("type") in ("static_select", "overflow"):
                    for opt in el.get("options", []):
                        option_click = {**el, "selected_option": opt, "text": opt.get("text")}
                        labels.append(clickable(option_click, block_id))
            if labels:
                result.lines.extend(_wrap("   ".join(labels), "    "))
        elif kind == "image":
            result.lines.append(f"  [image: {block.get('alt_text', '')}]")
        elif kind == "rich_text":
            result.lines.extend(_wrap((fallback and plain(fallback, people)) or "(rich text)"))
        elif kind == "input":
            result.lines.append(f"  {_text_of(block.get('label'))}: …")
    return result
