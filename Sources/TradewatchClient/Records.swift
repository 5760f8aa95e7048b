#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// What a trading process records. Each type maps to one Tradewatch table (README, "Line
// protocol mapping"); `timestamp` is nanoseconds since the Unix epoch, taken at the moment the
// value is created unless given.

/// Nanoseconds since the Unix epoch, now.
public func currentTimeNanoseconds() -> Int64 {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
}

/// The side of a trade or an execution.
public enum Side: String, Sendable, Hashable, Codable {
    case buy
    case sell

    /// +1 for a buy, -1 for a sell.
    public var sign: Double { self == .buy ? 1 : -1 }
}

/// One numeric sample (`metrics` table): `name` like `order.latency_us`, an optional symbol and
/// free-form labels.
public struct Metric: Sendable, Hashable {
    public var name: String
    public var value: Double
    public var symbol: String?
    public var labels: [String: String]
    public var timestamp: Int64

    public init(
        name: String, value: Double, symbol: String? = nil, labels: [String: String] = [:],
        timestamp: Int64 = currentTimeNanoseconds()
    ) {
        self.name = name
        self.value = value
        self.symbol = symbol
        self.labels = labels
        self.timestamp = timestamp
    }
}

/// One market trade (`trades` table).
public struct Trade: Sendable, Hashable {
    public var symbol: String
    public var price: Double
    public var quantity: Double
    public var side: Side?
    public var venue: String?
    public var tradeID: String?
    public var timestamp: Int64

    public init(
        symbol: String, price: Double, quantity: Double, side: Side? = nil, venue: String? = nil,
        tradeID: String? = nil, timestamp: Int64 = currentTimeNanoseconds()
    ) {
        self.symbol = symbol
        self.price = price
        self.quantity = quantity
        self.side = side
        self.venue = venue
        self.tradeID = tradeID
        self.timestamp = timestamp
    }
}

/// Top of book (`quotes` table).
public struct Quote: Sendable, Hashable {
    public var symbol: String
    public var bid: Double
    public var ask: Double
    public var bidSize: Double
    public var askSize: Double
    public var venue: String?
    public var timestamp: Int64

    public init(
        symbol: String, bid: Double, ask: Double, bidSize: Double, askSize: Double, venue: String? = nil,
        timestamp: Int64 = currentTimeNanoseconds()
    ) {
        self.symbol = symbol
        self.bid = bid
        self.ask = ask
        self.bidSize = bidSize
        self.askSize = askSize
        self.venue = venue
        self.timestamp = timestamp
    }
}

/// One OHLCV bar (`candles` table; a bar with the same symbol, interval and start replaces the
/// stored one). `timestamp` is the bar's start.
public struct CandleBar: Sendable, Hashable {
    public var symbol: String
    public var interval: String
    public var open: Double
    public var high: Double
    public var low: Double
    public var close: Double
    public var volume: Double
    public var timestamp: Int64

    public init(
        symbol: String, interval: String, open: Double, high: Double, low: Double, close: Double, volume: Double,
        timestamp: Int64
    ) {
        self.symbol = symbol
        self.interval = interval
        self.open = open
        self.high = high
        self.low = low
        self.close = close
        self.volume = volume
        self.timestamp = timestamp
    }
}

/// One fill of one of our orders (`executions` table).
public struct Execution: Sendable, Hashable {
    public var orderID: String
    public var strategy: String?
    public var symbol: String
    public var side: Side
    public var quantity: Double
    public var price: Double
    public var fee: Double?
    public var venue: String?
    /// Microseconds from sending the order to this fill.
    public var latencyMicroseconds: Int64?
    public var correlationID: String?
    public var timestamp: Int64

    public init(
        orderID: String, strategy: String? = nil, symbol: String, side: Side, quantity: Double, price: Double,
        fee: Double? = nil, venue: String? = nil, latencyMicroseconds: Int64? = nil, correlationID: String? = nil,
        timestamp: Int64 = currentTimeNanoseconds()
    ) {
        self.orderID = orderID
        self.strategy = strategy
        self.symbol = symbol
        self.side = side
        self.quantity = quantity
        self.price = price
        self.fee = fee
        self.venue = venue
        self.latencyMicroseconds = latencyMicroseconds
        self.correlationID = correlationID
        self.timestamp = timestamp
    }
}

/// A strategy's PnL and position at one moment (`performance` table).
public struct PerformanceSample: Sendable, Hashable {
    public var strategy: String
    public var pnl: Double
    public var realizedPnL: Double
    public var unrealizedPnL: Double
    public var position: Double
    public var exposure: Double
    public var drawdown: Double
    public var timestamp: Int64

    public init(
        strategy: String, pnl: Double, realizedPnL: Double, unrealizedPnL: Double, position: Double,
        exposure: Double, drawdown: Double, timestamp: Int64 = currentTimeNanoseconds()
    ) {
        self.strategy = strategy
        self.pnl = pnl
        self.realizedPnL = realizedPnL
        self.unrealizedPnL = unrealizedPnL
        self.position = position
        self.exposure = exposure
        self.drawdown = drawdown
        self.timestamp = timestamp
    }
}

/// Severity of a log line.
public enum LogLevel: String, Sendable, Hashable, Codable, CaseIterable {
    case trace, debug, info, notice, warning, error, critical
}

/// One structured log line (`logs` table).
public struct LogEntry: Sendable, Hashable {
    public var level: LogLevel
    public var message: String
    public var service: String?
    public var correlationID: String?
    public var attributes: [String: String]
    public var timestamp: Int64

    public init(
        level: LogLevel, message: String, service: String? = nil, correlationID: String? = nil,
        attributes: [String: String] = [:], timestamp: Int64 = currentTimeNanoseconds()
    ) {
        self.level = level
        self.message = message
        self.service = service
        self.correlationID = correlationID
        self.attributes = attributes
        self.timestamp = timestamp
    }
}
