import ServiceLifecycle
import TradewatchClient
import TradewatchSimulator

/// Prints a progress line every interval until cancelled. Returns true after stopping the group
/// because the server refuses everything (a wrong API key, not a Tradewatch server).
func reportProgress<PacingClock: Clock>(
    recorder: TradewatchRecorder, simulation: SimulationService<PacingClock>, started: ContinuousClock.Instant,
    group: ServiceGroup, interval: Duration
) async -> Bool {
    var lastSent = 0
    var lastTime = started
    while true {
        do { try await Task.sleep(for: interval) } catch { return false }
        let now = ContinuousClock.now
        let sent = recorder.statistics
        let generated = simulation.statistics
        let rate = Double(sent.sent - lastSent) / max(0.001, seconds(now - lastTime))
        var line = "[\(Int(secondsSince(started))) s] sent \(grouped(sent.sent)) records (\(grouped(Int(rate)))/s), "
            + "dropped \(grouped(sent.dropped)), pending \(grouped(sent.pending)); "
            + "\(grouped(generated.marketEvents)) market events, \(grouped(generated.executions)) executions"
        if sent.failedAttempts > 0 { line += "; \(grouped(sent.failedAttempts)) failed sends so far" }
        say(line)
        (lastSent, lastTime) = (sent.sent, now)
        if sent.rejected > 0, sent.sent == 0 {
            await group.triggerGracefulShutdown()
            return true
        }
    }
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func secondsSince(_ start: ContinuousClock.Instant) -> Double { seconds(ContinuousClock.now - start) }

func oneDecimal(_ value: Double) -> String { "\((value * 10).rounded() / 10)" }

/// 1234567 as "1,234,567".
func grouped(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var text = ""
    for (index, digit) in digits.enumerated() {
        if index > 0, (digits.count - index) % 3 == 0 { text.append(",") }
        text.append(digit)
    }
    return value < 0 ? "-" + text : text
}
