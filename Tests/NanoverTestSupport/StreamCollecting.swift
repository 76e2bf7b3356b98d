extension AsyncStream {
    /// Reads until `enough` holds for what has been read (or the stream
    /// ends), and returns what was read.
    public func collect(until enough: ([Element]) -> Bool) async -> [Element] {
        var read: [Element] = []
        for await element in self {
            read.append(element)
            if enough(read) { break }
        }
        return read
    }

    /// Everything until the stream ends.
    public func all() async -> [Element] {
        await collect { _ in false }
    }
}
