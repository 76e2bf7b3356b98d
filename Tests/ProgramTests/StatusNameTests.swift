import GRPCCore
@testable import nanover
import Testing

/// How `nanover` names a failed call's status on standard error.
@Suite("nanover status names")
struct StatusNameTests {
    @Test("every error code has its canonical gRPC name")
    func canonicalNames() {
        let names: [(RPCError.Code, String)] = [
            (.cancelled, "CANCELLED"),
            (.unknown, "UNKNOWN"),
            (.invalidArgument, "INVALID_ARGUMENT"),
            (.deadlineExceeded, "DEADLINE_EXCEEDED"),
            (.notFound, "NOT_FOUND"),
            (.alreadyExists, "ALREADY_EXISTS"),
            (.permissionDenied, "PERMISSION_DENIED"),
            (.resourceExhausted, "RESOURCE_EXHAUSTED"),
            (.failedPrecondition, "FAILED_PRECONDITION"),
            (.aborted, "ABORTED"),
            (.outOfRange, "OUT_OF_RANGE"),
            (.unimplemented, "UNIMPLEMENTED"),
            (.internalError, "INTERNAL"),
            (.unavailable, "UNAVAILABLE"),
            (.dataLoss, "DATA_LOSS"),
            (.unauthenticated, "UNAUTHENTICATED"),
        ]
        for (code, name) in names {
            #expect(CLIFailure.statusName(code) == name, "\(code)")
        }
    }

    @Test("a failure the server answered starts with the status name")
    func failureMessage() {
        let failure = CLIFailure.from(RPCError(code: .internalError, message: "boom"), otherwise: .commandFailed, server: "127.0.0.1:1")
        #expect(failure.status == .commandFailed)
        #expect(failure.message == "INTERNAL: boom")
    }
}
