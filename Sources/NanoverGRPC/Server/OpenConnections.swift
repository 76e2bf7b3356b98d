import NIOCore
import Synchronization

/// The client connections a server has open, counted as the transport
/// accepts them and as they close.
final class OpenConnections: Sendable {
    private let open = Atomic<Int>(0)

    func accepted(_ channel: any Channel) {
        open.add(1, ordering: .relaxed)
        channel.closeFuture.whenComplete { [self] _ in
            open.subtract(1, ordering: .relaxed)
        }
    }

    var count: Int { open.load(ordering: .relaxed) }
}
