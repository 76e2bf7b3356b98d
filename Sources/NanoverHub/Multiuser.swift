import Foundation
import NanoverCore

/// Server behaviour for the multi-user VR experience: key prefixes the VR
/// clients use, and the command that arranges their play areas.
public enum Multiuser {
    /// The prefix of each user's avatar key, `avatar.<id>`: the users the
    /// radial command places are those with such a key.
    public static let avatarPrefix = "avatar."
    /// The prefix of each user's origin key, `user-origin.<id>`: where the
    /// VR client puts that user's play area (a `position` and a `rotation`
    /// quaternion).
    public static let userOriginPrefix = "user-origin."
    /// Places every avatar's user origin evenly on a circle, facing inwards.
    public static let radiallyOrientOriginsCommand = "multiuser/radially-orient-origins"

    /// Registers the multi-user commands on a session: the radial command
    /// (``radiallyOrientOriginsCommand``, argument `radius`, default 1),
    /// which runs on the calling connection's thread since it never blocks.
    ///
    /// - Throws: ``/NanoverCore/CommandError/alreadyRegistered(name:)`` if
    ///   the session already has a command of that name.
    public static func registerCommands(on session: NanoverSession) throws(CommandError) {
        // Quick and never blocking: a copy of the state and one update.
        try session.commands.register(radiallyOrientOriginsCommand, defaultArguments: ["radius": 1], mayBlock: false) { [weak session] arguments in
            guard let session else { return nil }
            guard let radius = arguments["radius"]?.doubleValue else {
                throw CommandError.invalidArguments("radius must be a number")
            }
            let avatarIDs = session.state.copyState().keys
                .filter { $0.hasPrefix(avatarPrefix) }
                .map { String($0.dropFirst(avatarPrefix.count)) }
            try session.state.update(radialOrigins(forAvatarIDs: avatarIDs, radius: radius))
            return nil
        }
    }

    /// For `n` avatars (in id order), sets `user-origin.<id>` to a point on
    /// a circle of `radius` at angle `a = 2πi/n`, rotated about y by
    /// `-a - π/2` so that each faces the centre.
    ///
    /// - Parameters:
    ///   - ids: the avatars' ids, the part of each `avatar.<id>` key after
    ///     the prefix; the order does not matter.
    ///   - radius: the circle's radius, in the simulation's units.
    /// - Returns: the change setting each user's origin.
    public static func radialOrigins<C: Collection>(forAvatarIDs ids: C, radius: Double) -> StateChange
    where C.Element == String {
        let sorted = ids.sorted()
        var change = StateChange()
        for (index, id) in sorted.enumerated() {
            let angle = 2 * Double.pi * Double(index) / Double(sorted.count)
            let turn = -angle - Double.pi / 2
            change.set(userOriginPrefix + id, to: [
                "position": [.double(radius * cos(angle)), 0, .double(radius * sin(angle))],
                "rotation": [0, .double(sin(turn / 2)), 0, .double(cos(turn / 2))],
            ])
        }
        return change
    }
}
