"""Recording files across the two stacks: what our programs write, read by
`recording_format.py` (a reader written from the contract alone); what that
module writes, read and played by our programs.

- Our side writes: `nanover record` recording our frame server, and
  `nanover-server --record` recording its own session, stopped with SIGTERM.
  The files must read whole: timestamps in order, .traj entries that are
  GetFrameResponse messages with the frames' indices and keys, .state
  entries that are StateUpdate messages with the changes made, a removal as
  a null.
- Python writes: `nanover recording info --json` must describe the files
  as written, and `nanover-server --playback` must replay them, checked
  from a plain grpcio peer under the playback commands.
- Damaged files: a file cut short mid-entry reads and plays up to its last
  complete entry; a file with another magic number or version is refused,
  saying which, before the hub listens.

Playback is driven entry by entry (pause, reset, step), never judged by how
long it takes: a step shows up as a frame or a state change waited for with
a deadline. Each index-0 frame the hub publishes carries one more
`system.simulation.counter`, which tells one reset or topology frame from
an earlier one.
"""

import json
import subprocess
import threading
import time

import pytest

import recording_format
from interop_harness import FRAME_SERVER_ATOMS as ATOMS
from interop_harness import DEADLINE, expected_positions
from nanover_wire import float32, from_frame, to_frame

CLI_TIMEOUT = 60
IDENTITY_SCENE = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0]

# The keys the contract names for frames ("Frames": the standard keys).
CONTRACT_FRAME_KEYS = {
    "particle.positions", "particle.velocities", "particle.forces", "particle.forces.system",
    "particle.elements", "particle.names", "particle.residues", "particle.count",
    "residue.names", "residue.ids", "residue.chains", "residue.count", "chain.names", "chain.count",
    "bond.pairs", "bond.orders", "system.box.vectors", "system.simulation.time",
    "system.simulation.counter", "system.temperature", "energy.kinetic", "energy.potential",
    "energy.user.total", "forces.user.sparse", "forces.user.index", "forces.user.work_done",
    "server.timestamp",
}
# What the frame server publishes: its topology (index 0), then positions.
TOPOLOGY_KEYS = {"particle.count", "particle.elements", "particle.positions",
                 "server.timestamp", "system.simulation.counter"}
POSITIONS_KEYS = {"particle.positions", "server.timestamp"}
# What the hub adds to every frame it publishes (the counter on index 0).
HUB_KEYS = {"server.timestamp", "system.simulation.counter"}


def run_nanover(bin_dir, *arguments, port=None):
    """Runs our `nanover` program (against 127.0.0.1:port when given)."""
    address = ["--address", "127.0.0.1", "--port", str(port)] if port is not None else []
    return subprocess.run([str(bin_dir / "nanover"), *address, *arguments],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=CLI_TIMEOUT)


def recording_info(bin_dir, *paths):
    """`nanover recording info --json`: one object per file, by path."""
    result = run_nanover(bin_dir, "recording", "info", "--json", *map(str, paths))
    assert result.returncode == 0, f"exit {result.returncode}: {result.stderr}"
    described = [json.loads(line) for line in result.stdout.splitlines()]
    return {entry["path"]: entry for entry in described}


def decoded_frames(recording):
    """A .traj recording's entries as (timestamp, index, values, arrays)."""
    return [(entry.timestamp, response.frame_index, *from_frame(response.frame))
            for entry, response in zip(recording.entries, recording.frames())]


def assert_in_order(recording):
    timestamps = recording.timestamps
    assert timestamps == sorted(timestamps), f"timestamps go back: {timestamps}"


def folded(updates):
    """The state the updates leave, applied in order to an empty one."""
    state = {}
    for update in updates:
        for key, value in update.items():
            if value is None:
                state.pop(key, None)
            else:
                state[key] = value
    return state


# --- The reader of this suite, on hand-made files -------------------------------

def test_the_suites_reader_stops_at_the_last_complete_entry_wherever_a_file_is_cut():
    """The Python reader is the judge of our writers, so it is checked
    first: cut at every byte, a file reads as its complete entries, and says
    it was cut short unless the cut falls between entries."""
    entries = [(0, b"\x08\x01"), (1 << 64 | 5, b""), (7, b"\x08\x02\x12\x00")]
    data = recording_format.recording_bytes(entries)
    ends = [recording_format.HEADER_SIZE]
    for timestamp, payload in entries:
        ends.append(ends[-1] + len(recording_format.entry_bytes(timestamp, payload)))
    assert ends[-1] == len(data)

    for size in range(recording_format.HEADER_SIZE, len(data) + 1):
        recording = recording_format.parse_bytes(data[:size])
        complete = sum(1 for end in ends[1:] if end <= size)
        assert [(e.timestamp, e.payload) for e in recording.entries] == entries[:complete], size
        assert recording.cut_short == (size not in ends), size
        assert recording.trailing_bytes == size - ends[complete]


@pytest.mark.parametrize("data, error", [
    (recording_format.recording_bytes([(0, b"")], magic=1234), recording_format.WrongMagicNumber),
    (recording_format.recording_bytes([(0, b"")], version=3), recording_format.UnsupportedVersion),
    (recording_format.header_bytes()[:10], recording_format.TruncatedHeader),
], ids=["magic", "version", "header"])
def test_the_suites_reader_tells_apart_what_is_not_a_recording(data, error):
    """Three faults, three errors: another magic number, another version,
    and a file too short for the header."""
    with pytest.raises(error) as raised:
        recording_format.parse_bytes(data)
    others = {recording_format.WrongMagicNumber, recording_format.UnsupportedVersion,
              recording_format.TruncatedHeader} - {error}
    assert not isinstance(raised.value, tuple(others))


# --- Our programs write, Python reads -----------------------------------------

def test_nanover_record_writes_what_the_frame_server_published(frame_server, bin_dir, tmp_path):
    """`nanover record` records our frame server for a second while a peer
    keeps changing a key. The .traj file holds the latest frames as they
    came: first the merged current frame (the whole topology), then frames
    of increasing indices, each with the positions of its index. The .state
    file starts with the whole state (the key set before), and the changed
    key's recorded values only go up. The JSON line the program ends with
    counts what Python reads; no timestamp lies beyond the time the
    program ran."""
    peer = frame_server.connect()
    assert peer.update({"recorded.before": {"set": "before recording"}, "recorded.counter": 0})
    stop = threading.Event()
    written = []

    def keep_changing():
        while not stop.is_set():
            if peer.set("recorded.counter", len(written) + 1):
                written.append(len(written) + 1)

    writer = threading.Thread(target=keep_changing, daemon=True)
    writer.start()
    prefix = tmp_path / "frames"
    started = time.monotonic()
    try:
        result = run_nanover(bin_dir, "record", str(prefix), "--seconds", "1", port=frame_server.port)
    finally:
        elapsed = time.monotonic() - started
        stop.set()
        writer.join(timeout=DEADLINE)
    assert result.returncode == 0, f"exit {result.returncode}: {result.stderr}"
    summary = json.loads(result.stdout.splitlines()[-1])

    traj = recording_format.read(f"{prefix}.traj")
    state = recording_format.read(f"{prefix}.state")
    assert not traj.cut_short and not state.cut_short
    assert summary["frames"] == len(traj.entries) and summary["state_updates"] == len(state.entries)
    for recording in (traj, state):
        assert_in_order(recording)
        assert all(t <= elapsed * 1e6 for t in recording.timestamps), (recording.timestamps, elapsed)

    frames = decoded_frames(traj)
    assert frames, "the frame server had published its topology: the first message is due at once"
    _, _, first_values, first_arrays = frames[0]
    assert set(first_values) | set(first_arrays) == TOPOLOGY_KEYS
    assert first_values["particle.count"] == float(ATOMS)
    assert first_values["system.simulation.counter"] == 0.0
    assert first_arrays["particle.elements"] == ("index", [6] * ATOMS)
    indices = [index for _, index, _, _ in frames]
    assert indices == sorted(set(indices)), f"latest frames, increasing: {indices}"
    stamps = [values["server.timestamp"] for _, _, values, _ in frames]
    assert stamps == sorted(stamps), stamps
    for _, index, values, arrays in frames:
        assert set(values) | set(arrays) <= CONTRACT_FRAME_KEYS
        kind, positions = arrays["particle.positions"]
        assert kind == "float"
        assert positions == pytest.approx(expected_positions(index), abs=1e-6), f"frame {index}"
    for _, _, values, arrays in frames[1:]:
        assert set(values) | set(arrays) == POSITIONS_KEYS

    updates = state.state_updates()
    assert updates, "the state was not empty: the first message is due at once"
    assert updates[0]["recorded.before"] == {"set": "before recording"}
    counters = [update["recorded.counter"] for update in updates if "recorded.counter" in update]
    assert counters == sorted(set(counters)), counters
    assert all(key in ("recorded.before", "recorded.counter") for update in updates for key in update)
    assert counters[-1] <= (written[-1] if written else 0)


def test_a_hub_recording_its_own_session_writes_every_change_with_removals_as_null(start_hub, bin_dir, tmp_path):
    """`nanover-server --record`, changed by a Python peer and by our CLI,
    then stopped with SIGTERM: the .state file holds each change in the
    order it was made, the removal as a null, and is complete; a hub with
    nothing to publish leaves a .traj file of no entries."""
    prefix = tmp_path / "session"
    hub = start_hub("swift", [str(bin_dir / "nanover-server"), "--address", "127.0.0.1", "--port", "0",
                              "--name", "interop", "--record", str(prefix)])
    peer = hub.connect()
    assert peer.update({"a": 1, "b": {"x": [1, "two", None]}})
    assert peer.update(removals=["a"])
    result = run_nanover(bin_dir, "state", "set", "c=true", port=hub.port)
    assert result.returncode == 0, result.stderr
    assert peer.update({"b": "replaced"})
    assert hub.stop() == 0, hub.process.stderr_text()

    state = recording_format.read(f"{prefix}.state")
    traj = recording_format.read(f"{prefix}.traj")
    assert not state.cut_short and not traj.cut_short
    assert traj.entries == []
    assert_in_order(state)
    assert state.state_updates() == [
        {"a": 1.0, "b": {"x": [1.0, "two", None]}},
        {"a": None},
        {"c": True},
        {"b": "replaced"},
    ]
    assert folded(state.state_updates()) == {"b": "replaced", "c": True}


# --- Python writes, our programs read ------------------------------------------

NOTE = {"recorded.note": "hello", "scene": [1, 2, 3, 0, 0, 0, 1, 2, 2, 2]}


def topology_frame():
    return to_frame({"particle.count": 3}, {
        "particle.elements": ("index", [1, 6, 8]),
        "particle.positions": ("float", [0.0] * 9),
        "particle.names": ("string", ["H", "C", "O"]),
    })


def positions_frame(index):
    return to_frame(None, {"particle.positions": ("float", [index + 0.5] * 9)})


def recorded_entries():
    """A small recording, merged by timestamp (microseconds): a topology
    frame with index 0, then state and frames in turn, the state setting a
    key and the scene, setting another key and removing it."""
    traj = [recording_format.frame_entry(0, 0, topology_frame())]
    traj += [recording_format.frame_entry(index * 20_000, index, positions_frame(index)) for index in (1, 2, 3)]
    state = [recording_format.state_entry(10_000, NOTE),
             recording_format.state_entry(30_000, {"recorded.gone": 5}),
             recording_format.state_entry(50_000, {"recorded.gone": None})]
    return traj, state


def write_recording(directory, name, traj, state):
    paths = directory / f"{name}.traj", directory / f"{name}.state"
    recording_format.write(paths[0], traj)
    recording_format.write(paths[1], state)
    return paths


@pytest.fixture
def start_playback(start_hub, bin_dir):
    """Starts our nanover-server playing the given files."""
    def start(*paths):
        return start_hub("swift", [str(bin_dir / "nanover-server"), "--address", "127.0.0.1", "--port", "0",
                                   "--name", "interop", "--playback", *map(str, paths)])
    return start


def wait_for_frame(frames, predicate, what):
    """The first frame of the stream, in order, that `predicate` holds for."""
    return frames.wait(lambda s: next((frame for frame in s.messages if predicate(frame)), None),
                       what=what)


def paused_and_reset(peer):
    """Pauses and resets the playback; returns a frame subscription and a
    state subscription made then, and the reset's empty index-0 frame (the
    frame subscription's first message: once the commands have returned,
    a paused playback publishes nothing more)."""
    assert peer.run("playback/pause") == {}
    assert peer.run("playback/reset") == {}
    frames = peer.subscribe_frames(0)
    changes = peer.subscribe(0)
    reset = frames.wait_for_messages(1)[0]
    assert reset.index == 0 and reset.keys == HUB_KEYS, f"the reset's empty frame: {reset!r}"
    changes.wait_for_value("scene", IDENTITY_SCENE)
    return frames, changes, reset


def test_our_recording_info_describes_a_recording_written_by_python(bin_dir, tmp_path):
    """Our reader agrees with the Python writer on every entry: counts,
    frame indices and resets, keys (a removed key was still set once), and
    the span of the timestamps."""
    traj, state = recorded_entries()
    traj_path, state_path = write_recording(tmp_path, "python", traj, state)
    described = recording_info(bin_dir, traj_path, state_path)

    frames = described[str(traj_path)]
    assert frames["kind"] == "frames" and frames["entries"] == 4 and not frames["cut_short"]
    assert (frames["first_index"], frames["last_index"], frames["resets"]) == (0, 3, 1)
    assert frames["keys"] == ["particle.count", "particle.elements", "particle.names", "particle.positions"]
    assert frames["duration_seconds"] == pytest.approx(0.06)
    assert frames["undecodable_entries"] == 0

    changes = described[str(state_path)]
    assert changes["kind"] == "state" and changes["entries"] == 3 and not changes["cut_short"]
    assert changes["keys"] == ["recorded.gone", "recorded.note", "scene"]
    assert changes["duration_seconds"] == pytest.approx(0.05)
    assert changes["undecodable_entries"] == 0


def test_our_hub_plays_a_recording_written_by_python_entry_by_entry(start_playback, tmp_path):
    """Paused and reset, each step plays exactly the next entry: first the
    topology frame with its recorded index 0 (and no `index` value key),
    then the recorded state, then the next frame, and so on; the removal
    removes. A reset removes the recording's keys, sets the scene to
    identity, and publishes an empty frame with index 0."""
    traj, state = recorded_entries()
    hub = start_playback(*write_recording(tmp_path, "python", traj, state))
    peer = hub.connect()
    assert peer.run("playback/list") == {"simulations": ["python"]}
    frames, changes, reset = paused_and_reset(peer)
    counter = reset.values["system.simulation.counter"]

    assert peer.run("playback/step") == {}
    first = wait_for_frame(frames, lambda f: f.values.get("system.simulation.counter") == counter + 1,
                           "the recorded topology frame")
    assert first.index == 0
    assert first.keys == {"particle.count", "particle.elements", "particle.names", "particle.positions"} | HUB_KEYS
    assert first.values["particle.count"] == 3.0
    assert first.arrays["particle.elements"] == ("index", [1, 6, 8])
    assert first.arrays["particle.names"] == ("string", ["H", "C", "O"])
    assert first.arrays["particle.positions"] == ("float", [0.0] * 9)
    assert "recorded.note" not in peer.state(), "one step is one entry: the state comes next"

    assert peer.run("playback/step") == {}
    changes.wait_for_value("recorded.note", "hello")
    changes.wait_for_value("scene", NOTE["scene"])
    assert peer.current_frame().values["system.simulation.counter"] == counter + 1
    assert peer.current_frame().index == 0, "the state's step published no frame"

    def step_to_frame(index):
        assert peer.run("playback/step") == {}
        played = frames.wait_for_index(index)
        assert played.keys == {"particle.positions", "server.timestamp"}, "no `index` value key"
        assert played.arrays["particle.positions"] == ("float", [float32(index + 0.5)] * 9)

    step_to_frame(1)
    assert peer.run("playback/step") == {}
    changes.wait_for_value("recorded.gone", 5)
    step_to_frame(2)
    assert peer.run("playback/step") == {}
    changes.wait(lambda s: "recorded.gone" not in s.mirror, what="the recorded removal")
    step_to_frame(3)

    # Each step was waited for before the next: nothing merged, nothing more.
    played = frames.snapshot_messages()
    assert [frame.index for frame in played[played.index(first):]] == [0, 1, 2, 3]
    assert [received.changes for received in changes.snapshot_messages()[1:]] == [
        {"recorded.note": "hello", "scene": [1.0, 2.0, 3.0, 0.0, 0.0, 0.0, 1.0, 2.0, 2.0, 2.0]},
        {"recorded.gone": 5.0},
        {"recorded.gone": None},
    ]

    seen = len(frames.snapshot_messages())
    assert peer.run("playback/reset") == {}
    again = frames.wait_for_index(0, after=seen)
    assert again.keys == HUB_KEYS and again.values["system.simulation.counter"] == counter + 2
    changes.wait(lambda s: "recorded.note" not in s.mirror
                 and s.mirror.get("scene") == IDENTITY_SCENE, what="the recording's keys removed, the scene reset")
    assert "recorded.note" not in peer.state()
    assert peer.state()["scene"] == IDENTITY_SCENE


# --- Damaged files ---------------------------------------------------------------

def test_a_recording_cut_short_mid_entry_is_described_as_such_and_still_plays(bin_dir, start_playback, tmp_path):
    """A .traj file cut inside its last entry's message and a .state file
    cut inside an entry's header, as a crash would leave them: our reader
    counts the complete entries and says where it stopped, and our hub
    plays those entries, then loops."""
    traj, state = recorded_entries()
    traj_path, state_path = tmp_path / "cut.traj", tmp_path / "cut.state"
    traj_bytes = recording_format.recording_bytes(traj)
    traj_path.write_bytes(traj_bytes[:-5])
    state_bytes = recording_format.recording_bytes(state[:2])
    state_path.write_bytes(state_bytes + recording_format.entry_bytes(*state[2])[:10])
    assert len(recording_format.read(traj_path).entries) == 3 and recording_format.read(traj_path).cut_short
    assert len(recording_format.read(state_path).entries) == 2 and recording_format.read(state_path).cut_short

    described = recording_info(bin_dir, traj_path, state_path)
    for path, entries in ((traj_path, 3), (state_path, 2)):
        assert described[str(path)]["cut_short"] is True, described[str(path)]
        assert described[str(path)]["entries"] == entries
        assert described[str(path)]["cut_short_at"], "says where"
    assert described[str(traj_path)]["last_index"] == 2

    hub = start_playback(traj_path, state_path)
    peer = hub.connect()
    assert peer.run("playback/list") == {"simulations": ["cut"]}
    frames, changes, reset = paused_and_reset(peer)
    counter = reset.values["system.simulation.counter"]

    # Entry by entry up to the last complete one of each file.
    for index, change in ((0, None), (None, ("recorded.note", "hello")), (1, None),
                          (None, ("recorded.gone", 5)), (2, None)):
        assert peer.run("playback/step") == {}
        if change is None:
            frames.wait(lambda s: s.messages[-1].index == index and s.messages[-1] is not reset,
                        what=f"frame {index}")
        else:
            changes.wait_for_value(*change)

    # Then playing goes from there to the end and loops: the next frame is
    # the loop's reset (the topology after the first reset was counter + 1),
    # never the frame cut short.
    last = frames.snapshot_messages()[-1]
    assert peer.run("playback/play") == {}
    looped = wait_for_frame(frames, lambda f: f.index == 0 and f.values.get("system.simulation.counter") == counter + 2,
                            "the playback looping to its start")
    assert looped.keys == HUB_KEYS
    played = frames.snapshot_messages()
    assert [frame.index for frame in played[played.index(reset) + 1:played.index(looped)]] == [0, 1, 2]
    assert played.index(looped) == played.index(last) + 1, "nothing between the last complete frame and the loop"
    assert peer.run("playback/pause") == {}


@pytest.mark.parametrize("header, words", [
    (recording_format.header_bytes(magic=1234), ["magic number", "1234"]),
    (recording_format.header_bytes(version=3), ["version", "3"]),
], ids=["magic", "version"])
def test_a_file_that_is_not_a_recording_is_refused_saying_why(bin_dir, tmp_path, header, words):
    """Another magic number or version: `nanover recording info` exits 2
    (usage) naming the file and the fault, and `nanover-server --playback`
    stops before it listens, saying the same."""
    traj, state = recorded_entries()
    bad = tmp_path / "bad.traj"
    bad.write_bytes(header + b"".join(recording_format.entry_bytes(*entry) for entry in traj))
    good_state = tmp_path / "bad.state"
    recording_format.write(good_state, state)

    result = run_nanover(bin_dir, "recording", "info", str(bad))
    assert result.returncode == 2, result
    assert str(bad) in result.stderr
    for word in words:
        assert word in result.stderr, result.stderr

    server = subprocess.run([str(bin_dir / "nanover-server"), "--address", "127.0.0.1", "--port", "0",
                             "--playback", str(bad), str(good_state)],
                            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=CLI_TIMEOUT)
    assert server.returncode != 0, server
    assert "listening on" not in server.stdout
    for word in [str(bad), *words]:
        assert word in server.stderr, server.stderr
