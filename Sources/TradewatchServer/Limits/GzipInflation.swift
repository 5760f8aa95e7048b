import CompressNIO
import NIOCore

/// Inflates a gzip body that must stay within a size, 64 KiB at a time, and stops as soon as
/// the output passes the size: a gzip bomb costs at most the limit plus one chunk, never its
/// inflated whole. (CompressNIO's `decompress(with:maxSize:)` sizes its buffers by the
/// allocator's power-of-two capacities and may write well past `maxSize` before it notices.)
///
/// The whole body is inflated or it is refused:
/// - A body of several gzip members one after another (RFC 1952 allows it; `cat a.gz b.gz`, and
///   Go's reader, which InfluxDB uses, reads them all) is inflated member after member.
/// - A body cut short (a proxy or client that stopped sending mid-stream) is refused: zlib
///   reports no error when its input simply runs out, so the end is checked. A member that
///   ended has its 8-byte trailer read and its CRC checked by zlib; the trailer's last 4 bytes
///   are the member's inflated size (modulo 2^32), which the output is compared with. A body cut
///   anywhere before that matches by chance once in 2^32.
enum GzipInflation {
    static let chunkBytes = 64 * 1024

    enum Failure: Error, CustomStringConvertible, Equatable {
        /// The body ends before its gzip stream does.
        case truncated

        var description: String {
            switch self {
            case .truncated: "it ends before the gzip stream does (was it cut short?)"
            }
        }
    }

    /// - Throws: `CompressNIOError.bufferOverflow` past `maxBytes`, ``Failure/truncated`` for a
    ///   body cut short, and CompressNIO's errors for data that is not gzip.
    static func inflate(_ body: ByteBuffer, maxBytes: Int) throws -> ByteBuffer {
        guard body.readableBytes > 0 else { return body }
        let decompressor = try ZlibDecompressor(algorithm: .gzip)
        var input = body
        var output = ByteBuffer()
        var chunk = ByteBuffer()
        chunk.reserveCapacity(chunkBytes)
        // Where the current member's output starts.
        var memberStart = 0
        while true {
            chunk.clear()
            var outputFull = false
            var inputEnded = false
            do {
                try decompressor.inflate(from: &input, to: &chunk)
            } catch let error as CompressNIOError where error == .bufferOverflow {
                outputFull = true
            } catch let error as CompressNIOError where error == .inputBufferOverflow {
                // zlib could go no further: the input ran out before the stream ended.
                inputEnded = true
            }
            guard output.readableBytes + chunk.readableBytes <= maxBytes else { throw CompressNIOError.bufferOverflow }
            output.writeBuffer(&chunk)
            if outputFull { continue }
            if inputEnded { throw Failure.truncated }
            // zlib returned without error: the member ended (Z_STREAM_END), or it used all the
            // input with room left for output (Z_OK), which is a member cut short unless its
            // trailer is there. Bytes left over can only follow an ended member: the next one.
            if input.readableBytes > 0 {
                try decompressor.reset()
                memberStart = output.readableBytes
                continue
            }
            guard let size = body.getInteger(at: body.writerIndex - 4, endianness: .little, as: UInt32.self),
                size == UInt32(truncatingIfNeeded: output.readableBytes - memberStart)
            else { throw Failure.truncated }
            return output
        }
    }
}
