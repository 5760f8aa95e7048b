internal import CDuckDB

/// The SQL type of a result column, with what is needed to decode it.
public struct ColumnType: Sendable, Equatable, CustomStringConvertible {
    /// DuckDB's type families the wrapper knows by name.
    public enum ID: Sendable, Equatable {
        case boolean, tinyint, smallint, integer, bigint, hugeint
        case utinyint, usmallint, uinteger, ubigint, uhugeint
        case float, double, decimal
        case varchar, blob, enumeration
        case timestamp, timestampSeconds, timestampMillis, timestampNanos, timestampWithTimeZone
        case date, time, interval, uuid, list, structure, map, array
        case other(code: Int)
    }

    public let id: ID
    /// The type as SQL writes it: `BIGINT`, `DECIMAL(18,3)`, `TIMESTAMP_NS`.
    public let name: String
    /// Decimal scale (digits after the point); 0 for other types.
    public let decimalScale: Int
    /// Bytes per stored value for DECIMAL (2, 4, 8 or 16) and ENUM (1, 2 or 4) columns.
    let storageWidth: Int
    /// The members of an ENUM type, by stored index.
    let enumDictionary: [String]

    init(_ logical: duckdb_logical_type) {
        let type = duckdb_get_type_id(logical)
        var scale = 0
        var width = 0
        var dictionary: [String] = []
        let id: ID
        var name: String
        switch type {
        case DUCKDB_TYPE_BOOLEAN: (id, name) = (.boolean, "BOOLEAN")
        case DUCKDB_TYPE_TINYINT: (id, name) = (.tinyint, "TINYINT")
        case DUCKDB_TYPE_SMALLINT: (id, name) = (.smallint, "SMALLINT")
        case DUCKDB_TYPE_INTEGER: (id, name) = (.integer, "INTEGER")
        case DUCKDB_TYPE_BIGINT: (id, name) = (.bigint, "BIGINT")
        case DUCKDB_TYPE_HUGEINT: (id, name) = (.hugeint, "HUGEINT")
        case DUCKDB_TYPE_UTINYINT: (id, name) = (.utinyint, "UTINYINT")
        case DUCKDB_TYPE_USMALLINT: (id, name) = (.usmallint, "USMALLINT")
        case DUCKDB_TYPE_UINTEGER: (id, name) = (.uinteger, "UINTEGER")
        case DUCKDB_TYPE_UBIGINT: (id, name) = (.ubigint, "UBIGINT")
        case DUCKDB_TYPE_UHUGEINT: (id, name) = (.uhugeint, "UHUGEINT")
        case DUCKDB_TYPE_FLOAT: (id, name) = (.float, "FLOAT")
        case DUCKDB_TYPE_DOUBLE: (id, name) = (.double, "DOUBLE")
        case DUCKDB_TYPE_DECIMAL:
            let precision = Int(duckdb_decimal_width(logical))
            scale = Int(duckdb_decimal_scale(logical))
            width = switch duckdb_decimal_internal_type(logical) {
            case DUCKDB_TYPE_SMALLINT: 2
            case DUCKDB_TYPE_INTEGER: 4
            case DUCKDB_TYPE_BIGINT: 8
            default: 16
            }
            (id, name) = (.decimal, "DECIMAL(\(precision),\(scale))")
        case DUCKDB_TYPE_VARCHAR: (id, name) = (.varchar, "VARCHAR")
        case DUCKDB_TYPE_BLOB: (id, name) = (.blob, "BLOB")
        case DUCKDB_TYPE_ENUM:
            width = switch duckdb_enum_internal_type(logical) {
            case DUCKDB_TYPE_UTINYINT: 1
            case DUCKDB_TYPE_USMALLINT: 2
            default: 4
            }
            dictionary = (0..<Int(duckdb_enum_dictionary_size(logical))).map { index in
                let member = duckdb_enum_dictionary_value(logical, idx_t(index))!
                defer { duckdb_free(member) }
                return String(cString: member)
            }
            (id, name) = (.enumeration, "ENUM")
        case DUCKDB_TYPE_TIMESTAMP: (id, name) = (.timestamp, "TIMESTAMP")
        case DUCKDB_TYPE_TIMESTAMP_S: (id, name) = (.timestampSeconds, "TIMESTAMP_S")
        case DUCKDB_TYPE_TIMESTAMP_MS: (id, name) = (.timestampMillis, "TIMESTAMP_MS")
        case DUCKDB_TYPE_TIMESTAMP_NS: (id, name) = (.timestampNanos, "TIMESTAMP_NS")
        case DUCKDB_TYPE_TIMESTAMP_TZ: (id, name) = (.timestampWithTimeZone, "TIMESTAMP WITH TIME ZONE")
        case DUCKDB_TYPE_DATE: (id, name) = (.date, "DATE")
        case DUCKDB_TYPE_TIME: (id, name) = (.time, "TIME")
        case DUCKDB_TYPE_INTERVAL: (id, name) = (.interval, "INTERVAL")
        case DUCKDB_TYPE_UUID: (id, name) = (.uuid, "UUID")
        case DUCKDB_TYPE_LIST: (id, name) = (.list, "LIST")
        case DUCKDB_TYPE_STRUCT: (id, name) = (.structure, "STRUCT")
        case DUCKDB_TYPE_MAP: (id, name) = (.map, "MAP")
        case DUCKDB_TYPE_ARRAY: (id, name) = (.array, "ARRAY")
        default: (id, name) = (.other(code: Int(type.rawValue)), "TYPE#\(type.rawValue)")
        }
        if let alias = duckdb_logical_type_get_alias(logical) {
            name = String(cString: alias)
            duckdb_free(alias)
        }
        self.id = id
        self.name = name
        self.decimalScale = scale
        self.storageWidth = width
        self.enumDictionary = dictionary
    }

    public var description: String { name }
}
