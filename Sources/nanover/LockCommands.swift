import ArgumentParser
import NanoverCore
import NanoverGRPC

struct LockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lock",
        abstract: "Acquire or renew locks, all or nothing.",
        discussion: "Use --token to hold the lock across calls: without it each call acts as a new random token."
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var token: TokenOption

    @Argument(help: "Keys to lock, as KEY=SECONDS.")
    var locks: [KeyDuration]

    func run() async throws {
        try connection.requireGRPC("locks are")
        let changes = Dictionary(locks.map { ($0.key, LockChange.acquiring(seconds: $0.seconds)) }) { $1 }
        try await updateLocks(changes, connection: connection, token: token.token)
    }
}

struct UnlockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unlock",
        abstract: "Release locks held by the token (others' locks stay)."
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var token: TokenOption

    @Argument(help: "Keys to unlock.")
    var keys: [String]

    func run() async throws {
        try connection.requireGRPC("locks are")
        try await updateLocks(Dictionary(keys.map { ($0, LockChange.release) }) { $1 }, connection: connection, token: token.token)
    }
}

/// Attempts a lock change; a refusal is exit status 1.
private func updateLocks(_ changes: [String: LockChange], connection: ConnectionOptions, token: String?) async throws {
    let accepted = try await connection.withClient(token: token) { client in
        try await client.attemptUpdateLocks(changes)
    }
    guard accepted else {
        throw CLIFailure(.refused, "refused: a key is locked by another access token")
    }
}
