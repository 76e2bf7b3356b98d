#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a recording's bytes are read from: a file, read at offsets so that
/// a reader holds one entry at a time, or bytes in memory.
package protocol RecordingSource: Sendable {
    /// How many bytes there are now (a file being recorded grows).
    func size() throws(RecordingError) -> UInt64
    /// Reads up to `buffer.count` bytes at `offset`; fewer only at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws(RecordingError) -> Int
}

extension RecordingSource {
    /// Exactly `count` bytes at `offset`, or fewer at the end.
    package func bytes(_ count: Int, at offset: UInt64) throws(RecordingError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        // withUnsafeMutableBytes rethrows untyped: the typed error goes
        // through a Result.
        let read = try bytes.withUnsafeMutableBytes { buffer in
            Result { () throws(RecordingError) in try self.read(into: buffer, at: offset) }
        }.get()
        if read < count { bytes.removeLast(count - read) }
        return bytes
    }
}

/// A recording file open for reading; closed when the last reference goes.
package final class RecordingFile: RecordingSource {
    let path: String
    private let descriptor: Int32

    package init(path: String) throws(RecordingError) {
        self.path = path
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .io(path: path, operation: "open", errno: errno) }
    }

    deinit {
        close(descriptor)
    }

    package func size() throws(RecordingError) -> UInt64 {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .io(path: path, operation: "inspect", errno: errno) }
        return UInt64(status.st_size)
    }

    package func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws(RecordingError) -> Int {
        try readFully(descriptor, into: buffer, at: offset).mapError { RecordingError.io(path: path, operation: "read", errno: $0.code) }.get()
    }
}

/// A recording held in memory.
package struct RecordingBytes: RecordingSource {
    let bytes: [UInt8]

    package init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    package func size() -> UInt64 { UInt64(bytes.count) }

    package func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) -> Int {
        guard offset < UInt64(bytes.count) else { return 0 }
        let start = Int(offset)
        let count = min(buffer.count, bytes.count - start)
        bytes.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + start, byteCount: count)
        }
        return count
    }
}
