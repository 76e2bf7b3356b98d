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

    /// A status code as gRPC spells it: `INVALID_ARGUMENT`, not `invalidArgument`.
    private static func statusName(_ code: RPCError.Code) -> String {
        String(describing: code).reduce(into: "") { name, character in
            if character.isUppercase {
                name += "_"
            }
            name += character.uppercased()
        }
    }
}
