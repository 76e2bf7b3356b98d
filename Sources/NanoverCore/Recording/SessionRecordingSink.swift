/// Where a recorder of a session's own frames and state writes: the files
/// of one recording format, in the form of the protocol those files hold.
/// It is handed what subscribers are sent, stamped in microseconds since
/// the recording started, from one task for frames and one for state.
public protocol SessionRecordingSink: Sendable {
    /// Appends a frame as a subscriber of the latest frames is sent it.
    ///
    /// - Parameters:
    ///   - frame: The frame and its index.
    ///   - timestamp: Microseconds since the recording started.
    /// - Throws: ``RecordingError`` when the file cannot be written.
    func append(_ frame: PublishedFrame, at timestamp: UInt64) throws(RecordingError)
    /// Appends a state update as a subscriber is sent it.
    ///
    /// - Parameters:
    ///   - update: The keys changed since the previous update.
    ///   - timestamp: Microseconds since the recording started.
    /// - Throws: ``RecordingError`` when the file cannot be written.
    func append(_ update: SubscriptionUpdate, at timestamp: UInt64) throws(RecordingError)
    /// Appends what the protocol sends first for a state with no keys, if
    /// it sends anything (the 2026 protocol sends an empty state message;
    /// gRPC sends nothing, the default).
    ///
    /// - Parameter timestamp: Microseconds since the recording started.
    /// - Throws: ``RecordingError`` when the file cannot be written.
    func appendEmptyFirstState(at timestamp: UInt64) throws(RecordingError)
    /// Finishes the files: what was appended is complete on disk.
    ///
    /// - Throws: ``RecordingError`` when the files cannot be finished.
    func close() throws(RecordingError)
}

extension SessionRecordingSink {
    /// Appends nothing: the gRPC protocol sends nothing for an empty state.
    ///
    /// - Parameter timestamp: Unused.
    public func appendEmptyFirstState(at timestamp: UInt64) throws(RecordingError) {}
}
