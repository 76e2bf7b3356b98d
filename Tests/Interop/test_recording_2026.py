"""NanoVer 2026 recordings (`.nanover.zip`) across the two stacks: what our
programs write, read by `message_recording_format.py` (Python's `zipfile`
and `msgpack`, written from the contract); what that module writes, read
and played by our programs, to subscribers of both protocols.

- Our side writes: `nanover-server --record NAME.nanover.zip` recording
  its own session (a 2026 client publishing frames, a gRPC peer setting
  state), and `nanover record NAME.nanover.zip` recording our gRPC frame
  server, each message converted to the form a 2026 client receives.
- Python writes: `nanover recording info --json` describes the file, and
  `nanover-server --playback` plays it, stepped under the playback
  commands, to a gRPC peer and a WebSocket client alike.
- Bad files (a compressed member, a missing index, an entry past the
  messages) are refused before the hub listens, saying what is wrong.
"""

import json
import struct
import subprocess
import zipfile

import msgpack
import pytest
from websockets.sync.client import connect

import message_recording_format as recording
from interop_harness import FRAME_SERVER_ATOMS as ATOMS
from interop_harness import DEADLINE, expected_positions, server_argv, wait_until
from test_recording import recording_info, run_nanover
from test_websocket import receive, receive_until, send


def positions_bytes(positions):
    return struct.pack(f"<{len(positions)}f", *positions)


def ws_url(hub):
    line = hub.process.next_line()
    assert line.startswith("NanoVer 2026 (WebSocket) on ws://127.0.0.1:"), line
    return line.split(" on ", 1)[1]


# --- Our programs write, Python reads -----------------------------------------

def test_the_hub_records_its_session_as_2026_messages(start_hub, bin_dir, tmp_path):
    """A hub given --record NAME.nanover.zip writes what a 2026 client is
    sent: the whole state first, then state and frame messages, packed
    arrays as little-endian bytes, values as set (an integer from a 2026
    client stays one). Stopped with SIGTERM, the zip is finished: two
    stored members whose CRC-32s check, every message a map its index entry
    describes, timestamps in order."""
    path = tmp_path / "hub.nanover.zip"
    hub = start_hub("swift", server_argv("swift", bin_dir) + ["--ws-port", "0", "--record", str(path)])
    url = ws_url(hub)
    peer = hub.connect()
    with connect(url) as socket:
        receive(socket)
        send(socket, {"state": {"updates": {"from.ws": 7}}})
        send(socket, {"frame": {"frame.index": 0, "particle.count": 2, "particle.positions": [0.0, 1, 2, 3, 4, 5]}})
        receive_until(socket, lambda m: "frame" in m, "the frame back")
        assert peer.set("from.grpc", "hello")
        receive_until(socket, lambda m: "from.grpc" in m.get("state", {}).get("updates", {}), "the gRPC write")
    assert hub.stop() == 0
    assert not (tmp_path / "hub.nanover.zip.journal").exists()

    entries = recording.read(path)
    assert entries[0].message == {"state": {"updates": {}, "removals": []}}, "an empty state comes first, as to a client"
    timestamps = [entry.timestamp for entry in entries]
    assert timestamps == sorted(timestamps)
    updates = {}
    for entry in entries:
        updates.update(entry.message.get("state", {}).get("updates", {}))
    assert updates["from.ws"] == 7 and isinstance(updates["from.ws"], int)
    assert updates["from.grpc"] == "hello"
    frames = [entry.message["frame"] for entry in entries if "frame" in entry.message]
    assert frames and frames[0]["frame.index"] == 0
    assert frames[0]["particle.positions"] == positions_bytes([0.0, 1, 2, 3, 4, 5])
    assert frames[0]["particle.count"] == 2 and isinstance(frames[0]["server.timestamp"], float)


def test_nanover_record_converts_a_grpc_servers_messages(frame_server, bin_dir, tmp_path):
    """`nanover record NAME.nanover.zip` records our gRPC frame server for a
    second: a state message first (an empty one if a frame came before the
    state), the first frame the merged current frame with index 0 (as a
    2026 client gets it), then frames of increasing indices, each with its
    index's positions packed as float32; the state as the server holds it.
    The JSON line counts what Python reads (but an empty state message put
    first)."""
    peer = frame_server.connect()
    assert peer.set("recorded.before", {"set": "before"})
    path = tmp_path / "frames.nanover.zip"
    result = run_nanover(bin_dir, "record", str(path), "--seconds", "1", port=frame_server.port)
    assert result.returncode == 0, f"exit {result.returncode}: {result.stderr}"
    summary = json.loads(result.stdout.splitlines()[-1])
    assert summary["path"] == str(path)

    entries = recording.read(path)
    frames = [entry.message["frame"] for entry in entries if "frame" in entry.message]
    states = [entry.message["state"] for entry in entries if "state" in entry.message]
    begun_empty = entries[0].message == {"state": {"updates": {}, "removals": []}} and "frame" in entries[1].message
    assert summary["frames"] == len(frames) and summary["state_updates"] + begun_empty == len(states)
    assert frames[0]["frame.index"] == 0
    assert frames[0]["particle.count"] == ATOMS and isinstance(frames[0]["particle.count"], int)
    assert frames[0]["particle.elements"] == bytes([6] * ATOMS)
    indices = [frame["frame.index"] for frame in frames[1:]]
    assert indices == sorted(set(indices)) and all(index > 0 for index in indices)
    for frame in frames[1:]:
        assert frame["particle.positions"] == positions_bytes(expected_positions(frame["frame.index"], ATOMS))
    assert "state" in entries[0].message, "a recording begins with a state message, as a 2026 client's stream does"
    timestamps = [entry.timestamp for entry in entries]
    assert timestamps == sorted(timestamps), "time never goes back in file order"
    whole = next(state for state in states if state["updates"])
    assert whole["updates"]["recorded.before"] == {"set": "before"}


# --- Python writes, our programs read and play --------------------------------

EVENTS = [
    (0, {"state": {"updates": {"avatar.p": {"name": "p"}, "count": 3}, "removals": []}}),
    (0, {"frame": {"frame.index": 0, "particle.count": 2, "particle.positions": positions_bytes([0, 0, 0, 1, 1, 1]),
                   "particle.elements": bytes([1, 8])}}),
    (100_000, {"frame": {"frame.index": 1, "particle.positions": positions_bytes([0, 0, 1, 1, 1, 2])}}),
    (200_000, {"state": {"updates": {"count": 4}, "removals": ["avatar.p"]}}),
    (300_000, {"frame": {"frame.index": 2, "particle.positions": positions_bytes([0, 1, 1, 1, 2, 2])}}),
]


def test_a_recording_written_from_the_contract_is_described_and_played_to_both_protocols(start_hub, bin_dir, tmp_path):
    """Python writes a .nanover.zip; `recording info` describes it, and the
    hub plays it, stepped: each entry's frame reaches a gRPC subscriber and
    a WebSocket client (packed as recorded), each state change both."""
    path = tmp_path / "written.nanover.zip"
    recording.write(path, EVENTS)
    described = recording_info(bin_dir, path)[str(path)]
    assert described["kind"] == "messages" and described["entries"] == 5
    assert described["frames"] == 3 and described["state_updates"] == 2
    assert described["first_index"] == 0 and described["last_index"] == 2
    assert described["duration_seconds"] == pytest.approx(0.3)
    assert {"avatar.p", "count", "particle.positions"} <= set(described["keys"])

    hub = start_hub("swift", server_argv("swift", bin_dir) + ["--ws-port", "0", "--playback", str(path)])
    url = ws_url(hub)
    peer = hub.connect()
    assert peer.run("playback/list") == {"simulations": ["written"]}
    peer.run("playback/pause")
    peer.run("playback/reset")
    frames = peer.subscribe_frames(0.0)
    with connect(url) as socket:
        receive(socket)
        peer.run("playback/step")  # the state
        wait_until(lambda: peer.state().get("count") == 3.0, what="the recorded state over gRPC")
        receive_until(socket, lambda m: m.get("state", {}).get("updates", {}).get("count") == 3, "the state over WebSocket")
        peer.run("playback/step")  # the first frame
        first = receive_until(socket, lambda m: "particle.elements" in m.get("frame", {}), "the first frame")["frame"]
        assert first["frame.index"] == 0 and first["particle.elements"] == bytes([1, 8])
        assert first["particle.positions"] == positions_bytes([0, 0, 0, 1, 1, 1])
        peer.run("playback/step")
        second = receive_until(socket, lambda m: m.get("frame", {}).get("frame.index") == 1, "frame 1")["frame"]
        assert second["particle.positions"] == positions_bytes([0, 0, 1, 1, 1, 2])
        played = frames.wait_for_index(1)
        assert played.arrays["particle.positions"][1] == pytest.approx([0, 0, 1, 1, 1, 2])
        peer.run("playback/step")
        changed = receive_until(socket, lambda m: "avatar.p" in m.get("state", {}).get("removals", []), "the removal")
        assert changed["state"]["updates"]["count"] == 4 and isinstance(changed["state"]["updates"]["count"], int)
        wait_until(lambda: "avatar.p" not in peer.state(), what="the removal over gRPC")


@pytest.mark.parametrize("kind, words", [
    ("compressed", "compressed"),
    ("no index", "holds no index.msgpack"),
    ("past the end", "past the end"),
    ("not a zip", "not a zip archive"),
])
def test_a_bad_2026_recording_is_refused_saying_what_is_wrong(bin_dir, tmp_path, kind, words):
    path = tmp_path / "bad.nanover.zip"
    if kind == "compressed":
        recording.write(path, EVENTS, compression=zipfile.ZIP_DEFLATED)
    elif kind == "no index":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr(recording.MESSAGES, msgpack.packb({"state": {}}))
    elif kind == "past the end":
        recording.write(path, EVENTS, index_transform=lambda index: index + [dict(index[-1], offset=10**6)])
    else:
        path.write_bytes(b"not a zip")
    info = run_nanover(bin_dir, "recording", "info", str(path))
    assert info.returncode == 2 and words in info.stderr, info.stderr
    server = run_nanover_server(bin_dir, "--playback", str(path))
    assert server.returncode != 0 and words in server.stderr and "listening" not in server.stdout


def run_nanover_server(bin_dir, *arguments):
    """Runs our hub to its end (it refuses to start here)."""
    return subprocess.run([str(bin_dir / "nanover-server"), "--address", "127.0.0.1", "--port", "0", *arguments],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=DEADLINE)
