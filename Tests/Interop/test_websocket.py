"""The NanoVer 2026 protocol (WebSocket + MessagePack) on our hub, checked
with Python's `websockets` and `msgpack` from the contract alone, and the
session it shares with gRPC clients: a 2026 client and a gRPC-era client
see each other's state, run the same commands and get the same frames.

Also the hub behaviour the contract adds on both sides: a departed user's
keys removed (for a gRPC client, by its HTTP/2 connection), and the scene
shim for writes from either protocol.
"""

import struct

import msgpack
import pytest
from websockets.exceptions import ConnectionClosed, ConnectionClosedOK
from websockets.sync.client import connect

from interop_harness import DEADLINE, server_argv, wait_until


@pytest.fixture
def both(start_hub, bin_dir):
    """Our hub serving gRPC and, on its own port, the 2026 protocol; and the
    WebSocket URL it printed."""
    hub = start_hub("swift", server_argv("swift", bin_dir))
    line = hub.process.next_line()
    assert line.startswith("NanoVer 2026 (WebSocket) on ws://127.0.0.1:"), line
    return hub, line.split(" on ", 1)[1]


def receive(socket, timeout=DEADLINE):
    return msgpack.unpackb(socket.recv(timeout=timeout), strict_map_key=False)


def receive_until(socket, predicate, what):
    """Messages until one satisfies `predicate`; that one."""
    while True:
        message = receive(socket)
        if predicate(message):
            return message


def send(socket, message):
    socket.send(msgpack.packb(message, use_bin_type=True))


def test_first_message_is_the_whole_state_and_values_come_back_exactly(both):
    """A new connection gets the state at once; a 2026 client's values come
    back exactly as sent (integers over both 64-bit ranges, nil as a value,
    binary), while gRPC readers see them as their wire can carry them."""
    hub, url = both
    peer = hub.connect()
    assert peer.set("seed", 1)
    with connect(url) as socket:
        first = receive(socket)
        assert first == {"state": {"updates": {"seed": 1.0}, "removals": []}}
        values = {"max": 2**64 - 1, "min": -(2**63), "int": 3, "nil": None, "bin": b"\x00\xff", "f": 0.5}
        send(socket, {"state": {"updates": values}})
        echoed = receive_until(socket, lambda m: "state" in m and "max" in m["state"]["updates"], "the echo")
        assert echoed["state"]["updates"] == values
        assert isinstance(echoed["state"]["updates"]["int"], int)
        state = peer.state()
        assert state["int"] == 3.0 and state["f"] == 0.5
        assert state.get("nil") is None, "a stored nil reaches gRPC readers as null, which they take as a removal"


def test_grpc_and_websocket_clients_share_state_and_locks(both):
    """Each side sees the other's changes; a key locked over gRPC refuses a
    2026 client's whole change."""
    hub, url = both
    peer = hub.connect()
    with connect(url) as socket:
        receive(socket)
        assert peer.set("from.grpc", [1, 2])
        seen = receive_until(socket, lambda m: "from.grpc" in m.get("state", {}).get("updates", {}), "the gRPC write")
        assert seen["state"]["updates"]["from.grpc"] == [1.0, 2.0]
        send(socket, {"state": {"updates": {"from.ws": "hello"}, "removals": ["from.grpc"]}})
        wait_until(lambda: peer.state().get("from.ws") == "hello" and "from.grpc" not in peer.state(), what="the 2026 write over gRPC")

        assert peer.lock("locked", 60)
        send(socket, {"state": {"updates": {"locked": 1, "unlocked.too": 1}}})
        send(socket, {"state": {"updates": {"marker": True}}})
        wait_until(lambda: peer.state().get("marker") is True, what="the marker")
        state = peer.state()
        assert "locked" not in state and "unlocked.too" not in state, "the whole change was refused"


def test_commands_list_run_and_fail_with_the_request_echoed(both):
    hub, url = both
    with connect(url) as socket:
        receive(socket)
        request = {"name": "commands/list", "id": 7}
        send(socket, {"command": {"request": request}})
        listed = receive_until(socket, lambda m: "command" in m, "the list")["command"]
        assert listed["request"] == request
        assert listed["response"]["list"]["multiuser/radially-orient-origins"] == {"radius": 1.0}
        assert {"name": "commands/list", "arguments": {}} in listed["response"]["commands"]

        request = {"name": "multiuser/radially-orient-origins", "arguments": {"radius": 2}, "id": 8}
        send(socket, {"command": {"request": request}})
        ran = receive_until(socket, lambda m: "command" in m, "the reply")["command"]
        assert ran == {"request": request, "response": None}

        unknown = {"name": "no/such/command", "id": 9}
        send(socket, {"command": [{"request": unknown}]})
        failed = receive_until(socket, lambda m: "command" in m, "the exception")["command"]
        assert failed["request"] == unknown and "no/such/command" in failed["exception"]


def test_frames_from_a_2026_client_reach_both_protocols_packed(both):
    """A frame published over WebSocket (flat arrays accepted) is stamped and
    sent to every subscriber of both protocols: packed little-endian on the
    2026 side, as arrays over gRPC."""
    hub, url = both
    peer = hub.connect()
    subscription = peer.subscribe_frames(0.0)
    with connect(url) as socket, connect(url) as watcher:
        receive(socket)
        receive(watcher)
        send(socket, {"frame": {"frame.index": 0, "particle.count": 2, "particle.positions": [0.0, 1, 2, 3, 4, 5],
                                "bond.pairs": [0, 1], "particle.elements": [1, 8]}})
        frame = receive_until(watcher, lambda m: "frame" in m, "the frame")["frame"]
        assert frame["frame.index"] == 0 and frame["particle.count"] == 2
        assert frame["particle.positions"] == struct.pack("<6f", 0.0, 1, 2, 3, 4, 5)
        assert frame["bond.pairs"] == bytes([0, 0, 0, 0, 1, 0, 0, 0])
        assert frame["particle.elements"] == bytes([1, 8])
        assert isinstance(frame["server.timestamp"], float)
        grpc_frame = subscription.wait_for_index(0)
        kind, positions = grpc_frame.arrays["particle.positions"]
        assert kind == "float" and positions == pytest.approx([0.0, 1, 2, 3, 4, 5])
        assert grpc_frame.arrays["particle.elements"][1] == [1, 8]


def test_a_late_2026_client_gets_the_merged_frame_with_index_0(both):
    hub, url = both
    with connect(url) as publisher:
        receive(publisher)
        send(publisher, {"frame": {"frame.index": 0, "topology": "water"}})
        send(publisher, {"frame": {"frame.index": 5, "step": 5}})
        # The hub numbers clients' frames itself: 0 for the reset, then 1.
        wait_until(lambda: hub.connect().current_frame().index == 1, what="the frames published")
        with connect(url) as late:
            frame = receive_until(late, lambda m: "frame" in m, "the first frame")["frame"]
            assert frame["frame.index"] == 0
            assert frame["topology"] == "water" and frame["step"] == 5


@pytest.mark.parametrize("bad", [
    "a text message",
    b"\xc1 not msgpack",
    msgpack.packb([1, 2]),
    msgpack.packb({"state": [1]}),
    msgpack.packb({"frame": {"no": "index"}}),
])
def test_bad_input_closes_that_connection_with_a_code_and_reason_only(both, bad):
    """The connection is told (1003 with the reason), nothing of the message
    is applied, and the other connections go on."""
    hub, url = both
    with connect(url) as other, connect(url) as socket:
        receive(other)
        receive(socket)
        socket.send(bad)
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                socket.recv(timeout=DEADLINE)
        assert closed.value.rcvd.code == 1003 and closed.value.rcvd.reason
        send(other, {"state": {"updates": {"still": "serving"}}})
        assert receive_until(other, lambda m: "still" in m.get("state", {}).get("updates", {}), "the echo")


def test_closing_the_hub_ends_each_connection_normally(both):
    hub, url = both
    with connect(url) as socket:
        receive(socket)
        assert hub.process.terminate() == 0
        with pytest.raises(ConnectionClosedOK) as closed:
            while True:
                socket.recv(timeout=DEADLINE)
        assert closed.value.rcvd.code == 1000


def test_a_departed_user_leaves_nothing_behind(both):
    """When a 2026 connection ends, the keys of the user it said it was (by
    its first avatar key) go, by whole dotted segment, with the
    interactions it owned; others' keys stay."""
    hub, url = both
    peer = hub.connect()
    assert peer.set("foo.u12", 1)
    with connect(url) as socket:
        receive(socket)
        send(socket, {"state": {"updates": {
            "avatar.u1": {"name": "a"}, "playarea.u1": [], "selection.u1.3": {}, "interaction.mine": {"owner": {"id": "u1"}},
            "interaction.theirs": {"owner": {"id": "u2"}},
        }}})
        wait_until(lambda: "selection.u1.3" in peer.state(), what="the user's keys")
    wait_until(lambda: "avatar.u1" not in peer.state(), what="the departed user's keys removed")
    assert set(peer.state()) == {"foo.u12", "interaction.theirs"}


def test_a_departed_grpc_user_leaves_nothing_behind_either(both):
    """nanover-server removes what a gRPC client's user left when its HTTP/2
    connection ends, learning the user from the first avatar key written
    over it (the gRPC-era reference keeps such keys for ever)."""
    hub, url = both
    watcher = hub.connect()
    assert watcher.set("foo.u12", 1)
    headset = hub.connect()
    assert headset.set("avatar.u1", {"name": "a"})
    assert headset.set("playarea.u1", [])
    assert headset.set("interaction.mine", {"owner": {"id": "u1"}})
    with connect(url) as socket:
        receive(socket)
        headset.close()
        gone = receive_until(socket, lambda m: "avatar.u1" in m.get("state", {}).get("removals", []), "the removal")
        assert sorted(gone["state"]["removals"]) == ["avatar.u1", "interaction.mine", "playarea.u1"]
    assert set(watcher.state()) == {"foo.u12"}


def test_the_scene_shim_applies_to_grpc_writes(both):
    hub, url = both
    peer = hub.connect()
    assert peer.set("scene", [0, 0, 0, 0, 0, 0, 1, 2, 2, 2])
    assert peer.state()["transform.simulation"] == {"transform": [0, 0, 0, 0, 0, 0, 1, -2, 2, 2], "parent": "root"}
    assert peer.set("transform.simulation", {"transform": [1, 0, 0, 0, 0, 0, 1, -3, 3, 3], "parent": "root"})
    assert peer.state()["scene"] == [1, 0, 0, 0, 0, 0, 1, 3, 3, 3]


def test_the_scene_shim_writes_transform_simulation_too(both):
    hub, url = both
    peer = hub.connect()
    with connect(url) as socket:
        receive(socket)
        send(socket, {"state": {"updates": {"scene": [0, 0, 0, 0, 0, 0, 1, 1.5, 1.5, 1.5]}}})
        wait_until(lambda: "transform.simulation" in peer.state(), what="the shim's key")
        assert peer.state()["transform.simulation"] == {"transform": [0, 0, 0, 0, 0, 0, 1, -1.5, 1.5, 1.5], "parent": "root"}


def test_commands_a_2026_client_registers_run_on_it_from_both_protocols(both):
    """A registered command runs on its client when a gRPC or another 2026
    client calls it: the hub sends a request with its own id and passes the
    answer (or the exception) back; the command goes when its client does."""
    import threading
    hub, url = both
    peer = hub.connect()
    with connect(url) as owner, connect(url) as caller:
        receive(owner)
        receive(caller)
        send(owner, {"command": {"register": {"name": "greet", "arguments": {"who": "nobody"}}}})
        wait_until(lambda: "greet" in peer.commands(), what="the registered command listed over gRPC")
        assert peer.commands()["greet"] == {"who": "nobody"}

        def answer(count):
            for _ in range(count):
                request = receive_until(owner, lambda m: "command" in m, "a request")["command"]["request"]
                assert isinstance(request["id"], int)
                who = request["arguments"]["who"]
                if who == "fail":
                    send(owner, {"command": {"request": request, "exception": "cannot greet"}})
                else:
                    send(owner, {"command": {"request": request, "response": {"greeting": f"hi {who}"}}})

        answering = threading.Thread(target=answer, args=(3,))
        answering.start()
        assert peer.run("greet", {"who": "grpc"}) == {"greeting": "hi grpc"}
        request = {"name": "greet", "arguments": {"who": "ws"}, "id": 1}
        send(caller, {"command": {"request": request}})
        reply = receive_until(caller, lambda m: "command" in m, "the reply")["command"]
        assert reply == {"request": request, "response": {"greeting": "hi ws"}}
        with pytest.raises(Exception) as failed:
            peer.run("greet", {"who": "fail"})
        assert "cannot greet" in str(failed.value)
        answering.join(DEADLINE)
    wait_until(lambda: "greet" not in peer.commands(), what="the command removed with its client")
