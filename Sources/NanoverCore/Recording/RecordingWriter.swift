#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Writes a recording file: the header at once, then each entry in one
/// write, so that a recording stopped at any moment (a crash included)
/// leaves a file readable up to its last complete entry.
///
/// Safe to call from any thread; entries are written in the order the
/// calls reach it.
public final class RecordingWriter: Sendable {
    public let path: String
    /// The open file; -1 once closed.
    private let descriptor: Mutex<Int32>

    /// Creates (or empties) the file at `path` and writes the header.
    ///
    /// - Throws: ``RecordingError/io(path:operation:errno:)``.
    public init(path: String) throws(RecordingError) {
        self.path = path
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .io(path: path, operation: "create", errno: errno) }
        self.descriptor = Mutex(descriptor)
        var header: [UInt8] = []
        header.appendLittleEndian(RecordingFormat.magicNumber)
        header.appendLittleEndian(RecordingFormat.version)
        try write(header)
    }

    deinit {
        close()
    }

    /// Appends an entry: `message` at `timestamp` microseconds since the
    /// recording started.
    ///
    /// - Throws: ``RecordingError/io(path:operation:errno:)``, also when
    ///   the writer is closed.
    public func append(timestamp: UInt64, message: [UInt8]) throws(RecordingError) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(RecordingFormat.entryHeaderSize + message.count)
        bytes.appendLittleEndian(timestamp)
        bytes.appendLittleEndian(0)
        bytes.appendLittleEndian(UInt64(message.count))
        bytes += message
        try write(bytes)
    }

    /// Appends an entry.
    public func append(_ entry: RecordingEntry) throws(RecordingError) {
        try append(timestamp: entry.timestamp, message: entry.message)
    }

    /// Closes the file. Idempotent.
    public func close() {
        descriptor.withLock { descriptor in
            if descriptor >= 0 {
                _ = systemClose(descriptor)
                descriptor = -1
            }
        }
    }

    private func write(_ bytes: [UInt8]) throws(RecordingError) {
        let failure: Int32? = descriptor.withLock { descriptor in
            guard descriptor >= 0 else { return EBADF }
            return bytes.withUnsafeBytes { buffer in
                var done = 0
                while done < buffer.count {
                    let count = systemWrite(descriptor, buffer.baseAddress! + done, buffer.count - done)
                    if count < 0 {
                        if errno == EINTR { continue }
                        return errno
                    }
                    done += count
                }
                return nil
            }
        }
        if let failure { throw .io(path: path, operation: "write", errno: failure) }
    }
}

// The system calls by other names: the writer's own methods hide them.
private func systemClose(_ descriptor: Int32) -> Int32 {
    close(descriptor)
}

private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
