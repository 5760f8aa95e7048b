import Hummingbird
import NIOCore

/// `GET /openapi.json` (the OpenAPI 3.1 document) and `GET /docs` (the page rendered from it).
/// Both are built once, when the router is.
struct OpenAPIController {
    let documentJSON: ByteBuffer
    let docsHTML: ByteBuffer

    init(document: OpenAPIValue = OpenAPIDocument.value) {
        documentJSON = ByteBuffer(string: document.jsonText)
        docsHTML = ByteBuffer(string: DocsPage(document: document).html)
    }

    func addRoutes(to router: Router<TradewatchRequestContext>) {
        router.get("openapi.json") { _, _ in
            Self.response(documentJSON, contentType: "application/json; charset=utf-8")
        }
        router.get("docs") { _, _ in
            Self.response(docsHTML, contentType: "text/html; charset=utf-8")
        }
    }

    private static func response(_ body: ByteBuffer, contentType: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
    }
}
