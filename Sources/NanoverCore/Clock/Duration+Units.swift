extension Duration {
    /// This duration in seconds: how the protocols carry intervals and
    /// timestamps.
    package var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }

    /// Whole microseconds, 0 for a negative duration: how recordings stamp
    /// their entries.
    package var wholeMicroseconds: UInt64 {
        guard self > .zero else { return 0 }
        return UInt64(components.seconds) * 1_000_000 + UInt64(components.attoseconds) / 1_000_000_000_000
    }
}
