import GRPCCore

extension CallOptions {
    /// Call options that accept answers of up to `bytes`.
    ///
    /// The HTTP/2 transport checks each received message against the
    /// call's *request* limit (`maxRequestMessageBytes`, 4 MiB by default),
    /// not only the response limit: without raising both, a state or a
    /// frame over 4 MiB (a 10-million-float positions array is 40 MB) fails
    /// with `RESOURCE_EXHAUSTED` whatever the response limit says.
    package static func receivingLarge(_ bytes: Int) -> CallOptions {
        var options = CallOptions.defaults
        options.maxResponseMessageBytes = bytes
        options.maxRequestMessageBytes = bytes
        return options
    }
}
