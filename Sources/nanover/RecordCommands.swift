import ArgumentParser
import Foundation
import NanoverCore
import NanoverGRPC
import NanoverHub
import NanoverWebSocket
import UnixSignals

struct RecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record a running session's frames and state to NAME.nanover.zip, or to PREFIX.traj and PREFIX.state.",
        discussion: """
            Records until Ctrl-C (SIGINT or SIGTERM), --seconds, or the server going away; \
            the files are complete either way. A path ending in .nanover.zip is written in the \
            NanoVer 2026 format; any other path is the prefix of a .traj and .state pair. Each \
            format gets the messages as received from a server of its protocol (a gRPC server, \
            or a 2026 server with --url), and converted from the other protocol's. \
            Ends with one JSON line: what was written.
            """
    )

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "Where to write: NAME.nanover.zip, or PREFIX for PREFIX.traj and PREFIX.state.")
    var prefix: String

    @Option(help: "Seconds to record; by default until interrupted.")
    var seconds: Double?

    func validate() throws {
        if let seconds, !(seconds > 0 && seconds.isFinite) {
            throw ValidationError("--seconds must be a positive number")
        }
    }

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: [.sigint, .sigterm])
        let outcome: RecordingOutcome
        let (url, discovered) = try await connection.chosenServer()
        if let url {
            outcome = try await recordWebSocketServer(url, signals: signals)
        } else {
            let recorder: NanoverRecorder
            do {
                recorder = NanoverRecorder(sink: try RecordingFormats.serverSink(path: prefix))
            } catch {
                throw CLIFailure(.usage, "\(error)")
            }
            outcome = try await connection.withClient(callTimeout: false, discovered: discovered) { client in
                try await untilStopped(signals) { try await recorder.record(from: client.connection) }
            }
        }
        var fields = RecordingFormats.writtenFiles(path: prefix)
        fields["frames"] = .int(Int64(outcome.frames))
        fields["state_updates"] = .int(Int64(outcome.stateUpdates))
        if let error = outcome.streamError {
            fields["ended_by"] = .string("\(error)")
        }
        try StandardOutput.writeLine(jsonLine(fields))
    }

    /// Records a 2026 server as one of its clients: every message it sends.
    private func recordWebSocketServer(_ url: String, signals: UnixSignalsSequence) async throws -> RecordingOutcome {
        let recorder: NanoverWebSocketRecorder
        do {
            recorder = NanoverWebSocketRecorder(sink: try RecordingFormats.webSocketServerSink(path: prefix))
        } catch {
            throw CLIFailure(.usage, "\(error)")
        }
        var configuration = NanoverWebSocketClient.Configuration()
        configuration.connectTimeout = .seconds(connection.timeout)
        do {
            return try await untilStopped(signals) { [configuration] in try await recorder.record(from: url, configuration: configuration) }
        } catch let error as NanoverWebSocketClientError {
            throw CLIFailure.from(error, otherwise: .unreachable, server: url)
        }
    }

    /// Runs `recording` until it ends by itself (the server went away), a
    /// signal comes, or `--seconds` pass; a recorder that is cancelled
    /// stops and returns what it wrote.
    private func untilStopped(
        _ signals: UnixSignalsSequence, _ recording: @escaping @Sendable () async throws -> RecordingOutcome
    ) async throws -> RecordingOutcome {
        try await withThrowingTaskGroup(of: RecordingOutcome?.self) { group in
            group.addTask(operation: recording)
            group.addTask { [seconds] in
                await withTaskGroup(of: Void.self) { stop in
                    stop.addTask { for await _ in signals { return } }
                    if let seconds {
                        stop.addTask { try? await Task.sleep(for: .seconds(seconds)) }
                    }
                    await stop.next()
                    stop.cancelAll()
                }
                return nil
            }
            var outcome = RecordingOutcome()
            while let next = try await group.next() {
                if let next {
                    outcome = next
                }
                group.cancelAll()
            }
            return outcome
        }
    }
}

struct RecordingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recording",
        abstract: "Inspect recording files, and finish a .nanover.zip cut short.",
        subcommands: [Info.self, Repair.self]
    )

    struct Info: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Entries, duration, frame indices, keys, and whether each file was cut short.",
            discussion: """
                A .traj or .state file cut short (by a crash while recording) is read up to its last \
                complete entry. A .nanover.zip is read through and checked against its CRC-32s; one \
                cut short is refused (nanover recording repair finishes it).
                """
        )

        @Argument(help: "Recording files: NAME.traj, NAME.state or NAME.nanover.zip.")
        var files: [String]

        @Flag(help: "One JSON line per file.")
        var json = false

        func run() async throws {
            for file in files {
                let summary: RecordingSummary
                do {
                    summary = try RecordingFormats.summary(path: file)
                } catch RecordingError.unfinishedZip {
                    throw CLIFailure(.usage, "\(file): \(RecordingError.unfinishedZip); nanover recording repair \(file) finishes it")
                } catch {
                    throw CLIFailure(.usage, "\(file): \(error)")
                }
                try StandardOutput.writeLine(json ? jsonLine(summary.fields) : Self.text(summary))
            }
        }

        private static func text(_ summary: RecordingSummary) -> String {
            var lines = [
                "\(summary.path): \(summary.kind.rawValue), \(summary.entries) entries over \(String(format: "%.3f", Double(summary.duration) / 1_000_000)) s",
            ]
            if let indices = summary.frameIndices {
                lines.append("  frame indices \(indices.lowerBound)...\(indices.upperBound), \(summary.resets) resets")
            }
            lines.append("  keys: \(summary.keys.sorted().joined(separator: ", "))")
            if summary.kind == .messages {
                lines.append("  \(summary.frames) frames, \(summary.stateUpdates) state updates")
            }
            if summary.undecodable > 0 {
                let what = switch summary.kind {
                case .frames: "frames"
                case .state: "state updates"
                case .messages: "NanoVer 2026 messages"
                }
                lines.append("  \(summary.undecodable) entries are not \(what)")
            }
            if let cut = summary.endedEarly {
                lines.append("  cut short: \(cut)")
            }
            return lines.joined(separator: "\n")
        }
    }
}

extension RecordingCommand {
    struct Repair: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Finish a .nanover.zip recording whose writer stopped before closing it (a crash).",
            discussion: """
                While a .nanover.zip is written, its index is kept in NAME.nanover.zip.journal; a writer \
                that stops before closing leaves both. This cuts the messages after the last one the \
                journal records whole, writes the index and the zip's directory, and removes the journal. \
                A finished recording is left as it is. Prints one JSON line: what it did.
                """
        )

        @Argument(help: "The recording: NAME.nanover.zip.")
        var file: String

        func run() async throws {
            guard RecordingFormats.isMessageRecording(file) else {
                throw CLIFailure(.usage, "\(file): only a .nanover.zip is repaired (a .traj or .state cut short reads as it is)")
            }
            let repair: MessageRecordingWriter.Repair
            do {
                repair = try MessageRecordingWriter.repair(path: file)
            } catch {
                throw CLIFailure(.usage, "\(file): \(error)")
            }
            try StandardOutput.writeLine(jsonLine([
                "path": .string(file), "was_finished": .bool(repair.wasFinished), "entries": .int(Int64(repair.entries)),
                "dropped_message_bytes": .int(Int64(repair.droppedMessageBytes)), "dropped_journal_bytes": .int(Int64(repair.droppedJournalBytes)),
            ]))
        }
    }
}
