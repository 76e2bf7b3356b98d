import GRPCCore
import GRPCNIOTransportHTTP2
@testable import NanoverGRPC
import Testing

/// Telling "the port is taken" from the error values a failed bind throws.
@Suite("Address in use")
struct AddressInUseTests {
    @Test("the error of a bind to a port another socket holds is recognised by its values")
    func portTaken() async throws {
        let first = try await startServer()
        let server = GRPCServer(
            transport: HTTP2ServerTransport.Posix(address: .ipv4(host: "127.0.0.1", port: first.port), transportSecurity: .plaintext),
            services: [])
        let serving = Task { try await server.serve() }
        // Were the port shared after all, serving would go on: stopped, the
        // test fails instead of hanging.
        if (try? await server.listeningAddress) != nil {
            server.beginGracefulShutdown()
        }
        let error = await #expect(throws: (any Error).self) { try await serving.value }
        #expect(error.map(isAddressInUse) == true, "\(String(describing: error))")
        if let error {
            #expect(isAddressInUse(RPCError(code: .unavailable, message: "wrapped", cause: error)))
        }
        await first.close()
    }

    @Test("other errors are not taken for it")
    func otherErrors() {
        #expect(!isAddressInUse(CancellationError()))
        #expect(!isAddressInUse(RuntimeError(code: .transportError, message: "no cause")))
        #expect(!isAddressInUse(RuntimeError(
            code: .transportError, message: "wrapped",
            cause: RPCError(code: .unavailable, message: "not a bind"))))
    }
}
