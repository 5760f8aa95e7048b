/// One encoded request body ready to send, and how many records it carries. Built once per
/// batch and sent again unchanged on every retry, so a retried batch never changes.
struct WriteRequest: Sendable, Hashable {
    /// Path relative to the configured base URL, with its query.
    let path: String
    let contentType: String
    let body: [UInt8]
    let records: Int
    /// What the request carries, for log messages ("120 records as line protocol").
    let summary: String

    /// Encodes `records`: one line-protocol request for every record it carries faithfully,
    /// then one JSON request per table for the others (see ``JSONRowEncoder``).
    static func requests(for records: ArraySlice<Record>, defaultService: String?) -> [WriteRequest] {
        var lines = LineProtocolEncoder(reservingCapacity: records.count * 128)
        var json = JSONRowEncoder()
        for record in records where !lines.append(record, defaultService: defaultService) {
            json.append(record, defaultService: defaultService)
        }
        var requests: [WriteRequest] = []
        if lines.lineCount > 0 {
            requests.append(
                WriteRequest(
                    path: "api/v2/write?precision=ns", contentType: "text/plain; charset=utf-8", body: lines.bytes,
                    records: lines.lineCount, summary: "\(lines.lineCount) records as line protocol"))
        }
        return requests + json.requests()
    }
}
