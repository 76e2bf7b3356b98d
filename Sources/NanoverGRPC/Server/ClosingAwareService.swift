import GRPCCore

/// A gRPC service that wants to know when the ``NanoverServer`` serving it
/// closes, to end its streams cleanly as the server's own services do.
///
/// ``NanoverServer/close()`` calls ``serverWillClose()`` once on every such
/// service, ours and those added with
/// ``NanoverServer/Configuration/additionalServices``, after the server has
/// stopped taking new calls and before it waits for the calls still running
/// (which it cuts off after its grace period).
public protocol ClosingAwareService: RegistrableRPCService {
    /// Ends the service's streams, or tells them to end; the calls may still
    /// be finishing when this returns.
    func serverWillClose() async
}
