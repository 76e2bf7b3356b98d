/// Which engine's lock the current task or thread holds inside
/// ``StateEngine/withLockedState(_:)``, so that a call back into the same
/// engine is caught with a message instead of deadlocking.
enum EngineLockHolder {
    @TaskLocal static var engine: ObjectIdentifier?

    static func checkNotHeld(by engine: StateEngine) {
        precondition(
            self.engine != ObjectIdentifier(engine),
            "StateEngine called from inside its own withLockedState: its lock is not re-entrant; read what you need from the state passed to the closure and act after it returns")
    }
}
