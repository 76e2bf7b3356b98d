/// Why a hub description cannot be built or read.
public enum HubDescriptionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Its JSON takes more than ``ESSD/maximumMessageBytes`` bytes.
    case tooLarge(bytes: Int)
    /// Bytes that are not UTF-8 JSON text.
    case notJSON(String)
    /// JSON that is not a hub description, saying what is wrong.
    case invalid(String)

    public var description: String {
        switch self {
        case .tooLarge(let bytes):
            "a hub description of \(bytes) bytes is over ESSD's limit of \(ESSD.maximumMessageBytes)"
        case .notJSON(let reason), .invalid(let reason):
            "not a hub description: \(reason)"
        }
    }
}
