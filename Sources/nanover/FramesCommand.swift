import ArgumentParser
import Foundation
import GRPCCore
import NanoverCore
import NanoverGRPC
import UnixSignals

struct FramesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frames",
        abstract: "Watch the simulation's frames, or print the current one.",
        subcommands: [Watch.self, Get.self]
    )

    struct Watch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print one JSON line per frame received until interrupted.",
            discussion: #"Each line is {"index": N, "keys": [...], "particle_count": N}; --full adds "values" and "arrays". The first line is the server's merged current frame."#
        )

        @OptionGroup var connection: ConnectionOptions

        @Flag(help: "Subscribe to the latest frames (merged between messages) instead of every frame.")
        var latest = false

        @Option(help: "Minimum seconds between two frames.")
        var interval: Double = 0

        @Flag(help: "Print every key's value and array.")
        var full = false

        func validate() throws {
            guard interval >= 0, interval.isFinite else {
                throw ValidationError("--interval must be a number of seconds, 0 or more")
            }
        }

        func run() async throws {
            // Trapped before anything is printed, so that a signal sent after
            // the first line always ends the watch cleanly.
            let signals = await UnixSignalsSequence(trapping: [.sigint, .sigterm])
            if connection.url != nil, !latest, interval > 0 {
                throw CLIFailure(.usage, "with --url, --interval needs --latest: a 2026 server paces every frame itself")
            }
            try await connection.withSession(callTimeout: false) { client in
                try await untilSignalled(signals) { [full, latest, interval, server = connection.server] in
                    var printed = false
                    do {
                        for try await received in client.frames(latest: latest, interval: .seconds(interval)) {
                            try StandardOutput.writeLine(FrameJSON.line(received, full: full, keys: true))
                            printed = true
                        }
                    } catch let error as RPCError where printed && error.code == .unavailable {
                        // Reached, then lost: not "cannot reach".
                        throw CLIFailure(.unreachable, "lost the server at \(server): \(error.message)")
                    }
                }
            }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the server's merged current frame as one JSON object.",
            discussion: #"{"index": N, "particle_count": N, "values": {...}, "arrays": {...}}; index null and nothing else when no frame comes within --wait seconds."#
        )

        @OptionGroup var connection: ConnectionOptions

        @Option(help: "Seconds to wait for a frame when none has been published yet.")
        var wait: Double = 2

        func validate() throws {
            guard wait >= 0, wait.isFinite else {
                throw ValidationError("--wait must be a number of seconds, 0 or more")
            }
        }

        func run() async throws {
            let received = try await connection.withSession(callTimeout: false) { client in
                try await withThrowingTaskGroup(of: ReceivedFrame?.self) { group in
                    group.addTask {
                        for try await frame in client.frames(latest: true, interval: .zero) {
                            return frame
                        }
                        return nil
                    }
                    group.addTask { [wait] in
                        try await Task.sleep(for: .seconds(wait))
                        return nil
                    }
                    defer { group.cancelAll() }
                    return try await group.next() ?? nil
                }
            }
            if received == nil {
                FileHandle.standardError.write(Data("no frame within \(wait) s: the server has published none\n".utf8))
            }
            print(FrameJSON.line(received, full: true, keys: false))
        }
    }
}
