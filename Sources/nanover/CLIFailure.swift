import Foundation
import GRPCCore

/// The exit statuses of `nanover`.
enum ExitStatus: Int32 {
    case done = 0
    case refused = 1
    case usage = 2
    case unreachable = 3
    case commandFailed = 4
}

/// A failure that ends the program with a status and one line on stderr.
struct CLIFailure: Error {
    let status: ExitStatus
    let message: String

    init(_ status: ExitStatus, _ message: String) {
        self.status = status
        self.message = message
    }

    func report() {
        let line = "nanover: " + message.replacingOccurrences(of: "\n", with: " ") + "\n"
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// The failure for an error of a call to the server: not reaching it is
    /// `unreachable`; anything else the server answered is `otherwise`.
    static func from(_ error: RPCError, otherwise status: ExitStatus, server: String) -> CLIFailure {
        switch error.code {
        case .unavailable, .deadlineExceeded:
            return CLIFailure(.unreachable, "cannot reach the server at \(server): \(error.message)")
        default:
            return CLIFailure(status, "\(statusName(error.code)): \(error.message)")
        }
    }

    /// A status code as gRPC spells it: `INVALID_ARGUMENT`, not
    /// `invalidArgument`. Spelled out, because the codes' Swift names do not
    /// all follow the canonical ones (`internalError` is `INTERNAL`). OK is
    /// never an error's code.
    static func statusName(_ code: RPCError.Code) -> String {
        switch code {
        case .cancelled: "CANCELLED"
        case .unknown: "UNKNOWN"
        case .invalidArgument: "INVALID_ARGUMENT"
        case .deadlineExceeded: "DEADLINE_EXCEEDED"
        case .notFound: "NOT_FOUND"
        case .alreadyExists: "ALREADY_EXISTS"
        case .permissionDenied: "PERMISSION_DENIED"
        case .resourceExhausted: "RESOURCE_EXHAUSTED"
        case .failedPrecondition: "FAILED_PRECONDITION"
        case .aborted: "ABORTED"
        case .outOfRange: "OUT_OF_RANGE"
        case .unimplemented: "UNIMPLEMENTED"
        case .internalError: "INTERNAL"
        case .unavailable: "UNAVAILABLE"
        case .dataLoss: "DATA_LOSS"
        case .unauthenticated: "UNAUTHENTICATED"
        // Code is a struct, so the compiler cannot know the list is whole.
        default: "CODE_\(code.rawValue)"
        }
    }
}
