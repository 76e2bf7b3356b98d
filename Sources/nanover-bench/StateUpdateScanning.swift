import NanoverGRPC

/// Finds numbers in a `StateUpdate` without building messages or values,
/// with the server's own protobuf reader: the load generator's observers
/// use it so that measuring costs little next to the load itself.
extension PlainProtobufReader {
    /// Calls `body` with each key of a `StateUpdate` and, when its value is
    /// a struct, the numbers of its fields named in `fields` (nil where
    /// absent). Stops at malformed bytes.
    static func forEachKey(inStateUpdate bytes: UnsafeRawBufferPointer, numberFields fields: [String], _ body: (String, [Double?]) -> Void) {
        var update = PlainProtobufReader(bytes)
        try? update.forEachEntry(ofStructField: 1) { (entry: inout PlainProtobufReader) throws(NotPlain) in
            var key = ""
            var found: [Double?] = Array(repeating: nil, count: fields.count)
            while let (part, partType) = try entry.field() {
                if part == 1, partType == 2 {
                    key = try entry.string()
                } else if part == 2, partType == 2 {
                    var value = try entry.nested()
                    found = try value.numbers(inStructFields: fields)
                } else {
                    try entry.skip(partType)
                }
            }
            body(key, found)
        }
    }

    /// Calls `body` with each map entry of the `Struct` in field `number`
    /// of this message, skipping other fields.
    private mutating func forEachEntry(ofStructField number: UInt64, _ body: (inout PlainProtobufReader) throws(NotPlain) -> Void) throws(NotPlain) {
        while let (field, wireType) = try field() {
            guard field == number, wireType == 2 else {
                try skip(wireType)
                continue
            }
            var structure = try nested()
            while let (entryNumber, entryType) = try structure.field() {
                guard entryNumber == 1, entryType == 2 else {
                    try structure.skip(entryType)
                    continue
                }
                var entry = try structure.nested()
                try body(&entry)
            }
        }
    }

    /// In a `Value` holding a struct, the numbers of the fields `names`.
    private mutating func numbers(inStructFields names: [String]) throws(NotPlain) -> [Double?] {
        var found: [Double?] = Array(repeating: nil, count: names.count)
        // Value.struct_value is field 5.
        try forEachEntry(ofStructField: 5) { (entry: inout PlainProtobufReader) throws(NotPlain) in
            let (key, number) = try entry.keyAndNumber()
            if let index = names.firstIndex(of: key) {
                found[index] = number
            }
        }
        return found
    }

    /// The key of the map entry (of a `Struct` or a `FrameData`'s values)
    /// whose body this reader holds, and its `google.protobuf.Value`'s
    /// number (field 2, a double), if it holds one.
    mutating func keyAndNumber() throws(NotPlain) -> (key: String, number: Double?) {
        var key = ""
        var number: Double?
        while let (part, partType) = try field() {
            if part == 1, partType == 2 {
                key = try string()
            } else if part == 2, partType == 2 {
                var value = try nested()
                while let (valueField, valueType) = try value.field() {
                    if valueField == 2, valueType == 1 {
                        number = try value.double()
                    } else {
                        try value.skip(valueType)
                    }
                }
            } else {
                try skip(partType)
            }
        }
        return (key, number)
    }
}
