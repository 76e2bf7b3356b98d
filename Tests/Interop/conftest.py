"""Fixtures of the interoperability suite.

Protocol tests take the `hub` fixture and run twice: against our Swift
`nanover-server`, and against `contract_server.py`, a Python hub written
from the contract. A test passing on both stacks checks the contract, not
one implementation's habits. The CLI tests drive our Swift `nanover` client
against the contract server. Frame tests take `frame_server`: our server
publishing synthetic frames (`nanover-bench frame-server`), since a hub
alone has nothing to publish.

The built programs are found in NANOVER_BIN_DIR when it is set (the test
script sets it), else in the directory `swift build --show-bin-path` prints.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

import nanover_wire  # generates the stubs before any test module imports them
from interop_harness import (FRAME_SERVER_ATOMS, FRAME_SERVER_RATE, Peer, ServerProcess, child_environment,
                             frame_server_argv, server_argv)

BIN_VARIABLE = "NANOVER_BIN_DIR"
HUB_KINDS = ["swift", "contract"]


@pytest.fixture(scope="session")
def bin_dir():
    configured = os.environ.get(BIN_VARIABLE)
    if configured:
        directory = Path(configured)
    else:
        if shutil.which("swift") is None:
            pytest.fail(f"swift is not on PATH and {BIN_VARIABLE} is not set")
        result = subprocess.run(["swift", "build", "--show-bin-path"], cwd=nanover_wire.REPOSITORY,
                                capture_output=True, text=True, timeout=600)
        if result.returncode != 0:
            pytest.fail(f"swift build --show-bin-path failed: {result.stderr}")
        directory = Path(result.stdout.strip().splitlines()[-1])
    missing = [name for name in ("nanover-server", "nanover") if not (directory / name).is_file()]
    if missing:
        pytest.fail(f"{', '.join(missing)} not built in {directory}: run `swift build` first")
    return directory


class Hub:
    """A running server of one kind, and the peers connected to it."""

    def __init__(self, kind, process):
        self.kind = kind
        self.process = process
        self.port = process.port
        self.address = process.address
        self._peers = []

    def connect(self, token=None):
        peer = Peer(self.address, token)
        self._peers.append(peer)
        return peer

    def stop(self):
        """SIGTERM; returns the exit status."""
        return self.process.terminate()

    def close_peers(self):
        for peer in self._peers:
            peer.close()
        self._peers.clear()


@pytest.fixture
def start_hub(request):
    """Starts hubs by kind (or, given `argv`, another server of ours); at
    teardown stops each still running with SIGTERM and checks that it exits
    with status 0."""
    hubs = []

    def start(kind, argv=None):
        if argv is None:
            directory = request.getfixturevalue("bin_dir") if kind == "swift" else None
            argv = server_argv(kind, directory)
        hub = Hub(kind, ServerProcess(argv, env=child_environment()))
        hubs.append(hub)
        return hub

    yield start
    problems = []
    for hub in hubs:
        hub.close_peers()
        try:
            if hub.process.running():
                status = hub.stop()
                if status != 0:
                    problems.append(f"{hub.kind} server exited with {status} on SIGTERM:\n"
                                    f"{hub.process.stderr_text()}")
        finally:
            hub.process.close()
    assert not problems, "\n".join(problems)


@pytest.fixture(params=HUB_KINDS)
def hub(request, start_hub):
    """A fresh, empty hub: our Swift server, then the contract server."""
    return start_hub(request.param)


@pytest.fixture
def swift_hub(start_hub):
    return start_hub("swift")


@pytest.fixture
def contract_hub(start_hub):
    return start_hub("contract")


@pytest.fixture
def start_frame_server(start_hub, bin_dir):
    """Starts `nanover-bench frame-server`, stopped like a hub at teardown."""
    if not (bin_dir / "nanover-bench").is_file():
        pytest.fail(f"nanover-bench not built in {bin_dir}: run `swift build` first")

    def start(atoms=FRAME_SERVER_ATOMS, rate=FRAME_SERVER_RATE):
        return start_hub("frame-server", frame_server_argv(bin_dir, atoms, rate))
    return start


@pytest.fixture
def frame_server(start_frame_server):
    """Our server publishing frames of FRAME_SERVER_ATOMS atoms at
    FRAME_SERVER_RATE a second, from index 0."""
    return start_frame_server()
