import NanoverCore
import NanoverWebSocket

/// The 2026 client as the subcommands use it. The server paces state and
/// frames at 30 a second itself; a longer `interval` is kept here, the
/// streams merging what comes meanwhile.
extension NanoverWebSocketClient: SessionClient {
    func watchState(interval: Duration) -> any AsyncSequence<StateChange, any Error> {
        Paced(stateChanges(), interval: interval)
    }

    func change(_ change: StateChange) async throws -> Bool {
        // The protocol has no refusal to report.
        try await update(change)
        return true
    }

    func listCommands() async throws -> [String: CommandInfo] {
        try await updateAvailableCommands()
    }

    func run(_ name: String, arguments: NanoverStruct) async throws -> NanoverValue {
        try await runCommand(name, arguments: arguments)
    }

    func frames(latest: Bool, interval: Duration) -> any AsyncSequence<ReceivedFrame, any Error> {
        // Every frame cannot wait: --interval is refused without --latest.
        latest ? Paced(subscribeLatestFrames(), interval: interval) : subscribeFrames()
    }
}

extension CLIFailure {
    /// The failure for an error of the 2026 client: a bad URL is a usage
    /// error; a command's exception is `otherwise`; anything else means
    /// the server cannot be reached, or was lost.
    static func from(_ error: NanoverWebSocketClientError, otherwise status: ExitStatus, server: String) -> CLIFailure {
        switch error {
        case .badURL:
            return CLIFailure(.usage, "\(error)")
        case .commandFailed(_, let message):
            return CLIFailure(status, message)
        case .cannotConnect, .upgradeFailed:
            return CLIFailure(.unreachable, "\(error)")
        case .closed, .closedByServer, .connectionLost, .badMessage, .timedOut:
            return CLIFailure(.unreachable, "lost the server at \(server): \(error)")
        }
    }
}
