/// A field value as the parser keeps it: strings stay byte ranges of the input until asked for.
@usableFromInline
enum ParsedFieldValue {
    case float(Double)
    case integer(Int64)
    case unsigned(UInt64)
    case string(LineToken)
    case boolean(Bool)
}
