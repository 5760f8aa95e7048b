import ArgumentParser
import Foundation

/// Resolves an option given on the command line, else from its environment variable, else its
/// default; a malformed environment value is an error naming the variable.
struct EnvironmentDefault {
    let environment = ProcessInfo.processInfo.environment

    func string(_ value: String?, _ variable: String, default fallback: String) -> String {
        value ?? environment[variable] ?? fallback
    }

    func integer(_ value: Int?, _ variable: String, default fallback: Int, range: ClosedRange<Int>) throws -> Int {
        let resolved: Int
        if let value {
            resolved = value
        } else if let text = environment[variable] {
            guard let parsed = Int(text) else {
                throw ValidationError("\(variable)=\(text) is not a whole number")
            }
            resolved = parsed
        } else {
            resolved = fallback
        }
        guard range.contains(resolved) else {
            throw ValidationError("\(value == nil && environment[variable] != nil ? variable : "the value") \(resolved) is outside \(range.lowerBound)...\(range.upperBound)")
        }
        return resolved
    }
}
