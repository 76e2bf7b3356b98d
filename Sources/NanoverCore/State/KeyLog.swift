/// The latest change of every key, ordered by when it last changed, each
/// stamped with the version of the state it was made in.
///
/// Subscribers need no buffer of their own: each remembers the version it
/// has seen, and its next message is every key changed since, found by
/// walking back from the newest change. A write costs the same whatever the
/// number of subscribers, and a key changed many times is met once, with its
/// latest value: coalescing falls out of the structure. Removed keys stay as
/// tombstones until no subscriber can still need them.
///
/// Not thread-safe: the state engine guards it with its own lock.
struct KeyLog {
    private struct Entry {
        var key: String
        var change: KeyChange
        var version: UInt64
        /// Neighbours by recency, as indices into `entries`; -1 for none.
        var older: Int
        var newer: Int
    }

    private var entries: [Entry] = []
    private var positions: [String: Int] = [:]
    private var freeSlots: [Int] = []
    private var newest = -1
    private var oldest = -1
    private(set) var tombstoneCount = 0

    /// The version of the latest change; 0 before any.
    private(set) var version: UInt64 = 0

    /// Records one applied change: a new version, the same for all its keys.
    mutating func record(_ changes: [String: KeyChange]) {
        version += 1
        for (key, change) in changes {
            if let index = positions[key] {
                if entries[index].change.value == nil { tombstoneCount -= 1 }
                unlink(index)
                entries[index].change = change
                entries[index].version = version
                linkAsNewest(index)
            } else {
                let entry = Entry(key: key, change: change, version: version, older: -1, newer: -1)
                let index: Int
                if let free = freeSlots.popLast() {
                    entries[free] = entry
                    index = free
                } else {
                    entries.append(entry)
                    index = entries.count - 1
                }
                positions[key] = index
                linkAsNewest(index)
            }
            if change.value == nil { tombstoneCount += 1 }
        }
    }

    /// Every key changed after `version`, each once with its latest change.
    func changes(after version: UInt64) -> [StateEntry] {
        var result: [StateEntry] = []
        var index = newest
        while index >= 0, entries[index].version > version {
            result.append(StateEntry(key: entries[index].key, change: entries[index].change))
            index = entries[index].older
        }
        return result
    }

    /// Every key whose latest change was made after `version` and no later
    /// than `last`, each once. A key changed in that span and again since is
    /// left out: its newer change belongs to a later message.
    func changes(after version: UInt64, through last: UInt64) -> [StateEntry] {
        var result: [StateEntry] = []
        var index = newest
        while index >= 0, entries[index].version > last {
            index = entries[index].older
        }
        while index >= 0, entries[index].version > version {
            result.append(StateEntry(key: entries[index].key, change: entries[index].change))
            index = entries[index].older
        }
        return result
    }

    /// How many keys changed after `version`.
    func count(after version: UInt64) -> Int {
        var count = 0
        var index = newest
        while index >= 0, entries[index].version > version {
            count += 1
            index = entries[index].older
        }
        return count
    }

    /// The whole state as changes (every key that has a value), plus the
    /// removals made after `version`: what a new subscriber is owed.
    func wholeState(withRemovalsAfter version: UInt64) -> [StateEntry] {
        var result: [StateEntry] = []
        result.reserveCapacity(positions.count - tombstoneCount)
        var index = newest
        while index >= 0 {
            let entry = entries[index]
            if entry.change.value != nil || entry.version > version {
                result.append(StateEntry(key: entry.key, change: entry.change))
            }
            index = entry.older
        }
        return result
    }

    /// Forgets removals no subscriber still needs: those made at or before
    /// `version`. Worth doing once tombstones outnumber the live keys.
    mutating func dropTombstones(upTo version: UInt64) {
        var index = oldest
        while index >= 0, entries[index].version <= version {
            let next = entries[index].newer
            if entries[index].change.value == nil {
                unlink(index)
                positions[entries[index].key] = nil
                entries[index].key = ""
                entries[index].change = Self.forgotten
                freeSlots.append(index)
                tombstoneCount -= 1
            }
            index = next
        }
    }

    var liveCount: Int { positions.count - tombstoneCount }

    /// The size of the key's latest change (0 if removed or never set).
    func size(of key: String) -> Int {
        positions[key].map { entries[$0].change.size } ?? 0
    }

    /// What a freed slot holds until reused.
    private static let forgotten = KeyChange(key: "", value: nil)

    private mutating func unlink(_ index: Int) {
        let older = entries[index].older
        let newer = entries[index].newer
        if older >= 0 { entries[older].newer = newer } else { oldest = newer }
        if newer >= 0 { entries[newer].older = older } else { newest = older }
        entries[index].older = -1
        entries[index].newer = -1
    }

    private mutating func linkAsNewest(_ index: Int) {
        entries[index].older = newest
        entries[index].newer = -1
        if newest >= 0 { entries[newest].newer = index } else { oldest = index }
        newest = index
    }
}
