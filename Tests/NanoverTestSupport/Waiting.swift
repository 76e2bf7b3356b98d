import Foundation
import Synchronization
import Testing

/// Polls `condition` until it holds or `timeout` passes; records a failure
/// naming `what` on timeout. Deadlines are generous: they only bound a hang.
/// The suite runs every test at once, and on a small loaded machine the
/// heavy ones have held up the rest for over thirty seconds.
public func waitUntil(
    _ what: String,
    timeout: Duration = .seconds(120),
    sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () throws -> Bool
) async rethrows {
    let deadline = ContinuousClock.now + timeout
    while try !condition() {
        if ContinuousClock.now >= deadline {
            Issue.record("timed out waiting until \(what)", sourceLocation: sourceLocation)
            return
        }
        try? await Task.sleep(for: .milliseconds(2))
    }
}

/// A value a background task fills in, for tests to inspect.
public final class Box<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>

    public init(_ value: Value) {
        storage = Mutex(value)
    }

    public var value: Value {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }

    public func mutate(_ body: (inout Value) -> Void) {
        storage.withLock { body(&$0) }
    }
}
