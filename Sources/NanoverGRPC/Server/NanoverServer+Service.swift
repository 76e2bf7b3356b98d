import ServiceLifecycle

/// A started server as a swift-service-lifecycle `Service`, as grpc-swift 2
/// and Hummingbird servers are: ``run()`` serves until the task is cancelled
/// or a graceful shutdown begins (SIGINT or SIGTERM under a `ServiceGroup`),
/// then closes the server and returns.
extension NanoverServer: Service {
    /// Serves until cancelled or shut down gracefully, then ``close()``s: on
    /// a graceful shutdown streams get the grace period to finish, on
    /// cancellation they are cut off at once.
    public func run() async throws {
        // Returns on graceful shutdown, throws on cancellation; either way,
        // it is time to close.
        try? await gracefulShutdown()
        await close()
    }
}
