"""Block Kit checks the stand-in applies, so Slack's limits fail here and not in production.

Only the limits Slack documents and enforces are checked, and only where a wrong value is a
likely bug in our own builders: block counts, text lengths, id lengths, duplicate block ids,
unknown block types. Each problem is reported the way Slack reports it in
``response_metadata.messages``: ``"[ERROR] <what> [json-pointer:<where>]"``.
"""

from __future__ import annotations

from typing import Any

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_MESSAGE_TEXT = 40_000
MAX_ATTACHMENTS = 100

BLOCK_TYPES = frozenset(
    {
        "actions",
        "context",
        "divider",
        "file",
        "header",
        "image",
        "input",
        "markdown",
        "rich_text",
        "section",
        "table",
        "video",
    }
)
TEXT_TYPES = frozenset({"plain_text", "mrkdwn"})
VIEW_TYPES = frozenset({"modal", "home"})


def _err(message: str, pointer: str) -> str:
    return f"[ERROR] {message} [json-pointer:{pointer}]"


def _text_errors(obj: Any, pointer: str, *, max_len: int, plain_only: bool = False) -> list[str]:
    if not isinstance(obj, dict):
        return [_err("must be a text object", pointer)]
    kind = obj.get("type")
    allowed = {"plain_text"} if plain_only else TEXT_TYPES
    if kind not in allowed:
        return [_err(f"must be one of {sorted(allowed)}", f"{pointer}/type")]
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        return [_err("must be more than 0 characters", f"{pointer}/text")]
    if len(text) > max_len:
        return [_err(f"must be less than {max_len + 1} characters", f"{pointer}/text")]
    return []


def _element_errors(element: Any, pointer: str) -> list[str]:
    if not isinstance(element, dict) or not isinstance(element.get("type"), str):
        return [_err("missing required field: type", pointer)]
    errors: list[str] = []
    action_id = element.get("action_id")
    if action_id is not None and (not isinstance(action_id, str) or len(action_id) > 255):
        errors.append(_err("must be less than 256 characters", f"{pointer}/action_id"))
    if element["type"] == "button":
        errors += _text_errors(element.get("text"), f"{pointer}/text", max_len=75)
        value = element.get("value")
        if value is not None and (not isinstance(value, str) or len(value) > 2000):
            errors.append(_err("must be less than 2001 characters", f"{pointer}/value"))
        url = element.get("url")
        if url is not None and (not isinstance(url, str) or len(url) > 3000):
            errors.append(_err("must be less than 3001 characters", f"{pointer}/url"))
    return errors


def _block_errors(block: dict[str, Any], pointer: str) -> list[str]:
    kind = block["type"]
    errors: list[str] = []
    if kind == "section":
        if "text" not in block and "fields" not in block:
            errors.append(_err("must provide either text or fields", pointer))
        if "text" in block:
            errors += _text_errors(block["text"], f"{pointer}/text", max_len=3000)
        fields = block.get("fields")
        if fields is not None:
            if not isinstance(fields, list) or len(fields) > 10:
                errors.append(_err("no more than 10 items allowed", f"{pointer}/fields"))
            else:
                for i, field in enumerate(fields):
                    errors += _text_errors(field, f"{pointer}/fields/{i}", max_len=2000)
        if "accessory" in block:
            errors += _element_errors(block["accessory"], f"{pointer}/accessory")
    elif kind == "header":
        errors += _text_errors(block.get("text"), f"{pointer}/text", max_len=150, plain_only=True)
    elif kind in ("actions", "context"):
        limit = 25 if kind == "actions" else 10
        elements = block.get("elements")
        if not isinstance(elements, list) or not elements:
            errors.append(_err("must provide at least 1 item", f"{pointer}/elements"))
        elif len(elements) > limit:
            errors.append(_err(f"no more than {limit} items allowed", f"{pointer}/elements"))
        elif kind == "actions":
            for i, element in enumerate(elements):
                errors += _element_errors(element, f"{pointer}/elements/{i}")
    elif kind == "input":
        errors += _text_errors(
            block.get("label"), f"{pointer}/label", max_len=2000, plain_only=True
        )
        if "element" not in block:
            errors.append(_err("missing required field: element", pointer))
        else:
            errors += _element_errors(block["element"], f"{pointer}/element")
    return errors


def blocks_errors(blocks: Any, *, limit: int, pointer: str = "/blocks") -> list[str]:
    """Problems Slack would report for ``blocks``; an empty list means Slack would accept it."""
    if not isinstance(blocks, list):
        return [_err("must be an array of block objects", pointer)]
    if len(blocks) > limit:
        return [_err(f"no more than {limit} items allowed", pointer)]
    errors: list[str] = []
    seen_ids: set[str] = set()
    for i, block in enumerate(blocks):
        here = f"{pointer}/{i}"
        if not isinstance(block, dict) or not isinstance(block.get("type"), str):
            errors.append(_err("missing required field: type", here))
            continue
        if block["type"] not in BLOCK_TYPES:
            errors.append(_err(f"unsupported type: {block['type']}", f"{here}/type"))
            continue
        block_id = block.get("block_id")
        if block_id is not None:
            if not isinstance(block_id, str) or not block_id or len(block_id) > 255:
                errors.append(_err("must be 1 to 255 characters", f"{here}/block_id"))
            elif block_id in seen_ids:
                errors.append(_err(f"duplicate block_id: {block_id}", f"{here}/block_id"))
            else:
                seen_ids.add(block_id)
        errors += _block_errors(block, here)
    return errors


def view_errors(view: Any) -> list[str]:
    """Problems Slack would report (as ``invalid_arguments``) for a view payload."""
    if not isinstance(view, dict):
        return [_err("must be a view object", "/view")]
    kind = view.get("type")
    if kind not in VIEW_TYPES:
        return [_err(f"must be one of {sorted(VIEW_TYPES)}", "/view/type")]
    errors: list[str] = []
    if kind == "modal":
        errors += _text_errors(view.get("title"), "/view/title", max_len=24, plain_only=True)
        for key in ("submit", "close"):
            if view.get(key) is not None:
                errors += _text_errors(view[key], f"/view/{key}", max_len=24, plain_only=True)
        blocks = view.get("blocks")
        has_input = isinstance(blocks, list) and any(
            isinstance(b, dict) and b.get("type") == "input" for b in blocks
        )
        if has_input and view.get("submit") is None:
            errors.append(_err("must provide submit when input blocks are present", "/view"))
    for key, limit in (("private_metadata", 3000), ("callback_id", 255), ("external_id", 255)):
        value = view.get(key)
        if value is not None and (not isinstance(value, str) or len(value) > limit):
            errors.append(_err(f"must be less than {limit + 1} characters", f"/view/{key}"))
    errors += blocks_errors(view.get("blocks"), limit=MAX_VIEW_BLOCKS, pointer="/view/blocks")
    return errors
