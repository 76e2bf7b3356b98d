import Foundation
import NanoverCore
import NanoverGRPC

/// Server behaviour for the multi-user VR experience: key prefixes the VR
/// clients use, and the command that arranges their play areas.
public enum Multiuser {
    public static let avatarPrefix = "avatar."
    public static let userOriginPrefix = "user-origin."
    /// Places every avatar's user origin evenly on a circle, facing inwards.
    public static let radiallyOrientOriginsCommand = "multiuser/radially-orient-origins"

    /// Registers the multi-user commands on a server.
    public static func registerCommands(on server: NanoverServer) throws {
        // Quick and never blocking: a copy of the state and one update.
        try server.registerCommand(radiallyOrientOriginsCommand, defaultArguments: ["radius": 1], mayBlock: false) { [weak server] arguments in
            guard let server else { return nil }
            guard let radius = arguments["radius"]?.doubleValue else {
                throw CommandError.invalidArguments("radius must be a number")
            }
            let avatarIDs = server.copyState().keys
                .filter { $0.hasPrefix(avatarPrefix) }
                .map { String($0.dropFirst(avatarPrefix.count)) }
            try server.updateState(radialOrigins(forAvatarIDs: avatarIDs, radius: radius))
            return nil
        }
    }

    /// For `n` avatars (in id order), sets `user-origin.<id>` to a point on
    /// a circle of `radius` at angle `a = 2πi/n`, rotated about y by
    /// `-a - π/2` so that each faces the centre.
    public static func radialOrigins<C: Collection>(forAvatarIDs ids: C, radius: Double) -> StateChange
    where C.Element == String {
        let sorted = ids.sorted()
        var change = StateChange()
        for (index, id) in sorted.enumerated() {
            let angle = 2 * Double.pi * Double(index) / Double(sorted.count)
            let turn = -angle - Double.pi / 2
            change.set(userOriginPrefix + id, to: [
                "position": [.number(radius * cos(angle)), 0, .number(radius * sin(angle))],
                "rotation": [0, .number(sin(turn / 2)), 0, .number(cos(turn / 2))],
            ])
        }
        return change
    }
}
