"""NanoVer 2026 recordings (`NAME.nanover.zip`), read and written in Python
from the contract alone (`nanover-websocket.md`, "Recordings (2026)"), with
the standard library's `zipfile` and the `msgpack` package, so that the
suite checks our Swift reader and writers against a second implementation.

A recording is an uncompressed zip holding two members:

    messages.msgpack  every message one client received, each one
                      MessagePack map, one after another
    index.msgpack     a MessagePack array of one map per message:
                      {"offset", "length", "metadata": {"types": [the
                      message's top-level keys], "timestamp": microseconds
                      since the start, "frame.index" (frame messages)}}
"""

import zipfile
from dataclasses import dataclass

import msgpack

MESSAGES = "messages.msgpack"
INDEX = "index.msgpack"


@dataclass(frozen=True)
class Entry:
    """One message: its index entry's fields and the message decoded."""
    offset: int
    length: int
    metadata: dict
    message: dict

    @property
    def timestamp(self):
        return self.metadata["timestamp"]


def read(path):
    """The entries of the recording at `path`, checking what the contract
    says of its layout: both members, stored, each entry inside the
    messages, the messages back to back, each a map whose keys the entry's
    types list."""
    with zipfile.ZipFile(path) as archive:
        names = [info.filename for info in archive.infolist()]
        assert sorted(names) == [INDEX, MESSAGES], names
        for info in archive.infolist():
            assert info.compress_type == zipfile.ZIP_STORED, f"{info.filename} is compressed"
        assert archive.testzip() is None, "a member does not match its CRC-32"
        messages = archive.read(MESSAGES)
        index = msgpack.unpackb(archive.read(INDEX), strict_map_key=False)
    assert isinstance(index, list)
    entries = []
    expected_offset = 0
    for item in index:
        assert set(item) == {"offset", "length", "metadata"}, item
        offset, length, metadata = item["offset"], item["length"], item["metadata"]
        assert offset == expected_offset, "messages are back to back, in index order"
        assert offset + length <= len(messages)
        message = msgpack.unpackb(messages[offset:offset + length], strict_map_key=False)
        assert isinstance(message, dict)
        assert metadata["types"] == list(message), (metadata, list(message))
        assert isinstance(metadata["timestamp"], int) and metadata["timestamp"] >= 0
        if "frame" in message:
            assert metadata["frame.index"] == message["frame"]["frame.index"]
        else:
            assert "frame.index" not in metadata
        entries.append(Entry(offset, length, metadata, message))
        expected_offset = offset + length
    assert expected_offset == len(messages), "nothing follows the last message"
    return entries


def write(path, events, compression=zipfile.ZIP_STORED, index_transform=None):
    """Writes a recording of (timestamp in microseconds, message dict)
    events, the messages streamed into their member as a long recording
    would be. `compression` and `index_transform` (a function of the index
    list) make files a reader must refuse."""
    index = []
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        with archive.open(MESSAGES, "w", force_zip64=True) as member:
            offset = 0
            for timestamp, message in events:
                data = msgpack.packb(message, use_bin_type=True)
                metadata = {"types": list(message), "timestamp": timestamp}
                if "frame" in message:
                    metadata["frame.index"] = message["frame"]["frame.index"]
                index.append({"offset": offset, "length": len(data), "metadata": metadata})
                member.write(data)
                offset += len(data)
        if index_transform is not None:
            index = index_transform(index)
        archive.writestr(INDEX, msgpack.packb(index, use_bin_type=True))
