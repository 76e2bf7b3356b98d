"""Hostile and odd requests: bytes that are not the message they claim to
be, methods that do not exist, values nested deeper than decoders allow.
Each gets an error status, and the server goes on serving."""

import grpc
import pytest

from nanover_wire import (METHODS, TRAJECTORY_METHODS, command_message_bytes, nested_list_value,
                          state_pb2, trajectory_pb2, update_state_request_bytes)

# Bytes no protobuf decoder accepts, whatever the message.
INVALID = {
    # Field 1, length-delimited, claims 5 bytes but 2 follow.
    "truncated-length": b"\x0a\x05ab",
    # Field 1, varint, eleven bytes long: a varint has at most ten.
    "overlong-varint": b"\x08" + b"\xff" * 10 + b"\x01",
    # Field 1, fixed64, with 2 of its 8 bytes.
    "truncated-fixed64": b"\x09\x01\x02",
}
# Field 1 is a string in these: proto3 strings must be valid UTF-8.
STRING_FIELD_METHODS = ["RunCommand", "UpdateState", "UpdateLocks"]
INVALID_UTF8 = b"\x0a\x02\xc3\x28"

CASES = [pytest.param(method, payload, id=f"{method}-{name}")
         for method in METHODS for name, payload in INVALID.items()]
CASES += [pytest.param(method, INVALID_UTF8, id=f"{method}-invalid-utf8") for method in STRING_FIELD_METHODS]


def assert_still_serving(peer):
    assert "multiuser/radially-orient-origins" in peer.commands()
    assert peer.update({"still": "serving"}) is True
    assert peer.state()["still"] == "serving"


def call_raw(peer, method, payload):
    """The status code of a raw call of `method` with `payload`."""
    try:
        if method == "SubscribeStateUpdates":
            for _ in peer.raw_stream(METHODS[method], payload):
                pass
        else:
            peer.raw_unary(METHODS[method], payload)
    except grpc.RpcError as error:
        return error.code()
    return grpc.StatusCode.OK


@pytest.mark.parametrize("method, payload", CASES)
def test_bytes_that_are_not_a_message_get_an_error_status(hub, method, payload):
    peer = hub.connect()
    if method == "SubscribeStateUpdates":
        # A stream that decoded the request would send the state at once and
        # stay open; give it a state so a wrong success cannot hang.
        assert peer.update({"seed": 1})
    code = call_raw(peer, method, payload)
    assert code != grpc.StatusCode.OK
    assert code in (grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.INTERNAL), code
    assert_still_serving(peer)
    assert hub.process.running()


def test_a_raw_valid_request_is_understood(hub):
    """The control for the hostile cases: raw bytes of a real message work."""
    peer = hub.connect()
    payload = state_pb2.UpdateStateRequest(access_token="raw").SerializeToString()
    reply = state_pb2.UpdateStateResponse.FromString(peer.raw_unary(METHODS["UpdateState"], payload))
    assert reply.success is True


@pytest.mark.parametrize("path", [
    "/nanover.protocol.state.State/GetState",
    "/nanover.protocol.command.Command/DeleteCommand",
    "/nanover.protocol.nothing.Nothing/Call",
])
def test_an_unknown_method_is_unimplemented(hub, path):
    peer = hub.connect()
    with pytest.raises(grpc.RpcError) as raised:
        peer.raw_unary(path, b"")
    assert raised.value.code() == grpc.StatusCode.UNIMPLEMENTED
    assert_still_serving(peer)


@pytest.mark.parametrize("depth", [200, 10_000])
@pytest.mark.parametrize("method", ["UpdateState", "RunCommand"])
def test_a_value_nested_deeper_than_decoders_allow_is_an_error_not_a_crash(hub, method, depth):
    peer = hub.connect()
    value = nested_list_value(depth)
    if method == "UpdateState":
        payload = update_state_request_bytes("deep", "deep", value)
    else:
        payload = command_message_bytes("multiuser/radially-orient-origins", "deep", value)
    code = call_raw(peer, method, payload)
    assert code != grpc.StatusCode.OK
    assert hub.process.running()
    assert_still_serving(peer)
    assert "deep" not in peer.state()


def test_a_moderately_nested_value_round_trips(hub):
    """The control for the deep cases: the same encoding, 20 deep, is a
    valid value that comes back as it went."""
    peer = hub.connect()
    payload = update_state_request_bytes("nested", "nested", nested_list_value(20))
    reply = state_pb2.UpdateStateResponse.FromString(peer.raw_unary(METHODS["UpdateState"], payload))
    assert reply.success is True
    value = peer.state()["nested"]
    for _ in range(20):
        assert isinstance(value, list) and len(value) == 1
        value = value[0]
    assert value is None


# --- The trajectory methods ------------------------------------------------------

TRAJECTORY_CASES = [pytest.param(method, payload, id=f"{method}-{name}")
                    for method in TRAJECTORY_METHODS for name, payload in INVALID.items()]


@pytest.fixture(params=["frame-server", "swift", "contract"])
def trajectory_server(request, start_hub, start_frame_server):
    """A server with frames to send (our frame server), then the two hubs,
    which have none."""
    return start_frame_server() if request.param == "frame-server" else start_hub(request.param)


def first_message_status(peer, method, payload):
    """The status of a raw call of a frame stream, judged on its first
    message: a message means the bytes were taken for a request (OK); an
    error before any message is the error's code."""
    stream = peer.raw_stream(TRAJECTORY_METHODS[method], payload)
    try:
        next(stream)
    except StopIteration:
        pass
    except grpc.RpcError as error:
        return error.code()
    finally:
        stream.cancel()
    return grpc.StatusCode.OK


def assert_still_serving_frames(server, peer):
    if server.kind == "frame-server":
        assert peer.current_frame().values["particle.count"] > 0
        assert "simulations" in peer.run("playback/list")
    else:
        assert_still_serving(peer)


@pytest.mark.parametrize("method, payload", TRAJECTORY_CASES)
def test_bytes_that_are_not_a_frame_request_get_an_error_status(trajectory_server, method, payload):
    """A frame stream decoded from such bytes would send frames (the frame
    server) or stay open and silent (a hub, until the call's deadline): it
    must end at once with an error status instead."""
    peer = trajectory_server.connect()
    code = first_message_status(peer, method, payload)
    assert code in (grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.INTERNAL), code
    assert_still_serving_frames(trajectory_server, peer)
    assert trajectory_server.process.running()


@pytest.mark.parametrize("method", TRAJECTORY_METHODS)
def test_a_raw_valid_frame_request_is_understood(frame_server, method):
    """The control for the hostile frame requests: raw bytes of a real
    request get a real frame."""
    peer = frame_server.connect()
    payload = trajectory_pb2.GetFrameRequest(frame_interval=0.25).SerializeToString()
    stream = peer.raw_stream(TRAJECTORY_METHODS[method], payload)
    try:
        reply = trajectory_pb2.GetFrameResponse.FromString(next(stream))
    finally:
        stream.cancel()
    assert reply.frame.values["particle.count"].number_value > 0
