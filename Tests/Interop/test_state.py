"""The State service's values and changes: what one client writes, every
other subscriber sees, exactly, whatever the keys and values."""

import math
import threading

import grpc
import pytest

from interop_harness import CALL_TIMEOUT
from nanover_wire import from_struct, state_pb2, to_struct, values_equal


def test_update_and_removal_reach_another_subscriber(hub):
    writer, watcher = hub.connect(), hub.connect()
    subscription = watcher.subscribe(0)
    assert writer.update({"a": 1, "b": "x"})
    subscription.wait_for_value("b", "x")
    assert subscription.snapshot_mirror() == {"a": 1.0, "b": "x"}

    assert writer.update(removals=["a"])
    subscription.wait(lambda s: "a" not in s.mirror, what="the removal of a")
    removal = subscription.snapshot_messages()[-1]
    assert removal.changes == {"a": None}, "a removal travels as the key with a null value"
    assert subscription.snapshot_mirror() == {"b": "x"}


@pytest.mark.parametrize("request_form", ["no-update-field", "empty-changed-keys"])
def test_empty_update_succeeds_and_sends_nothing(hub, request_form):
    writer, watcher = hub.connect(), hub.connect()
    assert writer.update({"seed": 1})
    subscription = watcher.subscribe(0)
    subscription.wait_for_messages(1)

    if request_form == "no-update-field":
        request = state_pb2.UpdateStateRequest(access_token=writer.token)
    else:
        request = state_pb2.UpdateStateRequest(access_token=writer.token, update=state_pb2.StateUpdate())
    assert writer.state_stub.UpdateState(request, timeout=CALL_TIMEOUT).success is True

    # No message is sent when nothing changed: the next one is the next change.
    assert writer.update({"after": 2})
    subscription.wait_for_value("after", 2)
    messages = subscription.snapshot_messages()
    assert [m.changes for m in messages] == [{"seed": 1.0}, {"after": 2.0}]


KEYS = {
    "": "the empty string is a valid key",
    "ключ": "значение",
    "键🔑": "值 🧪",
    "with spaces / slashes.and.dots": "x",
    "tab\tnew\nline": "control characters",
    "e\u0301 vs \u00e9": "not normalised",
}


def test_unicode_and_empty_string_keys_round_trip(hub):
    writer, watcher = hub.connect(), hub.connect()
    subscription = watcher.subscribe(0)
    assert writer.update(KEYS)
    subscription.wait(lambda s: len(s.mirror) == len(KEYS), what="every key")
    assert subscription.snapshot_mirror() == KEYS
    assert writer.state() == KEYS, "a new subscriber's whole state holds them too"

    assert writer.update(removals=["", "ключ"])
    subscription.wait(lambda s: "" not in s.mirror and "ключ" not in s.mirror, what="removals")
    assert writer.state() == {k: v for k, v in KEYS.items() if k not in ("", "ключ")}


NESTED = {
    "null": None,
    "list": [None, 1, [None, {"deep": None}], {}],
    "struct": {"inner": {"gone?": None, "kept": "yes"}},
    "empty list": [],
    "empty struct": {},
}


def test_nested_nulls_are_kept(hub):
    """Only a top-level null is a removal; nulls inside a value are values."""
    writer, watcher = hub.connect(), hub.connect()
    subscription = watcher.subscribe(0)
    assert writer.update({"nested": NESTED, "list": [None], "struct": {"only": None}})
    subscription.wait(lambda s: len(s.mirror) == 3, what="three keys")
    mirror = subscription.snapshot_mirror()
    assert values_equal(mirror["nested"], from_struct(to_struct(NESTED)))
    assert mirror["list"] == [None]
    assert mirror["struct"] == {"only": None}
    assert writer.state() == mirror


VALUES = [
    pytest.param(True, id="true"),
    pytest.param(False, id="false"),
    pytest.param(0.0, id="zero"),
    pytest.param(-1.5e-300, id="tiny-negative"),
    pytest.param(1.7976931348623157e308, id="largest-double"),
    pytest.param(float("nan"), id="nan"),
    pytest.param(float("inf"), id="infinity"),
    pytest.param(float("-inf"), id="minus-infinity"),
    pytest.param("", id="empty-string"),
    pytest.param("NaN", id="string-spelled-NaN"),
    pytest.param([1.0, "two", True, None, [], {}], id="mixed-list"),
]


@pytest.mark.parametrize("value", VALUES)
def test_values_travel_unchanged(hub, value):
    writer, watcher = hub.connect(), hub.connect()
    subscription = watcher.subscribe(0)
    assert writer.update({"value": value})
    received = subscription.wait(lambda s: "value" in s.mirror and [s.mirror["value"]], what="the value")[0]
    assert values_equal(received, value), f"{received!r} != {value!r}"
    assert values_equal(writer.state()["value"], value)


def test_integers_come_back_as_doubles(hub):
    writer, watcher = hub.connect(), hub.connect()
    subscription = watcher.subscribe(0)
    assert writer.update({"three": 3, "big": 2**53 + 1, "list": [1, 2]})
    subscription.wait(lambda s: len(s.mirror) == 3, what="three keys")
    mirror = subscription.snapshot_mirror()
    assert type(mirror["three"]) is float and mirror["three"] == 3.0
    assert all(type(item) is float for item in mirror["list"])
    # Above 2^53 integers lose precision: the double nearest 2^53 + 1 is 2^53.
    assert mirror["big"] == float(2**53) and mirror["big"] != 2**53 + 1


def test_removing_a_missing_key_succeeds_and_is_streamed_as_null(hub):
    writer, watcher = hub.connect(), hub.connect()
    assert writer.update({"seed": 1})
    subscription = watcher.subscribe(0)
    subscription.wait_for_messages(1)
    assert writer.update(removals=["ghost"]) is True
    second = subscription.wait_for_messages(2)[1]
    assert second.changes == {"ghost": None}
    assert writer.state() == {"seed": 1.0}


def test_a_thousand_key_change_arrives_in_one_message(hub):
    writer, watcher = hub.connect(), hub.connect()
    assert writer.update({"seed": 1})
    subscription = watcher.subscribe(0)
    subscription.wait_for_messages(1)

    change = {f"bulk.{index:04d}": index for index in range(1000)}
    assert writer.update(change)
    second = subscription.wait_for_messages(2)[1]
    assert second.changes == change, "never split: no subscriber sees it half applied"

    assert writer.update(removals=list(change))
    third = subscription.wait_for_messages(3)[2]
    assert third.changes == dict.fromkeys(change)
    assert subscription.snapshot_mirror() == {"seed": 1.0}


def test_a_one_mebibyte_string_value(hub):
    big = ("NanoVer ✓ " * 120_000)[: 1024 * 1024]
    assert len(big) == 1024 * 1024
    writer, watcher = hub.connect(), hub.connect()
    subscription = watcher.subscribe(0)
    assert writer.update({"big": big, "small": 1})
    subscription.wait(lambda s: len(s.mirror) == 2, what="both keys")
    assert subscription.snapshot_mirror()["big"] == big
    assert writer.state()["big"] == big


def test_every_subscriber_fast_or_slow_sees_the_latest_value(hub):
    writer = hub.connect()
    subscriptions = [hub.connect().subscribe(interval) for interval in (0, 0.05, 0.3)]
    for count in range(1, 41):
        assert writer.update({"counter": count, f"key.{count % 5}": count})
    expected = {"counter": 40.0, **{f"key.{count % 5}": float(count) for count in range(36, 41)}}
    for subscription in subscriptions:
        subscription.wait(lambda s: s.mirror == expected, what=f"the latest values at interval {subscription.interval}")


def test_fifty_concurrent_clients_writing_their_own_keys(hub):
    """Every write of 50 clients at once is seen by a subscriber (coalesced
    to the latest value of each key, never lost)."""
    subscription = hub.connect().subscribe(1 / 30)
    clients = [hub.connect() for _ in range(50)]
    start = threading.Barrier(len(clients))
    failures = []

    def write(index, client):
        try:
            start.wait(timeout=CALL_TIMEOUT)
            for round in range(4):
                accepted = client.update({f"client.{index}.{key}": {"round": round, "by": index}
                                          for key in range(3)})
                if not accepted:
                    failures.append(f"client {index} refused in round {round}")
        except (grpc.RpcError, threading.BrokenBarrierError) as error:
            failures.append(f"client {index}: {error!r}")

    threads = [threading.Thread(target=write, args=(index, client)) for index, client in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "writers did not finish"
    assert not failures, failures

    expected = {f"client.{index}.{key}": {"round": 3.0, "by": float(index)}
                for index in range(50) for key in range(3)}
    subscription.wait(lambda s: s.mirror == expected, timeout=60, what="all 150 keys at their last round")
    assert clients[0].state() == expected


def test_nan_in_a_nested_value(hub):
    writer = hub.connect()
    assert writer.update({"n": {"x": [float("nan"), float("inf")]}})
    value = writer.state()["n"]["x"]
    assert math.isnan(value[0]) and value[1] == math.inf
