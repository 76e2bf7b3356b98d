import NanoverCore
import NanoverGRPC

/// What the subcommands do with a server, whichever protocol reaches it:
/// gRPC (``NanoverClient``) or NanoVer 2026 with `--url`
/// (``NanoverWebSocketClient``).
protocol SessionClient: Sendable {
    /// The whole shared state, read once.
    func fetchState() async throws -> NanoverStruct
    /// The whole state, then its changes, at most one per `interval`.
    func watchState(interval: Duration) -> any AsyncSequence<StateChange, any Error>
    /// Applies one atomic change; false if the server refused it.
    func change(_ change: StateChange) async throws -> Bool
    func listCommands() async throws -> [String: CommandInfo]
    /// Runs a command and returns its result as the server gave it.
    func run(_ name: String, arguments: NanoverStruct) async throws -> NanoverValue
    /// Frames: the merged current frame first, then every frame or, with
    /// `latest`, the latest ones merged, at most one per `interval`.
    func frames(latest: Bool, interval: Duration) -> any AsyncSequence<ReceivedFrame, any Error>
    func startInteraction(_ interaction: ParticleInteraction) async throws -> String
    func stopInteraction(_ key: String) async throws
    func close() async
}

extension NanoverClient: SessionClient {
    func watchState(interval: Duration) -> any AsyncSequence<StateChange, any Error> {
        let changes = stateChanges()
        subscribeAllStateUpdates(interval: interval)
        return changes
    }

    func change(_ change: StateChange) async throws -> Bool {
        try await attemptUpdateState(change)
    }

    func listCommands() async throws -> [String: CommandInfo] {
        try await updateAvailableCommands()
    }

    func run(_ name: String, arguments: NanoverStruct) async throws -> NanoverValue {
        .structure(try await runCommand(name, arguments: arguments))
    }

    func frames(latest: Bool, interval: Duration) -> any AsyncSequence<ReceivedFrame, any Error> {
        latest ? subscribeLatestFrames(interval: interval) : subscribeFrames(interval: interval)
    }
}
