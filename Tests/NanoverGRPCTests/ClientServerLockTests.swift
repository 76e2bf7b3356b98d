import GRPCCore
import NanoverCore
import NanoverTesting
import NanoverGRPC
import NanoverProtocol
import NanoverTestSupport
import SwiftProtobuf
import Testing

/// Locks between clients over loopback gRPC. Ported in spirit from the lock
/// cases of the reference's `tests/core/test_nanover_client_server_state.py`.
/// Every server here runs on a manual clock, so that no lock lapses while a
/// slow machine runs a test.
@Suite("Client and server: locks")
struct ClientServerLockTests {
    static let lockSeconds = 5.0

    @Test("an unlocked key can be locked, whether or not it exists")
    func lockUnlocked() async throws {
        try await withClientServer(clock: ManualClock()) { client, server async throws in
            #expect(try await client.attemptUpdateLocks(["hello": .acquire(.seconds(Self.lockSeconds))]))
            #expect(try await client.attemptUpdateLocks(["goodbye": .acquire(.seconds(Self.lockSeconds))]))
        }
    }

    @Test("a client can lock again what it already locked, and change it")
    func ownLock() async throws {
        try await withClientServer(clock: ManualClock()) { client, server async throws in
            #expect(try await client.attemptUpdateLocks(["hello": .acquire(.seconds(Self.lockSeconds))]))
            #expect(try await client.attemptUpdateLocks(["hello": .acquire(.seconds(Self.lockSeconds))]))
            #expect(try await client.attemptUpdateState(StateChange(updates: ["hello": 999], removals: ["test"])))
            #expect(server.copyState() == ["hello": 999])
        }
    }

    @Test("a client can release its own lock")
    func releaseOwn() async throws {
        try await withClientServer(clock: ManualClock()) { client, server async throws in
            #expect(try await client.attemptUpdateLocks(["hello": .acquire(.seconds(Self.lockSeconds))]))
            #expect(try await client.attemptUpdateLocks(["hello": .release]))
            #expect(server.state.lockOwner(of: "hello") == nil)
        }
    }

    @Test("unlocked keys can be changed, by turns from two clients")
    func updateUnlocked() async throws {
        try await withClientServer(clock: ManualClock()) { client, server async throws in
            #expect(try await client.attemptUpdateState(StateChange(updates: ["hello": 999], removals: ["test"])))
            try await withSecondClient(of: server) { other async throws in
                for _ in 0..<2 {
                    #expect(try await client.attemptUpdateState(StateChange(updates: ["hello": 1])))
                    #expect(try await other.attemptUpdateState(StateChange(updates: ["hello": 2])))
                }
            }
            #expect(server.copyState() == ["hello": 2])
        }
    }

    @Test("a client cannot remove a key the server locked")
    func serverLockedRemoval() async throws {
        try await withClientServer(clock: ManualClock()) { client, server async throws in
            try server.updateLocks(["hello": .acquire(.seconds(Self.lockSeconds))])
            #expect(try await !client.attemptUpdateState(StateChange(removals: ["hello"])))
            #expect(server.copyState() == initialState)
        }
    }

    @Test("a client can neither lock nor set a key another client locked")
    func othersLock() async throws {
        try await withClientServer(clock: ManualClock()) { client, server async throws in
            try await withSecondClient(of: server) { other async throws in
                #expect(try await other.attemptUpdateLocks(["hello": .acquire(.seconds(Self.lockSeconds))]))
                #expect(try await !client.attemptUpdateLocks(["hello": .acquire(.seconds(Self.lockSeconds))]))
                #expect(try await !client.attemptUpdateState(StateChange(updates: ["hello": 999])))
            }
            #expect(server.copyState() == initialState)
        }
    }

    @Test("releasing another client's lock succeeds but leaves it locked")
    func releaseOthers() async throws {
        try await withClientServer(clock: ManualClock()) { client, server async throws in
            try await withSecondClient(of: server) { other async throws in
                #expect(try await other.attemptUpdateLocks(["hello": .acquire(.seconds(Self.lockSeconds))]))
                #expect(try await client.attemptUpdateLocks(["hello": .release]))
                #expect(try await !client.attemptUpdateState(StateChange(updates: ["hello": 999])))
            }
        }
    }

    @Test("a lock request is all or nothing over the wire")
    func allOrNothing() async throws {
        try await withClientServer(clock: ManualClock()) { client, server async throws in
            try await withSecondClient(of: server) { other async throws in
                #expect(try await other.attemptUpdateLocks(["theirs": .acquire(.seconds(Self.lockSeconds))]))
                #expect(try await client.attemptUpdateLocks(["mine": .acquire(.seconds(Self.lockSeconds))]))
                #expect(try await !client.attemptUpdateLocks(["theirs": .acquire(.seconds(Self.lockSeconds)), "new": .acquire(.seconds(Self.lockSeconds)), "mine": .release]))
                #expect(server.state.heldLocks().count == 2)
                #expect(server.state.lockOwner(of: "mine") == AccessToken(client.accessToken))
            }
        }
    }

    @Test("locks lapse after their duration", arguments: [0.5, 1.0, 2.0])
    func lockDurations(seconds: Double) async throws {
        let clock = ManualClock()
        try await withClientServer(clock: clock) { client, server async throws in
            try await withSecondClient(of: server) { other async throws in
                #expect(try await client.attemptUpdateLocks(["hello": .acquire(.seconds(seconds))]))
                clock.advance(by: .seconds(seconds) - .milliseconds(10))
                #expect(try await !other.attemptUpdateLocks(["hello": .acquire(.seconds(seconds))]))
                clock.advance(by: .milliseconds(10))
                #expect(try await other.attemptUpdateLocks(["hello": .acquire(.seconds(seconds))]))
            }
        }
    }

    @Test("closing a client does not release its locks; they lapse at expiry")
    func closeKeepsLocks() async throws {
        let clock = ManualClock()
        try await withClientServer(clock: clock) { client, server async throws in
            try await withSecondClient(of: server) { leaving async throws in
                #expect(try await leaving.attemptUpdateLocks(["hello": .acquire(.seconds(10))]))
            }
            #expect(try await !client.attemptUpdateState(StateChange(updates: ["hello": 1])))
            clock.advance(by: .seconds(10))
            #expect(try await client.attemptUpdateState(StateChange(updates: ["hello": 1])))
        }
    }

    @Test("a malformed lock value is INVALID_ARGUMENT naming the key", arguments: [
        ("a string", Google_Protobuf_Value(stringValue: "5")),
        ("a bool", Google_Protobuf_Value(boolValue: true)),
        ("a list", Google_Protobuf_Value(listValue: Google_Protobuf_ListValue(values: [Google_Protobuf_Value(numberValue: 5)]))),
        ("a struct", Google_Protobuf_Value(structValue: Google_Protobuf_Struct(fields: [:]))),
        ("NaN", Google_Protobuf_Value(numberValue: .nan)),
    ])
    func malformedLockValue(kind: String, value: Google_Protobuf_Value) async throws {
        try await withClientServer(clock: ManualClock()) { client, server async throws in
            let stateClient = Nanover_Protocol_State_State.Client(wrapping: client.connection.grpcClient)
            var request = Nanover_Protocol_State_UpdateLocksRequest()
            request.accessToken = "raw"
            request.lockKeys.fields = ["bad-key": value, "good-key": Google_Protobuf_Value(numberValue: 5)]
            let error = await #expect(throws: RPCError.self) { try await stateClient.updateLocks(request) }
            #expect(error?.code == .invalidArgument)
            #expect(error?.message.contains("bad-key") == true)
            #expect(error?.message.contains(kind) == true)
            #expect(server.state.heldLocks().isEmpty)
            // The server goes on serving.
            #expect(try await client.attemptUpdateLocks(["good-key": .acquire(.seconds(5))]))
        }
    }
}
