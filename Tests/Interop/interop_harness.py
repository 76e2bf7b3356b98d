"""Servers as child processes, gRPC peers, subscriptions that record what
they receive, and waiting for conditions with deadlines.

Nothing here asserts on a fixed sleep: conditions are polled until they hold
or a generous deadline passes, so a slow, loaded machine only makes the
suite slower, never red.
"""

import math
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import grpc

from nanover_wire import (command_grpc, command_pb2, from_frame, from_struct, from_value,
                          float32, state_grpc, state_pb2, to_struct, to_value, trajectory_grpc,
                          trajectory_pb2, values_equal)

# Generous limits: these bound how long a broken server can hang the suite;
# a healthy one answers far sooner.
DEADLINE = 60.0
CALL_TIMEOUT = 30.0
START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0

# The frame server's defaults: few atoms, so that frames are small and
# quick; a modest rate, so that a test sees a few frames in a fraction of a
# second without flooding a slow machine.
FRAME_SERVER_ATOMS = 5
FRAME_SERVER_RATE = 20

CHANNEL_OPTIONS = [
    ("grpc.max_receive_message_length", 64 * 1024 * 1024),
    ("grpc.max_send_message_length", 64 * 1024 * 1024),
    # Each peer gets its own connection, as separate programs would.
    ("grpc.use_local_subchannel_pool", 1),
]


def wait_until(condition, timeout=DEADLINE, what="condition", poll=0.01):
    """Polls `condition` until it returns something truthy, which is returned;
    fails once `timeout` seconds have passed."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(poll)


def sleep_until(moment):
    """Sleeps until the monotonic clock reaches `moment` (setup, never a check)."""
    while (remaining := moment - time.monotonic()) > 0:
        time.sleep(remaining)


# --- Programs ----------------------------------------------------------------

class ServerProcess:
    """A server program started with --port 0 whose first stdout line says
    `... listening on HOST:PORT`."""

    def __init__(self, argv, env=None):
        self.argv = list(argv)
        self._stderr = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            self.argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=self._stderr, env=env)
        self._lines = queue.Queue()
        threading.Thread(target=self._read_stdout, daemon=True).start()
        self.port = self._wait_for_port()
        self.address = f"127.0.0.1:{self.port}"

    def _read_stdout(self):
        for line in self.process.stdout:
            self._lines.put(line.decode(errors="replace"))
        self._lines.put(None)

    def _wait_for_port(self):
        try:
            line = self._lines.get(timeout=START_TIMEOUT)
        except queue.Empty:
            self.kill()
            raise AssertionError(f"{self.argv[0]} printed nothing in {START_TIMEOUT} s") from None
        if line is None or "listening on" not in line:
            self.kill()
            raise AssertionError(
                f"{self.argv[0]} did not start: stdout {line!r}, stderr {self.stderr_text()!r}")
        return int(line.strip().rsplit(":", 1)[1])

    def next_line(self, timeout=START_TIMEOUT):
        """The next line the program prints (after the one that gave the port)."""
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"{self.argv[0]} printed no further line in {timeout} s") from None
        if line is None:
            raise AssertionError(f"{self.argv[0]} ended: {self.stderr_text()!r}")
        return line.strip()

    def running(self):
        return self.process.poll() is None

    def terminate(self, timeout=STOP_TIMEOUT):
        """SIGTERM, then the exit status (killing it if it does not stop)."""
        if self.running():
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"{self.argv[0]} did not stop within {timeout} s of SIGTERM") from None

    def kill(self):
        if self.running():
            self.process.kill()
        self.process.wait()

    def stderr_text(self):
        self._stderr.seek(0)
        return self._stderr.read().decode(errors="replace")

    def close(self):
        self.kill()
        if self.process.stdout:
            self.process.stdout.close()
        self._stderr.close()


# --- Subscriptions -----------------------------------------------------------

class Received:
    """One streamed StateUpdate: when it arrived (monotonic seconds) and its
    changed keys as Python values (None is a removal)."""

    def __init__(self, at, changes):
        self.at = at
        self.changes = changes

    def __repr__(self):
        shown = dict(list(self.changes.items())[:5])
        more = f" +{len(self.changes) - 5} keys" if len(self.changes) > 5 else ""
        return f"<{self.at:.3f} {shown!r}{more}>"


class RecordedStream:
    """A server stream read on a thread of its own, keeping every message
    as `receive` turns it into a record; how it ended (`code`, `details`)
    once it has. Subclasses keep whatever else they derive from the
    messages, under the same lock."""

    def __init__(self, call):
        self.messages = []
        self.finished = False
        self.code = None
        self.details = None
        self._condition = threading.Condition()
        self.call = call
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def receive(self, message, at):
        """The record of a message, kept in `messages`; called under the lock."""
        raise NotImplementedError

    def _read(self):
        code, details = None, None
        try:
            for message in self.call:
                at = time.monotonic()
                with self._condition:
                    self.messages.append(self.receive(message, at))
                    self._condition.notify_all()
            code, details = grpc.StatusCode.OK, ""
        except grpc.RpcError as error:
            code, details = error.code(), error.details()
        finally:
            with self._condition:
                self.finished = True
                self.code, self.details = code, details
                self._condition.notify_all()

    def wait(self, predicate, timeout=DEADLINE, what="a condition on the stream"):
        """Waits until `predicate(self)` holds (read under the lock) and
        returns its value; fails at the deadline or if the stream ends first."""
        with self._condition:
            result = self._condition.wait_for(lambda: predicate(self) or self.finished, timeout)
            result = predicate(self)
            if result:
                return result
            state = f"ended with {self.code}: {self.details}" if self.finished else "still open"
            raise AssertionError(
                f"waiting for {what}: stream {state} after {len(self.messages)} messages, "
                f"last ones {self.messages[-3:]!r}")

    def wait_for_messages(self, count, timeout=DEADLINE):
        self.wait(lambda s: len(s.messages) >= count, timeout, f"{count} messages")
        return self.snapshot_messages()[:count]

    def wait_for_end(self, timeout=DEADLINE):
        self.wait(lambda s: s.finished, timeout, "the end of the stream")
        return self.code

    def snapshot_messages(self):
        with self._condition:
            return list(self.messages)

    def cancel(self):
        self.call.cancel()
        self._thread.join(timeout=STOP_TIMEOUT)


class Subscription(RecordedStream):
    """A SubscribeStateUpdates stream, keeping every message and a mirror
    of the state."""

    def __init__(self, channel, interval):
        self.interval = interval
        self.mirror = {}
        stub = state_grpc.StateStub(channel)
        self.requested_at = time.monotonic()
        super().__init__(stub.SubscribeStateUpdates(
            state_pb2.SubscribeStateUpdatesRequest(update_interval=interval)))

    def receive(self, update, at):
        received = Received(at, from_struct(update.changed_keys))
        for key, value in received.changes.items():
            if value is None:
                self.mirror.pop(key, None)
            else:
                self.mirror[key] = value
        return received

    def wait_for_value(self, key, value, timeout=DEADLINE):
        value = from_value(to_value(value))   # as it travels: integers are doubles
        return self.wait(lambda s: key in s.mirror and values_equal(s.mirror[key], value),
                         timeout, f"{key!r} = {value!r}")

    def snapshot_mirror(self):
        with self._condition:
            return dict(self.mirror)


class ReceivedFrame:
    """One streamed GetFrameResponse: when it arrived (monotonic seconds),
    its index, its values (key -> Python value) and arrays (key -> (kind,
    list))."""

    def __init__(self, at, index, values, arrays):
        self.at = at
        self.index = index
        self.values = values
        self.arrays = arrays

    @property
    def keys(self):
        return set(self.values) | set(self.arrays)

    def __repr__(self):
        return f"<{self.at:.3f} #{self.index} {sorted(self.keys)!r}>"


class FrameSubscription(RecordedStream):
    """A SubscribeFrames (or, with `latest`, SubscribeLatestFrames) stream,
    keeping every frame and, as the reference client does, the merged
    current frame: started afresh on index 0, each key replaced by newer
    frames."""

    def __init__(self, channel, interval, latest=False):
        self.interval = interval
        self.latest = latest
        self.current = ReceivedFrame(0.0, None, {}, {})
        stub = trajectory_grpc.TrajectoryServiceStub(channel)
        method = stub.SubscribeLatestFrames if latest else stub.SubscribeFrames
        self.requested_at = time.monotonic()
        super().__init__(method(trajectory_pb2.GetFrameRequest(frame_interval=interval)))

    def receive(self, response, at):
        values, arrays = from_frame(response.frame)
        received = ReceivedFrame(at, response.frame_index, values, arrays)
        if received.index == 0:
            self.current = ReceivedFrame(at, 0, {}, {})
        self.current = ReceivedFrame(at, received.index, {**self.current.values, **values},
                                     {**self.current.arrays, **arrays})
        return received

    def indices(self):
        with self._condition:
            return [frame.index for frame in self.messages]

    def wait_for_index(self, index, after=0, timeout=DEADLINE):
        """The first frame with `index` among the messages from position
        `after` on."""
        def found(s):
            return next((frame for frame in s.messages[after:] if frame.index == index), None)
        return self.wait(found, timeout, f"a frame with index {index} after message {after}")

    def snapshot_current(self):
        with self._condition:
            return self.current


# --- Peers -------------------------------------------------------------------

class Peer:
    """A NanoVer client from plain grpcio: a channel of its own and a token."""

    def __init__(self, address, token=None):
        self.address = address
        self.token = token if token is not None else str(uuid.uuid4())
        self.channel = grpc.insecure_channel(address, options=CHANNEL_OPTIONS)
        self.commands_stub = command_grpc.CommandStub(self.channel)
        self.state_stub = state_grpc.StateStub(self.channel)
        self._subscriptions = []

    def commands(self):
        reply = self.commands_stub.GetCommands(command_pb2.GetCommandsRequest(), timeout=CALL_TIMEOUT)
        return {command.name: from_struct(command.arguments) for command in reply.commands}

    def run(self, name, arguments=None):
        message = command_pb2.CommandMessage(name=name)
        if arguments is not None:
            message.arguments.CopyFrom(to_struct(arguments))
        reply = self.commands_stub.RunCommand(message, timeout=CALL_TIMEOUT)
        return from_struct(reply.result)

    def update(self, updates=None, removals=(), token=None):
        """Attempts a change; returns whether it was accepted."""
        changed = dict(updates or {})
        changed.update({key: None for key in removals})
        request = state_pb2.UpdateStateRequest(
            access_token=self.token if token is None else token,
            update=state_pb2.StateUpdate(changed_keys=to_struct(changed)))
        return self.state_stub.UpdateState(request, timeout=CALL_TIMEOUT).success

    def set(self, key, value):
        return self.update({key: value})

    def update_locks(self, locks, token=None):
        """Attempts lock changes (seconds, or None to release); returns
        whether they were accepted."""
        request = state_pb2.UpdateLocksRequest(
            access_token=self.token if token is None else token,
            lock_keys=to_struct(locks))
        return self.state_stub.UpdateLocks(request, timeout=CALL_TIMEOUT).success

    def lock(self, key, seconds):
        return self.update_locks({key: seconds})

    def subscribe(self, interval=0.0):
        subscription = Subscription(self.channel, interval)
        self._subscriptions.append(subscription)
        return subscription

    def subscribe_frames(self, interval=0.0, latest=False):
        """SubscribeFrames, or with `latest` SubscribeLatestFrames."""
        subscription = FrameSubscription(self.channel, interval, latest)
        self._subscriptions.append(subscription)
        return subscription

    def state(self):
        """The whole current state, read with a subscription of its own.

        An empty state sends nothing, so if nothing comes at once this
        removes a key that cannot exist: the removal is streamed (the
        protocol says so), and the first message then comes either way.
        Other subscribers see that removal as a null for the probe key."""
        probe = f"interop.probe.{uuid.uuid4()}"
        subscription = self.subscribe(0.0)
        try:
            if not subscription.messages:
                try:
                    subscription.wait(lambda s: s.messages, timeout=0.3)
                except AssertionError:
                    self.update(removals=[probe])
            first = subscription.wait_for_messages(1)[0]
            return {key: value for key, value in first.changes.items() if key != probe}
        finally:
            subscription.cancel()
            self._subscriptions.remove(subscription)

    def current_frame(self, timeout=DEADLINE):
        """The server's merged current frame, as a new SubscribeLatestFrames
        subscriber's first message. A server that has published no frame
        sends none: this fails at the deadline."""
        subscription = self.subscribe_frames(0.0, latest=True)
        try:
            return subscription.wait_for_messages(1, timeout)[0]
        finally:
            subscription.cancel()
            self._subscriptions.remove(subscription)

    def raw_unary(self, method_path, payload):
        """Sends bytes as they are to a unary method; returns the reply bytes."""
        call = self.channel.unary_unary(method_path, request_serializer=None, response_deserializer=None)
        return call(payload, timeout=CALL_TIMEOUT)

    def raw_stream(self, method_path, payload):
        call = self.channel.unary_stream(method_path, request_serializer=None, response_deserializer=None)
        return call(payload, timeout=CALL_TIMEOUT)

    def close(self):
        for subscription in self._subscriptions:
            subscription.cancel()
        self._subscriptions.clear()
        self.channel.close()


class LineReader:
    """A program whose standard output lines are collected as they come."""

    def __init__(self, argv):
        self.argv = list(argv)
        self.lines = []
        self._condition = threading.Condition()
        self._stderr = tempfile.TemporaryFile()
        self.process = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                        stderr=self._stderr)
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self):
        for line in self.process.stdout:
            with self._condition:
                self.lines.append(line.decode(errors="replace").rstrip("\n"))
                self._condition.notify_all()

    def wait_for_line(self, predicate, timeout=DEADLINE, what="a line"):
        """The first line (of all so far) for which `predicate` holds."""
        def found():
            return next((line for line in self.lines if predicate(line)), None)
        with self._condition:
            self._condition.wait_for(lambda: found() is not None or self.process.poll() is not None, timeout)
            line = found()
        if line is None:
            raise AssertionError(f"waiting for {what} from {self.argv[0]}: lines {self.lines!r}, "
                                 f"exit {self.process.poll()}, stderr {self.stderr_text()!r}")
        return line

    def terminate(self, timeout=STOP_TIMEOUT):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            status = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"{self.argv[0]} did not stop within {timeout} s of SIGTERM") from None
        self._thread.join(timeout=timeout)
        return status

    def stderr_text(self):
        self._stderr.seek(0)
        return self._stderr.read().decode(errors="replace")

    def close(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()
        self._stderr.close()


def server_argv(kind, bin_dir, port=0):
    """How to start a hub of a kind: "swift" (our nanover-server, built in
    `bin_dir`, its WebSocket side on a free port, given on the second line of
    its output) or "contract" (contract_server.py beside this file)."""
    if kind == "swift":
        return [str(Path(bin_dir) / "nanover-server"), "--address", "127.0.0.1", "--port", str(port),
                "--ws-port", "0", "--name", "interop"]
    return [sys.executable, str(Path(__file__).resolve().parent / "contract_server.py"),
            "--address", "127.0.0.1", "--port", str(port), "--name", "interop"]


def frame_server_argv(bin_dir, atoms, rate, port=0):
    """How to start our server publishing synthetic frames (`nanover-bench
    frame-server`): a topology frame of `atoms` atoms with index 0, then
    positions alone at `rate` frames a second, indices 1, 2, 3, ..., under
    the playback commands."""
    return [str(Path(bin_dir) / "nanover-bench"), "frame-server", "--address", "127.0.0.1",
            "--port", str(port), "--atoms", str(atoms), "--rate", str(rate)]


def expected_positions(index, atoms=FRAME_SERVER_ATOMS):
    """The positions of the frame server's frame `index`: atoms on a grid
    0.3 nm apart (side ceil(sqrt(atoms))), moved by (0.01 cos 0.05 i,
    0.01 sin 0.05 i, 0) for i >= 1; in 32-bit floats, as they travel."""
    side = max(1, math.ceil(math.sqrt(atoms)))
    dx, dy = (0.0, 0.0) if index == 0 else (0.01 * math.cos(0.05 * index), 0.01 * math.sin(0.05 * index))
    positions = []
    for atom in range(atoms):
        positions += [float32(float32(atom % side * 0.3) + float32(dx)),
                      float32(float32(atom // side * 0.3) + float32(dy)), 0.0]
    return positions


def child_environment():
    """The environment for child programs: this one, plus unbuffered Python."""
    env = dict(os.environ)
    env["PYTHONUNBUFFERED"] = "1"
    return env
