import Foundation
import GRPCCore
import NIOCore

/// Whether `error` says that the address was already in use: a failed bind
/// whose `errno` is `EADDRINUSE`, however deeply it is wrapped.
///
/// When another socket holds the port, `GRPCServer.serve()` throws a
/// GRPCCore `RuntimeError` ("Server transport threw an error") whose `cause`
/// is the `NIOCore.IOError` of the `bind` system call, carrying its `errno`.
/// The chain is walked by type and the number compared, rather than the
/// error's text searched: the text is written for people, differs between
/// platforms (errno 98 on Linux, 48 on macOS) and may change with any
/// release of the libraries that word it. `RPCError`'s cause is followed
/// too: it is GRPCCore's other error that carries an underlying one, so a
/// caller that hands over the failure wrapped in it is answered the same.
func isAddressInUse(_ error: any Error) -> Bool {
    switch error {
    case let error as IOError:
        error.errnoCode == EADDRINUSE
    case let error as RuntimeError:
        error.cause.map(isAddressInUse) ?? false
    case let error as RPCError:
        error.cause.map(isAddressInUse) ?? false
    default:
        false
    }
}
