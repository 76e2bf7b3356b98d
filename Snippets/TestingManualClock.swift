// Drive a session's time by hand with ManualClock: a lock lapses exactly when the clock is advanced past it, and paced messages wait for it.

// snippet.hide
import NanoverCore
import NanoverTesting

// snippet.show
// snippet.lock
let clock = ManualClock()
let session = NanoverSession(clock: clock)  // locks and pacing read this clock
let alice = AccessToken("alice"), bob = AccessToken("bob")

try session.state.updateLocks(["scene": .acquire(.seconds(5))], token: alice)
func bobWrites() -> StateError? {
    do throws(StateError) {
        try session.state.update(StateChange(updates: ["scene": "bob's"]), token: bob)
        return nil
    } catch {
        return error
    }
}
print(bobWrites()!)  // refused: alice holds the lock

clock.advance(by: .milliseconds(4_999))  // time passes only when told to
print(bobWrites()!)  // still refused
clock.advance(by: .milliseconds(1))  // five seconds: the lock lapses
print(bobWrites() == nil)  // true
// snippet.end
// snippet.hide
precondition(session.state.value(forKey: "scene") == "bob's")
precondition(session.state.lockOwner(of: "scene") == nil)
// snippet.show

// snippet.pacing
// A subscription paced at one message a second: the second message waits for the clock.
let subscription = session.state.subscribe(interval: .seconds(1))
_ = await subscription.next()  // the whole state, at once
try session.state.update(StateChange(updates: ["count": 1]))
let next = Task { await subscription.next() }
while clock.sleeperCount == 0 { try await Task.sleep(for: .milliseconds(1)) }  // it waits out its interval
clock.advance(by: .seconds(1))
let paced = await next.value
print(paced?.change.updates ?? [:])  // ["count": 1]
// snippet.end
// snippet.hide
precondition(paced?.change.updates == ["count": 1])
precondition(clock.sleeperCount == 0)
// snippet.show

subscription.cancel()
session.close()
