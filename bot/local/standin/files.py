"""files.getUploadURLExternal, the upload POST and files.completeUploadExternal."""

from __future__ import annotations

import copy
import mimetypes
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.local.standin.common import Answer, Params, id_list, invalid


class FilesMixin:
    """Mixed into :class:`~bot.local.standin.workspace.Workspace`, which owns the state below."""

    lock: threading.RLock
    team_id: str
    bot_user_id: str
    _base_url: Callable[[], str]
    _files: dict[str, dict[str, Any]]

    if TYPE_CHECKING:

        def new_id(self, prefix: str) -> str: ...

        def _resolve_channel(self, value: Any) -> str: ...

        def _check_postable(self, channel: str) -> None: ...

        def post_bot_message(
            self,
            channel: str,
            *,
            text: str | None,
            blocks: list[Any] | None,
            attachments: list[Any] | None = None,
            thread_ts: str | None = None,
            extra: dict[str, Any] | None = None,
        ) -> dict[str, Any]: ...

    def _m_files_getUploadURLExternal(self, params: Params) -> Answer:
        filename = params.get("filename")
        try:
            length = int(params.get("length", ""))
        except (TypeError, ValueError):
            length = -1
        if not filename or length < 0:
            raise invalid("invalid_arguments", ["[ERROR] filename and length are required fields"])
        file_id = self.new_id("F")
        self._files[file_id] = {
            "filename": str(filename),
            "length": length,
            "alt_txt": params.get("alt_txt"),
            "snippet_type": params.get("snippet_type"),
            "content": None,
            "object": None,
        }
        return {
            "ok": True,
            "upload_url": f"{self._base_url()}/upload/v1/{file_id}",
            "file_id": file_id,
        }

    def receive_upload(self, file_id: str, content: bytes) -> bool:
        with self.lock:
            f = self._files.get(file_id)
            if f is None:
                return False
            f["content"] = content
            return True

    def _file_object(self, file_id: str, title: str, channels: list[str]) -> dict[str, Any]:
        f = self._files[file_id]
        name = f["filename"]
        now = int(time.time())
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else "binary"
        base = self._base_url()
        return {
            "id": file_id,
            "created": now,
            "timestamp": now,
            "name": name,
            "title": title,
            "mimetype": mimetypes.guess_type(name)[0] or "application/octet-stream",
            "filetype": ext,
            "pretty_type": ext.upper(),
            "user": self.bot_user_id,
            "user_team": self.team_id,
            "editable": False,
            "size": len(f["content"]),
            "mode": "hosted",
            "is_external": False,
            "external_type": "",
            "is_public": any(c.startswith("C") for c in channels),
            "public_url_shared": False,
            "display_as_bot": False,
            "username": "",
            "url_private": f"{base}/files/{file_id}/{name}",
            "url_private_download": f"{base}/files/{file_id}/{name}",
            "permalink": f"{base}/files/{self.bot_user_id}/{file_id}/{name}",
            "permalink_public": f"{base}/files/{self.bot_user_id}/{file_id}/{name}",
            "alt_txt": f["alt_txt"] or "",
            "channels": [c for c in channels if c.startswith("C")],
            "groups": [c for c in channels if c.startswith("G")],
            "ims": [c for c in channels if c.startswith("D")],
            "comments_count": 0,
            "has_rich_preview": False,
            "shares": {},
        }

    def _m_files_completeUploadExternal(self, params: Params) -> Answer:
        files = params.get("files")
        if not isinstance(files, list) or not files:
            raise invalid("invalid_arguments", ["[ERROR] missing required field: files"])
        targets = id_list(params.get("channels"))
        if params.get("channel_id"):
            targets.insert(0, str(params["channel_id"]))
        channels: list[str] = []
        for value in targets:
            channel = self._resolve_channel(value)
            self._check_postable(channel)
            channels.append(channel)
        entries: list[tuple[str, str]] = []
        for item in files:
            file_id = item.get("id") if isinstance(item, dict) else None
            f = self._files.get(file_id) if isinstance(file_id, str) else None
            if f is None or f["content"] is None:
                raise invalid("file_not_found", [f"[ERROR] file {file_id} was not uploaded"])
            entries.append((file_id, str(item.get("title") or f["filename"])))  # type: ignore[arg-type]
        objects = []
        for file_id, title in entries:
            obj = self._file_object(file_id, title, channels)
            self._files[file_id]["object"] = obj
            objects.append(obj)
        for channel in channels:
            self.post_bot_message(
                channel,
                text=str(params.get("initial_comment") or ""),
                blocks=None,
                thread_ts=params.get("thread_ts") or None,
                extra={"files": copy.deepcopy(objects), "upload": True, "display_as_bot": False},
            )
        return {"ok": True, "files": copy.deepcopy(objects)}
