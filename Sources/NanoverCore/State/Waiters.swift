/// Suspended subscription tasks to wake.
///
/// Woken only after the engine's lock is released: resuming a task takes
/// that task's own runtime lock, which its cancellation handler holds while
/// it waits for the engine's lock, so resuming under the engine's lock can
/// deadlock against a cancellation.
typealias Waiters = [CheckedContinuation<Void, Never>]

extension Waiters {
    func resumeAll() {
        for waiter in self {
            waiter.resume()
        }
    }
}
