/// Starting prices and relative activity for well-known symbols, so a default simulation looks
/// like a US equities desk. Other names get a seeded price and average activity.
enum SymbolCatalog {
    struct Entry {
        let name: String
        let price: Double
        /// Relative share of market events.
        let activity: Double
    }

    static let known: [Entry] = [
        Entry(name: "AAPL", price: 187.25, activity: 3), Entry(name: "MSFT", price: 415.50, activity: 2.5),
        Entry(name: "NVDA", price: 121.40, activity: 4), Entry(name: "AMZN", price: 182.30, activity: 2.5),
        Entry(name: "GOOGL", price: 167.80, activity: 2), Entry(name: "META", price: 502.10, activity: 2),
        Entry(name: "TSLA", price: 248.90, activity: 3), Entry(name: "JPM", price: 201.60, activity: 1.5),
        Entry(name: "AMD", price: 158.20, activity: 2), Entry(name: "NFLX", price: 640.00, activity: 1),
        Entry(name: "INTC", price: 31.50, activity: 1.5), Entry(name: "BAC", price: 39.40, activity: 1.5),
        Entry(name: "XOM", price: 113.20, activity: 1), Entry(name: "KO", price: 62.10, activity: 1),
        Entry(name: "PEP", price: 171.90, activity: 1), Entry(name: "DIS", price: 96.40, activity: 1),
    ]

    /// Trading venues (MIC codes) and how often each prints or fills.
    static let venues: [(name: String, weight: Double)] = [
        ("XNAS", 0.32), ("XNYS", 0.22), ("ARCX", 0.14), ("BATS", 0.14), ("EDGX", 0.10), ("IEXG", 0.08),
    ]

    static func venue(_ random: inout RandomSource) -> String {
        var draw = random.uniform()
        for venue in venues {
            draw -= venue.weight
            if draw < 0 { return venue.name }
        }
        return venues[venues.count - 1].name
    }
}
