"""NanoVer recording files, read and written in Python from the contract alone
(`nanover-frames.md`, "Recording files"), so that the suite checks our
Swift reader and writers against a second implementation rather than
against themselves.

A recording is two files of the same layout: NAME.traj (each entry a
GetFrameResponse) and NAME.state (each entry a StateUpdate). All integers
are little-endian:

    header:  u64 magic 6661355757386708963, u64 format version 2
    entries: u128 timestamp (microseconds since the recording started),
             u64 length, then `length` bytes of one protobuf message

A reader stops cleanly after the last complete entry: a file cut short (a
crash while recording) reads up to there, and says it was cut short. A
file with another magic number, or another version, is an error, and the
two are different errors. A file too short to hold the header is a third.
"""

import struct
from dataclasses import dataclass, field
from pathlib import Path

from nanover_wire import from_struct, state_pb2, to_struct, trajectory_pb2

MAGIC_NUMBER = 6661355757386708963
FORMAT_VERSION = 2

_HEADER = struct.Struct("<QQ")            # magic, version
_ENTRY_HEADER = struct.Struct("<QQQ")     # timestamp low 64 bits, high 64 bits, length
HEADER_SIZE = _HEADER.size
ENTRY_HEADER_SIZE = _ENTRY_HEADER.size


class RecordingError(Exception):
    """A file that is not a readable recording (a file cut short is not an
    error: see `Recording.cut_short`)."""


class WrongMagicNumber(RecordingError):
    def __init__(self, found):
        super().__init__(f"not a NanoVer recording: magic number {found}, expected {MAGIC_NUMBER}")
        self.found = found


class UnsupportedVersion(RecordingError):
    def __init__(self, found):
        super().__init__(f"recording format version {found}, expected {FORMAT_VERSION}")
        self.found = found


class TruncatedHeader(RecordingError):
    def __init__(self, size):
        super().__init__(f"{size} bytes: too short for the {HEADER_SIZE}-byte recording header")
        self.size = size


@dataclass(frozen=True)
class Entry:
    """One entry: its timestamp in microseconds, the message's bytes, and
    where the entry starts in the file."""
    timestamp: int
    payload: bytes
    offset: int


@dataclass
class Recording:
    """What a file holds: its complete entries, in file order; whether it
    ends inside an entry (`cut_short`), and if so how many bytes of that
    incomplete entry follow the last complete one (`trailing_bytes`)."""
    entries: list = field(default_factory=list)
    cut_short: bool = False
    trailing_bytes: int = 0

    @property
    def timestamps(self):
        return [entry.timestamp for entry in self.entries]

    def frames(self):
        """The entries as GetFrameResponse messages (a .traj file)."""
        return [parse_frame(entry.payload) for entry in self.entries]

    def state_updates(self):
        """The entries as {key: Python value} (a .state file; None is a
        removal)."""
        return [parse_state_update(entry.payload) for entry in self.entries]


def parse_bytes(data):
    """A recording from the whole content of a file."""
    data = bytes(data)
    if len(data) < HEADER_SIZE:
        raise TruncatedHeader(len(data))
    magic, version = _HEADER.unpack_from(data, 0)
    if magic != MAGIC_NUMBER:
        raise WrongMagicNumber(magic)
    if version != FORMAT_VERSION:
        raise UnsupportedVersion(version)
    recording = Recording()
    offset = HEADER_SIZE
    while offset < len(data):
        if len(data) - offset < ENTRY_HEADER_SIZE:
            break
        low, high, length = _ENTRY_HEADER.unpack_from(data, offset)
        start = offset + ENTRY_HEADER_SIZE
        if length > len(data) - start:
            break
        recording.entries.append(Entry(high << 64 | low, data[start:start + length], offset))
        offset = start + length
    if offset < len(data):
        recording.cut_short = True
        recording.trailing_bytes = len(data) - offset
    return recording


def read(path):
    """The recording in the file at `path`."""
    return parse_bytes(Path(path).read_bytes())


def parse_frame(payload):
    return trajectory_pb2.GetFrameResponse.FromString(payload)


def parse_state_update(payload):
    return from_struct(state_pb2.StateUpdate.FromString(payload).changed_keys)


# --- Writing -----------------------------------------------------------------

def header_bytes(magic=MAGIC_NUMBER, version=FORMAT_VERSION):
    """The header; other values make files a reader must refuse."""
    return _HEADER.pack(magic, version)


def entry_bytes(timestamp, message):
    """One entry: `message` is a protobuf message or its bytes."""
    payload = message if isinstance(message, (bytes, bytearray)) else message.SerializeToString()
    if not 0 <= timestamp < 1 << 128:
        raise ValueError(f"timestamp {timestamp} does not fit 128 bits")
    return _ENTRY_HEADER.pack(timestamp & (1 << 64) - 1, timestamp >> 64, len(payload)) + bytes(payload)


def recording_bytes(entries, magic=MAGIC_NUMBER, version=FORMAT_VERSION):
    """A whole file from (timestamp, message) pairs."""
    return header_bytes(magic, version) + b"".join(entry_bytes(t, m) for t, m in entries)


def write(path, entries, magic=MAGIC_NUMBER, version=FORMAT_VERSION):
    """Writes a whole file from (timestamp, message) pairs; returns its size."""
    data = recording_bytes(entries, magic, version)
    Path(path).write_bytes(data)
    return len(data)


def frame_entry(timestamp, index, frame):
    """A .traj entry: a GetFrameResponse of `index` and a FrameData."""
    response = trajectory_pb2.GetFrameResponse(frame_index=index)
    response.frame.CopyFrom(frame)
    return timestamp, response


def state_entry(timestamp, changes):
    """A .state entry: a StateUpdate of {key: Python value}, None a removal."""
    return timestamp, state_pb2.StateUpdate(changed_keys=to_struct(changes))
