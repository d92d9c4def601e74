"""The work after an acknowledgement: every outcome becomes an answer, nothing escapes."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy.exc import OperationalError

from bot.slack.answer import Answer
from bot.slack.errors import DATABASE_DOWN, UserFacingError
from bot.slack.work import WORKING, Work, after_ack, answer_modal


@pytest.fixture
def work():
    pool = Work(threads=2)
    yield pool
    pool.shutdown()


class Told:
    def __init__(self) -> None:
        self.said: list[tuple[Answer, bool]] = []
        self.done = threading.Event()

    def __call__(self, answer: Answer, replace: bool) -> None:
        self.said.append((answer, replace))
        self.done.set()


def _raise(exc: BaseException):
    def job():
        raise exc

    return job


def test_a_refusal_is_told_as_written_beside_the_message(work) -> None:
    told = Told()
    after_ack(work, _raise(UserFacingError("Not yours.")), told, what="x", replace=True)
    assert told.done.wait(10)
    ((answer, replace),) = told.said
    assert answer.text == "Not yours." and replace is False  # a no never replaces the message


def test_a_database_outage_is_try_again(work) -> None:
    told = Told()
    down = OperationalError("SELECT 1", {}, Exception("could not connect"))
    after_ack(work, _raise(down), told, what="x")
    assert told.done.wait(10)
    assert told.said[0][0].text == DATABASE_DOWN


def test_anything_else_is_logged_with_a_reference_the_person_can_quote(work, caplog) -> None:
    told = Told()
    after_ack(work, _raise(KeyError("boom")), told, what="a test")
    assert told.done.wait(10)
    text = told.said[0][0].text
    ref = text.split("quote `")[1].split("`")[0]
    assert any(ref in r.getMessage() and r.exc_info for r in caplog.records)


def test_a_successful_answer_replaces_when_asked(work) -> None:
    told = Told()
    after_ack(work, lambda: Answer(text="page 2"), told, what="x", replace=True)
    assert told.done.wait(10)
    assert told.said == [(Answer(text="page 2"), True)]


def test_telling_that_fails_is_said_another_way_and_never_raises(work) -> None:
    said: list[str] = []
    done = threading.Event()

    def flaky(answer: Answer, _replace: bool) -> None:
        if answer.modal is not None:
            raise UserFacingError("That took me too long to open. Click again.")
        said.append(answer.text)
        done.set()

    after_ack(work, lambda: Answer(modal={"type": "modal"}), flaky, what="x")
    assert done.wait(10)
    assert said == ["That took me too long to open. Click again."]


def test_a_slow_modal_decision_shows_working_then_its_outcome(work) -> None:
    """Past the acknowledgement budget the modal says it is working; the outcome then
    takes its place. (This waits out the 2 s budget once, by design.)"""
    release, acked, shown = threading.Event(), [], []
    updated = threading.Event()

    def decide() -> Answer:
        release.wait(30)
        return Answer(view={"type": "modal", "title": "Page 2"})

    def update_view(view: dict) -> None:
        shown.append(view)
        updated.set()

    answer_modal(
        lambda **kw: acked.append(kw),
        work,
        decide,
        Told(),
        what="a slow page",
        update_view=update_view,
    )
    (ack,) = acked
    assert ack["response_action"] == "update"
    assert WORKING in str(ack["view"])
    release.set()
    assert updated.wait(10)
    assert shown == [{"type": "modal", "title": "Page 2"}]


def test_a_quick_modal_decision_goes_in_the_acknowledgement(work) -> None:
    acked: list[dict] = []
    answer_modal(
        lambda **kw: acked.append(kw),
        work,
        lambda: Answer(errors={"title": "A title, please."}),
        Told(),
        what="a form",
    )
    assert acked == [{"response_action": "errors", "errors": {"title": "A title, please."}}]
