extension CommandRegistry {
    /// Runs a command for a client, as every protocol adapter does: a
    /// handler registered as one that may block (the default) runs on
    /// Swift's global pool, never on the server's own threads, where it
    /// would stall every connection sharing its thread; a handler
    /// registered with `mayBlock: false` runs where it is called, saving
    /// two thread hops per call.
    ///
    /// - Parameters:
    ///   - name: the command's name.
    ///   - arguments: the caller's arguments, merged over the defaults.
    /// - Returns: the handler's result.
    /// - Throws: what ``run(_:arguments:)`` throws.
    public func serve(_ name: String, arguments: NanoverStruct = [:]) async throws -> NanoverStruct {
        guard mayBlock(name) else {
            return try await run(name, arguments: arguments)
        }
        return try await withTaskExecutorPreference(globalConcurrentExecutor) {
            try await run(name, arguments: arguments)
        }
    }
}
