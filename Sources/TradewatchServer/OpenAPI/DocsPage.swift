/// The API reference served at `/docs`: the OpenAPI document walked and rendered as one page of
/// plain HTML (for every operation its summary, parameters, request body, responses and
/// examples, then the shared schemas). No script and no external resource.
struct DocsPage {
    let document: OpenAPIValue

    var html: String {
        let title = escape(document["info"]?["title"]?.string ?? "API")
        let version = escape(document["info"]?["version"]?.string ?? "")
        var page = """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title) API reference</title>
            <style>\(Self.style)</style>
            </head>
            <body>
            <header>
            <h1>\(title) API <small>\(version)</small></h1>
            \(paragraph(document["info"]?["description"]))
            <p>Generated from the <a href="/openapi.json">OpenAPI 3.1 document</a> this server serves.</p>
            </header>

            """
        let groups = operationsByTag
        page += "<nav>\n<h2>Contents</h2>\n<ul>\n"
        for (tag, operations) in groups {
            page += "<li><a href=\"#\(anchor("tag", tag))\">\(escape(tag))</a>\n<ul>\n"
            for operation in operations {
                page += "<li><a href=\"#\(operationAnchor(operation))\"><code>\(operation.method.uppercased()) \(escape(operation.path))</code></a> "
                page += "\(inline(operation.value["summary"]?.string ?? ""))</li>\n"
            }
            page += "</ul></li>\n"
        }
        page += "<li><a href=\"#schemas\">Schemas</a></li>\n</ul>\n</nav>\n<main>\n"
        let tagDescriptions = Dictionary(
            (document["tags"]?.array ?? []).map { ($0["name"]?.string ?? "", $0["description"]) }, uniquingKeysWith: { a, _ in a })
        for (tag, operations) in groups {
            page += "<section id=\"\(anchor("tag", tag))\">\n<h2>\(escape(tag))</h2>\n"
            page += paragraph(tagDescriptions[tag] ?? nil)
            for operation in operations { page += render(operation) }
            page += "</section>\n"
        }
        page += "<section id=\"schemas\">\n<h2>Schemas</h2>\n"
        for (name, schema) in document["components"]?["schemas"]?.members ?? [] {
            page += "<article id=\"\(anchor("schema", name))\">\n<h3>\(escape(name))</h3>\n"
            page += schemaBlock(schema) + examples(of: schema)
            page += "</article>\n"
        }
        return page + "</section>\n</main>\n</body>\n</html>\n"
    }

    struct Operation {
        let method: String
        let path: String
        let value: OpenAPIValue
    }

    /// Operations grouped by their first tag, tags in the document's order.
    var operationsByTag: [(tag: String, operations: [Operation])] {
        var groups: [(tag: String, operations: [Operation])] = (document["tags"]?.array ?? []).compactMap {
            $0["name"]?.string.map { (tag: $0, operations: []) }
        }
        for (path, item) in document["paths"]?.members ?? [] {
            for (method, value) in item.members {
                let tag = value["tags"]?.array?.first?.string ?? "Other"
                if let index = groups.firstIndex(where: { $0.tag == tag }) {
                    groups[index].operations.append(Operation(method: method, path: path, value: value))
                } else {
                    groups.append((tag, [Operation(method: method, path: path, value: value)]))
                }
            }
        }
        return groups.filter { !$0.operations.isEmpty }
    }

    private func render(_ operation: Operation) -> String {
        let value = operation.value
        var html = "<article id=\"\(operationAnchor(operation))\">\n"
        html += "<h3><span class=\"method \(operation.method)\">\(operation.method.uppercased())</span> "
        html += "<code>\(escape(operation.path))</code></h3>\n"
        html += "<p><strong>\(inline(value["summary"]?.string ?? ""))</strong></p>\n"
        html += paragraph(value["description"])
        if let parameters = value["parameters"]?.array, !parameters.isEmpty {
            html += "<h4>Parameters</h4>\n<table>\n<thead><tr><th>Name</th><th>In</th><th>Type</th><th>Required</th><th>Description</th></tr></thead>\n<tbody>\n"
            for parameter in parameters.map({ resolve($0).value }) {
                var description = inline(parameter["description"]?.string ?? "")
                if let example = parameter["example"] { description += " Example: <code>\(escape(exampleText(example)))</code>" }
                html += "<tr><td><code>\(escape(parameter["name"]?.string ?? ""))</code></td>"
                html += "<td>\(escape(parameter["in"]?.string ?? ""))</td><td>\(typeLabel(parameter["schema"]))</td>"
                html += "<td>\(isTrue(parameter["required"]) ? "yes" : "no")</td><td>\(description)</td></tr>\n"
            }
            html += "</tbody>\n</table>\n"
        }
        if let body = value["requestBody"] {
            html += "<h4>Request body\(isTrue(body["required"]) ? "" : " (optional)")</h4>\n" + paragraph(body["description"])
            html += content(body["content"])
        }
        html += "<h4>Responses</h4>\n"
        for (status, reference) in value["responses"]?.members ?? [] {
            let response = resolve(reference).value
            html += "<section class=\"response\">\n<h5><span class=\"status\">\(escape(status))</span> "
            html += "\(inline(response["description"]?.string ?? ""))</h5>\n"
            let headers = response["headers"]?.members ?? []
            if !headers.isEmpty {
                html += "<table>\n<thead><tr><th>Header</th><th>Type</th><th>Description</th></tr></thead>\n<tbody>\n"
                for (name, header) in headers {
                    let header = resolve(header).value
                    html += "<tr><td><code>\(escape(name))</code></td><td>\(typeLabel(header["schema"]))</td>"
                    html += "<td>\(inline(header["description"]?.string ?? ""))</td></tr>\n"
                }
                html += "</tbody>\n</table>\n"
            }
            html += content(response["content"]) + "</section>\n"
        }
        return html + "</article>\n"
    }

    /// Each media type of a `content` object: its schema and example.
    private func content(_ content: OpenAPIValue?) -> String {
        var html = ""
        for (type, media) in content?.members ?? [] {
            html += "<p class=\"media\">Content type <code>\(escape(type))</code></p>\n"
            if let schema = media["schema"] { html += schemaBlock(schema) }
            if let example = media["example"] {
                html += "<details open><summary>Example</summary>\n<pre>\(escape(exampleText(example)))</pre>\n</details>\n"
            }
        }
        return html
    }

    private func examples(of schema: OpenAPIValue) -> String {
        guard let example = schema["examples"]?.array?.first, schema["properties"] != nil else { return "" }
        return "<details><summary>Example</summary>\n<pre>\(escape(exampleText(example)))</pre>\n</details>\n"
    }
}
