import ArgumentParser
import Foundation
import NanoverCore
import NanoverGRPC
import UnixSignals

struct StateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "Read, watch and change the shared state.",
        subcommands: [Get.self, Watch.self, SetKeys.self, Remove.self]
    )

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the state, or the named keys, as one JSON object.")

        @OptionGroup var connection: ConnectionOptions

        @Argument(help: "Keys to print; all when none is given.")
        var keys: [String] = []

        func run() async throws {
            var state = try await connection.withSession { client in
                try await client.fetchState()
            }
            if !keys.isEmpty {
                state = state.filter { keys.contains($0.key) }
            }
            print(jsonLine(state))
        }
    }

    struct Watch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print every update as one JSON line until interrupted.",
            discussion: #"Each line is {"updates": {...}, "removals": [...]}; the first holds the whole state."#
        )

        @OptionGroup var connection: ConnectionOptions

        @Option(help: "Minimum seconds between two updates.")
        var interval: Double = 1.0 / 30.0

        @Option(help: "Only keys starting with this prefix.")
        var prefix: String?

        func validate() throws {
            guard interval >= 0, interval.isFinite else {
                throw ValidationError("--interval must be a number of seconds, 0 or more")
            }
        }

        func run() async throws {
            // Trapped before anything is printed, so that a signal sent after
            // the first line always ends the watch cleanly.
            let signals = await UnixSignalsSequence(trapping: [.sigint, .sigterm])
            try await connection.withSession(callTimeout: false) { client in
                try await untilSignalled(signals) { [interval] in
                    for try await change in client.watchState(interval: .seconds(interval)) {
                        try printLine(change)
                    }
                }
            }
        }

        private func printLine(_ change: StateChange) throws {
            let matches = { (key: String) in prefix.map(key.hasPrefix) ?? true }
            let updates = change.updates.filter { matches($0.key) }
            let removals = change.removals.filter(matches).sorted()
            guard !updates.isEmpty || !removals.isEmpty else { return }
            let line = #"{"updates":\#(jsonLine(updates)),"removals":\#(NanoverJSON.string(.list(removals.map(NanoverValue.string))))}"#
            try StandardOutput.writeLine(line)
        }
    }

    /// `state set`; not named `Set`, which would hide `Swift.Set` here.
    struct SetKeys: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set", abstract: "Set keys in one atomic change.")

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var token: TokenOption

        @Argument(help: "Keys to set, as KEY=VALUE (JSON when it parses, else a string).")
        var assignments: [KeyValue]

        func run() async throws {
            var change = StateChange()
            for assignment in assignments {
                change.set(assignment.key, to: assignment.value)
            }
            try await attempt(change, connection: connection, token: token.token)
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove keys in one atomic change.")

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var token: TokenOption

        @Argument(help: "Keys to remove.")
        var keys: [String]

        func run() async throws {
            try await attempt(StateChange(removals: Set(keys)), connection: connection, token: token.token)
        }
    }
}

/// Attempts one change; a refusal is exit status 1.
private func attempt(_ change: StateChange, connection: ConnectionOptions, token: String?) async throws {
    let accepted = try await connection.withSession(token: token) { client in
        try await client.change(change)
    }
    guard accepted else {
        throw CLIFailure(.refused, "refused: a key is locked by another access token")
    }
}
