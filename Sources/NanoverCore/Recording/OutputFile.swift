#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A file that recording writers write: each call writes its bytes whole
/// (a short write is continued, an interrupted one retried), at the end or
/// at an offset, and the file can be read back (a zip writer patches and
/// rereads what it wrote). Safe to call from any thread.
package final class OutputFile: RecordingSource {
    package let path: String
    /// The open file; -1 once closed.
    private let descriptor: Mutex<Int32>

    /// Creates (or empties) the file at `path`.
    ///
    /// - Throws: ``RecordingError/io(path:operation:errno:)``.
    package convenience init(creating path: String) throws(RecordingError) {
        try self.init(path: path, flags: O_CREAT | O_TRUNC, operation: "create")
    }

    /// Opens the existing file at `path` to change it.
    ///
    /// - Throws: ``RecordingError/io(path:operation:errno:)``.
    package convenience init(updating path: String) throws(RecordingError) {
        try self.init(path: path, flags: 0, operation: "open")
    }

    private init(path: String, flags: Int32, operation: String) throws(RecordingError) {
        self.path = path
        let descriptor = open(path, O_RDWR | O_CLOEXEC | flags, 0o644)
        guard descriptor >= 0 else { throw .io(path: path, operation: operation, errno: errno) }
        self.descriptor = Mutex(descriptor)
    }

    deinit {
        close()
    }

    /// Appends `bytes` at the end of the file.
    ///
    /// - Throws: ``RecordingError/io(path:operation:errno:)``, also once
    ///   closed.
    package func append(_ bytes: [UInt8]) throws(RecordingError) {
        try write(bytes, at: nil)
    }

    /// Writes `bytes` at `offset`, over what is there.
    package func write(_ bytes: [UInt8], at offset: UInt64?) throws(RecordingError) {
        let failure: Int32? = descriptor.withLock { descriptor in
            guard descriptor >= 0 else { return EBADF }
            return bytes.withUnsafeBytes { buffer in
                var done = 0
                while done < buffer.count {
                    let count = offset.map { pwrite(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t($0) + off_t(done)) }
                        ?? systemWrite(descriptor, buffer.baseAddress! + done, buffer.count - done)
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

    /// Cuts the file to `size` bytes; writing at the end goes on from there.
    package func truncate(to size: UInt64) throws(RecordingError) {
        let failure: Int32? = descriptor.withLock { descriptor in
            guard descriptor >= 0 else { return EBADF }
            guard ftruncate(descriptor, off_t(size)) == 0, lseek(descriptor, off_t(size), SEEK_SET) >= 0 else { return errno }
            return nil
        }
        if let failure { throw .io(path: path, operation: "truncate", errno: failure) }
    }

    package func size() throws(RecordingError) -> UInt64 {
        let result: Result<UInt64, RecordingError> = descriptor.withLock { descriptor in
            var status = stat()
            guard descriptor >= 0, fstat(descriptor, &status) == 0 else {
                return .failure(.io(path: path, operation: "inspect", errno: descriptor >= 0 ? errno : EBADF))
            }
            return .success(UInt64(status.st_size))
        }
        return try result.get()
    }

    package func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws(RecordingError) -> Int {
        let result: Result<Int, RecordingError> = descriptor.withLock { descriptor in
            guard descriptor >= 0 else { return .failure(.io(path: path, operation: "read", errno: EBADF)) }
            return readFully(descriptor, into: buffer, at: offset).mapError { RecordingError.io(path: path, operation: "read", errno: $0.code) }
        }
        return try result.get()
    }

    /// Closes the file and removes it.
    package func remove() throws(RecordingError) {
        close()
        guard unlink(path) == 0 else { throw .io(path: path, operation: "remove", errno: errno) }
    }

    /// Closes the file. Idempotent.
    package func close() {
        descriptor.withLock { descriptor in
            if descriptor >= 0 {
                _ = systemClose(descriptor)
                descriptor = -1
            }
        }
    }
}

/// An `errno` as an error, to carry it through a `Result`.
struct SystemError: Error {
    let code: Int32
}

/// Reads up to `buffer.count` bytes at `offset`, fewer only at the end of
/// the file.
func readFully(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) -> Result<Int, SystemError> {
    var done = 0
    while done < buffer.count {
        let count = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
        if count < 0 {
            if errno == EINTR { continue }
            return .failure(SystemError(code: errno))
        }
        if count == 0 { break }
        done += count
    }
    return .success(done)
}

// The system calls by other names: the file's own methods hide them.
private func systemClose(_ descriptor: Int32) -> Int32 {
    close(descriptor)
}

private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
