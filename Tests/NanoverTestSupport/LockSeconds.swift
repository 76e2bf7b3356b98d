import NanoverCore

extension StateEngine {
    /// Lock changes with durations in seconds, as the protocol gives them,
    /// so that engine tests read like the wire and the model.
    public func updateLocks(token: AccessToken = .none, acquire: [String: Double] = [:], release: Set<String> = []) throws(StateError) {
        var changes = acquire.mapValues(LockChange.acquiring(seconds:))
        for key in release {
            changes[key] = .release
        }
        try updateLocks(changes, token: token)
    }
}
