"""After the acknowledgement: a request's work runs on a bounded pool of its own.

Bolt runs every listener on its listener executor and waits, three seconds at most, for
``ack()``. Were listeners to do their database and Web API work there, a handful of slow
calls would hold every thread, and the next request's listener could not even start to
acknowledge: Slack would show ``dispatch_failed``. So a listener only acknowledges and hands
the rest to :class:`Work`, whose threads may wait on Slack or the database without delaying
anyone's acknowledgement.

Nothing the work raises goes back into Bolt (an exception after ``ack()`` makes Bolt drop
the acknowledgement it already has): :func:`after_ack` turns every outcome into an
:class:`~bot.slack.answer.Answer` and tells the person, in one place.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock
from slack_sdk.models.views import View

from bot.slack.answer import Answer
from bot.slack.errors import reply_for_error

logger = logging.getLogger("maturity_bot.work")

T = TypeVar("T")
Tell = Callable[[Answer, bool], None]  # (reply, replace the message acted on)

# Sized against the database pool (storage.db) and gunicorn's 16 request threads: enough
# to keep clicks moving while Slack answers slowly, few enough that they never wait on
# each other for a database connection.
WORK_THREADS = 16
# Work waiting for a thread beyond this runs on the listener's own thread instead of being
# queued without bound (it still completes; only that acknowledgement may be late).
MAX_QUEUED = 1_000
# How long a modal submission may wait for a decision that goes back in its
# acknowledgement (a validation error beside a field) before it is acknowledged plainly.
ACK_BUDGET_S = 2.0


class Work:
    """A bounded thread pool for post-acknowledgement work; ``threads=0`` runs it inline
    (the shell and in-process tests, where Bolt processes before it responds)."""

    def __init__(self, threads: int = WORK_THREADS, *, max_queued: int = MAX_QUEUED) -> None:
        self.inline = threads <= 0
        self._pool = (
            None
            if self.inline
            else ThreadPoolExecutor(max_workers=threads, thread_name_prefix="work")
        )
        self._slots = threading.BoundedSemaphore(max(1, threads) + max_queued)

    def submit(self, fn: Callable[[], T]) -> Future[T]:
        """Run ``fn`` on the pool (its exceptions stay in the returned future)."""
        if self._pool is None or not self._slots.acquire(blocking=False):
            if self._pool is not None:
                logger.warning("work queue full: running on the listener's thread")
            return _run_now(fn)
        try:
            future = self._pool.submit(fn)
        except RuntimeError:  # shutting down: finish it here rather than lose it
            self._slots.release()
            return _run_now(fn)
        future.add_done_callback(lambda _f: self._slots.release())
        return future

    def shutdown(self, *, wait: bool = True) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=wait)


def _run_now(fn: Callable[[], T]) -> Future[T]:
    future: Future[T] = Future()
    try:
        future.set_result(fn())
    except BaseException as exc:  # kept in the future, like the pool does
        future.set_exception(exc)
    return future


def after_ack(
    work: Work,
    job: Callable[[], Answer | None],
    tell: Tell,
    *,
    what: str,
    replace: bool = False,
) -> None:
    """Run ``job`` after the acknowledgement and tell the person what it answered.

    A refusal or bad input (:class:`~bot.slack.errors.UserFacingError`) is told as written;
    a database or Slack outage as "try again"; anything unexpected is logged with its
    traceback and told with a short reference id. Only a successful answer may ``replace``
    the message the person acted on; a failure is said beside it. If telling fails (a modal
    whose trigger expired, an expired response_url), that is said instead when possible,
    and logged; nothing is raised.
    """

    def run() -> None:
        ok = True
        try:
            answer = job()
        except Exception as exc:
            answer, ok = reply_for_error(exc, what=what), False
        if not answer:
            return
        try:
            tell(answer, ok and (replace or answer.replace))
        except Exception as exc:
            _tell_failure(tell, exc, what)

    work.submit(run)


def _tell_failure(tell: Tell, exc: Exception, what: str) -> None:
    try:
        tell(reply_for_error(exc, what=f"answering {what}"), False)
    except Exception:  # Slack itself is unreachable: the log has the story
        logger.warning("could not tell the person about %s", what, exc_info=True)


def answer_modal(
    ack: Callable[..., object],
    work: Work,
    decide: Callable[[], Answer | None],
    tell: Tell,
    *,
    what: str,
    update_view: Callable[[dict[str, Any]], object] | None = None,
) -> None:
    """Acknowledge a modal submission with what ``decide`` answers, if it answers within
    :data:`ACK_BUDGET_S`: field ``errors`` keep the modal open, a ``view`` takes its place;
    otherwise it closes and any text is told where the person acted. A slow decision shows
    a "working on it" view, replaced by the outcome (``update_view``) when it comes.

    ``decide`` runs on the work pool (it may read or write the database, or ask Slack who
    someone is), so a slow database delays this one answer, never anyone's acknowledgement.
    """
    future = work.submit(decide)
    try:
        failure = future.exception(timeout=ACK_BUDGET_S)
    except FutureTimeout:
        if update_view is None:
            ack()  # the modal closes now; what happened follows where the person acted
            after_ack(work, lambda: _told(future.result()), tell, what=what)
            return
        # Slack's 3 seconds are nearly up: the modal says it is working, and shows the
        # outcome in place when it comes (STYLE: "updating…" view, then views.update).
        ack(response_action="update", view=notice(WORKING))
        after_ack(work, lambda: _shown_late(future.result(), update_view), tell, what=what)
        return
    if failure is not None:
        ack()
        after_ack(work, _raiser(failure), tell, what=what)
        return
    answer = future.result() or Answer()
    if answer.errors:
        ack(response_action="errors", errors=answer.errors)
        return
    if answer.view is not None:
        ack(response_action="update", view=answer.view)
    else:
        ack()
    if answer.text:
        told = Answer(text=answer.text, blocks=answer.blocks, replace=answer.replace)
        after_ack(work, lambda: told, tell, what=what)


WORKING = ":hourglass_flowing_sand: Working on it — this takes a moment longer than usual."
DONE = ":white_check_mark: Done."


def notice(text: str) -> dict[str, Any]:
    """A modal that only says ``text`` (and can be closed)."""
    return View(
        type="modal",
        title="maturity-bot",
        close="Close",
        blocks=[SectionBlock(text=MarkdownTextObject(text=text))],
    ).to_dict()


def _shown_late(
    answer: Answer | None, update_view: Callable[[dict[str, Any]], object]
) -> Answer | None:
    """A slow decision's outcome, in the modal that said it was working."""
    answer = answer or Answer()
    if answer.view is not None:
        update_view(answer.view)
    elif answer.errors:
        update_view(notice(" ".join(answer.errors.values()) + " Nothing was saved."))
        return None
    else:
        update_view(notice(DONE))
    return Answer(text=answer.text, blocks=answer.blocks, replace=answer.replace)


def _told(answer: Answer | None) -> Answer | None:
    """A late answer, once the modal has closed: field errors become a sentence."""
    if answer is not None and answer.errors:
        return Answer(text=" ".join(answer.errors.values()))
    return answer


def _raiser(exc: BaseException) -> Callable[[], Answer | None]:
    def job() -> Answer | None:
        raise exc

    return job
