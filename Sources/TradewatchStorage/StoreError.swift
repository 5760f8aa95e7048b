/// A store that cannot be opened or used, with a message meant for the person running Tradewatch.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
