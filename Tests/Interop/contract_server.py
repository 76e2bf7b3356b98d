"""A NanoVer hub in Python, written from the protocol contract alone.

It serves nanover.protocol.command.Command, nanover.protocol.state.State
and nanover.protocol.trajectory.TrajectoryService on one port with the
contract's behaviour: commands with default arguments overlaid by the
caller's; one shared state changed atomically and guarded by expiring
per-token locks; subscriptions that send the whole state first, then
coalesced changes at least `update_interval` apart, flushed when the server
closes; frames stamped and merged as the frames contract says, streamed
every one in order or the latest merged, at least `frame_interval` apart.
It is a second, independent stack for the interoperability tests: our
Swift client must speak to it as it speaks to our own server.

Run: python contract_server.py --port 0 [--address 127.0.0.1] [--name NAME]
It prints one line, `NanoVer contract server "NAME" listening on HOST:PORT`,
and stops cleanly (exit 0) on SIGTERM or SIGINT.

Besides `multiuser/radially-orient-origins` it registers four commands for
the tests: `interop/echo` (defaults {"a": 1, "b": "default"}; returns the
arguments it was run with), `interop/nothing` (returns nothing: an empty
result), `interop/fail` (always fails) and `interop/publish-frame`
(publishes one frame: arguments `index`, and optionally `values` (key ->
value) and `floats`, `indices`, `strings` (key -> list), the frame's typed
arrays). It publishes no frame of its own: until a test publishes one, its
trajectory service has nothing to send.
"""

import argparse
import asyncio
import collections
import math
import signal
import sys
import time

import grpc

from google.protobuf.message import DecodeError

from nanover_wire import (COMMAND_SERVICE, STATE_SERVICE, TRAJECTORY_SERVICE, command_pb2,
                          frame_pb2, from_struct, state_pb2, struct_pb2, to_frame, to_struct,
                          trajectory_pb2)

# Longer intervals (infinity included) are the same as this for a subscriber.
MAXIMUM_INTERVAL = 1_000_000.0
# The server's own identity for changes it makes: equal to no client's token.
SERVER_TOKEN = object()


class LockTable:
    """Key -> (token, expiry on the monotonic clock). A lock whose expiry
    has passed is as good as absent."""

    def __init__(self):
        self._locks = {}

    def holder(self, key, now):
        entry = self._locks.get(key)
        if entry is not None and entry[1] > now:
            return entry[0]
        return None

    def free_for(self, key, token, now):
        holder = self.holder(key, now)
        return holder is None or holder == token

    def update(self, token, acquire, release, now):
        """All or nothing: refused (False, nothing changed) when a key to
        acquire is held by another token. Releasing another token's lock is
        silently ignored."""
        if not all(self.free_for(key, token, now) for key in acquire):
            return False
        for key, seconds in acquire.items():
            self._locks[key] = (token, now + seconds)
        for key in release:
            if self.holder(key, now) == token:
                del self._locks[key]
        return True


class Subscriber:
    """One stream's pending changes: key -> Value, or None for a removal."""

    def __init__(self, state):
        self.pending = dict(state)
        self.wake = asyncio.Event()

    def add(self, changes):
        self.pending.update(changes)
        self.wake.set()


class Command:
    def __init__(self, name, defaults, handler):
        self.name = name
        self.defaults = dict(defaults)
        self.handler = handler


class Hub:
    """The shared state, locks, subscribers and commands. Every handler
    runs on the one event loop thread, so each call is atomic."""

    def __init__(self):
        self.state = {}
        self.locks = LockTable()
        self.subscribers = set()
        self.commands = {}
        self.frames = FramePublisher()
        self.closed = False
        self.closed_event = asyncio.Event()

    def register(self, name, defaults, handler):
        if name in self.commands:
            raise ValueError(f"command {name!r} is already registered")
        self.commands[name] = Command(name, defaults, handler)

    def unregister(self, name):
        if name not in self.commands:
            raise KeyError(f"no command {name!r} is registered")
        del self.commands[name]

    def apply(self, token, changed_keys):
        """Applies a Struct of changes (null = removal) if every key is free
        or held by `token`; returns whether it did."""
        now = time.monotonic()
        if not all(self.locks.free_for(key, token, now) for key in changed_keys.fields):
            return False
        changes = {}
        for key, value in changed_keys.fields.items():
            if value.WhichOneof("kind") in (None, "null_value"):
                self.state.pop(key, None)
                changes[key] = None
            else:
                stored = struct_pb2.Value()
                stored.CopyFrom(value)
                self.state[key] = stored
                changes[key] = stored
        if changes:
            for subscriber in self.subscribers:
                subscriber.add(changes)
        return True

    def close(self):
        self.closed = True
        self.closed_event.set()
        for subscriber in self.subscribers:
            subscriber.wake.set()
        self.frames.close()


def state_update(pending):
    update = state_pb2.StateUpdate()
    fields = update.changed_keys.fields
    for key, value in pending.items():
        if value is None:
            fields[key].null_value = struct_pb2.NULL_VALUE
        else:
            fields[key].CopyFrom(value)
    return update


def interval_seconds(requested):
    if not requested > 0:          # zero, negative and NaN: no spacing
        return 0.0
    return min(float(requested), MAXIMUM_INTERVAL)


async def paced(hub, subscriber, interval, interrupt, take, check=None):
    """Yields take() whenever the subscriber has something pending, never two
    messages closer than `interval`: a wait is cut short when `interrupt` (an
    asyncio.Event) is set. Ends once the hub is closed and nothing is pending.
    `check`, if given, runs before each step (to abort the stream)."""
    last_sent = None
    while True:
        if check is not None:
            await check()
        if not subscriber.pending:
            if hub.closed:
                return
            subscriber.wake.clear()
            await subscriber.wake.wait()
            continue
        if last_sent is not None and not hub.closed:
            delay = last_sent + interval - time.monotonic()
            if delay > 0:
                try:
                    await asyncio.wait_for(interrupt.wait(), delay)
                except asyncio.TimeoutError:
                    pass
                continue
        yield take()
        # Measured once the message has gone, so that the next one is at
        # least a full interval after it.
        last_sent = time.monotonic()


class StateService:
    def __init__(self, hub):
        self.hub = hub

    async def SubscribeStateUpdates(self, request, context):
        hub = self.hub
        interval = interval_seconds(request.update_interval)
        subscriber = Subscriber(hub.state)
        hub.subscribers.add(subscriber)

        def take():
            update = state_update(subscriber.pending)
            subscriber.pending = {}
            return update

        try:
            async for update in paced(hub, subscriber, interval, hub.closed_event, take):
                yield update
        finally:
            hub.subscribers.discard(subscriber)

    async def UpdateState(self, request, context):
        if self.hub.closed:
            await context.abort(grpc.StatusCode.UNAVAILABLE, "the server is closing")
        success = self.hub.apply(request.access_token, request.update.changed_keys)
        return state_pb2.UpdateStateResponse(success=success)

    async def UpdateLocks(self, request, context):
        acquire, release = {}, set()
        for key, value in request.lock_keys.fields.items():
            kind = value.WhichOneof("kind")
            if kind == "number_value" and not math.isnan(value.number_value):
                acquire[key] = value.number_value
            elif kind in (None, "null_value"):
                release.add(key)
            else:
                shown = "NaN" if kind == "number_value" else kind.replace("_value", "")
                await context.abort(
                    grpc.StatusCode.INVALID_ARGUMENT,
                    f"lock value for key {key!r} is {shown}: it must be a number of seconds or null")
        success = self.hub.locks.update(request.access_token, acquire, release, time.monotonic())
        return state_pb2.UpdateLocksResponse(success=success)


class CommandService:
    def __init__(self, hub):
        self.hub = hub

    async def GetCommands(self, request, context):
        reply = command_pb2.GetCommandsReply()
        for command in sorted(self.hub.commands.values(), key=lambda c: c.name):
            reply.commands.add(name=command.name, arguments=to_struct(command.defaults))
        return reply

    async def RunCommand(self, request, context):
        command = self.hub.commands.get(request.name)
        if command is None:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"unknown command: {request.name!r}")
        arguments = dict(command.defaults)
        arguments.update(from_struct(request.arguments))
        failure = None
        try:
            result = command.handler(arguments) or {}
            reply = command_pb2.CommandReply(result=to_struct(result))
        except Exception as error:  # a failing handler fails the call, not the server
            failure = f"command {request.name!r} failed: {type(error).__name__}: {error}"
        if failure is not None:
            await context.abort(grpc.StatusCode.UNKNOWN, failure)
        return reply


# --- Frames --------------------------------------------------------------------

# An every-frame subscriber with more frames than this waiting for it is
# ended with RESOURCE_EXHAUSTED instead of growing the server's memory.
FRAME_BACKLOG_LIMIT = 128


def copy_frame(frame):
    copied = frame_pb2.FrameData()
    copied.CopyFrom(frame)
    return copied


def merge_frame(into, frame):
    """Each key of `frame` replaces the same key of `into`: arrays are
    replaced, never concatenated."""
    for key, value in frame.values.items():
        into.values[key].CopyFrom(value)
    for key, array in frame.arrays.items():
        into.arrays[key].CopyFrom(array)


class FrameSubscriber:
    """One frame stream's pending frames, as (index, FrameData): every one
    in order, or with `latest` at most one, the frames published meanwhile
    merged, never hiding a reset. `wake` is set when there is something to
    send; `alarm` cuts an interval short (an overflow, or closing)."""

    def __init__(self, latest):
        self.latest = latest
        self.pending = collections.deque()
        self.overflowed = False
        self.wake = asyncio.Event()
        self.alarm = asyncio.Event()

    def add(self, index, frame):
        """`frame` is never changed afterwards: kept as it is, or copied
        before anything is merged into it."""
        if self.overflowed:
            return
        if not self.latest:
            self.pending.append((index, frame))
            if len(self.pending) > FRAME_BACKLOG_LIMIT:
                self.overflowed = True
                self.pending.clear()
                self.alarm.set()
        elif not self.pending or index == 0:
            # A reset starts the pending frame afresh, and it goes out with index 0.
            self.pending.clear()
            self.pending.append((index, copy_frame(frame)))
        else:
            pending_index, merged = self.pending[0]
            merge_frame(merged, frame)
            self.pending[0] = (0 if pending_index == 0 else index, merged)
        self.wake.set()


class FramePublisher:
    """Stamps each frame, counts resets, keeps the merged current frame
    (started afresh on index 0) and hands every frame to the subscribers."""

    def __init__(self):
        self.current = None
        self.last_index = None
        self.resets = -1
        self.subscribers = set()

    def publish(self, index, frame):
        sent = copy_frame(frame)
        sent.values["server.timestamp"].number_value = time.monotonic()
        if index == 0:
            self.resets += 1
            sent.values["system.simulation.counter"].number_value = self.resets
            self.current = frame_pb2.FrameData()
        elif self.current is None:
            self.current = frame_pb2.FrameData()
        merge_frame(self.current, sent)
        self.last_index = index
        for subscriber in self.subscribers:
            subscriber.add(index, sent)

    def subscribe(self, latest):
        """A new subscriber, with the merged current frame pending first
        (if any frame has been published)."""
        subscriber = FrameSubscriber(latest)
        if self.current is not None:
            subscriber.add(self.last_index, copy_frame(self.current))
        self.subscribers.add(subscriber)
        return subscriber

    def close(self):
        for subscriber in self.subscribers:
            subscriber.wake.set()
            subscriber.alarm.set()


class TrajectoryService:
    def __init__(self, hub):
        self.hub = hub

    async def SubscribeFrames(self, request, context):
        async for response in self._stream(request, context, latest=False):
            yield response

    async def SubscribeLatestFrames(self, request, context):
        async for response in self._stream(request, context, latest=True):
            yield response

    async def _stream(self, request, context, latest):
        hub = self.hub
        interval = interval_seconds(request.frame_interval)
        subscriber = hub.frames.subscribe(latest)

        async def check():
            if subscriber.overflowed:
                await context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED,
                                    f"more than {FRAME_BACKLOG_LIMIT} frames behind: the stream is ended")

        def take():
            index, frame = subscriber.pending.popleft()
            return trajectory_pb2.GetFrameResponse(frame_index=index, frame=frame)

        try:
            async for response in paced(hub, subscriber, interval, subscriber.alarm, take, check):
                yield response
        finally:
            hub.frames.subscribers.discard(subscriber)


# --- Wiring: requests decoded by us, so malformed bytes are INVALID_ARGUMENT ----

async def decode(message_class, raw, context):
    try:
        return message_class.FromString(raw)
    except DecodeError as error:
        await context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                            f"request is not a valid {message_class.DESCRIPTOR.full_name}: {error}")


def unary(handler, request_class, response_class):
    async def handle(raw, context):
        return await handler(await decode(request_class, raw, context), context)
    return grpc.unary_unary_rpc_method_handler(
        handle, request_deserializer=None, response_serializer=response_class.SerializeToString)


def server_streaming(handler, request_class, response_class):
    async def handle(raw, context):
        async for response in handler(await decode(request_class, raw, context), context):
            yield response
    return grpc.unary_stream_rpc_method_handler(
        handle, request_deserializer=None, response_serializer=response_class.SerializeToString)


def add_services(server, hub):
    commands, state, trajectory = CommandService(hub), StateService(hub), TrajectoryService(hub)
    server.add_generic_rpc_handlers((
        grpc.method_handlers_generic_handler(COMMAND_SERVICE, {
            "GetCommands": unary(commands.GetCommands, command_pb2.GetCommandsRequest,
                                 command_pb2.GetCommandsReply),
            "RunCommand": unary(commands.RunCommand, command_pb2.CommandMessage, command_pb2.CommandReply),
        }),
        grpc.method_handlers_generic_handler(STATE_SERVICE, {
            "SubscribeStateUpdates": server_streaming(
                state.SubscribeStateUpdates, state_pb2.SubscribeStateUpdatesRequest, state_pb2.StateUpdate),
            "UpdateState": unary(state.UpdateState, state_pb2.UpdateStateRequest, state_pb2.UpdateStateResponse),
            "UpdateLocks": unary(state.UpdateLocks, state_pb2.UpdateLocksRequest, state_pb2.UpdateLocksResponse),
        }),
        grpc.method_handlers_generic_handler(TRAJECTORY_SERVICE, {
            "SubscribeFrames": server_streaming(
                trajectory.SubscribeFrames, trajectory_pb2.GetFrameRequest, trajectory_pb2.GetFrameResponse),
            "SubscribeLatestFrames": server_streaming(
                trajectory.SubscribeLatestFrames, trajectory_pb2.GetFrameRequest, trajectory_pb2.GetFrameResponse),
        }),
    ))


# --- Commands ------------------------------------------------------------------

def radially_orient_origins(hub):
    def handler(arguments):
        radius = arguments.get("radius")
        if isinstance(radius, bool) or not isinstance(radius, (int, float)):
            raise ValueError("radius must be a number")
        ids = sorted(key[len("avatar."):] for key in hub.state if key.startswith("avatar."))
        changes = {}
        for index, avatar in enumerate(ids):
            angle = 2 * math.pi * index / len(ids)
            turn = -angle - math.pi / 2
            changes[f"user-origin.{avatar}"] = {
                "position": [radius * math.cos(angle), 0, radius * math.sin(angle)],
                "rotation": [0, math.sin(turn / 2), 0, math.cos(turn / 2)],
            }
        if not hub.apply(SERVER_TOKEN, to_struct(changes)):
            raise RuntimeError("a user origin is locked by a client")
        return None
    return handler


def fail(arguments):
    raise RuntimeError("this command always fails")


def publish_frame(hub):
    def handler(arguments):
        index = arguments.get("index")
        if isinstance(index, bool) or not isinstance(index, (int, float)) or not 0 <= index < 2**32 \
                or index != int(index):
            raise ValueError("index must be a frame index: a whole number from 0")
        arrays = {}
        for kind, argument in (("float", "floats"), ("index", "indices"), ("string", "strings")):
            for key, items in (arguments.get(argument) or {}).items():
                arrays[key] = (kind, [int(item) for item in items] if kind == "index" else items)
        hub.frames.publish(int(index), to_frame(arguments.get("values") or {}, arrays))
        return None
    return handler


def register_commands(hub):
    hub.register("multiuser/radially-orient-origins", {"radius": 1}, radially_orient_origins(hub))
    hub.register("interop/echo", {"a": 1, "b": "default"}, lambda arguments: arguments)
    hub.register("interop/nothing", {}, lambda arguments: None)
    hub.register("interop/fail", {}, fail)
    hub.register("interop/publish-frame", {}, publish_frame(hub))


# --- Program -------------------------------------------------------------------

async def serve(address, port, name):
    hub = Hub()
    register_commands(hub)
    server = grpc.aio.server(options=[
        ("grpc.so_reuseport", 0),  # a taken port is an error, never shared
        ("grpc.max_receive_message_length", 64 * 1024 * 1024),
        ("grpc.max_send_message_length", 64 * 1024 * 1024),
    ])
    add_services(server, hub)
    try:
        bound = server.add_insecure_port(f"{address}:{port}")
    except RuntimeError:
        bound = 0
    if not bound:
        print(f"contract_server: cannot listen on {address}:{port}: the port is already in use "
              f"or the address is not available", file=sys.stderr)
        return 1
    # Handle the signals before saying we listen: whoever waits for the line
    # may stop us at once.
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await server.start()
    print(f'NanoVer contract server "{name}" listening on {address}:{bound}', flush=True)
    await stop.wait()
    # Subscribers flush what is pending and end normally; then the server
    # waits for calls in flight.
    hub.close()
    await server.stop(grace=10)
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--address", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=38801)
    parser.add_argument("--name", default="NanoVer contract server")
    options = parser.parse_args()
    sys.exit(asyncio.run(serve(options.address, options.port, options.name)))


if __name__ == "__main__":
    main()
