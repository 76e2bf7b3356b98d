import ArgumentParser
import Foundation
import NanoverCore
import NanoverGRPC
import UnixSignals

struct RecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record a running session's frames and state to PREFIX.traj and PREFIX.state.",
        discussion: """
            Records until Ctrl-C (SIGINT or SIGTERM), --seconds, or the server going away; \
            the files are complete either way. Ends with one JSON line: what was written.
            """
    )

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "Where to write: PREFIX.traj and PREFIX.state.")
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
        let recorder: NanoverRecorder
        do {
            recorder = try NanoverRecorder(prefix: prefix)
        } catch {
            throw CLIFailure(.usage, "\(error)")
        }
        let outcome = try await connection.withClient(callTimeout: false) { client in
            try await withThrowingTaskGroup(of: NanoverRecorder.Outcome?.self) { group in
                group.addTask { try await recorder.record(from: client.connection) }
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
                // The recorder ends by itself when the server goes away, or
                // when it is cancelled on a stop; either way it returns what
                // it wrote.
                var outcome = NanoverRecorder.Outcome()
                while let next = try await group.next() {
                    if let next {
                        outcome = next
                    }
                    group.cancelAll()
                }
                return outcome
            }
        }
        var fields: NanoverStruct = [
            "traj": .string(recorder.framesPath), "state": .string(recorder.statePath),
            "frames": .int(Int64(outcome.frames)), "state_updates": .int(Int64(outcome.stateUpdates)),
        ]
        if let error = outcome.streamError {
            fields["ended_by"] = .string("\(error)")
        }
        try StandardOutput.writeLine(jsonLine(fields))
    }
}

struct RecordingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recording",
        abstract: "Inspect recording files.",
        subcommands: [Info.self]
    )

    struct Info: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Entries, duration, frame indices, keys, and whether each file was cut short.",
            discussion: "A file cut short (by a crash while recording) is read up to its last complete entry."
        )

        @Argument(help: "Recording files: NAME.traj or NAME.state.")
        var files: [String]

        @Flag(help: "One JSON line per file.")
        var json = false

        func run() async throws {
            for file in files {
                let summary: RecordingSummary
                do {
                    summary = try RecordingSummary(path: file)
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
            if summary.undecodable > 0 {
                lines.append("  \(summary.undecodable) entries are not \(summary.kind == .frames ? "frames" : "state updates")")
            }
            if let cut = summary.endedEarly {
                lines.append("  cut short: \(cut)")
            }
            return lines.joined(separator: "\n")
        }
    }
}
