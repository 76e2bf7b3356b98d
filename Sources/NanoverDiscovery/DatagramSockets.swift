#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOPosix

extension DatagramBootstrap {
    /// A bootstrap for ESSD's sockets: broadcasts allowed, and the address
    /// and port reusable (`SO_REUSEADDR`, `SO_REUSEPORT`), so that several
    /// senders and listeners share port 54545 on one machine.
    static func essd(group: any EventLoopGroup) -> DatagramBootstrap {
        DatagramBootstrap(group: group)
            .channelOption(.socketOption(.so_broadcast), value: 1)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.socketOption(NIOBSDSocket.Option(rawValue: SO_REUSEPORT)), value: 1)
    }
}
