/// What happened to a client's state subscription, whatever protocol it
/// speaks.
public enum SubscriptionEvent: Sendable {
    /// The stream failed or the server ended it: the error says how. The
    /// mirror keeps the last state it saw; a gRPC client subscribed with a
    /// `ResubscribePolicy` (in `NanoverGRPC`) then tries again.
    case lost(any Error)
    /// A new subscription delivered the whole state; the mirror now equals it
    /// (keys that vanished meanwhile were removed).
    case restored
}
