import Logging

extension LogEvent {
    /// The metadata a handler writes for this event, sorted by key: the handler's own, the
    /// provider's, the event's (for a key given more than once the later one wins) and the error,
    /// with `correlation_id` taken out to stand on its own.
    ///
    /// Built as one array sorted once rather than by merging dictionaries: this runs for the
    /// access line of every request, and merging cost more than writing the line.
    func fields(
        handlerMetadata: Logger.Metadata, provider: Logger.MetadataProvider?
    ) -> (metadata: [(key: String, value: Logger.Metadata.Value)], correlationID: Logger.Metadata.Value?) {
        let provided = provider?.get() ?? [:]
        var entries: [(key: String, value: Logger.Metadata.Value)] = []
        entries.reserveCapacity(handlerMetadata.count + provided.count + (metadata?.count ?? 0) + 1)
        for entry in handlerMetadata { entries.append(entry) }
        for entry in provided { entries.append(entry) }
        if let metadata { for entry in metadata { entries.append(entry) } }
        if let error { entries.append(("error", .string("\(error)"))) }
        // Sorted by key, later sources after earlier ones for equal keys (their order in `entries`).
        let order = entries.indices.sorted { entries[$0].key < entries[$1].key || (entries[$0].key == entries[$1].key && $0 < $1) }
        var result: [(key: String, value: Logger.Metadata.Value)] = []
        result.reserveCapacity(entries.count)
        var correlationID: Logger.Metadata.Value?
        for index in order {
            let entry = entries[index]
            if entry.key == "correlation_id" {
                correlationID = entry.value
            } else if let last = result.last, last.key == entry.key {
                result[result.count - 1] = entry
            } else {
                result.append(entry)
            }
        }
        return (result, correlationID)
    }
}
