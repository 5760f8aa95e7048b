import Hummingbird
import NIOCore
import Synchronization
import TradewatchQuery

/// Encoded answers of the latest-value endpoints by request, each valid for the generation of
/// ``LatestValues`` it was built at: dashboards polling the same question get the same bytes
/// without filtering, sorting and encoding again. Bounded (512 answers, 32 MiB); cleared when full.
final class LatestAnswers: Sendable {
    private let answers = Mutex<(entries: [String: (generation: UInt64, body: ByteBuffer)], bytes: Int)>(([:], 0))
    private let capacity = 512
    private let maxBytes = 32 << 20

    /// The answer kept for `key` at `generation`, if any.
    func kept(for key: String, generation: UInt64) -> Response? {
        keptBody(for: key, generation: generation).map(Self.response)
    }

    func answer(for key: String, generation: UInt64, build: () -> [UInt8]) -> Response {
        let kept = keptBody(for: key, generation: generation)
        let body = kept ?? ByteBuffer(bytes: build())
        if kept == nil {
            answers.withLock { answers in
                if answers.entries.count >= capacity || answers.bytes + body.readableBytes > maxBytes {
                    answers.entries.removeAll(keepingCapacity: true)
                    answers.bytes = 0
                }
                answers.bytes += body.readableBytes - (answers.entries[key]?.body.readableBytes ?? 0)
                answers.entries[key] = (generation, body)
            }
        }
        return Self.response(body)
    }

    private func keptBody(for key: String, generation: UInt64) -> ByteBuffer? {
        answers.withLock { answers -> ByteBuffer? in
            guard let answer = answers.entries[key], answer.generation == generation else { return nil }
            return answer.body
        }
    }

    private static func response(_ body: ByteBuffer) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = ResultFormat.json.contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
    }
}
