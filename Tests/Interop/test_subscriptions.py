"""Subscriptions: the whole state first, then coalesced changes never closer
together than the requested interval.

Timing is checked only in ways a slow, loaded machine cannot break. A
message is sent after the subscription was requested, and a message that
holds a value written at time w was sent after w; it is received after it
was sent. So a server's minimum spacing implies lower bounds on what the
client sees, whatever the delays, and the tests check only those (with a
20 ms tolerance), never an upper bound on latency.
"""

import struct
import time

import pytest

from interop_harness import sleep_until
from nanover_wire import float32, state_pb2

TOLERANCE = 0.02
LONG = 3600.0


@pytest.mark.parametrize("interval", [0, LONG], ids=["interval-0", "interval-1h"])
def test_the_whole_state_comes_first_at_once_whatever_the_interval(hub, interval):
    writer, watcher = hub.connect(), hub.connect()
    state = {"a": 1.0, "b": {"c": [True, None]}, "": "empty key"}
    assert writer.update(state)
    assert writer.update({"gone": 1})
    assert writer.update(removals=["gone"])
    subscription = watcher.subscribe(interval)
    first = subscription.wait_for_messages(1)[0]
    assert first.changes == state, "the whole state as updates: no removals, nothing else"


@pytest.mark.parametrize("interval", [0, LONG], ids=["interval-0", "interval-1h"])
def test_an_empty_state_sends_nothing_until_the_first_change(hub, interval):
    writer, watcher = hub.connect(), hub.connect()
    subscription = watcher.subscribe(interval)
    # A quiet spell only looks for a message that must not come.
    time.sleep(0.5)
    assert subscription.snapshot_messages() == []
    assert writer.update({"first": "change"})
    messages = subscription.wait_for_messages(1)
    assert messages[0].changes == {"first": "change"}


def assert_spaced(messages, interval, written_at, requested_at):
    """Each message but the first was sent at least `interval` after the one
    before it. Message k was sent after the latest value it holds was
    written (and after the subscription was requested), and message k+1 was
    received after it was sent: so it is received at least `interval` after
    that write."""
    for before, after in zip(messages, messages[1:]):
        value = before.changes.get("counter")
        earliest_send = max(written_at[int(value)], requested_at) if value is not None else requested_at
        gap = after.at - earliest_send
        assert gap >= interval - TOLERANCE, (
            f"a message came {gap * 1000:.1f} ms after the one before it was possible, "
            f"closer than the interval {interval * 1000:.1f} ms: {before!r} then {after!r}")
    # The same over the whole stream: n messages need (n - 1) intervals.
    span = messages[-1].at - requested_at
    assert span >= (len(messages) - 1) * (interval - TOLERANCE), (
        f"{len(messages)} messages in {span:.3f} s at interval {interval}")


def write_counter_until(writer, written_at, stop, limit=5000, seconds=5.0):
    """Writes counter = 1, 2, ... as fast as the server answers, until
    `stop()` or a bound; records when each write was sent."""
    give_up = time.monotonic() + seconds
    for count in range(1, limit + 1):
        if stop() or time.monotonic() > give_up:
            return count - 1
        written_at[count] = time.monotonic()
        assert writer.update({"counter": count})
    return limit


def watch_a_busy_counter(hub, interval, honoured, enough):
    """Subscribes at `interval`, then writes a counter as fast as the server
    answers until `enough` messages have come (or a bound is reached), and
    checks that they are at least `honoured` apart. Returns the
    subscription, its messages, and the last counter written."""
    writer, watcher = hub.connect(), hub.connect()
    written_at = {0: time.monotonic()}
    assert writer.update({"counter": 0})
    subscription = watcher.subscribe(interval)
    subscription.wait_for_messages(1)
    last = write_counter_until(writer, written_at, lambda: len(subscription.messages) >= enough)
    subscription.wait_for_value("counter", last)
    messages = subscription.snapshot_messages()
    assert_spaced(messages, honoured, written_at, subscription.requested_at)
    return subscription, messages, last


@pytest.mark.parametrize("interval", [0.1, 0.25])
def test_messages_are_at_least_the_interval_apart(hub, interval):
    subscription, messages, last = watch_a_busy_counter(hub, interval, interval, enough=8)
    assert len(messages) >= 2

    # Coalescing: fewer messages than writes, every one the latest at the time.
    counters = [m.changes["counter"] for m in messages]
    assert counters == sorted(counters)
    assert counters[-1] == last

    # No message is sent when nothing changed.
    sleep_until(time.monotonic() + 3 * interval)
    assert len(subscription.snapshot_messages()) == len(messages)


def test_one_thirtieth_of_a_second_travels_as_a_float(hub):
    """update_interval is a 32-bit float: 1/30 is sent as 0.033333335 and
    honoured as a minimum spacing."""
    interval = 1 / 30
    request = state_pb2.SubscribeStateUpdatesRequest(update_interval=interval)
    assert request.SerializeToString() == b"\x0d" + struct.pack("<f", interval)
    assert request.update_interval == float32(interval)
    assert f"{request.update_interval:.9f}" == "0.033333335"

    watch_a_busy_counter(hub, interval, float32(interval), enough=10)


# Changes made while a subscriber waits out its interval, and the one
# message they must coalesce into: (state before, changes in order, message).
COALESCING = [
    pytest.param({}, [({"k": 1}, []), ({}, ["k"])], {"k": None}, id="set-then-remove-is-a-removal"),
    pytest.param({"k": "old"}, [({}, ["k"]), ({"k": "new"}, [])], {"k": "new"}, id="remove-then-set-is-an-update"),
    pytest.param({}, [({"k": n}, []) for n in range(1, 31)], {"k": 30.0}, id="many-sets-send-the-latest"),
    pytest.param({"a": 1, "b": 2}, [({"a": 10, "c": 3}, ["b"]), ({"c": 4}, ["a"]), ({"b": 5}, [])],
                 {"a": None, "b": 5.0, "c": 4.0}, id="several-keys"),
]


@pytest.mark.parametrize("before, changes, expected", COALESCING)
def test_changes_within_an_interval_are_coalesced(hub, before, changes, expected):
    """The first message goes at once; changes made before one interval has
    passed since the subscription was requested cannot have been sent yet,
    so they all arrive in the second message, coalesced. On a machine too
    slow to make them in time, the interval is doubled and the test tried
    again."""
    writer = hub.connect()
    interval = 1.0
    for attempt in range(4):
        assert writer.update({"seed": True, **before}, removals=[k for k in expected if k not in before])
        subscription = hub.connect().subscribe(interval)
        first = subscription.wait_for_messages(1)[0]
        assert first.changes == {"seed": True, **before}
        for updates, removals in changes:
            assert writer.update(updates, removals)
        if time.monotonic() - subscription.requested_at < interval - TOLERANCE:
            break
        subscription.cancel()
        interval *= 2
    else:
        pytest.fail("the machine was too slow to make a few changes within 8 s")

    second = subscription.wait_for_messages(2, timeout=interval + 20)[1]
    assert second.changes == expected
    assert second.at - subscription.requested_at >= interval - TOLERANCE


def test_a_quiet_subscriber_still_gets_changes_after_many_intervals(hub):
    """Minimum spacing, not a schedule: a change after a quiet spell is
    delivered (no upper bound on when is checked), and the one after it
    waits an interval."""
    interval = 0.2
    writer = hub.connect()
    written_at = {0: time.monotonic()}
    assert writer.update({"counter": 0})
    subscription = hub.connect().subscribe(interval)
    subscription.wait_for_messages(1)
    sleep_until(time.monotonic() + 3 * interval)
    written_at[1] = time.monotonic()
    assert writer.update({"counter": 1})
    subscription.wait_for_value("counter", 1)
    written_at[2] = time.monotonic()
    assert writer.update({"counter": 2})
    subscription.wait_for_value("counter", 2)
    messages = subscription.snapshot_messages()
    assert [m.changes for m in messages] == [{"counter": 0.0}, {"counter": 1.0}, {"counter": 2.0}]
    assert_spaced(messages, interval, written_at, subscription.requested_at)


def test_concurrent_subscribers_with_different_intervals_are_paced_independently(hub):
    writer = hub.connect()
    written_at = {0: time.monotonic()}
    assert writer.update({"counter": 0})
    fast, slow = hub.connect().subscribe(0.05), hub.connect().subscribe(0.3)
    fast.wait_for_messages(1)
    slow.wait_for_messages(1)
    last = write_counter_until(writer, written_at, lambda: len(slow.messages) >= 4)
    for subscription in (fast, slow):
        subscription.wait_for_value("counter", last)
        assert_spaced(subscription.snapshot_messages(), subscription.interval, written_at, subscription.requested_at)
