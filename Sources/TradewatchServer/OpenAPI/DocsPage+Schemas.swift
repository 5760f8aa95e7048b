/// Schemas as field tables and type labels, references as links, and the text helpers.
extension DocsPage {
    /// A schema as a table of its fields (objects, arrays of objects) or a one-line description.
    func schemaBlock(_ schema: OpenAPIValue, depth: Int = 0) -> String {
        if let name = referencedSchema(schema) {
            return "<p>Schema <a href=\"#\(anchor("schema", name))\">\(escape(name))</a></p>\n"
        }
        if schema["properties"] != nil { return fieldsTable(schema, depth: depth) }
        if let items = schema["items"], items["properties"] != nil {
            return "<p>Array of objects\(description(schema)):</p>\n" + fieldsTable(items, depth: depth)
        }
        return "<p>\(typeLabel(schema))\(description(schema))</p>\n"
    }

    private func description(_ schema: OpenAPIValue) -> String {
        schema["description"]?.string.map { " — " + inline($0) } ?? ""
    }

    private func fieldsTable(_ schema: OpenAPIValue, depth: Int) -> String {
        var html = schema["description"]?.string.map { "<p>\(inline($0))</p>\n" } ?? ""
        let required = Set((schema["required"]?.array ?? []).compactMap(\.string))
        html += "<table>\n<thead><tr><th>Field</th><th>Type</th><th>Required</th><th>Description</th></tr></thead>\n<tbody>\n"
        for (name, property) in schema["properties"]?.members ?? [] {
            var cell = inline(property["description"]?.string ?? "")
            let nested = property["properties"] != nil ? property : property["items"].flatMap { $0["properties"] != nil ? $0 : nil }
            if let nested, depth < 3 { cell += fieldsTable(nested, depth: depth + 1) }
            html += "<tr><td><code>\(escape(name))</code></td><td>\(typeLabel(property))</td>"
            html += "<td>\(required.contains(name) ? "yes" : "no")</td><td>\(cell)</td></tr>\n"
        }
        html += "</tbody>\n</table>\n"
        if let extra = schema["additionalProperties"], !isFalse(extra) {
            let note = extra["description"]?.string.map(inline) ?? "allowed"
            html += "<p class=\"note\">Other fields: \(note)</p>\n"
        }
        return html
    }

    /// `string`, `number | null`, `array of Trade`, `string (asc, desc; default asc)`, …
    func typeLabel(_ schema: OpenAPIValue?) -> String {
        guard let schema else { return "" }
        if let name = referencedSchema(schema) { return "<a href=\"#\(anchor("schema", name))\">\(escape(name))</a>" }
        if case .bool = schema { return "any" }
        var label: String
        switch schema["type"] {
        case .string(let type)?: label = type
        case .array(let types)?: label = types.compactMap(\.string).joined(separator: " | ")
        default: label = schema["const"] != nil ? "" : "any"
        }
        if label.hasPrefix("array"), let items = schema["items"] {
            label = "array of " + (items["properties"] != nil ? "objects" : typeLabel(items)) + label.dropFirst("array".count)
        }
        var notes: [String] = []
        if let format = schema["format"]?.string { notes.append(escape(format)) }
        if let choices = schema["enum"]?.array { notes.append(choices.map { "<code>\(escape(exampleText($0)))</code>" }.joined(separator: ", ")) }
        if let constant = schema["const"] { label = "<code>\(escape(exampleText(constant)))</code>" }
        if let minimum = schema["minimum"] { notes.append("≥ \(escape(exampleText(minimum)))") }
        if let maximum = schema["maximum"] { notes.append("≤ \(escape(exampleText(maximum)))") }
        if let fallback = schema["default"] { notes.append("default <code>\(escape(exampleText(fallback)))</code>") }
        return notes.isEmpty ? label : "\(label) (\(notes.joined(separator: "; ")))"
    }

    /// The component a `$ref` points to, and its name.
    func resolve(_ value: OpenAPIValue) -> (value: OpenAPIValue, name: String?) {
        guard let reference = value["$ref"]?.string, reference.hasPrefix("#/") else { return (value, nil) }
        var target: OpenAPIValue? = document
        for part in reference.dropFirst(2).split(separator: "/") { target = target?[String(part)] }
        return (target ?? value, reference.split(separator: "/").last.map(String.init))
    }

    private func referencedSchema(_ schema: OpenAPIValue) -> String? {
        guard let reference = schema["$ref"]?.string, reference.hasPrefix("#/components/schemas/") else { return nil }
        return String(reference.dropFirst("#/components/schemas/".count))
    }

    func operationAnchor(_ operation: Operation) -> String {
        operation.value["operationId"]?.string ?? anchor(operation.method, operation.path)
    }

    func anchor(_ kind: String, _ name: String) -> String {
        kind + "-" + String(name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" })
    }

    func exampleText(_ value: OpenAPIValue) -> String {
        if case .string(let text) = value { return text }
        let text = value.jsonText
        return String(text.dropLast())
    }

    func isTrue(_ value: OpenAPIValue?) -> Bool {
        if case .bool(true)? = value { return true }
        return false
    }

    private func isFalse(_ value: OpenAPIValue) -> Bool {
        if case .bool(false) = value { return true }
        return false
    }

    func paragraph(_ value: OpenAPIValue?) -> String {
        value?.string.map { "<p>\(inline($0))</p>\n" } ?? ""
    }

    /// Escaped text with `code` spans.
    func inline(_ text: String) -> String {
        escape(text).split(separator: "`", omittingEmptySubsequences: false).enumerated()
            .map { $0.offset % 2 == 1 ? "<code>\($0.element)</code>" : String($0.element) }.joined()
    }

    func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    static let style = """
        body{font:15px/1.5 system-ui,sans-serif;max-width:70rem;margin:0 auto;padding:1rem 2rem;color:#1b1f24}\
        h1 small{font-size:.55em;color:#57606a}h2{border-bottom:2px solid #d0d7de;margin-top:2.5rem}\
        article{border-top:1px solid #d0d7de;padding:.5rem 0 1rem}h3 code{font-size:1em}\
        code,pre{font-family:ui-monospace,monospace;font-size:.9em}code{background:#f3f4f6;padding:0 .2em;border-radius:3px}\
        pre{background:#f6f8fa;padding:.75rem;overflow-x:auto;border-radius:4px}\
        table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}\
        th{background:#f6f8fa}td table{font-size:.95em}\
        .method{display:inline-block;min-width:4.5em;text-align:center;color:#fff;border-radius:4px;padding:0 .4em;font-size:.8em}\
        .get{background:#0969da}.post{background:#1a7f37}.delete{background:#cf222e}.head{background:#6e7781}\
        .status{font-family:ui-monospace,monospace;font-weight:bold}.media,.note{color:#57606a}\
        nav ul ul{columns:2;font-size:.95em}
        """
}
