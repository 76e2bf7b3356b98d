/// The parts of the zip format (PKWARE's APPNOTE) that a recording needs:
/// stored members only, with zip64 for members, offsets and counts past
/// 32 or 16 bits. All integers little-endian.
package enum ZipLayout {
    package static let localHeaderSignature: UInt32 = 0x0403_4B50
    package static let centralHeaderSignature: UInt32 = 0x0201_4B50
    package static let endSignature: UInt32 = 0x0605_4B50
    package static let zip64EndSignature: UInt32 = 0x0606_4B50
    package static let zip64LocatorSignature: UInt32 = 0x0706_4B50

    /// Bytes of a local file header before its name.
    package static let localHeaderSize = 30
    /// Bytes of a central directory header before its name.
    package static let centralHeaderSize = 46
    /// Bytes of the end of central directory record, without comment.
    package static let endSize = 22
    package static let zip64EndSize = 56
    package static let zip64LocatorSize = 20
    /// The longest comment the end record may have: how far from the end
    /// a reader looks for it.
    package static let maximumCommentLength = 0xFFFF

    /// The extra field that holds 64-bit sizes and offsets.
    package static let zip64ExtraID: UInt16 = 0x0001
    /// The local header's zip64 extra field: ID, size, then the
    /// uncompressed and compressed sizes.
    package static let zip64LocalExtraSize = 20

    /// "Version needed to extract": 2.0 for plain stored members, 4.5 for
    /// zip64.
    package static let plainVersion: UInt16 = 20
    package static let zip64Version: UInt16 = 45
    /// "Version made by": Unix, with the version needed.
    package static func madeBy(_ version: UInt16) -> UInt16 { 3 << 8 | version }
    /// Compression method 0: stored.
    package static let stored: UInt16 = 0
    /// General purpose flag bit 0: the member is encrypted.
    package static let encryptedFlag: UInt16 = 1
    /// 1980-01-01 00:00 in MS-DOS form, the earliest a zip can say:
    /// recordings are stamped inside, and identical content gives
    /// identical bytes.
    package static let dosTime: UInt16 = 0
    package static let dosDate: UInt16 = 1 << 5 | 1
    /// A regular file, readable by all, writable by its owner, as a Unix
    /// `unzip` would create it.
    package static let externalAttributes: UInt32 = 0o100644 << 16
    /// A 32-bit field that says "see the zip64 extra field".
    package static let zip64Marker32: UInt32 = 0xFFFF_FFFF
    package static let zip64Marker16: UInt16 = 0xFFFF
}
