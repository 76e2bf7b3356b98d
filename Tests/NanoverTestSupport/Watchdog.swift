import Foundation

/// Crashes the process with `what` unless disarmed within `seconds`: for
/// tests whose failure would be a deadlock, which stalls Swift's whole
/// pool, so that nothing else can report it.
public final class Watchdog: Sendable {
    private let armed = Box(true)

    public init(seconds: Double, what: String) {
        Thread.detachNewThread { [armed] in
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                Thread.sleep(forTimeInterval: 0.1)
                if !armed.value { return }
            }
            if armed.value {
                fatalError("watchdog: \(what)")
            }
        }
    }

    public func disarm() {
        armed.value = false
    }
}
