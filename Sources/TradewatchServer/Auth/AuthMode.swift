/// Whether requests must carry an API key (`tradewatch serve --auth`).
public enum AuthMode: String, Sendable, CaseIterable {
    /// A request without a key is let in; one with a key is checked (a wrong or revoked key is
    /// refused). The default on a loopback address.
    case optional
    /// Every request outside the open routes needs a valid key with the right scope. The default
    /// on any other address.
    case required

    /// The default for a server listening on `host`: optional on loopback, required elsewhere.
    public static func defaultMode(host: String) -> AuthMode {
        LoopbackHost.contains(host) ? .optional : .required
    }
}
