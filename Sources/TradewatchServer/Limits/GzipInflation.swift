import CompressNIO
import NIOCore

/// Inflates a gzip body that must stay within a size, 64 KiB at a time, and stops as soon as
/// the output passes the size: a gzip bomb costs at most the limit plus one chunk, never its
/// inflated whole. (CompressNIO's `decompress(with:maxSize:)` sizes its buffers by the
/// allocator's power-of-two capacities and may write well past `maxSize` before it notices.)
enum GzipInflation {
    static let chunkBytes = 64 * 1024

    /// - Throws: `CompressNIOError.bufferOverflow` past `maxBytes`, and CompressNIO's errors for
    ///   data that is not gzip.
    static func inflate(_ body: ByteBuffer, maxBytes: Int) throws -> ByteBuffer {
        let decompressor = try ZlibDecompressor(algorithm: .gzip)
        var input = body
        var output = ByteBuffer()
        var chunk = ByteBuffer()
        chunk.reserveCapacity(chunkBytes)
        while true {
            chunk.clear()
            var outputFull = false
            do {
                try decompressor.inflate(from: &input, to: &chunk)
            } catch let error as CompressNIOError where error == .bufferOverflow {
                outputFull = true
            } catch let error as CompressNIOError where error == .inputBufferOverflow {
                // The input ended: what was inflated so far is the body.
            }
            guard output.readableBytes + chunk.readableBytes <= maxBytes else { throw CompressNIOError.bufferOverflow }
            output.writeBuffer(&chunk)
            guard outputFull else { return output }
        }
    }
}
