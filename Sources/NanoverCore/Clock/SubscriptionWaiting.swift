/// Sleeps on `clock` until `deadline`, or less if `wake` returns first:
/// how subscriptions wait out their interval without making closing wait.
func sleep(on clock: any MonotonicClock, until deadline: Duration, unless wake: @escaping @Sendable () async -> Void) async {
    await withTaskGroup(of: Void.self) { group in
        group.addTask {
            try? await clock.sleep(until: deadline)
        }
        group.addTask {
            await wake()
        }
        await group.next()
        group.cancelAll()
    }
}

/// Suspends until resumed through the continuation that `register` stores
/// (it returns true instead to go on at once), or until the task is
/// cancelled, when `unregister` takes the continuation back to resume it:
/// how subscriptions wait for something to send.
package func suspend(
    register: (CheckedContinuation<Void, Never>) -> Bool,
    unregister: @escaping @Sendable () -> CheckedContinuation<Void, Never>?
) async {
    await withTaskCancellationHandler {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            if register(continuation) {
                continuation.resume()
            }
        }
    } onCancel: {
        unregister()?.resume()
    }
}
