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
            // Named as the user gave it: the variable, or the option (`TRADEWATCH_X_Y` is `--x-y`).
            let option = "--" + variable.dropFirst("TRADEWATCH_".count).lowercased().replacingOccurrences(of: "_", with: "-")
            let source = value == nil && environment[variable] != nil ? "\(variable)=\(resolved)" : "\(option) \(resolved)"
            throw ValidationError("\(source) is outside \(range.lowerBound)...\(range.upperBound)")
        }
        return resolved
    }
}
