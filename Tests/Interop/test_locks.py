"""Locks: per-key, per-token, expiring; atomic state changes that respect
them; all-or-nothing lock requests.

Expiry is checked without fixed sleeps as assertions: a refusal is only
asserted for a call that ended before the lock could have lapsed, and a
lapse is awaited by polling with a deadline.
"""

import time

import grpc
import pytest

from interop_harness import sleep_until, wait_until
from nanover_wire import state_pb2

SHORT = 0.3
LONG = 60.0
TOLERANCE = 0.02


def attempt_timed(peer, updates=None, removals=()):
    """(accepted, when the call started, when it ended)."""
    started = time.monotonic()
    accepted = peer.update(updates, removals)
    return accepted, started, time.monotonic()


def test_a_lock_refuses_other_tokens_until_released(hub):
    alice, bob = hub.connect(), hub.connect()
    assert alice.update({"scene": 1})
    assert alice.lock("scene", LONG) is True
    assert bob.update({"scene": 2}) is False
    assert bob.update(removals=["scene"]) is False, "a removal needs the lock too"
    assert alice.update({"scene": 3}) is True, "the holder changes it freely"
    assert bob.state() == {"scene": 3.0}, "refused changes changed nothing"

    assert alice.update_locks({"scene": None}) is True
    assert bob.update({"scene": 4}) is True, "released at once"
    assert alice.state() == {"scene": 4.0}


def test_a_change_touching_a_locked_key_is_refused_whole(hub):
    alice, bob = hub.connect(), hub.connect()
    assert alice.update({"a": 1, "b": 1, "c": 1})
    assert alice.lock("b", LONG)
    assert bob.update({"a": 2, "b": 2, "new": 2}, removals=["c"]) is False
    assert bob.state() == {"a": 1.0, "b": 1.0, "c": 1.0}
    assert bob.update({"a": 2, "new": 2}, removals=["c"]) is True
    assert bob.state() == {"a": 2.0, "b": 1.0, "new": 2.0}


def test_a_refused_change_is_not_streamed(hub):
    alice, bob = hub.connect(), hub.connect()
    assert alice.update({"seed": 1})
    subscription = hub.connect().subscribe(0)
    subscription.wait_for_messages(1)
    assert alice.lock("locked", LONG)
    assert bob.update({"locked": "no", "free": "no"}) is False
    assert bob.update({"after": "yes"}) is True
    subscription.wait_for_value("after", "yes")
    assert [m.changes for m in subscription.snapshot_messages()] == [{"seed": 1.0}, {"after": "yes"}]


def test_a_lock_lapses_by_itself(hub):
    alice, bob = hub.connect(), hub.connect()
    locked_at = time.monotonic()
    assert alice.lock("key", SHORT)
    accepted, _, ended = attempt_timed(bob, {"key": "bob"})
    if ended < locked_at + SHORT - TOLERANCE:
        assert accepted is False, "refused while the lock certainly held"

    def bob_gets_in():
        accepted, _, ended = attempt_timed(bob, {"key": "bob"})
        return accepted and ended
    accepted_by = wait_until(bob_gets_in, what="the lock to lapse", poll=0.02)
    assert accepted_by >= locked_at + SHORT - TOLERANCE, "not before the lock's duration"
    assert alice.state() == {"key": "bob"}


def test_locks_need_no_key_and_outlive_their_client(hub):
    """Keys need not exist to be locked, and closing a client does not
    release its locks."""
    alice, bob = hub.connect(), hub.connect()
    assert alice.lock("not.yet", LONG)
    alice.close()
    assert bob.update({"not.yet": 1}) is False
    assert bob.state() == {}


def test_renewal_extends_a_lock(hub):
    alice, bob = hub.connect(), hub.connect()
    assert alice.lock("key", SHORT)
    assert alice.lock("key", LONG) is True, "the holder renews its own lock"
    renewed_at = time.monotonic()
    sleep_until(renewed_at + SHORT + 0.2)
    assert bob.update({"key": 1}) is False, "renewed: still held after the first duration"


def test_renewal_can_shorten_a_lock(hub):
    alice, bob = hub.connect(), hub.connect()
    assert alice.lock("key", LONG)
    assert alice.lock("key", SHORT) is True
    wait_until(lambda: bob.update({"key": 1}), what="the shortened lock to lapse", poll=0.02)


def test_releasing_another_tokens_lock_succeeds_and_the_lock_stays(hub):
    alice, bob = hub.connect(), hub.connect()
    assert alice.lock("key", LONG)
    assert bob.update_locks({"key": None}) is True, "silently ignored"
    assert bob.update({"key": 1}) is False
    assert alice.update({"key": 2}) is True


def test_releasing_a_key_nobody_holds_succeeds(hub):
    alice = hub.connect()
    assert alice.update_locks({"never.locked": None}) is True


def test_an_empty_lock_request_succeeds(hub):
    alice = hub.connect()
    request = state_pb2.UpdateLocksRequest(access_token=alice.token)
    assert alice.state_stub.UpdateLocks(request, timeout=30).success is True


def test_a_lock_request_is_all_or_nothing(hub):
    alice, bob, carol = hub.connect(), hub.connect(), hub.connect()
    assert alice.lock("held", LONG)
    assert bob.update_locks({"held": LONG, "free": LONG}) is False
    assert carol.lock("free", LONG) is True, "bob's refused request acquired nothing"
    assert bob.update({"free": 1}) is False


def test_a_refused_lock_request_releases_nothing(hub):
    alice, bob, carol = hub.connect(), hub.connect(), hub.connect()
    assert bob.lock("mine", LONG)
    assert alice.lock("theirs", LONG)
    assert bob.update_locks({"theirs": LONG, "mine": None}) is False
    assert carol.update({"mine": 1}) is False, "bob still holds his lock"
    assert bob.update({"mine": 2}) is True


def test_a_lock_request_mixing_acquire_renew_and_release(hub):
    alice, bob = hub.connect(), hub.connect()
    assert alice.update_locks({"a": LONG, "b": LONG})
    assert alice.update_locks({"a": None, "b": LONG, "c": LONG}) is True
    assert bob.update({"a": 1}) is True
    assert bob.update({"b": 1}) is False
    assert bob.update({"c": 1}) is False


@pytest.mark.parametrize("seconds", [0, -1])
def test_a_lock_of_zero_or_fewer_seconds_has_already_lapsed(hub, seconds):
    alice, bob = hub.connect(), hub.connect()
    assert alice.lock("key", seconds) is True
    assert bob.update({"key": 1}) is True


MALFORMED = {
    "string": "10",
    "bool": True,
    "list": [10],
    "struct": {"seconds": 10},
}


@pytest.mark.parametrize("kind", list(MALFORMED))
def test_a_malformed_lock_value_is_invalid_argument(hub, kind):
    alice, bob = hub.connect(), hub.connect()
    with pytest.raises(grpc.RpcError) as raised:
        alice.update_locks({"good": LONG, "bad": MALFORMED[kind]})
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "bad" in raised.value.details(), "the message says which key"
    assert bob.lock("good", LONG) is True, "the malformed request changed nothing"
