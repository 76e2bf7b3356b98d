import NanoverCore

/// Where a ``NanoverWebSocketRecorder`` writes what a 2026 server sends it.
public protocol ReceivedMessageSink: Sendable {
    /// Writes one message from the server.
    ///
    /// - Parameters:
    ///   - message: The message's bytes, as they came.
    ///   - decoded: What they hold.
    ///   - timestamp: Microseconds since the recording began.
    func append(_ message: [UInt8], holding decoded: IncomingMessage, at timestamp: UInt64) throws

    /// Finishes the recording; nothing is appended after.
    func close() throws
}

/// A 2026 server's messages kept as they came, in a 2026 recording.
extension MessageRecordingWriter: ReceivedMessageSink {
    /// Appends a message as it came, its index entry found by reading it.
    /// A frame that comes before any state message (a server that sends
    /// nothing for an empty state) is preceded by an empty state message,
    /// as every 2026 recording begins with one.
    public func append(_ message: [UInt8], holding decoded: IncomingMessage, at timestamp: UInt64) throws(RecordingError) {
        if decoded.frame != nil {
            try appendEmptyStateIfFirst(at: timestamp)
        }
        try append(message, at: timestamp)
    }
}
