/// Reads a recording entry by entry: memory is bounded by the largest
/// entry, not by the file.
///
/// ```swift
/// var reader = try RecordingReader(path: "session.traj")
/// while let entry = try reader.next() {
///     print(entry.timestamp, entry.message.count)
/// }
/// if let cut = reader.endedEarly { print("cut short: \(cut)") }
/// ```
///
/// A file cut short (by a crash while recording) reads up to its last
/// complete entry; then ``next()`` returns nil and ``endedEarly`` says what
/// was cut, unless ``strict`` asks for that error to be thrown instead.
public struct RecordingReader: Sendable {
    let source: any RecordingSource
    /// Where the next entry starts, in bytes from the start of the file.
    public private(set) var offset = UInt64(RecordingFormat.headerSize)
    /// Why reading stopped before the end of the file: a recording cut
    /// short; nil while reading, and after a clean end.
    public private(set) var endedEarly: RecordingError?
    /// Whether a recording cut short throws its error from ``next()``
    /// instead of ending quietly.
    public var strict = false
    /// The file's size when last asked: asked again only for an entry
    /// that seems to run past it (a file being recorded grows).
    private var knownSize: UInt64 = 0

    /// Opens the recording file at `path` and checks its header.
    ///
    /// - Parameter path: A `.traj` or `.state` file.
    /// - Throws: ``RecordingError/io(path:operation:errno:)``,
    ///   ``RecordingError/wrongMagicNumber(found:)``,
    ///   ``RecordingError/unsupportedVersion(found:)``,
    ///   ``RecordingError/truncatedHeader``.
    public init(path: String) throws(RecordingError) {
        try self.init(source: RecordingFile(path: path))
    }

    /// Reads a recording held in memory.
    ///
    /// - Parameter bytes: A whole recording file's bytes.
    /// - Throws: as ``init(path:)``, but for I/O.
    public init(bytes: [UInt8]) throws(RecordingError) {
        try self.init(source: RecordingBytes(bytes: bytes))
    }

    package init(source: any RecordingSource) throws(RecordingError) {
        self.source = source
        let header = try source.bytes(RecordingFormat.headerSize, at: 0)
        if header.count >= 8, header.littleEndianUInt64(at: 0) != RecordingFormat.magicNumber {
            throw .wrongMagicNumber(found: header.littleEndianUInt64(at: 0))
        }
        guard header.count == RecordingFormat.headerSize else { throw .truncatedHeader }
        let version = header.littleEndianUInt64(at: 8)
        guard version == RecordingFormat.version else { throw .unsupportedVersion(found: version) }
    }

    /// The next entry, or nil at the end of the file (or where it was cut
    /// short; see ``endedEarly``).
    ///
    /// - Returns: The entry, its message read; nil at the end.
    /// - Throws: ``RecordingError/entryTooLong(offset:length:)`` and
    ///   ``RecordingError/timestampOutOfRange(offset:)`` for corrupt bytes;
    ///   the cut-short errors when ``strict``; ``RecordingError/io(path:operation:errno:)``.
    public mutating func next() throws(RecordingError) -> RecordingEntry? {
        guard let (timestamp, length) = try nextHeader() else { return nil }
        let message = try source.bytes(Int(length), at: offset + UInt64(RecordingFormat.entryHeaderSize))
        guard message.count == Int(length) else {
            return try stop(.entryPastEnd(offset: offset, length: length))
        }
        offset += UInt64(RecordingFormat.entryHeaderSize) + length
        return RecordingEntry(timestamp: timestamp, message: message)
    }

    /// The next entry's timestamp and length, its message skipped: how an
    /// index is built without reading messages. Nil at the end.
    package mutating func skipEntry() throws(RecordingError) -> (offset: UInt64, timestamp: UInt64, length: UInt64)? {
        guard let (timestamp, length) = try nextHeader() else { return nil }
        let start = offset
        offset += UInt64(RecordingFormat.entryHeaderSize) + length
        return (start, timestamp, length)
    }

    /// Reads the header of the entry at ``offset``, checking that the whole
    /// entry is in the file.
    private mutating func nextHeader() throws(RecordingError) -> (UInt64, UInt64)? {
        guard endedEarly == nil else { return nil }
        let header = try source.bytes(RecordingFormat.entryHeaderSize, at: offset)
        if header.isEmpty { return nil }
        guard header.count == RecordingFormat.entryHeaderSize else {
            return try stop(.truncatedEntryHeader(offset: offset))
        }
        let timestamp = header.littleEndianUInt64(at: 0)
        guard header.littleEndianUInt64(at: 8) == 0 else { throw .timestampOutOfRange(offset: offset) }
        let length = header.littleEndianUInt64(at: 16)
        guard length <= RecordingFormat.maximumEntryLength else { throw .entryTooLong(offset: offset, length: length) }
        let end = offset + UInt64(RecordingFormat.entryHeaderSize) + length
        if end > knownSize {
            knownSize = try source.size()
        }
        guard end <= knownSize else {
            return try stop(.entryPastEnd(offset: offset, length: length))
        }
        return (timestamp, length)
    }

    private mutating func stop<T>(_ error: RecordingError) throws(RecordingError) -> T? {
        endedEarly = error
        if strict { throw error }
        return nil
    }
}
