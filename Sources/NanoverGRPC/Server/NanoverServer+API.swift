import NanoverCore

/// The server-side API of the reference `NanoverServer`, over the session's
/// state and commands.
extension NanoverServer {
    /// The session's shared state.
    public var state: StateEngine {
        session.state
    }

    /// The session's commands.
    public var commandRegistry: CommandRegistry {
        session.commands
    }

    // MARK: Commands

    /// Every registered command, by name.
    public var commands: [String: CommandRegistration] {
        commandRegistry.commands
    }

    /// Registers a command that clients can list and run.
    ///
    /// - Parameters:
    ///   - name: the command's name, as clients call it, e.g.
    ///     `multiuser/radially-orient-origins`.
    ///   - defaultArguments: the arguments a call's own are laid over, and
    ///     what clients list as the command's arguments.
    ///   - mayBlock: false only for a handler that returns quickly and never
    ///     blocks; it then runs on the server's own thread (see
    ///     ``/NanoverCore/CommandRegistry/register(_:defaultArguments:mayBlock:label:icon:handler:)``).
    ///   - handler: runs each call with the merged arguments and returns its
    ///     result (nil for none); what it throws fails the call.
    /// - Throws: ``/NanoverCore/CommandError/alreadyRegistered(name:)`` if the
    ///   name is taken.
    public func registerCommand(
        _ name: String,
        defaultArguments: NanoverStruct = [:],
        mayBlock: Bool = true,
        handler: @escaping CommandHandler
    ) throws(CommandError) {
        try commandRegistry.register(name, defaultArguments: defaultArguments, mayBlock: mayBlock, handler: handler)
    }

    /// Removes a command.
    ///
    /// - Throws: ``/NanoverCore/CommandError/unknownCommand(name:)`` if there
    ///   is none by that name.
    public func unregisterCommand(_ name: String) throws(CommandError) {
        try commandRegistry.unregister(name)
    }

    // MARK: State

    /// Runs `body` on the state while no change can land. Keep it short and
    /// do not change the state from it.
    public func withLockedState<Result: Sendable, Failure: Error>(
        _ body: (_ state: NanoverStruct) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try state.withLockedState(body)
    }

    /// A deep copy of the state.
    public func copyState() -> NanoverStruct {
        state.copyState()
    }

    /// Applies a change atomically with `token` (by default the server's
    /// "no token" identity).
    ///
    /// - Throws: ``/NanoverCore/StateError/locked(keys:)`` when a key is locked
    ///   by another token (nothing changes); ``/NanoverCore/StateError/closed``
    ///   once the session is closed; see
    ///   ``/NanoverCore/StateEngine/update(_:token:)``.
    public func updateState(_ change: StateChange, token: AccessToken = .none) throws(StateError) {
        try state.update(change, token: token)
    }

    /// Acquires, renews and releases locks with `token`, all or nothing.
    ///
    /// - Throws: ``/NanoverCore/StateError/locked(keys:)`` when a key to
    ///   acquire is held by another token (nothing changes).
    public func updateLocks(_ changes: [String: LockChange], token: AccessToken = .none) throws(StateError) {
        try state.updateLocks(changes, token: token)
    }

    /// Releases every lock on every key.
    public func clearLocks() {
        state.clearLocks()
    }
}
