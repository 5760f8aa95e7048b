import Logging

extension LogEvent {
    /// The metadata a handler writes for this event: the handler's own, the provider's, the
    /// event's (later ones win) and the error, with `correlation_id` taken out to stand on its own.
    func fields(
        handlerMetadata: Logger.Metadata, provider: Logger.MetadataProvider?
    ) -> (metadata: Logger.Metadata, correlationID: Logger.Metadata.Value?) {
        var merged = handlerMetadata
        if let provided = provider?.get() { merged.merge(provided) { $1 } }
        if let extra = metadata { merged.merge(extra) { $1 } }
        if let error { merged["error"] = .string("\(error)") }
        let correlationID = merged.removeValue(forKey: "correlation_id")
        return (merged, correlationID)
    }
}
