/// Why a NanoVer server could not start.
public enum NanoverServerError: Error, Sendable, CustomStringConvertible {
    /// Another socket already listens on this port. NanoVer servers never
    /// share a port.
    case portInUse(address: String, port: Int)
    /// The host name did not resolve.
    case unknownHost(String)
    /// Listening failed for another reason.
    case cannotListen(address: String, port: Int, reason: String)
    /// Two services offer methods of the same gRPC service name (an added
    /// service reusing one of ours, or two added services).
    case serviceClash(service: String)

    public var description: String {
        switch self {
        case .portInUse(let address, let port):
            return "port \(port) on \(address) is already in use"
        case .unknownHost(let host):
            return "cannot resolve host \"\(host)\""
        case .cannotListen(let address, let port, let reason):
            return "cannot listen on \(address) port \(port): \(reason)"
        case .serviceClash(let service):
            return "two services offer methods of the gRPC service \(service)"
        }
    }
}
