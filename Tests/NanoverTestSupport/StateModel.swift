import NanoverCore
import SeededRandom

/// A plain, sequential statement of the state rules, for checking the real
/// engine against: a dictionary, and locks as owner and expiry in seconds.
public struct StateModel: Sendable {
    public private(set) var state: NanoverStruct = [:]
    private var locks: [String: (owner: String, expiry: Double)] = [:]

    public init() {}

    private func holder(of key: String, at now: Double) -> String? {
        guard let lock = locks[key], now < lock.expiry else { return nil }
        return lock.owner
    }

    private func isFree(_ key: String, for token: String, at now: Double) -> Bool {
        holder(of: key, at: now).map { $0 == token } ?? true
    }

    /// Applies the change if every key is free for `token`; returns whether it did.
    public mutating func update(_ change: StateChange, token: String, at now: Double) -> Bool {
        guard change.keys.allSatisfy({ isFree($0, for: token, at: now) }) else { return false }
        change.apply(to: &state)
        return true
    }

    /// All or nothing: acquires and renews, releases own locks, ignores
    /// releases of others' locks.
    public mutating func updateLocks(acquire: [String: Double], release: Set<String>, token: String, at now: Double) -> Bool {
        guard acquire.keys.allSatisfy({ isFree($0, for: token, at: now) }) else { return false }
        for key in release where isFree(key, for: token, at: now) {
            locks[key] = nil
        }
        for (key, seconds) in acquire {
            locks[key] = (token, now + seconds)
        }
        return true
    }

    public mutating func clearLocks() {
        locks = [:]
    }

    /// The token holding each key's lock now.
    public func holders(at now: Double) -> [String: String] {
        locks.compactMapValues { now < $0.expiry ? $0.owner : nil }
    }
}

/// Random operations on a small key space from a few tokens: enough
/// collisions that locks and coalescing are exercised constantly.
public struct RandomOperations: Sendable {
    public static let tokens = ["alice", "bob", "carol", "dave"]
    public static let keys = ["a", "b", "c", "d", "e", "f", "g", "h", "avatar.1", "avatar.2", "", "ключ"]

    public var generator: SeededGenerator

    public init(seed: UInt64) {
        generator = SeededGenerator(seed: seed)
    }

    public mutating func token() -> String {
        Self.tokens.randomElement(using: &generator)!
    }

    public mutating func someKeys(max: Int = 4) -> Set<String> {
        Set((0..<Int.random(in: 1...max, using: &generator)).map { _ in Self.keys.randomElement(using: &generator)! })
    }

    public mutating func value() -> NanoverValue {
        switch Int.random(in: 0..<6, using: &generator) {
        case 0: return .double(Double(Int.random(in: -5...5, using: &generator)))
        case 1: return .string(String(repeating: "x", count: Int.random(in: 0...3, using: &generator)))
        case 2: return .bool(Bool.random(using: &generator))
        case 3: return [.double(Double.random(in: 0...1, using: &generator)), nil]
        case 4: return ["nested": ["n": .double(Double(Int.random(in: 0...9, using: &generator)))]]
        default: return .double(Double.random(in: -1e6...1e6, using: &generator))
        }
    }

    public mutating func change() -> StateChange {
        var change = StateChange()
        for key in someKeys() {
            if Int.random(in: 0..<4, using: &generator) == 0 {
                change.remove(key)
            } else {
                change.set(key, to: value())
            }
        }
        return change
    }

    /// Keys to lock for 0.5 to 5 seconds, sometimes for zero or less.
    public mutating func locksToAcquire() -> [String: Double] {
        Dictionary(uniqueKeysWithValues: someKeys(max: 3).map { key in
            (key, Int.random(in: 0..<8, using: &generator) == 0 ? 0 : Double(Int.random(in: 1...10, using: &generator)) / 2)
        })
    }

    public mutating func chance(_ percent: Int) -> Bool {
        Int.random(in: 0..<100, using: &generator) < percent
    }
}
