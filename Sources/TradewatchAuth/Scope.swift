import Foundation

/// What an API key may do. `admin` implies `read` and `write`.
public enum Scope: String, Sendable, Hashable, CaseIterable, Comparable {
    /// Queries, `/metrics` and the live stream.
    case read
    /// Writes: line protocol and JSON ingest.
    case write
    /// Everything, including operations on the server itself (`/api/v1/admin/…`, cancelling queries).
    case admin

    public static func < (lhs: Scope, rhs: Scope) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// The scopes one key holds, e.g. `read,write`.
public struct Scopes: Sendable, Hashable, CustomStringConvertible {
    public let members: Set<Scope>

    public init(_ members: some Sequence<Scope>) {
        self.members = Set(members)
    }

    /// Parses a comma-separated list such as `read,write` (spaces allowed, duplicates ignored).
    ///
    /// - Throws: ``APIKeyError/invalidScopes(_:)`` naming an unknown scope, or when the list is empty.
    public init(parsing text: String) throws(APIKeyError) {
        var members: Set<Scope> = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let name = part.trimmingCharacters(in: .whitespaces).lowercased()
            guard let scope = Scope(rawValue: name) else {
                throw .invalidScopes(
                    name.isEmpty
                        ? "scope list \"\(text)\" has an empty entry; give one or more of read, write, admin separated by commas"
                        : "unknown scope \"\(name)\"; scopes are read, write and admin")
            }
            members.insert(scope)
        }
        self.members = members
    }

    /// Whether a request needing `needed` may go ahead: held directly, or through `admin`.
    public func grants(_ needed: Scope) -> Bool {
        members.contains(.admin) || members.contains(needed)
    }

    /// `read,write`: sorted, comma-separated, as stored.
    public var description: String {
        members.sorted().map(\.rawValue).joined(separator: ",")
    }
}
