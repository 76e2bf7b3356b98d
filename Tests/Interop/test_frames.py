"""The Trajectory service on the wire: frames as a plain grpcio client sees
them from our server publishing synthetic frames (`nanover-bench
frame-server`), the playback commands that drive it, and a hub that has
nothing to publish.

The frame server publishes a topology with index 0 (particle.count,
particle.elements, particle.positions on a grid), then the positions alone,
moved a little, with indices 1, 2, 3, ... Frame i's positions are known
(see `expected_positions`), so a frame's content says which frame it is,
whatever its index claims.

As everywhere in this suite, nothing waits for a fixed time to prove a
thing: "no frame came" is always judged at a moment some other message
proves the server had its chance to send one. Pacing is checked only
through bounds a slow machine cannot break.
"""

import json
import subprocess
import time

import grpc
import pytest

from interop_harness import FRAME_SERVER_ATOMS as ATOMS
from interop_harness import expected_positions
from nanover_wire import float32

# Allowance for the server measuring its spacing on its own clock.
TOLERANCE = 0.02

TOPOLOGY_KEYS = {"particle.count", "particle.elements", "particle.positions",
                 "server.timestamp", "system.simulation.counter"}
POSITIONS_KEYS = {"particle.positions", "server.timestamp"}
PLAYBACK_COMMANDS = {"playback/play", "playback/pause", "playback/step", "playback/reset",
                     "playback/list", "playback/load", "playback/next"}


def assert_positions_of(frame, index):
    """The frame carries frame `index`'s positions (a neighbour's differ by
    about 5e-4 nm, far more than the tolerance)."""
    kind, positions = frame.arrays["particle.positions"]
    assert kind == "float"
    assert positions == pytest.approx(expected_positions(index), abs=1e-6), (
        f"{frame!r} does not carry the positions of frame {index}")


def assert_whole_topology(frame, counter):
    """Every key of the topology, as published, with the reset counter."""
    assert TOPOLOGY_KEYS <= frame.keys, f"missing {TOPOLOGY_KEYS - frame.keys}"
    assert frame.values["particle.count"] == float(ATOMS)
    assert frame.values["system.simulation.counter"] == float(counter)
    assert isinstance(frame.values["server.timestamp"], float)
    assert frame.arrays["particle.elements"] == ("index", [6] * ATOMS)
    kind, positions = frame.arrays["particle.positions"]
    assert kind == "float" and len(positions) == 3 * ATOMS


def assert_consecutive(indices):
    assert indices == list(range(indices[0], indices[0] + len(indices))), indices


def assert_stamped_by_the_server(frames, requested_at):
    """server.timestamp is the server's monotonic clock, the one Python's
    time.monotonic reads: each frame was stamped before it was received,
    frames after the first were published (so stamped) after the
    subscription was asked for, and stamps never go back."""
    stamps = [frame.values["server.timestamp"] for frame in frames]
    assert stamps == sorted(stamps), stamps
    for frame, stamp in zip(frames, stamps):
        assert stamp <= frame.at, f"{frame!r} stamped {stamp}, after it was received"
    for frame, stamp in zip(frames[1:], stamps[1:]):
        assert stamp >= requested_at, f"{frame!r} stamped {stamp}, before it was subscribed to"


def paused(peer):
    """Pauses the frame server; returns the index of the last frame it
    published. Once the command has returned the frame server publishes
    nothing more (a frame being published as the pause came is published
    first), so the merged current frame carries the last index."""
    assert peer.run("playback/pause") == {}
    return peer.current_frame().index


# --- Subscribing ---------------------------------------------------------------

def test_every_frame_comes_in_order_after_the_merged_current_frame(frame_server):
    subscription = frame_server.connect().subscribe_frames(0)
    frames = subscription.wait_for_messages(8)

    first = frames[0]
    assert_whole_topology(first, counter=0)
    assert_positions_of(first, first.index)   # the merged frame has the last frame's positions

    assert_consecutive([frame.index for frame in frames])
    for frame in frames[1:]:
        assert frame.keys == POSITIONS_KEYS, "after the topology, what changed"
        assert_positions_of(frame, frame.index)
    assert_stamped_by_the_server(frames, subscription.requested_at)


def test_latest_frames_come_after_the_same_merged_current_frame(frame_server):
    subscription = frame_server.connect().subscribe_frames(0, latest=True)
    frames = subscription.wait_for_messages(6)

    assert_whole_topology(frames[0], counter=0)
    assert_positions_of(frames[0], frames[0].index)
    indices = [frame.index for frame in frames]
    assert indices == sorted(set(indices)), f"strictly increasing: {indices}"
    for frame in frames[1:]:
        assert frame.keys == POSITIONS_KEYS
        assert_positions_of(frame, frame.index)
    assert_stamped_by_the_server(frames, subscription.requested_at)
    assert_whole_topology(subscription.snapshot_current(), counter=0)


def test_every_frame_at_an_interval_still_drops_and_reorders_nothing(frame_server):
    """SubscribeFrames paces its messages but never merges them: slower
    than the frames are published, it still sends each one, in order."""
    subscription = frame_server.connect().subscribe_frames(0.1)
    frames = subscription.wait_for_messages(6)
    assert_whole_topology(frames[0], counter=0)
    assert_consecutive([frame.index for frame in frames])
    for frame in frames[1:]:
        assert_positions_of(frame, frame.index)


def test_latest_frames_at_an_interval_merge_what_was_published_meanwhile(frame_server):
    """Ten frames stepped one by one while a latest subscriber waits out its
    interval: it gets their merge, carrying the last index and the last
    positions. Messages after the first are at least `interval` apart and
    all were sent after the first step, so however slow the machine, no
    more than 1 + (elapsed / interval) of them can have come by the time the
    last one is received; an unpaced subscriber gets all ten."""
    interval = 0.5
    peer = frame_server.connect()
    last_before = paused(peer)
    every = peer.subscribe_frames(0)
    latest = peer.subscribe_frames(interval, latest=True)
    every.wait_for_messages(1)
    assert latest.wait_for_messages(1)[0].index == last_before

    stepped_at = time.monotonic()
    for _ in range(10):
        assert peer.run("playback/step") == {}
    last = last_before + 10
    latest.wait(lambda s: s.messages[-1].index == last, what=f"the merge up to frame {last}")

    frames = latest.snapshot_messages()
    after_first = frames[1:]
    indices = [frame.index for frame in after_first]
    assert indices == sorted(set(indices)) and indices[-1] == last, indices
    assert_positions_of(frames[-1], last)
    elapsed = frames[-1].at - stepped_at
    assert (len(after_first) - 1) * (interval - TOLERANCE) <= elapsed, (
        f"{len(after_first)} messages in {elapsed:.3f} s at interval {interval}: {frames!r}")
    assert_whole_topology(latest.snapshot_current(), counter=0)

    every.wait_for_index(last)
    assert every.indices() == list(range(last_before, last + 1)), "every frame, unmerged"


def test_a_late_subscriber_gets_the_topology_with_the_latest_positions_first(frame_server):
    """A late subscriber's first message is the merged current frame:
    the topology published long before, with the latest positions."""
    peer = frame_server.connect()
    early = peer.subscribe_frames(0)
    early.wait_for_messages(5)
    late = peer.current_frame()
    assert late.index >= early.snapshot_messages()[4].index
    assert_whole_topology(late, counter=0)
    assert_positions_of(late, late.index)


# --- Playback commands -----------------------------------------------------------

def test_the_playback_commands_are_listed(frame_server):
    commands = frame_server.connect().commands()
    assert PLAYBACK_COMMANDS <= set(commands)
    assert commands["playback/load"] == {"index": 0.0}


def test_list_names_the_simulations(frame_server):
    assert frame_server.connect().run("playback/list") == {"simulations": [f"synthetic {ATOMS} atoms"]}


def test_pause_stops_frames_and_step_publishes_exactly_the_next_one(frame_server):
    """After a pause, the only frames are the steps', each with the next
    index. "Exactly one" is judged from the server's own merged current
    frame, read by a new subscriber after the step has been seen: it
    carries the step's index, so nothing was published after it."""
    peer = frame_server.connect()
    every = peer.subscribe_frames(0)
    every.wait_for_messages(3)
    last_before = paused(peer)

    for step in (1, 2):
        assert peer.run("playback/step") == {}
        stepped = every.wait_for_index(last_before + step)
        assert stepped.keys == POSITIONS_KEYS
        assert_positions_of(stepped, last_before + step)
        current = peer.current_frame()
        assert current.index == last_before + step
        assert_positions_of(current, last_before + step)
    indices = every.indices()
    assert_consecutive(indices)
    assert indices[-1] == last_before + 2

    # Playing again goes on from the next index.
    assert peer.run("playback/play") == {}
    every.wait_for_index(last_before + 5)
    assert_consecutive(every.indices())


@pytest.mark.parametrize("command, arguments", [
    ("playback/reset", None), ("playback/load", {"index": 0}), ("playback/next", None),
])
def test_a_reset_sends_index_0_with_the_whole_topology_and_counts_one_more(frame_server, command, arguments):
    peer = frame_server.connect()
    every = peer.subscribe_frames(0)
    first = every.wait_for_messages(2)[0]
    counter = first.values["system.simulation.counter"]

    seen = len(every.snapshot_messages())
    assert peer.run(command, arguments) == {}
    reset = every.wait_for_index(0, after=seen)
    assert_whole_topology(reset, counter=counter + 1)
    assert_positions_of(reset, 0)

    # Then the frames count again from 1.
    position = every.snapshot_messages().index(reset)
    following = every.wait_for_messages(position + 3)[position:]
    assert [frame.index for frame in following] == [0, 1, 2]
    assert_positions_of(following[2], 2)

    # A subscriber arriving now lacks nothing of the topology.
    late = peer.current_frame()
    assert late.index > 0
    assert_whole_topology(late, counter=counter + 1)
    assert_positions_of(late, late.index)


def test_latest_frames_never_hide_a_reset(frame_server):
    """A step, a reset and a step again, published while a latest subscriber
    waits out its interval: however they are merged, a message with index 0
    comes, carrying the whole new topology, and no frame from before the
    reset comes after it. (Unsplit, the three go out as one message with
    index 0 and the second step's positions.)"""
    peer = frame_server.connect()
    last_before = paused(peer)
    latest = peer.subscribe_frames(0.5, latest=True)
    assert latest.wait_for_messages(1)[0].index == last_before

    for command in ("playback/step", "playback/reset", "playback/step"):
        assert peer.run(command) == {}

    def merged_up_to_the_last_step(s):
        current = s.current
        return (current.values.get("system.simulation.counter") == 1.0
                and current.arrays["particle.positions"][1] == pytest.approx(expected_positions(1), abs=1e-6))
    latest.wait(merged_up_to_the_last_step, what="the reset and the step after it")

    frames = latest.snapshot_messages()[1:]
    resets = [position for position, frame in enumerate(frames) if frame.index == 0]
    assert resets, f"the reset was hidden: {frames!r}"
    assert_whole_topology(frames[resets[0]], counter=1)
    assert all(frame.index <= 1 for frame in frames[resets[0]:]), frames
    assert all(frame.index == last_before + 1 for frame in frames[:resets[0]]), frames
    assert_whole_topology(latest.snapshot_current(), counter=1)


def test_a_subscriber_far_behind_is_ended_with_resource_exhausted(frame_server):
    """Frames stepped far faster than a SubscribeFrames stream at one
    message a second takes them: once it is more than the server's bound
    (128 frames) behind, its next message is RESOURCE_EXHAUSTED instead,
    rather than the server keeping frames for it without bound. What it did
    get came in order. The bound is the laggard's alone: an unpaced
    subscriber gets every frame and stays open."""
    peer = frame_server.connect()
    last_before = paused(peer)
    laggard = peer.subscribe_frames(1.0)
    keeping_up = peer.subscribe_frames(0)
    laggard.wait_for_messages(1)
    keeping_up.wait_for_messages(1)

    steps = 0
    while not laggard.finished and steps < 2000:
        assert peer.run("playback/step") == {}
        steps += 1
    assert laggard.wait_for_end() == grpc.StatusCode.RESOURCE_EXHAUSTED, laggard.details
    got = laggard.indices()
    assert steps > 128 + len(got) - 1, f"ended {steps - len(got) + 1} frames behind"
    assert got == list(range(last_before, last_before + len(got)))

    keeping_up.wait_for_index(last_before + steps)
    assert keeping_up.indices() == list(range(last_before, last_before + steps + 1))
    assert not keeping_up.finished


# --- Closing, and a hub with nothing to publish ----------------------------------

def test_closing_the_frame_server_ends_frame_streams_normally(frame_server):
    peer = frame_server.connect()
    every = peer.subscribe_frames(0)
    latest = peer.subscribe_frames(0, latest=True)
    waiting = peer.subscribe_frames(3600, latest=True)   # its next message is an hour away
    every.wait_for_messages(2)
    latest.wait_for_messages(2)
    waiting.wait_for_messages(1)

    assert frame_server.stop() == 0, frame_server.process.stderr_text()

    for subscription in (every, latest, waiting):
        assert subscription.wait_for_end() == grpc.StatusCode.OK, subscription.details
    assert_consecutive(every.indices())


@pytest.mark.parametrize("latest", [False, True], ids=["every", "latest"])
def test_a_hub_sends_no_frame_until_one_is_published(hub, latest):
    """A hub on its own publishes nothing: a frame stream stays open and
    silent. A state change written after subscribing, seen by another
    subscriber, shows the hub was serving all along; by then no frame had
    come, and the frame stream was still open. Cancelling it is clean."""
    watcher, writer = hub.connect(), hub.connect()
    frames = watcher.subscribe_frames(0, latest=latest)
    state = writer.subscribe(0)
    assert writer.update({"written": "after subscribing to frames"})
    state.wait_for_value("written", "after subscribing to frames")
    assert frames.snapshot_messages() == []
    assert not frames.finished, f"the frame stream ended with {frames.code}: {frames.details}"

    if hub.kind == "contract":
        # The contract server can publish: the open stream gets that frame.
        watcher.run("interop/publish-frame", {"index": 0, "values": {"particle.count": 0}})
        frame = frames.wait_for_messages(1)[0]
        assert frame.index == 0 and frame.values["particle.count"] == 0.0

    frames.cancel()
    assert frames.code == grpc.StatusCode.CANCELLED, frames.details
    assert writer.update({"still": "serving"})
    state.wait_for_value("still", "serving")


def test_our_cli_reads_the_frame_server(frame_server, bin_dir):
    """`nanover frames get` prints the merged current frame: the whole
    topology, with the positions of the index it names."""
    peer = frame_server.connect()
    last = paused(peer)
    result = subprocess.run([str(bin_dir / "nanover"), "--address", "127.0.0.1", "--port", str(frame_server.port),
                             "frames", "get"], stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    frame = json.loads(result.stdout)
    assert frame["index"] == last and frame["particle_count"] == ATOMS
    assert frame["values"]["particle.count"] == ATOMS
    assert frame["values"]["system.simulation.counter"] == 0
    assert frame["arrays"]["particle.elements"] == [6] * ATOMS
    assert [float32(x) for x in frame["arrays"]["particle.positions"]] == pytest.approx(
        expected_positions(last), abs=1e-6)
