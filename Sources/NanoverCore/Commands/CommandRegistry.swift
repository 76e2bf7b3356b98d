import Synchronization

/// What a command does: given the merged arguments (defaults overlaid by the
/// caller's), returns a result struct, or nil for an empty result.
public typealias CommandHandler = @Sendable (_ arguments: NanoverStruct) async throws -> NanoverStruct?

/// A registered command: its name, default arguments and handler.
///
/// Made by ``CommandRegistry/register(_:defaultArguments:mayBlock:label:icon:handler:)``
/// and listed by ``CommandRegistry/commands``; protocol adapters read it to
/// list a session's commands and to decide where to run a handler.
public struct CommandRegistration: Sendable {
    /// The command's name, as clients call it, e.g. `playback/play` or
    /// `multiuser/radially-orient-origins`.
    public let name: String
    /// Listed to clients as the command's arguments, and overlaid by the
    /// caller's arguments when it runs.
    public let defaultArguments: NanoverStruct
    /// False for a handler that returns quickly and never blocks: a server
    /// may then run it on its own thread, without handing it to another.
    public let mayBlock: Bool
    /// A human label for menus, when the protocol carries one (NanoVer
    /// 2026's `commands/list`); nil when not given.
    public let label: String?
    /// An icon for menus (an emoji, in the reference), listed beside the
    /// label by NanoVer 2026's `commands/list`; nil when not given.
    public let icon: String?
    /// What the command does: called with the default arguments overlaid
    /// by the caller's (see ``CommandHandler``).
    public let handler: CommandHandler
    /// Its calls, failures and durations.
    let metrics: CommandMetrics
}

/// Why a command could not be registered, unregistered or run.
///
/// A handler may throw ``invalidArguments(_:)`` and ``cannotRunNow(_:)``
/// itself, so that its caller learns what went wrong; over gRPC these
/// become `INVALID_ARGUMENT` and `FAILED_PRECONDITION` with the message,
/// and any other error a handler throws becomes `UNKNOWN`.
public enum CommandError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A command of this name is registered already: a name is taken once
    /// per registry; unregister the old command first to replace it.
    case alreadyRegistered(name: String)
    /// No command of this name is registered (asked to run it or to
    /// unregister it). A gRPC caller gets `INVALID_ARGUMENT`, as from the
    /// reference.
    case unknownCommand(name: String)
    /// The default arguments or the result cannot be taken into a session.
    case invalidValue(name: String, NanoverValueError)
    /// Thrown by a handler whose caller gave arguments it cannot use; the
    /// caller gets `INVALID_ARGUMENT` with the message.
    case invalidArguments(String)
    /// Thrown by a handler that cannot run in the state things are in (a
    /// playback command with no recording loaded, say); the caller gets
    /// `FAILED_PRECONDITION` with the message.
    case cannotRunNow(String)

    /// The error in words: for the handlers' cases, their own message.
    public var description: String {
        switch self {
        case .alreadyRegistered(let name):
            return "a command named \"\(name)\" is already registered"
        case .unknownCommand(let name):
            return "unknown command \"\(name)\""
        case .invalidValue(let name, let error):
            return "command \"\(name)\": \(error)"
        case .invalidArguments(let message):
            return message
        case .cannotRunNow(let message):
            return message
        }
    }
}

/// The commands a server offers, by name. Thread-safe.
///
/// A session's registry (``NanoverSession/commands``) is shared by every
/// adapter serving the session: a command registered here is listed and
/// run by clients of every protocol, and registering or unregistering
/// while they call is safe. Running a command counts its calls, failures
/// and duration in the session's metrics.
public final class CommandRegistry: Sendable {
    private let registrations = Mutex<[String: CommandRegistration]>([:])

    /// An empty registry. A session makes its own
    /// (``NanoverSession/commands``); make one apart only to try handlers
    /// without a session.
    public init() {}

    /// Registers a command.
    ///
    /// - Parameters:
    ///   - name: The command's name, as clients call it; by NanoVer
    ///     custom, a group and a verb, `playback/play`.
    ///   - defaultArguments: The arguments listed to clients, and used for
    ///     any a caller leaves out.
    ///   - mayBlock: Leave it true unless the handler returns quickly and
    ///     never blocks (no I/O, no waiting on locks held for long): a
    ///     server runs such a handler on its own thread, which saves two
    ///     thread hops per call, but a handler that blocks there stalls
    ///     every connection sharing that thread.
    ///   - label: A human label that NanoVer 2026 clients show in menus;
    ///     nil for none.
    ///   - icon: An icon (an emoji, in the reference) that NanoVer 2026
    ///     clients show beside the label; nil for none.
    ///   - handler: What the command does (see ``CommandHandler``); it may
    ///     be called from several tasks at once.
    /// - Throws: ``CommandError/alreadyRegistered(name:)`` if the name is
    ///   taken; ``CommandError/invalidValue(name:_:)`` if the defaults nest
    ///   too deeply for a session.
    public func register(
        _ name: String,
        defaultArguments: NanoverStruct = [:],
        mayBlock: Bool = true,
        label: String? = nil,
        icon: String? = nil,
        handler: @escaping CommandHandler
    ) throws(CommandError) {
        do {
            try defaultArguments.validate()
        } catch {
            throw .invalidValue(name: name, error)
        }
        let registration = CommandRegistration(
            name: name, defaultArguments: defaultArguments, mayBlock: mayBlock, label: label, icon: icon, handler: handler,
            metrics: CommandMetrics(name: name))
        try registrations.withLock { (registrations) throws(CommandError) in
            guard registrations[name] == nil else {
                throw .alreadyRegistered(name: name)
            }
            registrations[name] = registration
        }
    }

    /// Removes a command. Calls already running finish; later calls fail
    /// as for a command never registered.
    ///
    /// - Parameter name: The command's name.
    /// - Throws: ``CommandError/unknownCommand(name:)`` if there is none by
    ///   that name.
    public func unregister(_ name: String) throws(CommandError) {
        try registrations.withLock { (registrations) throws(CommandError) in
            guard registrations.removeValue(forKey: name) != nil else {
                throw .unknownCommand(name: name)
            }
        }
    }

    /// Whether the command by this name may block; true for an unknown name.
    ///
    /// - Parameter name: The command's name.
    /// - Returns: The `mayBlock` it was registered with: an adapter runs a
    ///   handler that may block off its own threads.
    public func mayBlock(_ name: String) -> Bool {
        registrations.withLock { $0[name]?.mayBlock ?? true }
    }

    /// Every registered command, by name.
    public var commands: [String: CommandRegistration] {
        registrations.withLock { $0 }
    }

    /// Runs a command with its defaults overlaid by `arguments`: the
    /// caller's value wins for a key in both, and keys the defaults lack are
    /// passed too.
    ///
    /// - Parameters:
    ///   - name: The command's name.
    ///   - arguments: The caller's arguments, over the defaults.
    /// - Returns: The handler's result, empty if it returned nil.
    /// - Throws: ``CommandError/unknownCommand(name:)``;
    ///   ``CommandError/invalidValue(name:_:)`` for a result nested too
    ///   deeply for a session; or whatever the handler throws.
    public func run(_ name: String, arguments: NanoverStruct = [:]) async throws -> NanoverStruct {
        guard let registration = registrations.withLock({ $0[name] }) else {
            SessionMetrics.unknownCommandCalls.increment()
            throw CommandError.unknownCommand(name: name)
        }
        let metrics = registration.metrics
        metrics.calls.increment()
        let started = ContinuousClock.now
        defer { metrics.duration.recordSeconds((ContinuousClock.now - started).inSeconds) }
        do {
            let merged = registration.defaultArguments.merging(arguments) { _, callers in callers }
            let result = try await registration.handler(merged) ?? [:]
            do {
                try result.validate()
            } catch {
                throw CommandError.invalidValue(name: name, error)
            }
            return result
        } catch {
            metrics.failures.increment()
            throw error
        }
    }
}
