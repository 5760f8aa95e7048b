import TradewatchClient

extension Simulation {
    static let makerFeePerShare = 0.0010
    static let takerFeePerShare = 0.0030
    static let rejectProbability = 0.003
    /// Chance that a passive order the market did not trade through is filled before it expires.
    static let passiveFillProbability = 0.55

    /// Each strategy looks at one symbol (seeded choice) and sends an order if it wants one and
    /// has none working there.
    mutating func decide(into sink: some SimulationSink) {
        for strategy in books.indices {
            let symbol = strategyRandom.index(below: market.symbols.count)
            guard !workingOrders.contains(where: { $0.strategy == strategy && $0.symbol == symbol }) else { continue }
            let position = books[strategy].positions[symbol].quantity
            guard
                let intent = books[strategy].kind.intent(
                    for: market.symbols[symbol], position: position, random: &strategyRandom)
            else { continue }
            send(intent, strategy: strategy, symbol: symbol, into: sink)
        }
    }

    /// Sends an order: draws its venue and latencies (slower in a volatile regime, with a tail of
    /// much slower ones) and logs "order sent".
    mutating func send(_ intent: OrderIntent, strategy: Int, symbol: Int, into sink: some SimulationSink) {
        orderSequence += 1
        let kind = books[strategy].kind
        let venue = SymbolCatalog.venue(&strategyRandom)
        let factor = market.symbols[symbol].regime.latencyFactor
        let acknowledgementMicros = (15 + strategyRandom.logNormal(median: 35, sigma: 0.4)) * factor
        var matchingMicros = strategyRandom.logNormal(median: 90, sigma: 0.6) * factor
        if strategyRandom.chance(0.02) { matchingMicros *= strategyRandom.uniform(5, 40) }
        let acknowledgedAt = elapsedNanoseconds + max(1_000, Int64(acknowledgementMicros * 1_000))
        let order = WorkingOrder(
            orderID: "\(kind.rawValue)-\(runTag)-\(orderSequence)", correlationID: strategyRandom.hexadecimal(digits: 16),
            strategy: strategy, symbol: symbol, side: intent.side, quantity: intent.quantity,
            limitPrice: intent.limitPrice, venue: venue, arrivalMid: market.symbols[symbol].mid,
            sentAt: elapsedNanoseconds, fillAt: acknowledgedAt + max(1_000, Int64(matchingMicros * 1_000)),
            nextEventTime: acknowledgedAt)
        workingOrders.append(order)
        books[strategy].orders += 1
        statistics.orders += 1
        var attributes = orderAttributes(order)
        attributes["order_type"] = intent.limitPrice == nil ? "market" : "limit"
        attributes["qty"] = "\(intent.quantity)"
        if let price = intent.limitPrice { attributes["limit_price"] = "\(price)" }
        attributes["reason"] = intent.reason
        orderLog(.info, "order sent", order, attributes, into: sink)
    }

    /// Moves a working order to its next stage: acknowledged or rejected, then filled (in one or
    /// two fills) or cancelled.
    mutating func progressOrder(at index: Int, into sink: some SimulationSink) {
        var order = workingOrders[index]
        let latency = "\((elapsedNanoseconds - order.sentAt) / 1_000)"
        switch order.stage {
        case .awaitingAcknowledgement:
            if strategyRandom.chance(Self.rejectProbability) {
                workingOrders.remove(at: index)
                books[order.strategy].rejects += 1
                statistics.rejects += 1
                var attributes = orderAttributes(order)
                attributes["reason"] = "price outside the venue's collar"
                orderLog(.warning, "order rejected", order, attributes, into: sink)
                return
            }
            order.stage = .awaitingFill
            order.nextEventTime = order.fillAt
            workingOrders[index] = order
            var attributes = orderAttributes(order)
            attributes["ack_latency_us"] = latency
            orderLog(.info, "order acknowledged", order, attributes, into: sink)
        case .awaitingFill, .awaitingRemainder:
            let book = market.symbols[order.symbol]
            if let limit = order.limitPrice {
                workingOrders.remove(at: index)
                let tradedThrough = order.side == .buy ? book.ask <= limit : book.bid >= limit
                if tradedThrough || strategyRandom.chance(Self.passiveFillProbability) {
                    fill(&order, quantity: order.quantity, price: limit, feePerShare: Self.makerFeePerShare, into: sink)
                } else {
                    books[order.strategy].cancels += 1
                    statistics.cancels += 1
                    var attributes = orderAttributes(order)
                    attributes["reason"] = "not filled before its time in force"
                    orderLog(.info, "order canceled", order, attributes, into: sink)
                }
                return
            }
            let touch = order.side == .buy ? book.ask : book.bid
            if order.stage == .awaitingFill {
                let quantity = min(order.remainingQuantity, order.side == .buy ? book.askSize : book.bidSize)
                fill(&order, quantity: quantity, price: touch, feePerShare: Self.takerFeePerShare, into: sink)
            } else {
                // The rest walks one level of the book.
                let price = max(book.tick, ((touch + order.side.sign * book.tick) * 100).rounded() / 100)
                fill(&order, quantity: order.remainingQuantity, price: price, feePerShare: Self.takerFeePerShare, into: sink)
            }
            if order.remainingQuantity > 0 {
                order.stage = .awaitingRemainder
                order.nextEventTime = elapsedNanoseconds + Int64(strategyRandom.logNormal(median: 150, sigma: 0.5) * 1_000) + 1
                workingOrders[index] = order
            } else {
                workingOrders.remove(at: index)
            }
        }
    }

    /// Records one fill: the execution, the strategy's book, latency and slippage metrics, a log line.
    private mutating func fill(
        _ order: inout WorkingOrder, quantity: Double, price: Double, feePerShare: Double,
        into sink: some SimulationSink
    ) {
        order.filledQuantity += quantity
        let fee = quantity * feePerShare
        let latency = (elapsedNanoseconds - order.sentAt) / 1_000
        let now = timestamp(at: elapsedNanoseconds)
        let kind = books[order.strategy].kind
        let symbol = market.symbols[order.symbol].name
        books[order.strategy].apply(symbol: order.symbol, side: order.side, quantity: quantity, price: price, fee: fee)
        books[order.strategy].fills += 1
        emit(execution: Execution(
            orderID: order.orderID, strategy: kind.rawValue, symbol: symbol, side: order.side, quantity: quantity,
            price: price, fee: fee, venue: order.venue, latencyMicroseconds: latency,
            correlationID: order.correlationID, timestamp: now), into: sink)
        emit(metric: Metric(
            name: "order.latency_us", value: Double(latency), symbol: symbol,
            labels: ["strategy": kind.rawValue, "venue": order.venue], timestamp: now), into: sink)
        emit(metric: Metric(
            name: "order.slippage_bps", value: order.side.sign * (price - order.arrivalMid) / order.arrivalMid * 10_000,
            symbol: symbol, labels: ["strategy": kind.rawValue], timestamp: now), into: sink)
        var attributes = orderAttributes(order)
        attributes["fill_qty"] = "\(quantity)"
        attributes["fill_price"] = "\(price)"
        attributes["cum_qty"] = "\(order.filledQuantity)"
        attributes["leaves_qty"] = "\(order.remainingQuantity)"
        attributes["latency_us"] = "\(latency)"
        let message = order.remainingQuantity > 0 ? "order partially filled" : "order filled"
        orderLog(.info, message, order, attributes, into: sink)
    }

    private func orderAttributes(_ order: WorkingOrder) -> [String: String] {
        [
            "order_id": order.orderID, "symbol": market.symbols[order.symbol].name, "side": order.side.rawValue,
            "venue": order.venue, "strategy": books[order.strategy].kind.rawValue,
        ]
    }

    private mutating func orderLog(
        _ level: LogLevel, _ message: String, _ order: WorkingOrder, _ attributes: [String: String],
        into sink: some SimulationSink
    ) {
        emit(log: LogEntry(
            level: level, message: message, service: books[order.strategy].kind.serviceName,
            correlationID: order.correlationID, attributes: attributes, timestamp: timestamp(at: elapsedNanoseconds)),
            into: sink)
    }
}
