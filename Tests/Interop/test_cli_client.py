"""Our Swift client, through the `nanover` program, against the contract
server: a different stack (Python, grpcio's asyncio server) written from
the contract alone. What the program changes is checked from a plain grpcio
peer, and what a peer changes is checked through the program.

Exit status of `nanover`: 0 done, 1 refused, 2 usage, 3 cannot reach the
server, 4 the command failed on the server.
"""

import json
import socket
import subprocess
import time

import pytest

from interop_harness import LineReader, wait_until

CLI_TIMEOUT = 60


@pytest.fixture
def nanover(bin_dir, contract_hub):
    """Runs `nanover` against the contract server; returns the finished process."""
    def run(*arguments, port=None):
        return subprocess.run(
            [str(bin_dir / "nanover"), "--address", "127.0.0.1", "--port", str(port or contract_hub.port),
             *arguments],
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=CLI_TIMEOUT)
    return run


@pytest.fixture
def watch(bin_dir, contract_hub):
    """Starts `nanover state watch` against the contract server; stops them all
    at the end."""
    readers = []

    def start(*arguments):
        reader = LineReader([str(bin_dir / "nanover"), "--address", "127.0.0.1",
                             "--port", str(contract_hub.port), "state", "watch", *arguments])
        readers.append(reader)
        return reader

    yield start
    for reader in readers:
        reader.close()


def ok(result):
    assert result.returncode == 0, f"exit {result.returncode}: {result.stderr}"
    return result.stdout


def json_output(result):
    return json.loads(ok(result))


def test_lists_commands_with_their_defaults_as_json(nanover):
    assert json_output(nanover("commands", "--json")) == {
        "interop/echo": {"a": 1, "b": "default"},
        "interop/fail": {},
        "interop/nothing": {},
        "multiuser/radially-orient-origins": {"radius": 1},
    }


def test_lists_commands_as_text(nanover):
    lines = ok(nanover("commands")).splitlines()
    listed = {line.split("  ", 1)[0]: json.loads(line.split("  ", 1)[1]) for line in lines}
    assert listed["interop/echo"] == {"a": 1, "b": "default"}
    assert listed["multiuser/radially-orient-origins"] == {"radius": 1}


def test_runs_a_command_with_its_defaults_overlaid(nanover):
    """The server overlays the defaults with what the client sent: the
    client's value wins, and keys the defaults lack are passed too."""
    result = json_output(nanover("run", "interop/echo", "b=override", "extra=5", "list=[1, null]"))
    assert result == {"a": 1, "b": "override", "extra": 5, "list": [1, None]}


def test_runs_a_command_with_json_arguments(nanover):
    result = json_output(nanover("run", "interop/echo", "--arguments", '{"a": 2, "c": {"d": null}}', "a=3"))
    assert result == {"a": 3, "b": "default", "c": {"d": None}}


def test_a_command_returning_nothing_gives_an_empty_result(nanover):
    assert json_output(nanover("run", "interop/nothing")) == {}


@pytest.mark.parametrize("name, words", [
    ("interop/no-such-command", ["INVALID_ARGUMENT", "interop/no-such-command"]),
    ("interop/fail", ["interop/fail", "always fails"]),
])
def test_a_command_failing_on_the_server_exits_4(nanover, name, words):
    result = nanover("run", name)
    assert result.returncode == 4, result
    for word in words:
        assert word in result.stderr
    ok(nanover("commands"))


def test_runs_the_radial_command(nanover, contract_hub):
    peer = contract_hub.connect()
    assert peer.update({"avatar.a": {}, "avatar.b": {}})
    assert json_output(nanover("run", "multiuser/radially-orient-origins", "radius=2")) == {}
    state = peer.state()
    assert state["user-origin.a"]["position"] == pytest.approx([2.0, 0.0, 0.0], abs=1e-9)
    assert state["user-origin.b"]["position"] == pytest.approx([-2.0, 0.0, 0.0], abs=1e-9)


def test_sets_gets_and_removes_state(nanover, contract_hub):
    peer = contract_hub.connect()
    subscription = peer.subscribe(0)
    ok(nanover("state", "set", "count=1", 'scene={"atoms": [1, null], "name": "water"}', "name=water"))
    expected = {"count": 1.0, "scene": {"atoms": [1.0, None], "name": "water"}, "name": "water"}
    subscription.wait(lambda s: s.mirror == expected, what="the program's change")
    assert len(subscription.snapshot_messages()) == 1, "one atomic change"

    assert json_output(nanover("state", "get")) == expected
    assert json_output(nanover("state", "get", "count", "name")) == {"count": 1, "name": "water"}

    ok(nanover("state", "remove", "count", "missing"))
    subscription.wait(lambda s: "count" not in s.mirror, what="the removal")
    # One atomic change, with the removal of the missing key streamed too.
    removal = next(m for m in reversed(subscription.snapshot_messages()) if "count" in m.changes)
    assert removal.changes["count"] is None and removal.changes.get("missing", "absent") is None
    assert json_output(nanover("state", "get")) == {k: v for k, v in expected.items() if k != "count"}


def test_gets_an_empty_state(nanover):
    """The protocol has no "get": an empty state sends nothing until a
    change, and a grpcio server (like the Python reference) sends no response
    headers before its first message. The client must still get {}."""
    assert json_output(nanover("state", "get")) == {}


def test_a_lock_refuses_another_token_until_unlocked(nanover):
    ok(nanover("state", "set", "scene=0"))
    ok(nanover("lock", "scene=60", "--token", "alice"))
    refused = nanover("state", "set", "scene=1", "--token", "bob")
    assert refused.returncode == 1, refused
    assert "refused" in refused.stderr
    assert nanover("state", "remove", "scene", "--token", "bob").returncode == 1
    ok(nanover("state", "set", "scene=2", "--token", "alice"))

    ok(nanover("unlock", "scene", "--token", "bob"))      # not bob's: ignored
    assert nanover("state", "set", "scene=3", "--token", "bob").returncode == 1
    ok(nanover("unlock", "scene", "--token", "alice"))
    ok(nanover("state", "set", "scene=4", "--token", "bob"))
    assert json_output(nanover("state", "get", "scene")) == {"scene": 4}


def test_locks_are_shared_with_other_clients(nanover, contract_hub):
    peer = contract_hub.connect(token="python-peer")
    assert peer.lock("held", 60)
    assert nanover("state", "set", "held=1").returncode == 1
    assert nanover("lock", "held=60", "--token", "cli").returncode == 1
    ok(nanover("lock", "mine=60", "--token", "cli"))
    assert peer.update({"mine": 1}) is False
    ok(nanover("state", "set", "held=2", "--token", "python-peer"))
    assert peer.state() == {"held": 2.0}


def test_a_lock_request_is_all_or_nothing(nanover):
    ok(nanover("lock", "first=60", "--token", "alice"))
    assert nanover("lock", "first=60", "second=60", "--token", "bob").returncode == 1
    ok(nanover("lock", "second=60", "--token", "carol"))


def test_a_lock_lapses(nanover):
    locked_at = time.monotonic()
    ok(nanover("lock", "key=0.3", "--token", "alice"))

    def bob_gets_in():
        return nanover("state", "set", "key=1", "--token", "bob").returncode == 0 and time.monotonic()
    accepted_by = wait_until(bob_gets_in, what="the lock to lapse", poll=0.05)
    assert accepted_by >= locked_at + 0.3 - 0.02, "not before the lock's duration"


def test_watch_prints_the_state_then_each_change(watch, contract_hub):
    peer = contract_hub.connect()
    assert peer.update({"seed": {"atoms": 3}})
    watcher = watch("--interval", "0")
    first = json.loads(watcher.wait_for_line(lambda line: True, what="the first line"))
    assert first == {"updates": {"seed": {"atoms": 3}}, "removals": []}

    assert peer.update({"avatar.me": {"position": [0.5, 1, None]}, "seed": 4})
    line = watcher.wait_for_line(lambda line: "avatar.me" in line, what="the update")
    assert json.loads(line) == {"updates": {"avatar.me": {"position": [0.5, 1, None]}, "seed": 4}, "removals": []}

    assert peer.update(removals=["avatar.me"])
    line = watcher.wait_for_line(lambda line: json.loads(line)["removals"], what="the removal")
    assert json.loads(line) == {"updates": {}, "removals": ["avatar.me"]}
    assert watcher.terminate() == 0


def test_watch_on_an_empty_state_waits_for_the_first_change(watch, contract_hub):
    watcher = watch("--interval", "0.05", "--prefix", "avatar.")
    peer = contract_hub.connect()
    assert peer.update({"scene": 1})
    assert peer.update({"avatar.a": 1, "scene": 2})
    line = watcher.wait_for_line(lambda line: True, what="the first line")
    assert json.loads(line) == {"updates": {"avatar.a": 1}, "removals": []}
    assert watcher.terminate() == 0
    assert all("scene" not in line for line in watcher.lines)


def test_a_server_that_is_not_there_exits_3(nanover):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = nanover("commands", port=port)
    assert result.returncode == 3, result
