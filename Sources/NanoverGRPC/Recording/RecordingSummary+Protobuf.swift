import NanoverCore

extension RecordingSummary {
    /// Reads the `.traj` or `.state` recording at `path`, its entries as
    /// gRPC messages.
    ///
    /// - Throws: ``/NanoverCore/RecordingSummaryError/unknownKind(path:)`` for
    ///   a name ending neither in `.traj` nor `.state`;
    ///   ``/NanoverCore/RecordingError`` for a file that is not a readable
    ///   recording.
    public init(path: String) throws {
        let decoder = ProtobufRecordingDecoder()
        if path.hasSuffix(".traj") {
            self.init(path: path, kind: .frames)
        } else if path.hasSuffix(".state") {
            self.init(path: path, kind: .state)
        } else {
            throw RecordingSummaryError.unknownKind(path: path)
        }
        var reader = try RecordingReader(path: path)
        while let entry = try reader.next() {
            let moment = kind == .frames
                ? (try? decoder.frame(from: entry)).map { RecordedMoment(frame: $0) }
                : (try? decoder.stateChange(from: entry)).map { RecordedMoment(change: $0) }
            add(moment, at: entry.timestamp)
        }
        endedEarly = reader.endedEarly
    }
}
