import Testing
@testable import TradewatchClient
import TradewatchCore

/// The small synchronisation pieces the recorder's loop, flush and shutdown rely on.
@Suite(.timeLimit(.minutes(1))) struct AsyncPrimitivesTests {
    @Test func wakeSignalFiredBeforeWaitingIsNotLostAndFiresCollapse() async {
        let signal = WakeSignal()
        signal.fire()
        signal.fire()
        await signal.wait()  // returns at once: the fires were kept, as one
        let woken = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await signal.wait()
                return true
            }
            group.addTask {
                try? await Task.sleep(for: .milliseconds(200))
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        #expect(!woken, "two earlier fires wake one wait, not two")
    }

    @Test func waitsEndWhenTheirTaskIsCancelled() async {
        let signal = WakeSignal()
        let latch = Latch()
        let gate = SendGate()
        #expect(await gate.acquire())
        let acquiredWhileHeld = await withTaskGroup(of: Bool?.self) { group in
            group.addTask { await signal.wait(); return nil }
            group.addTask { await latch.wait(); return nil }
            group.addTask { await gate.acquire() }
            try? await Task.sleep(for: .milliseconds(50))
            group.cancelAll()
            var results: [Bool?] = []
            for await result in group { results.append(result) }
            return results.compactMap { $0 }
        }
        #expect(acquiredWhileHeld == [false], "a cancelled waiter does not get the gate")
        #expect(!latch.isOpen)
        gate.release()
        #expect(await gate.acquire(), "the gate is free again, not handed to the cancelled waiter")
    }

    @Test func theGateLetsOneHolderInAtATime() async {
        let gate = SendGate()
        let order = OrderLog()
        #expect(await gate.acquire())
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<5 {
                group.addTask {
                    guard await gate.acquire() else { return }
                    await order.enter(index)
                    try? await Task.sleep(for: .milliseconds(5))
                    await order.leave()
                    gate.release()
                }
            }
            gate.release()
        }
        #expect(await order.entries.sorted() == [0, 1, 2, 3, 4])
        #expect(await order.mostInside == 1)
    }

    @Test func anOpenLatchReleasesEveryWaiterAndLaterOnes() async {
        let latch = Latch()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<3 { group.addTask { await latch.wait() } }
            try? await Task.sleep(for: .milliseconds(20))
            latch.open()
        }
        await latch.wait()
        #expect(latch.isOpen)
    }
}

/// Who held the gate, in order, and how many at once.
actor OrderLog {
    private(set) var entries: [Int] = []
    private(set) var mostInside = 0
    private var inside = 0

    func enter(_ index: Int) {
        entries.append(index)
        inside += 1
        mostInside = max(mostInside, inside)
    }

    func leave() { inside -= 1 }
}
