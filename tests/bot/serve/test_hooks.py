"""The per-token rate of the evidence hooks: a token bucket, on a clock the test moves."""

from __future__ import annotations

import pytest

from bot.serve.hooks import TokenBuckets


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_then_one_per_refill_and_the_wait_until_the_next() -> None:
    clock = Clock()
    buckets = TokenBuckets(per_minute=6, clock=clock)  # a burst of 6, one every 10 s
    assert [buckets.take("a") for _ in range(6)] == [0.0] * 6
    assert buckets.take("a") == 10.0
    clock.now += 4
    assert buckets.take("a") == pytest.approx(6.0)
    clock.now += 6
    assert buckets.take("a") == 0.0
    assert buckets.take("a") > 0


def test_each_token_has_a_bucket_of_its_own_and_a_full_one_does_not_overflow() -> None:
    clock = Clock()
    buckets = TokenBuckets(per_minute=2, clock=clock)
    assert buckets.take("a") == buckets.take("a") == 0.0
    assert buckets.take("a") > 0
    assert buckets.take("b") == 0.0
    clock.now += 3600  # an hour idle refills to the burst, not beyond
    assert [buckets.take("b") for _ in range(3)][2] > 0
