/// A field value. Integers carry the `i` suffix in line protocol, unsigned integers `u`.
public enum LineFieldValue: Sendable, Equatable {
    case float(Double)
    case integer(Int64)
    case unsigned(UInt64)
    case string(String)
    case boolean(Bool)
}
