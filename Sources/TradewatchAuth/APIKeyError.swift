/// A key operation that cannot be done, with a message for the person running the command.
public enum APIKeyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A scope list with an unknown or empty entry.
    case invalidScopes(String)
    /// A key name that cannot be used (empty, too long, or with characters that would confuse logs).
    case invalidName(String)
    /// No key has this name or id.
    case unknownKey(String)

    public var description: String {
        switch self {
        case .invalidScopes(let message), .invalidName(let message): message
        case .unknownKey(let nameOrID): "no API key has the name or id \"\(nameOrID)\" (see `tradewatch keys list`)"
        }
    }
}
