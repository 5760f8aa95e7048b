extension Duration {
    /// The duration in whole nanoseconds (simulated time is counted in them).
    var nanoseconds: Int64 {
        let parts = components
        return parts.seconds * 1_000_000_000 + parts.attoseconds / 1_000_000_000
    }
}
