// Run a NanoVer session inside a Swift program, with no network: commands with default arguments, the shared state changed atomically and watched, locks, limits and interactions.

// snippet.hide
import NanoverCore

// snippet.show
// snippet.commands
let session = NanoverSession(limits: StateLimits(maxKeys: 1_000))

try session.commands.register(
    "lab/greet", defaultArguments: ["name": "world"], label: "Greet", icon: "👋"
) { arguments in
    ["greeting": .string("hello, \(arguments["name"]?.stringValue ?? "")")]
}
let plain = try await session.commands.run("lab/greet")  // the defaults
let named = try await session.commands.run("lab/greet", arguments: ["name": "Ada"])  // the caller's win
print(plain["greeting"]!, named["greeting"]!)  // "hello, world" "hello, Ada"
// snippet.end
// snippet.hide
precondition(plain == ["greeting": "hello, world"])
precondition(named == ["greeting": "hello, Ada"])
precondition(session.commands.commands["lab/greet"]?.label == "Greet")
precondition(session.commands.commands["lab/greet"]?.defaultArguments == ["name": "world"])
// snippet.show

// snippet.state
let updates = session.state.subscribe()  // the whole state first, then each change
let (changedKeys, changedKeysInput) = AsyncStream.makeStream(of: Set<String>.self)
let observer = session.state.addObserver { token, change in
    changedKeysInput.yield(change.keys)  // every applied change, in order, with who made it
}

try session.state.update(StateChange(updates: ["scene.title": "Water box", "sim.running": true]))
var change = StateChange()
change.set("sim.running", to: false)
change.remove("scene.title")
try session.state.update(change)  // applied whole, or not at all

// Read late, a subscription's message holds each key once, at its latest.
let first = await updates.next()!
print(first.change.updates, first.change.removals)  // ["sim.running": false] ["scene.title"]
print(session.state.copyState())  // ["sim.running": false]
// snippet.end
// snippet.hide
precondition(first.change == StateChange(updates: ["sim.running": false], removals: ["scene.title"]))
precondition(session.state.copyState() == ["sim.running": false])
var observed: [Set<String>] = []
for await keys in changedKeys {
    observed.append(keys)
    if observed.count == 2 { break }
}
precondition(observed == [["scene.title", "sim.running"], ["scene.title", "sim.running"]])
// snippet.show

// snippet.locks
let simulation = AccessToken.unique()  // for server-side code: a token no client can send
let alice = AccessToken("alice")  // a client's token, as it sent it

try session.state.updateLocks(["sim.settings": .acquireIndefinitely], token: simulation)
try session.state.update(StateChange(updates: ["sim.settings": ["steps": 10]]), token: simulation)
var refused: [String] = []
do {
    try session.state.update(StateChange(updates: ["sim.settings": ["steps": 0], "note": "mine"]), token: alice)
} catch {
    if case .locked(let keys) = error {
        refused = keys  // ["sim.settings"]: nothing of the change was applied, "note" neither
    }
}
try session.state.updateLocks(["sim.settings": .release], token: simulation)

// A lock taken for a time lapses by itself; renewing it takes the same call.
try session.state.updateLocks(["scene.title": .acquire(.milliseconds(100))], token: alice)
let holder = session.state.lockOwner(of: "scene.title")  // alice
try await Task.sleep(for: .milliseconds(150))
let lapsed = session.state.lockOwner(of: "scene.title") == nil  // true
// snippet.end
// snippet.hide
precondition(refused == ["sim.settings"])
precondition(session.state.value(forKey: "sim.settings") == ["steps": 10])
precondition(session.state.value(forKey: "note") == nil)
precondition(session.state.lockOwner(of: "sim.settings") == nil)
precondition(holder == alice)
precondition(lapsed)
// snippet.show

// snippet.limits
// Past a limit a change is refused whole: the state stays as it was.
let bulk = NanoverStruct(uniqueKeysWithValues: (0..<1_000).map { ("bulk.\($0)", NanoverValue.int(Int64($0))) })
var exceeded: StateLimitExceeded?
do {
    try session.state.update(StateChange(updates: bulk))
} catch {
    if case .overLimit(let limit) = error {
        exceeded = limit  // .keys(limit: 1000): with the keys already there, 1,002 keys
    }
}
// snippet.end
// snippet.hide
precondition(exceeded == .keys(limit: 1_000))
precondition(session.state.keyCount == 2)
precondition(session.state.value(forKey: "bulk.0") == nil)
// snippet.show

// snippet.interactions
// A user pulling on atoms is an interaction.<id> key; stopping removes the key.
let key = ParticleInteraction.makeKey()
let pull = ParticleInteraction(position: SIMD3(1, 0, 0), particles: [2, 0, 2], interactionType: ParticleInteraction.spring)
try session.state.update(StateChange(updates: [key: pull.stateValue]))

// What a simulation reads at each step: every user's interactions.
let interactions = ParticleInteraction.all(in: session.state.copyState())
for (key, interaction) in interactions {
    print(key, interaction.particles, interaction.interactionType, interaction.maxForce)  // [0, 2] spring 20000.0
}
try session.state.update(StateChange(removals: [key]))
// snippet.end
// snippet.hide
precondition(key.hasPrefix(ParticleInteraction.keyPrefix))
precondition(interactions == [key: pull])
precondition(interactions[key]?.particles == [0, 2])
precondition(session.state.value(forKey: key) == nil)
// snippet.show

// snippet.close
session.state.removeObserver(observer)
session.close()  // every subscription gets what is pending, then ends
var rest = StateChange()
while let update = await updates.next() {
    rest.merge(update.change)
}
var closed = false
do {
    try session.state.update(StateChange(updates: ["late": 1]))
} catch {
    closed = error == .closed  // no change lands on a closed session
}
// snippet.end
// snippet.hide
precondition(rest.updates["sim.settings"] == ["steps": 10])
precondition(rest.removals.contains(key))
precondition(closed)
precondition(session.isClosed)
// snippet.show
