import Foundation

/// Finds an object in a JSON text that gives one key twice.
///
/// Foundation's decoder keeps one of the values and drops the other without a word, so
/// `{"symbol": "AAPL", "symbol": "MSFT"}` would store whichever it kept. Line protocol refuses a
/// tag given twice; the JSON endpoints refuse a key given twice the same way. One pass over the
/// bytes of a text the decoder has already accepted (so it is well formed), keeping the keys of
/// each open object.
enum JSONRepeatedKeys {
    private struct Frame {
        let isObject: Bool
        var keys: Set<String> = []
        /// The key whose value is being read (objects), or the element's position (arrays).
        var key = ""
        var index = 0
        var expectingKey: Bool
    }

    /// The first repeated key and the path of its object (`trades[2]`, `trades[0].labels`; empty
    /// for the top level), or nil when every object's keys are distinct.
    static func first(in body: Data) -> (path: String, key: String)? {
        body.withUnsafeBytes { bytes in first(in: bytes) }
    }

    private static func first(in bytes: UnsafeRawBufferPointer) -> (path: String, key: String)? {
        var stack: [Frame] = []
        var position = 0
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "{"):
                stack.append(Frame(isObject: true, expectingKey: true))
            case UInt8(ascii: "["):
                stack.append(Frame(isObject: false, expectingKey: false))
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                _ = stack.popLast()
            case UInt8(ascii: ","):
                if let last = stack.indices.last {
                    if stack[last].isObject { stack[last].expectingKey = true } else { stack[last].index += 1 }
                }
            case UInt8(ascii: "\""):
                var end = position + 1
                var escaped = false
                while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
                    if bytes[end] == UInt8(ascii: "\\") {
                        escaped = true
                        end += 1
                    }
                    end += 1
                }
                if let last = stack.indices.last, stack[last].isObject, stack[last].expectingKey {
                    let key = Self.key(UnsafeRawBufferPointer(rebasing: bytes[position...min(end, bytes.count - 1)]), escaped: escaped)
                    stack[last].expectingKey = false
                    if !stack[last].keys.insert(key).inserted { return (path(stack.dropLast()), key) }
                    stack[last].key = key
                }
                position = end
            default:
                break
            }
            position += 1
        }
        return nil
    }

    /// The key's text: its bytes between the quotes, or decoded when it has escapes (`"a\u0062"`
    /// is the key `ab`).
    private static func key(_ quoted: UnsafeRawBufferPointer, escaped: Bool) -> String {
        if escaped, let text = try? JSONDecoder().decode(String.self, from: Data(quoted)) { return text }
        return String(decoding: quoted.dropFirst().dropLast(), as: UTF8.self)
    }

    private static func path(_ frames: ArraySlice<Frame>) -> String {
        JSONIngestDecoder.path(frames.lazy.map { $0.isObject ? .key($0.key) : .index($0.index) })
    }
}
