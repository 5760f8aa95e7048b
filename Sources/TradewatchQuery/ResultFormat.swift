/// How a query's rows are written: one JSON document, newline-delimited JSON, or CSV.
public enum ResultFormat: String, Sendable, CaseIterable {
    case json, ndjson, csv

    public var contentType: String {
        switch self {
        case .json: "application/json; charset=utf-8"
        case .ndjson: "application/x-ndjson; charset=utf-8"
        case .csv: "text/csv; charset=utf-8; header=present"
        }
    }

    /// The `format` parameter wins; otherwise the first `Accept` type we produce; JSON by default.
    /// - Throws: ``QueryError`` when `format` names no format.
    public static func negotiate(parameter: String?, accept: String?) throws -> ResultFormat {
        if let parameter {
            guard let format = ResultFormat(rawValue: parameter.lowercased()) else {
                throw QueryError("parameter format must be one of json, ndjson, csv, not \"\(parameter)\"", parameter: "format")
            }
            return format
        }
        for item in (accept ?? "").split(separator: ",") {
            let type = item.split(separator: ";").first.map { $0.trimmingWhitespace().lowercased() } ?? ""
            switch type {
            case "application/json": return .json
            case "application/x-ndjson", "application/ndjson", "application/jsonl": return .ndjson
            case "text/csv": return .csv
            default: continue
            }
        }
        return .json
    }
}
