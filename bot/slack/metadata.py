"""What our modals carry in ``private_metadata``, as typed models with readable keys.

A modal remembers where it came from (the channel, the ``response_url`` to answer
through) and what it is about (a team, an operation, an import). One codec for all of
them: :meth:`Metadata.encode` writes compact JSON; :meth:`Metadata.decode` reads it back
and never raises — a value that is not ours (broken JSON, a number where an id belongs,
an id too large for the database) reads as the model's defaults, which the use case then
answers as "I can't find that". Modals opened before the keys were spelled out still read
(each field accepts its old one-letter key).
"""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError

MAX_METADATA = 3000  # Slack's limit for private_metadata

DbId = Annotated[int, Field(ge=0, lt=2**31)]


class Metadata(BaseModel):
    """Where a modal was opened: the channel, and the response_url to answer through."""

    model_config = ConfigDict(extra="ignore", frozen=True, strict=True)

    channel: str = Field("", validation_alias=AliasChoices("channel", "c"))
    response_url: str = Field("", validation_alias=AliasChoices("response_url", "r"))

    def encode(self) -> str:
        raw = self.model_dump_json(exclude_defaults=True)
        if len(raw) > MAX_METADATA:  # pragma: no cover - the models are far smaller
            raise ValueError(f"{type(self).__name__} is {len(raw)} characters")
        return raw

    @classmethod
    def decode(cls, raw: str | None) -> Self:
        try:
            return cls.model_validate_json(raw or "{}")
        except ValidationError:
            return cls.model_validate({})


class FormMeta(Metadata):
    """The add/edit form of a runbook operation (``operation`` 0: a new one)."""

    team: DbId = Field(0, validation_alias=AliasChoices("team", "t"))
    operation: DbId = Field(0, validation_alias=AliasChoices("operation", "o"))
    version: DbId = Field(0, validation_alias=AliasChoices("version", "v"))


class PasteMeta(Metadata):
    """The paste-a-runbook modal."""

    team: DbId = Field(0, validation_alias=AliasChoices("team", "t"))
    team_name: str = Field("", validation_alias=AliasChoices("team_name", "n"))


class PreviewMeta(Metadata):
    """An import preview, page to page: its key, the page shown, each step's frequency
    code so far, and whether the answer replaces the message the import started from."""

    key: str = Field("", validation_alias=AliasChoices("key", "k"))
    page: int = Field(0, ge=0, lt=10_000, validation_alias=AliasChoices("page", "p"))
    codes: str = Field("", validation_alias=AliasChoices("codes", "f"))
    # Older previews wrote 0/1 here.
    replace: bool = Field(False, strict=False, validation_alias=AliasChoices("replace", "x"))


class RemindMeta(Metadata):
    """The pick-a-date modal of "remind me to script this"."""

    operations: list[DbId] = Field(
        default_factory=list, validation_alias=AliasChoices("operations", "o")
    )


class SettleMeta(Metadata):
    """The modals that settle a reminder (scripted / keep manual), and the reminder
    message they came from."""

    operation: DbId = Field(0, validation_alias=AliasChoices("operation", "o"))
    message_ts: str = Field("", validation_alias=AliasChoices("message_ts", "m"))


class CriterionMeta(Metadata):
    """The Update form of one criterion on a team's board (issue 12). Who may change it
    is decided from the team as stored when the form is submitted, never from this."""

    team: DbId = Field(0, validation_alias=AliasChoices("team", "t"))
    criterion: str = Field("", max_length=64, validation_alias=AliasChoices("criterion", "k"))
    # Opened from the App Home (no board message to show again): a saved change publishes
    # the Home again instead.
    home: bool = Field(False, validation_alias=AliasChoices("home", "h"))


class CalibrationMeta(Metadata):
    """The form that settles a disagreement (issue 13): which one, as what, and the
    channel message naming it. Who may settle is decided from the team as stored."""

    calibration: DbId = Field(0, validation_alias=AliasChoices("calibration", "k"))
    status: str = Field("", max_length=16, validation_alias=AliasChoices("status", "s"))
    message_ts: str = Field("", max_length=32, validation_alias=AliasChoices("message_ts", "m"))


class CheckInNoteMeta(Metadata):
    """The form of a note with one answer of a weekly check-in: which check-in and which
    criterion. Whose check-in it is, is decided from the check-in as stored."""

    checkin: DbId = Field(0, validation_alias=AliasChoices("checkin", "k"))
    criterion: str = Field("", max_length=64, validation_alias=AliasChoices("criterion", "q"))
