import Foundation
import Logging
import TradewatchStorage

let testLogger = Logger(label: "test")
