public import Foundation

/// Reads the value at a row from a vector's data.
public typealias ValueReader<T> = @Sendable (UnsafeRawPointer, Int) -> T

/// A Swift type that result columns can be read as, without loss.
public protocol DuckDBReadable: Sendable {
    /// The reader for columns of `type`, or `nil` when they cannot be read as `Self` without loss.
    static func reader(for type: ColumnType) -> ValueReader<Self>?
}

/// A reader applying `transform` to what `reader` reads.
private func mapped<A, B>(_ reader: ValueReader<A>?, _ transform: @escaping @Sendable (A) -> B) -> ValueReader<B>? {
    guard let reader else { return nil }
    return { data, row in transform(reader(data, row)) }
}

@inline(__always)
private func load<T>(_ type: T.Type, _ data: UnsafeRawPointer, _ row: Int) -> T {
    data.load(fromByteOffset: row &* MemoryLayout<T>.stride, as: T.self)
}

/// Reads a `duckdb_string_t`: 16 bytes, the length first; up to 12 bytes inline, else a pointer.
@inline(__always)
func withStringBytes<R>(_ data: UnsafeRawPointer, _ row: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
    let value = data + row &* 16
    let length = Int(value.load(as: UInt32.self))
    let bytes = length <= 12 ? value + 4 : value.load(fromByteOffset: 8, as: UnsafeRawPointer.self)
    return body(UnsafeRawBufferPointer(start: bytes, count: length))
}

@inline(__always)
private func hugeintAsDouble(_ data: UnsafeRawPointer, _ row: Int) -> Double {
    let lower = data.load(fromByteOffset: row &* 16, as: UInt64.self)
    let upper = data.load(fromByteOffset: row &* 16 &+ 8, as: Int64.self)
    return Double(upper) * 18_446_744_073_709_551_616.0 + Double(lower)
}

extension Bool: DuckDBReadable {
    public static func reader(for type: ColumnType) -> ValueReader<Bool>? {
        guard type.id == .boolean else { return nil }
        return { load(UInt8.self, $0, $1) != 0 }
    }
}

extension Int64: DuckDBReadable {
    public static func reader(for type: ColumnType) -> ValueReader<Int64>? {
        switch type.id {
        case .bigint: { load(Int64.self, $0, $1) }
        case .integer: { Int64(load(Int32.self, $0, $1)) }
        case .smallint: { Int64(load(Int16.self, $0, $1)) }
        case .tinyint: { Int64(load(Int8.self, $0, $1)) }
        case .uinteger: { Int64(load(UInt32.self, $0, $1)) }
        case .usmallint: { Int64(load(UInt16.self, $0, $1)) }
        case .utinyint: { Int64(load(UInt8.self, $0, $1)) }
        default: nil
        }
    }
}

extension Int: DuckDBReadable {
    public static func reader(for type: ColumnType) -> ValueReader<Int>? {
        mapped(Int64.reader(for: type)) { Int($0) }
    }
}

extension Int32: DuckDBReadable {
    public static func reader(for type: ColumnType) -> ValueReader<Int32>? {
        switch type.id {
        case .integer: { load(Int32.self, $0, $1) }
        case .smallint: { Int32(load(Int16.self, $0, $1)) }
        case .tinyint: { Int32(load(Int8.self, $0, $1)) }
        case .usmallint: { Int32(load(UInt16.self, $0, $1)) }
        case .utinyint: { Int32(load(UInt8.self, $0, $1)) }
        default: nil
        }
    }
}

extension UInt64: DuckDBReadable {
    public static func reader(for type: ColumnType) -> ValueReader<UInt64>? {
        switch type.id {
        case .ubigint: { load(UInt64.self, $0, $1) }
        case .uinteger: { UInt64(load(UInt32.self, $0, $1)) }
        case .usmallint: { UInt64(load(UInt16.self, $0, $1)) }
        case .utinyint: { UInt64(load(UInt8.self, $0, $1)) }
        default: nil
        }
    }
}

extension Double: DuckDBReadable {
    /// Reads floating-point columns, and also DECIMAL and integer columns (aggregates such as
    /// `sum` and `avg` return those), converted to the nearest `Double`.
    public static func reader(for type: ColumnType) -> ValueReader<Double>? {
        switch type.id {
        case .double: return { load(Double.self, $0, $1) }
        case .float: return { Double(load(Float.self, $0, $1)) }
        case .hugeint: return hugeintAsDouble
        case .decimal:
            let divisor = pow(10.0, Double(type.decimalScale))
            switch type.storageWidth {
            case 2: return { Double(load(Int16.self, $0, $1)) / divisor }
            case 4: return { Double(load(Int32.self, $0, $1)) / divisor }
            case 8: return { Double(load(Int64.self, $0, $1)) / divisor }
            default: return { hugeintAsDouble($0, $1) / divisor }
            }
        case .ubigint: return { Double(load(UInt64.self, $0, $1)) }
        default: return mapped(Int64.reader(for: type)) { Double($0) }
        }
    }
}

extension String: DuckDBReadable {
    /// Reads VARCHAR and ENUM columns.
    public static func reader(for type: ColumnType) -> ValueReader<String>? {
        switch type.id {
        case .varchar:
            return { data, row in withStringBytes(data, row) { String(decoding: $0, as: UTF8.self) } }
        case .enumeration:
            let dictionary = type.enumDictionary
            switch type.storageWidth {
            case 1: return { dictionary[Int(load(UInt8.self, $0, $1))] }
            case 2: return { dictionary[Int(load(UInt16.self, $0, $1))] }
            default: return { dictionary[Int(load(UInt32.self, $0, $1))] }
            }
        default:
            return nil
        }
    }
}

extension Data: DuckDBReadable {
    /// Reads BLOB columns (and VARCHAR columns as their UTF-8 bytes).
    public static func reader(for type: ColumnType) -> ValueReader<Data>? {
        guard type.id == .blob || type.id == .varchar else { return nil }
        return { data, row in withStringBytes(data, row) { Data($0) } }
    }
}

extension Timestamp: DuckDBReadable {
    /// Reads TIMESTAMP and TIMESTAMPTZ columns, and the second and millisecond variants.
    public static func reader(for type: ColumnType) -> ValueReader<Timestamp>? {
        switch type.id {
        case .timestamp, .timestampWithTimeZone:
            { Timestamp(microsecondsSinceEpoch: load(Int64.self, $0, $1)) }
        case .timestampMillis:
            { Timestamp(microsecondsSinceEpoch: load(Int64.self, $0, $1) &* 1_000) }
        case .timestampSeconds:
            { Timestamp(microsecondsSinceEpoch: load(Int64.self, $0, $1) &* 1_000_000) }
        default: nil
        }
    }
}

extension TimestampNanos: DuckDBReadable {
    /// Reads TIMESTAMP_NS columns.
    public static func reader(for type: ColumnType) -> ValueReader<TimestampNanos>? {
        guard type.id == .timestampNanos else { return nil }
        return { TimestampNanos(nanosecondsSinceEpoch: load(Int64.self, $0, $1)) }
    }
}

extension DuckDBValue: DuckDBReadable {
    /// Reads any column whose type the wrapper decodes, as the matching case.
    public static func reader(for type: ColumnType) -> ValueReader<DuckDBValue>? {
        switch type.id {
        case .boolean: { .bool(load(UInt8.self, $0, $1) != 0) }
        case .tinyint: { .int8(load(Int8.self, $0, $1)) }
        case .smallint: { .int16(load(Int16.self, $0, $1)) }
        case .integer: { .int32(load(Int32.self, $0, $1)) }
        case .bigint: { .int64(load(Int64.self, $0, $1)) }
        case .utinyint: { .uint8(load(UInt8.self, $0, $1)) }
        case .usmallint: { .uint16(load(UInt16.self, $0, $1)) }
        case .uinteger: { .uint32(load(UInt32.self, $0, $1)) }
        case .ubigint: { .uint64(load(UInt64.self, $0, $1)) }
        case .float: { .float(load(Float.self, $0, $1)) }
        case .double, .decimal, .hugeint: mapped(Double.reader(for: type)) { .double($0) }
        case .varchar, .enumeration: mapped(String.reader(for: type)) { .string($0) }
        case .blob: mapped(Data.reader(for: type)) { .blob($0) }
        case .timestamp, .timestampWithTimeZone, .timestampMillis, .timestampSeconds:
            mapped(Timestamp.reader(for: type)) { .timestamp($0) }
        case .timestampNanos: mapped(TimestampNanos.reader(for: type)) { .timestampNanos($0) }
        default: nil
        }
    }
}

/// A VARCHAR (or JSON) value's UTF-8 bytes, read in place: valid only while the chunk it came
/// from is alive. For encoders that copy bytes out and never need a `String`.
public struct TextBytes: DuckDBReadable, @unchecked Sendable {
    public let bytes: UnsafeRawBufferPointer

    public static func reader(for type: ColumnType) -> ValueReader<TextBytes>? {
        guard type.id == .varchar || type.id == .blob else { return nil }
        return { data, row in withStringBytes(data, row) { TextBytes(bytes: $0) } }
    }
}
