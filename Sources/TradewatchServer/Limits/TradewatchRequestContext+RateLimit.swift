import TradewatchAuth

extension TradewatchRequestContext {
    /// Whose budget the request draws on: its API key when it carried a valid one, else its
    /// client address.
    var rateLimitIdentity: RateLimitIdentity {
        if let key = apiKeyID { return .apiKey(id: key) }
        return .address(clientAddress ?? "unknown")
    }

    /// The identity as 429 messages name it: `API key "ci"` or `address 10.0.0.7`.
    var rateLimitIdentityDescription: String {
        if let name = apiKeyName { return "API key \"\(name)\"" }
        if let key = apiKeyID { return "API key \(key)" }
        return "address \(clientAddress ?? "unknown")"
    }
}
