import NanoverCore
import NanoverTestSupport
import Synchronization
import Testing

/// Counts how often it encodes, to check that a change is encoded once per
/// protocol however many subscribers read it.
private enum CountingEncoding: StateEntryEncoding {
    static let count = Mutex(0)

    static func encode(key: String, value: NanoverValue?) -> String {
        count.withLock { $0 += 1 }
        return value.map { "\(key)=\($0)" } ?? "-\(key)"
    }
}

private enum OtherEncoding: StateEntryEncoding {
    static func encode(key: String, value: NanoverValue?) -> Int {
        key.count
    }
}

@Suite("Entry encodings")
struct EntryEncodingTests {
    @Test("each change is encoded once per protocol, whatever the number of subscribers")
    func encodedOnce() async throws {
        let engine = StateEngine()
        let subscriptions = (0..<20).map { _ in engine.subscribe() }
        try engine.update(StateChange(updates: ["a": 1, "b": "x"], removals: ["c"]))
        let before = CountingEncoding.count.withLock { $0 }
        for subscription in subscriptions {
            let update = try #require(await subscription.next())
            let forms = Set(update.entries.map { $0.encoded(as: CountingEncoding.self) })
            #expect(forms == ["a=1", "b=\"x\"", "-c"])
            // Another protocol's form sits beside it, made once too.
            #expect(update.entries.map { $0.encoded(as: OtherEncoding.self) }.sorted() == [1, 1, 1])
        }
        #expect(CountingEncoding.count.withLock { $0 } - before == 3)
    }
}
