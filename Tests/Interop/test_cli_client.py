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
from nanover_wire import float32

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
def background(bin_dir, contract_hub):
    """Starts `nanover` against the contract server without waiting for it,
    its output lines collected as they come; stops them all at the end."""
    readers = []

    def start(*arguments):
        reader = LineReader([str(bin_dir / "nanover"), "--address", "127.0.0.1",
                             "--port", str(contract_hub.port), *arguments])
        readers.append(reader)
        return reader

    yield start
    for reader in readers:
        reader.close()


@pytest.fixture
def watch(background):
    """Starts `nanover state watch` against the contract server."""
    return lambda *arguments: background("state", "watch", *arguments)


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
        "interop/publish-frame": {},
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


# --- Frames and interactions -----------------------------------------------------

# Frames written from the contract: a water molecule's topology (index 0),
# then what changes (indices 1 and 2), as `interop/publish-frame` arguments.
TOPOLOGY = {
    "index": 0,
    "values": {"particle.count": 3, "residue.count": 1, "chain.count": 1},
    "floats": {"particle.positions": [0.0, 0.0, 0.0, 0.0957, 0.0, 0.0, -0.024, 0.0927, 0.0]},
    "indices": {"particle.elements": [8, 1, 1], "particle.residues": [0, 0, 0], "bond.pairs": [0, 1, 0, 2],
                "residue.chains": [0]},
    "strings": {"particle.names": ["O", "H1", "H2"], "residue.names": ["HOH"], "chain.names": ["A"]},
}
STEPS = [
    {"index": 1, "values": {"system.simulation.time": 0.002},
     "floats": {"particle.positions": [0.001, 0.0, 0.0, 0.0967, 0.0, 0.0, -0.023, 0.0927, 0.0]}},
    {"index": 2, "values": {"system.simulation.time": 0.004, "energy.potential": -41.5},
     "floats": {"particle.positions": [0.002, 0.001, 0.0, 0.0977, 0.001, 0.0, -0.022, 0.0937, 1e-5]}},
]
TOPOLOGY_KEYS = sorted([*TOPOLOGY["values"], *TOPOLOGY["floats"], *TOPOLOGY["indices"], *TOPOLOGY["strings"],
                        "server.timestamp", "system.simulation.counter"])
# The merged current frame after the steps.
MERGED_KEYS = sorted({*TOPOLOGY_KEYS, *(key for step in STEPS for key in step["values"])})


def publish(hub, *frames):
    peer = hub.connect()
    for frame in frames:
        assert peer.run("interop/publish-frame", frame) == {}


def as_float32(numbers):
    return [float32(number) for number in numbers]


def test_frames_get_on_a_server_that_published_none(nanover):
    result = nanover("frames", "get", "--wait", "0.2")
    assert json_output(result) == {"index": None, "particle_count": None, "values": {}, "arrays": {}}
    assert "published none" in result.stderr


def test_frames_get_prints_the_merged_current_frame(nanover, contract_hub):
    publish(contract_hub, TOPOLOGY, *STEPS)
    frame = json_output(nanover("frames", "get"))
    assert frame["index"] == 2 and frame["particle_count"] == 3

    values = frame["values"]
    assert isinstance(values.pop("server.timestamp"), float)
    assert values == {"particle.count": 3, "residue.count": 1, "chain.count": 1, "system.simulation.counter": 0,
                      "system.simulation.time": 0.004, "energy.potential": -41.5}
    arrays = frame["arrays"]
    assert sorted(arrays) == sorted([*TOPOLOGY["floats"], *TOPOLOGY["indices"], *TOPOLOGY["strings"]])
    assert as_float32(arrays.pop("particle.positions")) == as_float32(STEPS[1]["floats"]["particle.positions"])
    assert arrays == {**TOPOLOGY["indices"], **TOPOLOGY["strings"]}


def test_frames_watch_latest_prints_the_current_frame_then_newer_ones(background, contract_hub):
    publish(contract_hub, TOPOLOGY, *STEPS)
    watcher = background("frames", "watch", "--latest")
    first = json.loads(watcher.wait_for_line(lambda line: True, what="the first line"))
    assert first == {"index": 2, "keys": MERGED_KEYS, "particle_count": 3}

    publish(contract_hub, {"index": 3, "floats": {"particle.positions": [0.0] * 9}})
    line = watcher.wait_for_line(lambda line: json.loads(line)["index"] == 3, what="frame 3")
    assert json.loads(line) == {"index": 3, "keys": ["particle.positions", "server.timestamp"],
                                "particle_count": 3}

    # A reset with an empty frame: nothing but what the server stamps on it.
    publish(contract_hub, {"index": 0})
    line = watcher.wait_for_line(lambda line: json.loads(line)["index"] == 0, what="the reset")
    assert json.loads(line) == {"index": 0, "keys": ["server.timestamp", "system.simulation.counter"],
                                "particle_count": None}
    assert watcher.terminate() == 0
    assert [json.loads(line)["index"] for line in watcher.lines] == [2, 3, 0]


def test_frames_watch_prints_every_frame_in_full(background, contract_hub):
    """The topology first (the current frame when the watch starts), then
    each frame published after, in order, with what it changed and the
    server's stamp."""
    publish(contract_hub, TOPOLOGY)
    watcher = background("frames", "watch", "--full")
    first = json.loads(watcher.wait_for_line(lambda line: True, what="the first line"))
    assert first["index"] == 0 and first["keys"] == TOPOLOGY_KEYS and first["particle_count"] == 3
    assert first["values"]["system.simulation.counter"] == 0
    assert first["arrays"]["particle.names"] == TOPOLOGY["strings"]["particle.names"]

    publish(contract_hub, *STEPS)
    watcher.wait_for_line(lambda line: json.loads(line)["index"] == 2, what="frame 2")
    frames = [json.loads(line) for line in watcher.lines]
    assert [frame["index"] for frame in frames] == [0, 1, 2]
    for frame, step in zip(frames[1:], STEPS):
        assert frame["keys"] == sorted([*step["values"], *step["floats"], "server.timestamp"])
        assert as_float32(frame["arrays"]["particle.positions"]) == as_float32(step["floats"]["particle.positions"])
        stamped = frame["values"].pop("server.timestamp")
        assert isinstance(stamped, float)
        assert frame["values"] == step["values"]
    assert watcher.terminate() == 0


def test_interact_holds_an_interaction_then_removes_it(background, contract_hub):
    """`nanover interact` writes an interaction.<uuid> key with the
    contract's fields (particles sorted and de-duplicated, the defaults
    filled in) and removes it when stopped."""
    watcher = contract_hub.connect().subscribe(0)
    interacting = background("interact", "--particles", "2,0,2", "--position", "0.5,-1,2.25", "--seconds", "600")
    key = interacting.wait_for_line(lambda line: True, what="the interaction's key")
    assert key.startswith("interaction.")
    value = watcher.wait(lambda s: s.mirror.get(key), what="the interaction")
    assert value == {"position": [0.5, -1.0, 2.25], "particles": [0.0, 2.0], "interaction_type": "gaussian",
                     "scale": 1.0, "mass_weighted": True, "reset_velocities": False, "max_force": 20000.0}

    assert interacting.terminate() == 0
    watcher.wait(lambda s: key not in s.mirror, what="the interaction's removal")
