"""The Spark stage's progress: the high-water mark the bar is fed through and the poller that feeds it (the engine
suite checks on real Spark that the chunk tasks' accumulator reaches every meter)."""

from __future__ import annotations

import threading

from wattwatch.engine.spark_progress import HighWater, polled


def test_high_water_reports_only_what_is_new_and_never_past_the_total():
    seen = []
    meters = HighWater(seen.append, 10)
    for n in (0, 3, 2, 3, 7, 12, 5):
        meters.to(n)
    assert seen == [3, 4, 3] and meters.reported == 10
    HighWater(None, 5).to(4)  # no bar: nothing to call


def test_the_poller_reports_while_the_body_runs_and_once_more_at_the_end():
    seen = []
    meters = HighWater(seen.append, 100)
    done = {"n": 0}
    polled_once = threading.Event()

    def read():
        if done["n"]:
            polled_once.set()
        return done["n"]

    with polled(read, meters, every_s=0.01):
        done["n"] = 40
        assert polled_once.wait(10)  # the body waits for the poller: no timing assumed
        done["n"] = 70
    assert sum(seen) == 70 and seen[0] == 40
