"""The NanoVer wire protocol for Python, from this repository's own .proto files.

Importing this module generates the Python message and gRPC stubs with
grpcio-tools into a fresh temporary directory (never into the repository)
and puts that directory on sys.path. The directory is published in the
environment variable NANOVER_INTEROP_STUBS, so child processes (the contract
server) reuse it instead of generating their own; the process that made it
removes it at exit.

It also converts between Python values and google.protobuf.Value (and
frames: FrameData), and encodes hand-made (possibly hostile) protobuf bytes.
"""

import atexit
import importlib.resources
import math
import os
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
PROTOS = REPOSITORY / "protos"
PROTO_FILES = [
    "nanover/protocol/command/command_service.proto",
    "nanover/protocol/state/state_service.proto",
    "nanover/protocol/array.proto",
    "nanover/protocol/trajectory/frame.proto",
    "nanover/protocol/trajectory/get_frame.proto",
    "nanover/protocol/trajectory/trajectory_service.proto",
]
STUBS_VARIABLE = "NANOVER_INTEROP_STUBS"


def _generate_stubs():
    directory = tempfile.mkdtemp(prefix="nanover-interop-stubs-")
    atexit.register(shutil.rmtree, directory, True)
    well_known = str(importlib.resources.files("grpc_tools") / "_proto")
    result = subprocess.run(
        [sys.executable, "-m", "grpc_tools.protoc",
         f"-I{PROTOS}", f"-I{well_known}",
         f"--python_out={directory}", f"--grpc_python_out={directory}",
         *PROTO_FILES],
        capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"protoc failed:\n{result.stdout}{result.stderr}")
    os.environ[STUBS_VARIABLE] = directory
    return directory


def _stubs_directory():
    existing = os.environ.get(STUBS_VARIABLE)
    if existing and all((Path(existing) / name.replace(".proto", "_pb2.py")).exists() for name in PROTO_FILES):
        return existing
    return _generate_stubs()


STUBS = _stubs_directory()
if STUBS not in sys.path:
    sys.path.insert(0, STUBS)

from google.protobuf import struct_pb2  # noqa: E402 (after the stubs are on sys.path)
from nanover.protocol.command import command_service_pb2 as command_pb2  # noqa: E402
from nanover.protocol.command import command_service_pb2_grpc as command_grpc  # noqa: E402
from nanover.protocol.state import state_service_pb2 as state_pb2  # noqa: E402
from nanover.protocol.state import state_service_pb2_grpc as state_grpc  # noqa: E402
from nanover.protocol import array_pb2  # noqa: E402
from nanover.protocol.trajectory import frame_pb2  # noqa: E402
from nanover.protocol.trajectory import get_frame_pb2 as trajectory_pb2  # noqa: E402
from nanover.protocol.trajectory import trajectory_service_pb2_grpc as trajectory_grpc  # noqa: E402

# Re-exported: the generated modules, for every other file of the suite.
__all__ = [
    "struct_pb2", "command_pb2", "command_grpc", "state_pb2", "state_grpc",
    "array_pb2", "frame_pb2", "trajectory_pb2", "trajectory_grpc",
    "COMMAND_SERVICE", "STATE_SERVICE", "TRAJECTORY_SERVICE", "METHODS", "TRAJECTORY_METHODS",
    "to_value", "to_struct", "from_value", "from_struct", "values_equal", "float32",
    "to_frame", "from_frame", "ARRAY_KINDS",
    "varint", "length_delimited", "nested_list_value", "struct_bytes",
    "update_state_request_bytes", "command_message_bytes",
]

COMMAND_SERVICE = "nanover.protocol.command.Command"
STATE_SERVICE = "nanover.protocol.state.State"
METHODS = {
    "GetCommands": f"/{COMMAND_SERVICE}/GetCommands",
    "RunCommand": f"/{COMMAND_SERVICE}/RunCommand",
    "SubscribeStateUpdates": f"/{STATE_SERVICE}/SubscribeStateUpdates",
    "UpdateState": f"/{STATE_SERVICE}/UpdateState",
    "UpdateLocks": f"/{STATE_SERVICE}/UpdateLocks",
}
# Apart from METHODS: both are server streams that, once a request is
# decoded, may go on sending for ever.
TRAJECTORY_SERVICE = "nanover.protocol.trajectory.TrajectoryService"
TRAJECTORY_METHODS = {
    "SubscribeFrames": f"/{TRAJECTORY_SERVICE}/SubscribeFrames",
    "SubscribeLatestFrames": f"/{TRAJECTORY_SERVICE}/SubscribeLatestFrames",
}


# --- Python values <-> google.protobuf.Value ---------------------------------

def to_value(python):
    """A Python value (None, bool, number, str, list, dict) as a Value."""
    value = struct_pb2.Value()
    if python is None:
        value.null_value = struct_pb2.NULL_VALUE
    elif isinstance(python, bool):
        value.bool_value = python
    elif isinstance(python, (int, float)):
        value.number_value = float(python)
    elif isinstance(python, str):
        value.string_value = python
    elif isinstance(python, (list, tuple)):
        value.list_value.SetInParent()
        for item in python:
            value.list_value.values.append(to_value(item))
    elif isinstance(python, dict):
        value.struct_value.SetInParent()
        for key, item in python.items():
            value.struct_value.fields[key].CopyFrom(to_value(item))
    else:
        raise TypeError(f"not expressible as a protobuf Value: {python!r}")
    return value


def to_struct(mapping):
    result = struct_pb2.Struct()
    for key, item in mapping.items():
        result.fields[key].CopyFrom(to_value(item))
    return result


def from_value(value):
    """A Value as Python: numbers are always floats, as on the wire."""
    kind = value.WhichOneof("kind")
    if kind == "null_value":
        return None
    if kind == "number_value":
        return value.number_value
    if kind == "string_value":
        return value.string_value
    if kind == "bool_value":
        return value.bool_value
    if kind == "list_value":
        return [from_value(item) for item in value.list_value.values]
    if kind == "struct_value":
        return from_struct(value.struct_value)
    raise ValueError("a google.protobuf.Value with no kind set")


def from_struct(message):
    return {key: from_value(item) for key, item in message.fields.items()}


def values_equal(left, right):
    """Equality of decoded values where NaN equals NaN and types must match
    (True is not 1.0)."""
    if isinstance(left, float) and isinstance(right, float):
        return left == right or (math.isnan(left) and math.isnan(right))
    if type(left) is not type(right):
        return False
    if isinstance(left, list):
        return len(left) == len(right) and all(values_equal(a, b) for a, b in zip(left, right))
    if isinstance(left, dict):
        return left.keys() == right.keys() and all(values_equal(left[k], right[k]) for k in left)
    return left == right


def float32(number):
    """The number as the nearest 32-bit float, as a `float` field carries it."""
    return struct.unpack("<f", struct.pack("<f", number))[0]


# --- Frames <-> Python ---------------------------------------------------------

# The kinds of a ValueArray, by the name of its oneof field.
ARRAY_KINDS = {"float": "float_values", "index": "index_values", "string": "string_values"}


def to_frame(values=None, arrays=None):
    """A FrameData from plain values (key -> Python value) and typed arrays
    (key -> (kind, list), kind one of ARRAY_KINDS)."""
    frame = frame_pb2.FrameData()
    for key, python in (values or {}).items():
        frame.values[key].CopyFrom(to_value(python))
    for key, (kind, items) in (arrays or {}).items():
        getattr(frame.arrays[key], ARRAY_KINDS[kind]).values.extend(items)
    return frame


def from_frame(frame):
    """A FrameData as (values, arrays): key -> Python value, and key ->
    (kind, list) with kind one of ARRAY_KINDS (None for an empty
    ValueArray). Floats are 32-bit on the wire: they come back as the
    doubles nearest those."""
    kinds = {field: kind for kind, field in ARRAY_KINDS.items()}
    values = {key: from_value(value) for key, value in frame.values.items()}
    arrays = {}
    for key, array in frame.arrays.items():
        field = array.WhichOneof("values")
        arrays[key] = (kinds[field], list(getattr(array, field).values)) if field else (None, [])
    return values, arrays


# --- Hand-made protobuf bytes ------------------------------------------------

def varint(number):
    out = bytearray()
    while True:
        byte = number & 0x7F
        number >>= 7
        if number:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def length_delimited(field, payload):
    return varint(field << 3 | 2) + varint(len(payload)) + payload


def nested_list_value(depth):
    """Bytes of a google.protobuf.Value that is `depth` lists inside each
    other around a null: [[[...[null]...]]]."""
    value = varint(1 << 3 | 0) + varint(0)              # Value.null_value = NULL_VALUE
    for _ in range(depth):
        list_value = length_delimited(1, value)          # ListValue.values
        value = length_delimited(6, list_value)          # Value.list_value
    return value


def struct_bytes(key, value_bytes):
    """Bytes of a google.protobuf.Struct with one field."""
    entry = length_delimited(1, key.encode()) + length_delimited(2, value_bytes)
    return length_delimited(1, entry)                    # Struct.fields (map entry)


def update_state_request_bytes(token, key, value_bytes):
    state_update = length_delimited(1, struct_bytes(key, value_bytes))   # StateUpdate.changed_keys
    return length_delimited(1, token.encode()) + length_delimited(2, state_update)


def command_message_bytes(name, key, value_bytes):
    return length_delimited(1, name.encode()) + length_delimited(2, struct_bytes(key, value_bytes))
