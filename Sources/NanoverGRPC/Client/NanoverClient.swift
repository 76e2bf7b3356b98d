import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import NanoverCore
import NanoverProtocol
import Synchronization

/// A NanoVer client: runs the server's commands, keeps a local mirror of the
/// shared state, and attempts changes to it and to its locks.
///
/// ```swift
/// let client = try NanoverClient(address: "localhost", port: 38801)
/// client.subscribeAllStateUpdates()
/// let accepted = try await client.attemptUpdateState(StateChange(updates: ["hello": "world"]))
/// for try await change in client.stateChanges() { print(change.updates) }
/// await client.close()
/// ```
///
/// Calls that fail throw the `RPCError` the server (or the transport) gave:
/// its `code` and `message` are the gRPC status.
public final class NanoverClient: Sendable {
    /// How often the reference client asks for state updates: 30 per second.
    public static let defaultUpdateInterval: Duration = .seconds(1.0 / 30.0)

    /// Settings of a client.
    public struct Configuration: Sendable {
        /// Largest message accepted from the server, in bytes. A new
        /// subscription's first message holds the whole state, so this is
        /// generous.
        public var maxResponseMessageBytes = 64 * 1024 * 1024
        /// A deadline for unary calls (commands, updates, lock requests);
        /// nil waits as long as the server takes.
        public var callTimeout: Duration?
        /// The access token to act with; nil picks a random UUID, as the
        /// reference client does. Give the same token to act as the same
        /// owner of locks across clients or runs.
        public var accessToken: String?
        /// Where the client reports what it cannot say through a thrown
        /// error, such as interactions it could not stop while closing.
        public var logger = Logger(label: "nanover.client")
        /// Whether calls and subscriptions wait while the connection cannot
        /// be made (no server yet, or one too busy to accept in time),
        /// trying again with back-off, instead of failing with `unavailable`
        /// at the first failed attempt: for a client started before its
        /// hub. A unary call then waits at most ``callTimeout``, when set;
        /// a subscription waits until it is cancelled.
        public var waitsForConnection = false

        /// The defaults: 64 MiB messages, no call deadline, a random access
        /// token, calls failing at once when the server cannot be reached.
        public init() {}
    }

    /// The connection this client calls over.
    public let connection: NanoverConnection
    /// Whether ``close()`` closes ``connection`` too: true when the client
    /// made it, false when it was handed one.
    public let isChannelOwner: Bool
    /// The token this client sends with every state and lock change: the
    /// configured one, or a random UUID.
    public let accessToken: String

    let configuration: Configuration
    let commandClient: Nanover_Protocol_Command_Command.Client<HTTP2ClientTransport.Posix>
    let stateClient: Nanover_Protocol_State_State.Client<HTTP2ClientTransport.Posix>
    let trajectoryClient: Nanover_Protocol_Trajectory_TrajectoryService.Client<HTTP2ClientTransport.Posix>
    let mirror = StateMirror()
    /// Whether the server has said it sends a first message always (see
    /// ``EmptyStateNudge``).
    let serverSendsInitialState = Flag()
    /// The mirror subscription, if one was started.
    let mirrorSubscription = Mutex<MirrorSubscription?>(nil)
    private let knownCommands = Mutex<[String: CommandInfo]>([:])
    /// What the frame streams have received.
    let history = Mutex(FrameHistory())
    /// The frame streams running, kept until they end.
    let frameStreams = Mutex<[ObjectIdentifier: FrameStream]>([:])
    /// The keys of the interactions this client started and has not
    /// stopped.
    let ownInteractions = OwnInteractions()

    /// A client with its own connection to `address` and `port`. Nothing is
    /// sent yet: when no server listens, the first call fails.
    public convenience init(
        address: String = "localhost",
        port: Int = NanoverServer.defaultPort,
        configuration: Configuration = Configuration()
    ) throws {
        self.init(
            connection: try NanoverConnection.insecure(address: address, port: port),
            owningConnection: true,
            configuration: configuration)
    }

    /// A client over a connection it is handed and will not close.
    public convenience init(connection: NanoverConnection, configuration: Configuration = Configuration()) {
        self.init(connection: connection, owningConnection: false, configuration: configuration)
    }

    private init(connection: NanoverConnection, owningConnection: Bool, configuration: Configuration) {
        self.connection = connection
        self.isChannelOwner = owningConnection
        self.configuration = configuration
        self.accessToken = configuration.accessToken ?? UUID().uuidString.lowercased()
        self.commandClient = .init(wrapping: connection.grpcClient)
        self.stateClient = .init(wrapping: connection.grpcClient)
        self.trajectoryClient = .init(wrapping: connection.grpcClient)
    }

    /// Options for unary calls.
    var unaryOptions: CallOptions {
        var options = CallOptions.receivingLarge(configuration.maxResponseMessageBytes)
        options.timeout = configuration.callTimeout
        options.waitForReady = configuration.waitsForConnection
        return options
    }

    // MARK: Commands

    /// The commands found by the last ``updateAvailableCommands()``, by name;
    /// empty before the first.
    public var availableCommands: [String: CommandInfo] {
        knownCommands.withLock { $0 }
    }

    /// Asks the server for its commands, remembers them, and returns them.
    @discardableResult
    public func updateAvailableCommands() async throws -> [String: CommandInfo] {
        let reply = try await commandClient.getCommands(Nanover_Protocol_Command_GetCommandsRequest(), options: unaryOptions)
        var commands: [String: CommandInfo] = [:]
        for command in reply.commands {
            commands[command.name] = CommandInfo(name: command.name, arguments: try NanoverStruct(protobuf: command.arguments))
        }
        knownCommands.withLock { $0 = commands }
        return commands
    }

    /// Runs a command on the server with `arguments` overlaid on its defaults
    /// and returns its result (empty when it returns nothing). Numbers come
    /// back as doubles: read an integer result with
    /// ``/NanoverCore/NanoverValue/intValue``.
    ///
    /// - Throws: `NanoverValueError` for arguments that cannot go on the wire
    ///   (nothing is sent); `RPCError` for a failed call, e.g.
    ///   `INVALID_ARGUMENT` for an unknown command.
    public func runCommand(_ name: String, arguments: NanoverStruct = [:]) async throws -> NanoverStruct {
        var message = Nanover_Protocol_Command_CommandMessage()
        message.name = name
        message.arguments = try arguments.protobufStruct()
        let reply = try await commandClient.runCommand(message, options: unaryOptions)
        return try NanoverStruct(protobuf: reply.result)
    }

    // MARK: Closing

    /// Stops the interactions this client started (their keys are removed
    /// if the server can still be reached), stops every subscription,
    /// finishes the change and frame streams, and closes the connection if
    /// this client owns it. Locks are not released: they lapse at their
    /// expiry. Idempotent.
    public func close() async {
        do {
            try await stopAllInteractions()
        } catch {
            configuration.logger.warning("could not stop this client's interactions", metadata: ["error": "\(error)"])
        }
        for stream in frameStreams.withLock({ $0.values }) {
            await stream.cancel()
        }
        if let subscription = mirrorSubscription.withLock({ $0.take() }) {
            await subscription.cancel()
        }
        mirror.end(error: nil)
        if isChannelOwner {
            await connection.close()
        }
    }
}
