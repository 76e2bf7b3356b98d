"""Discovery (ESSD) between our programs and a Python peer written from the
contract: a listener that reads our hub's datagrams, and a sender whose
datagrams our `nanover` reads. All of it stays on 127.0.0.1, on ports the
system had free: nothing is broadcast.

The contract: one UDP datagram of UTF-8 JSON, at most 1,024 bytes, with
`name` and `address` (strings), `id` (a UUID, the same in every datagram of
one hub), `essd_version` "1.0.0" and `services` (service name to port); other
fields are kept.
"""

import json
import socket
import subprocess
import threading
import uuid

from interop_harness import DEADLINE

MAXIMUM_MESSAGE_BYTES = 1024
CLI_TIMEOUT = 60


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def contract_listener():
    """A listener as the contract describes one, on 127.0.0.1 and a free port."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.settimeout(DEADLINE)
    return listener


def receive_descriptions(listener, count):
    """`count` datagrams, each checked to be at most 1,024 bytes of UTF-8
    JSON holding an object, returned as read."""
    descriptions = []
    while len(descriptions) < count:
        # One byte more than allowed, so that a longer datagram shows.
        data, _ = listener.recvfrom(MAXIMUM_MESSAGE_BYTES + 1)
        assert len(data) <= MAXIMUM_MESSAGE_BYTES, f"a datagram of {len(data)} bytes"
        description = json.loads(data.decode("utf-8"))
        assert isinstance(description, dict)
        descriptions.append(description)
    return descriptions


def test_our_hub_datagrams_follow_the_contract(start_hub, bin_dir):
    listener = contract_listener()
    name = "Interop ✓ hub"
    try:
        hub = start_hub("swift", [
            str(bin_dir / "nanover-server"), "--address", "127.0.0.1", "--port", "0", "--ws-port", "0",
            "--name", name, "--discovery", "--discovery-target", "127.0.0.1",
            "--discovery-port", str(listener.getsockname()[1])])
        ws_port = int(hub.process.next_line().rsplit(":", 1)[1])
        descriptions = receive_descriptions(listener, 3)
    finally:
        listener.close()
    for description in descriptions:
        assert description["name"] == name
        assert description["address"] == "127.0.0.1"
        assert description["essd_version"] == "1.0.0"
        assert uuid.UUID(description["id"])
        assert description["services"] == {
            "multiplayer": hub.port, "trajectory": hub.port, "imd": hub.port, "ws": ws_port}
        assert description["port"] == hub.port
    assert len({description["id"] for description in descriptions}) == 1


class ContractSender:
    """Sends descriptions to 127.0.0.1:`port` every 0.1 s until stopped,
    each with `json.dumps` (non-ASCII escaped, as Python writes by default),
    after a malformed and an oversized datagram each round."""

    def __init__(self, port, descriptions):
        self.port = port
        self.datagrams = [b"not json", b'{"name": "No address"}',
                          json.dumps({"name": "x" * MAXIMUM_MESSAGE_BYTES, "address": "127.0.0.1"}).encode()]
        self.datagrams += [json.dumps(description).encode() for description in descriptions]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
            while not self._stop.is_set():
                for datagram in self.datagrams:
                    sender.sendto(datagram, ("127.0.0.1", self.port))
                self._stop.wait(0.1)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exception):
        self._stop.set()
        self._thread.join(timeout=DEADLINE)


def python_description(name, grpc_port, **extra):
    return {"name": name, "address": "127.0.0.1", "id": str(uuid.uuid4()), "essd_version": "1.0.0",
            "services": {"multiplayer": grpc_port, "trajectory": grpc_port, "imd": grpc_port}, **extra}


def test_our_listener_reads_python_datagrams(bin_dir):
    port = free_udp_port()
    description = python_description("Café ✓ 分子", 38801, port=38801, tags=["a", "b"])
    with ContractSender(port, [description]):
        result = subprocess.run(
            [str(bin_dir / "nanover"), "discover", "--json", "--seconds", "2", "--discovery-port", str(port)],
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=CLI_TIMEOUT)
    assert result.returncode == 0, result.stderr
    heard = [json.loads(line) for line in result.stdout.splitlines()]
    assert heard == [description]


def test_our_client_connects_to_a_hub_a_python_sender_advertises(bin_dir, contract_hub):
    port = free_udp_port()
    contract_hub.connect().set("advertised", "yes")
    with ContractSender(port, [python_description("Other", 1), python_description("Contract hub", contract_hub.port)]):
        result = subprocess.run(
            [str(bin_dir / "nanover"), "state", "get", "advertised", "--discover", "Contract hub",
             "--discovery-port", str(port), "--discovery-seconds", str(DEADLINE)],
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=CLI_TIMEOUT + DEADLINE)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"advertised": "yes"}
