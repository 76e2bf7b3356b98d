/// Which object's lock the current task or thread holds while it runs a
/// caller's closure (``StateEngine/withLockedState(_:)``, and a client
/// mirror's), so that a call back into the same object is caught with a
/// message instead of deadlocking on a lock that is not re-entrant.
package enum LockHolder {
    @TaskLocal private static var holder: ObjectIdentifier?

    /// Runs `body` marked as holding `object`'s lock, passing on what it
    /// throws as it is typed (the task-local binding only rethrows).
    package static func running<Result, Failure: Error>(
        holding object: AnyObject, _ body: () throws(Failure) -> Result
    ) throws(Failure) -> Result {
        let result: Swift.Result<Result, Failure> = $holder.withValue(ObjectIdentifier(object)) {
            do throws(Failure) {
                return .success(try body())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Stops the program, naming `call`, if the caller holds `object`'s lock.
    package static func checkNotHeld(_ object: AnyObject, by call: @autoclosure () -> String) {
        if holder == ObjectIdentifier(object) {
            preconditionFailure(
                "\(call()) called from inside its own withLockedState: its lock is not re-entrant; read what you need from the state passed to the closure and act after it returns")
        }
    }
}
