/// Where each entry of a recording is and when it happened, found in one
/// pass over the entries' headers: playback seeks by it and reads one
/// entry at a time, never holding the messages.
public struct RecordingIndex: Sendable {
    /// One entry's place in the file.
    public struct Location: Sendable, Hashable {
        /// Where the entry starts, its timestamp, in bytes from the start
        /// of the file.
        public var offset: UInt64
        /// When it happened: microseconds since the recording started.
        public var timestamp: UInt64
        /// How many bytes its message holds.
        public var length: UInt64
    }

    /// Every complete entry's place, in file order.
    public let locations: [Location]
    /// Why the file's entries end before the file does (it was cut short);
    /// nil for a complete file.
    public let endedEarly: RecordingError?
    private let source: any RecordingSource

    /// Indexes the recording file at `path`. The file stays open, for
    /// ``entry(at:)``, while the index lasts.
    ///
    /// - Parameter path: A `.traj` or `.state` file.
    /// - Throws: what ``RecordingReader`` throws on opening, and for corrupt
    ///   entries; a file cut short is indexed up to its last complete
    ///   entry (see ``endedEarly``).
    public init(path: String) throws(RecordingError) {
        try self.init(source: RecordingFile(path: path))
    }

    /// Indexes a recording held in memory.
    ///
    /// - Parameter bytes: A whole recording file's bytes.
    /// - Throws: as ``init(path:)``.
    public init(bytes: [UInt8]) throws(RecordingError) {
        try self.init(source: RecordingBytes(bytes: bytes))
    }

    package init(source: any RecordingSource) throws(RecordingError) {
        var reader = try RecordingReader(source: source)
        var locations: [Location] = []
        while let (offset, timestamp, length) = try reader.skipEntry() {
            locations.append(Location(offset: offset, timestamp: timestamp, length: length))
        }
        self.locations = locations
        self.endedEarly = reader.endedEarly
        self.source = source
    }

    /// How many complete entries the file holds.
    public var count: Int { locations.count }

    /// The time of the last entry, in microseconds; 0 for none.
    public var duration: UInt64 { locations.last?.timestamp ?? 0 }

    /// The entry at `position` (0 for the first), read from the file.
    ///
    /// - Parameter position: From 0 to ``count`` less one.
    /// - Returns: The entry, its message read now.
    /// - Throws: ``RecordingError/io(path:operation:errno:)``, or
    ///   ``RecordingError/entryPastEnd(offset:length:)`` when the file has
    ///   shrunk since it was indexed.
    public func entry(at position: Int) throws(RecordingError) -> RecordingEntry {
        let location = locations[position]
        let message = try source.bytes(Int(location.length), at: location.offset + UInt64(RecordingFormat.entryHeaderSize))
        guard message.count == Int(location.length) else {
            throw .entryPastEnd(offset: location.offset, length: location.length)
        }
        return RecordingEntry(timestamp: location.timestamp, message: message)
    }
}
