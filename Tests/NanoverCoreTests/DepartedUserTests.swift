import NanoverCore
import Testing

@Suite("What a departed user leaves behind")
struct DepartedUserTests {
    @Test("the user's keys by whole dotted segment, and the interactions it owns; not a longer id's")
    func keys() {
        let state: NanoverStruct = [
            "avatar.u1": 1, "playarea.u1": 1, "update.index.u1": 1, "user-origin.u1": 1, "selection.u1.3": 1,
            "foo.u12": 1, "u1.first": 1, "avatar.u2": 1,
            "interaction.a": ["owner": ["id": "u1"]], "interaction.b": ["owner": ["id": "u2"]], "interaction.c": 1,
        ]
        #expect(DepartedUser.keys(of: "u1", in: state) == [
            "avatar.u1", "playarea.u1", "update.index.u1", "user-origin.u1", "selection.u1.3", "interaction.a",
        ])
        #expect(DepartedUser.userID(fromKey: "avatar.u1") == "u1")
        #expect(DepartedUser.userID(fromKey: "avatar.") == nil && DepartedUser.userID(fromKey: "scene") == nil)
    }
}

@Suite("The scene shim")
struct SceneShimTests {
    @Test("writing scene also writes transform.simulation with scale x negated, and the other way round")
    func bothWays() {
        let scene: NanoverValue = [1, 2, 3, 0, 0, 0, 1, 2, 2, 2]
        let mirrored: NanoverValue = [1, 2, 3, 0, 0, 0, 1, -2, 2, 2]
        let fromScene = SceneShim.extend(StateChange(updates: ["scene": scene]))
        #expect(fromScene.updates["transform.simulation"] == ["transform": mirrored, "parent": "root"])
        let fromTransform = SceneShim.extend(StateChange(updates: ["transform.simulation": ["transform": mirrored, "parent": "root"]]))
        #expect(fromTransform.updates["scene"] == scene)
        let both = StateChange(updates: ["scene": scene, "transform.simulation": "left alone"])
        #expect(SceneShim.extend(both) == both)
        let odd = StateChange(updates: ["scene": [1, 2, 3]])
        #expect(SceneShim.extend(odd) == odd)
    }
}

@Suite("A connection's user")
struct ConnectionUserTests {
    @Test("learns the first avatar id written, and removes that user's keys in one change")
    func learnsAndRemoves() throws {
        let engine = StateEngine()
        let user = ConnectionUser()
        try engine.update(StateChange(updates: ["avatar.u1": 1, "playarea.u1": 2, "foo.u12": 3, "scene": 4]))
        #expect(try user.removeKeys(from: engine).isEmpty, "no avatar written: nothing is removed")
        user.learn(from: StateChange(updates: ["scene": 1]))
        #expect(user.userID == nil)
        user.learn(from: StateChange(updates: ["avatar.u1": 1]))
        user.learn(from: StateChange(updates: ["avatar.u2": 1]))
        #expect(user.userID == "u1")
        #expect(try user.removeKeys(from: engine) == ["avatar.u1", "playarea.u1"])
        #expect(engine.copyState() == ["foo.u12": 3, "scene": 4])
    }
}
