public import TradewatchClient

/// A simulation records straight into a recorder, which sends everything to a server.
extension TradewatchRecorder: SimulationSink {}
