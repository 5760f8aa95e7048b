/// Whose budget a request draws on: its API key when it carried a valid one, else the address
/// it came from.
public enum RateLimitIdentity: Hashable, Sendable, CustomStringConvertible {
    case apiKey(id: String)
    case address(String)

    /// The key's id, whose per-key limits (if any) apply.
    public var keyID: String? {
        if case .apiKey(let id) = self { return id }
        return nil
    }

    public var description: String {
        switch self {
        case .apiKey(let id): "API key \(id)"
        case .address(let address): "address \(address)"
        }
    }
}
