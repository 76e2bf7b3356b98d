import GRPCCore
import Logging
import NanoverCore
import NanoverProtocol
import Synchronization

/// Keeps a client's mirror up to date from one subscription, and, given a
/// policy, subscribes again after a loss until the client closes.
struct MirrorSubscriptionLoop: Sendable {
    let client: NanoverClient
    let interval: Float
    let policy: ResubscribePolicy?

    private var mirror: StateMirror { client.mirror }
    private var logger: Logger { client.configuration.logger }

    /// Runs until the subscription ends for good, or the task is cancelled.
    func run() async {
        var attempt = 0
        var resubscribing = false
        // One loss is told per outage, not one per failed retry.
        var lossTold = false
        while !Task.isCancelled {
            let (delivered, loss) = await subscribeOnce(replacingMirror: resubscribing)
            if Task.isCancelled {
                return
            }
            if delivered || !lossTold {
                mirror.emit(.lost(loss))
                lossTold = true
            }
            guard let policy else {
                logger.warning("state subscription ended", metadata: ["reason": "\(loss)"])
                mirror.end(error: loss is SubscriptionEndedByServer ? nil : loss)
                return
            }
            attempt = delivered ? 0 : attempt + 1
            let delay = policy.delay(beforeAttempt: attempt)
            logger.warning("state subscription lost; subscribing again", metadata: ["reason": "\(loss)", "delay": "\(delay)"])
            do {
                try await Task.sleep(for: delay)
            } catch {
                return
            }
            resubscribing = true
        }
    }

    /// One subscription: returns whether it delivered anything, and why it
    /// ended. A resubscription's first message replaces the mirror whole,
    /// and is nudged to come even for an empty state.
    private func subscribeOnce(replacingMirror: Bool) async -> (delivered: Bool, loss: any Error) {
        let request = Nanover_Protocol_State_SubscribeStateUpdatesRequest.with { $0.updateInterval = interval }
        let options = client.streamOptions()
        let stateClient = client.stateClient
        let mirror = self.mirror
        let nudge = EmptyStateNudge(serverConfirmed: client.serverSendsInitialState)
        let delivered = ArrivalCounter()
        // The nudge runs beside the stream, and is over (cancelled and
        // awaited) before the first message is told to anyone: its ending
        // can never end the subscription, and once a message has been told
        // nothing of it is left running.
        let nudging: Task<Void, Never>? = replacingMirror ? Task { try? await nudge.run(with: client) } : nil
        do {
            try await stateClient.subscribeStateUpdates(request, metadata: EmptyStateNudge.requestMetadata, options: options) { response in
                nudge.responseArrived(response.metadata)
                for try await update in response.messages {
                    let change = nudge.withoutNudge(StateChange(protobufChangedKeys: try NanoverStruct(protobuf: update.changedKeys)))
                    if delivered.increment() == 1 {
                        nudge.firstMessageArrived()
                        await Self.end(nudging)
                        if replacingMirror {
                            mirror.replace(with: change.updates)
                            mirror.emit(.restored)
                            continue
                        }
                    }
                    // A message that only carried the nudge's removal says nothing.
                    if !change.isEmpty {
                        mirror.apply(change)
                    }
                }
            }
            await Self.end(nudging)
            return (delivered.count > 0, SubscriptionEndedByServer())
        } catch {
            await Self.end(nudging)
            return (delivered.count > 0, error)
        }
    }

    private static func end(_ task: Task<Void, Never>?) async {
        task?.cancel()
        await task?.value
    }
}

/// The server ended a state subscription normally (it was closing).
public struct SubscriptionEndedByServer: Error, CustomStringConvertible {
    public var description: String { "the server ended the subscription" }
}

private final class ArrivalCounter: Sendable {
    private let value = Atomic(0)

    /// Counts one more and returns the new count.
    func increment() -> Int {
        value.add(1, ordering: .relaxed).newValue
    }

    var count: Int {
        value.load(ordering: .relaxed)
    }
}
