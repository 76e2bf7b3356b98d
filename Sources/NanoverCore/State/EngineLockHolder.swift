/// Which object's lock the current task or thread holds while it runs a
/// caller's closure (``StateEngine/withLockedState(_:)``, and a client
/// mirror's), so that a call back into the same object is caught with a
/// message instead of deadlocking on a lock that is not re-entrant.
package enum LockHolder {
    @TaskLocal private static var holder: ObjectIdentifier?

    /// Runs `body` marked as holding `object`'s lock.
    package static func running<Result>(holding object: AnyObject, _ body: () -> Result) -> Result {
        $holder.withValue(ObjectIdentifier(object), operation: body)
    }

    /// Stops the program, naming `call`, if the caller holds `object`'s lock.
    package static func checkNotHeld(_ object: AnyObject, by call: @autoclosure () -> String) {
        if holder == ObjectIdentifier(object) {
            preconditionFailure(
                "\(call()) called from inside its own withLockedState: its lock is not re-entrant; read what you need from the state passed to the closure and act after it returns")
        }
    }
}
