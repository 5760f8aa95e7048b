public import struct Foundation.Data

/// A value bound to a prepared statement parameter or read from a result without a static type.
public enum DuckDBValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case int8(Int8)
    case int16(Int16)
    case int32(Int32)
    case int64(Int64)
    case uint8(UInt8)
    case uint16(UInt16)
    case uint32(UInt32)
    case uint64(UInt64)
    case float(Float)
    case double(Double)
    case string(String)
    case blob(Data)
    case timestamp(Timestamp)
    case timestampNanos(TimestampNanos)
    /// A value of a type the wrapper does not decode, as DuckDB renders it.
    case other(type: String, text: String)

    public var isNull: Bool { self == .null }
}

extension DuckDBValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .int64(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
}
