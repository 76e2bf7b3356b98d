/// The layout of NanoVer recording files, `.traj` (frames) and `.state`
/// (state updates), shared with the reference: all integers little-endian,
/// a header of a magic number and a format version, then entries to the end
/// of the file, each a 128-bit timestamp (microseconds since the recording
/// started), a 64-bit length, and that many bytes of one protocol message
/// (a `GetFrameResponse` in `.traj`, a `StateUpdate` in `.state`).
///
/// The format carries messages as bytes: reading and writing files needs no
/// protocol; turning entries into frames and state changes is the protocol
/// adapter's part.
public enum RecordingFormat {
    /// The first 8 bytes of every recording file, as the reference writes
    /// them.
    public static let magicNumber: UInt64 = 6_661_355_757_386_708_963
    /// The format version, the header's second 8 bytes: the only one
    /// written and read.
    public static let version: UInt64 = 2
    /// Bytes of the header: magic number and version.
    public static let headerSize = 16
    /// Bytes before each entry's message: timestamp and length.
    public static let entryHeaderSize = 24
    /// The largest message an entry may hold: larger lengths are taken as
    /// corruption rather than allocated.
    public static let maximumEntryLength: UInt64 = 1 << 31
}

/// What is wrong with a recording file.
public enum RecordingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be opened, read or written (`errno`).
    case io(path: String, operation: String, errno: Int32)
    /// The file does not start with the recording magic number.
    case wrongMagicNumber(found: UInt64)
    /// The file is a recording of another format version.
    case unsupportedVersion(found: UInt64)
    /// The file ends inside the header.
    case truncatedHeader
    /// The file ends inside an entry's timestamp and length.
    case truncatedEntryHeader(offset: UInt64)
    /// An entry's length runs past the end of the file.
    case entryPastEnd(offset: UInt64, length: UInt64)
    /// An entry's length is beyond ``RecordingFormat/maximumEntryLength``.
    case entryTooLong(offset: UInt64, length: UInt64)
    /// An entry's timestamp does not fit 64 bits of microseconds (over
    /// 500,000 years).
    case timestampOutOfRange(offset: UInt64)
    /// The file is not a zip archive (no end of central directory record),
    /// as a `.nanover.zip` recording is.
    case notAZip
    /// The file starts as a zip but has no central directory: a zip whose
    /// writer stopped before finishing it (a recording cut short).
    case unfinishedZip
    /// The zip's structure contradicts itself (the reason says where).
    case badZip(String)
    /// A zip feature recordings do not use (several disks, encryption).
    case unsupportedZip(String)
    /// A member the recording needs is not in the zip.
    case missingMember(String)
    /// A member is compressed; recordings store theirs (method 0).
    case compressedMember(name: String, method: UInt16)
    /// A member's bytes do not match the CRC-32 the zip records for them.
    case checksumMismatch(member: String)
    /// A recording's index is not the array of entries the format says.
    case badIndex(String)
    /// An index entry points past the end of the messages.
    case indexEntryPastEnd(entry: Int, offset: UInt64, length: UInt64, size: UInt64)

    /// The error in words, with the path, offset or member it concerns:
    /// what `nanover recording info` prints.
    public var description: String {
        switch self {
        case .io(let path, let operation, let errno):
            return "cannot \(operation) \(path): error \(errno)"
        case .wrongMagicNumber(let found):
            return "not a NanoVer recording: magic number \(found), expected \(RecordingFormat.magicNumber)"
        case .unsupportedVersion(let found):
            return "recording format version \(found) is not supported (only \(RecordingFormat.version))"
        case .truncatedHeader:
            return "the file ends inside the recording header"
        case .truncatedEntryHeader(let offset):
            return "the file ends inside the entry at byte \(offset)"
        case .entryPastEnd(let offset, let length):
            return "the entry at byte \(offset) holds \(length) bytes, past the end of the file"
        case .entryTooLong(let offset, let length):
            return "the entry at byte \(offset) claims \(length) bytes, more than a recording entry may hold"
        case .timestampOutOfRange(let offset):
            return "the entry at byte \(offset) has a timestamp out of range"
        case .notAZip:
            return "not a zip archive (no end of central directory record), as a .nanover.zip recording is"
        case .unfinishedZip:
            return "the zip was never finished (no central directory): a recording cut short"
        case .badZip(let reason):
            return "a damaged zip: \(reason)"
        case .unsupportedZip(let feature):
            return "a zip feature recordings do not use: \(feature)"
        case .missingMember(let name):
            return "the zip holds no \(name)"
        case .compressedMember(let name, let method):
            return "\(name) is compressed (method \(method)); a recording's members are stored uncompressed"
        case .checksumMismatch(let member):
            return "\(member) does not match its CRC-32"
        case .badIndex(let reason):
            return "a bad recording index: \(reason)"
        case .indexEntryPastEnd(let entry, let offset, let length, let size):
            return "index entry \(entry) holds \(length) bytes at \(offset), past the end of the \(size) bytes of messages"
        }
    }

    /// Whether the error is a recording cut short (by a crash, say): the
    /// entries before it are complete and readable.
    public var isCutShort: Bool {
        switch self {
        case .truncatedEntryHeader, .entryPastEnd: return true
        default: return false
        }
    }
}

/// One entry of a recording: when, and the message's bytes.
public struct RecordingEntry: Sendable, Hashable {
    /// Microseconds since the recording started.
    public var timestamp: UInt64
    /// The message, in the protocol's encoding.
    public var message: [UInt8]

    /// An entry to write.
    ///
    /// - Parameters:
    ///   - timestamp: Microseconds since the recording started.
    ///   - message: The message's bytes, in the protocol's encoding.
    public init(timestamp: UInt64, message: [UInt8]) {
        self.timestamp = timestamp
        self.message = message
    }

    /// The timestamp as a duration since the recording started.
    public var time: Duration {
        .microseconds(Int64(clamping: timestamp))
    }
}
