/// A query endpoint's request, read from its parameters and turned into SQL.
///
/// `init` reads every parameter it takes from `parameters` (so unknown ones can be refused
/// afterwards) and throws ``QueryError`` naming the first bad one; ``plans`` are then run on a
/// read connection and their rows encoded as JSON, NDJSON or CSV.
public protocol PlannedQuery: Sendable {
    init(parameters: inout QueryParameters, now: Int64) throws
    /// Named result sets in output order; most queries have one, named `rows`. JSON output is an
    /// object with one array per name; NDJSON and CSV carry the first only.
    var plans: [NamedPlan] { get }
}

public struct NamedPlan: Sendable, Hashable {
    public var name: String
    public var plan: QueryPlan

    public init(_ name: String, _ plan: QueryPlan) {
        self.name = name
        self.plan = plan
    }
}
