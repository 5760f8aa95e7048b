#if canImport(Glibc)
import Glibc
#endif

extension Database {
    /// Gives the memory DuckDB has freed back to the operating system.
    ///
    /// DuckDB's builds for Linux allocate through their own jemalloc, which keeps freed pages
    /// for reuse ("dirty") and returns them only when DuckDB purges them after some of its own
    /// tasks. So memory freed by an eviction or a commit stays in the process's resident size.
    /// This asks jemalloc to purge every arena now (`arena.<all>.purge`). The pages are handed
    /// back zeroed the next time they are needed, which costs a page fault each; call it after
    /// DuckDB has freed much, not on every operation.
    ///
    /// Returns false (and does nothing) when the DuckDB library has no jemalloc of its own
    /// (`duckdb_je_mallctl` is looked up when first called, not linked).
    @discardableResult
    public static func purgeFreedMemory() -> Bool {
        guard let mallctl = JemallocControl.mallctl else { return false }
        // MALLCTL_ARENAS_ALL is 4096 in jemalloc 5.
        return "arena.4096.purge".withCString { mallctl($0, nil, nil, nil, 0) } == 0
    }
}

private enum JemallocControl {
    typealias Mallctl = @convention(c) (
        UnsafePointer<CChar>?, UnsafeMutableRawPointer?, UnsafeMutablePointer<Int>?, UnsafeMutableRawPointer?, Int
    ) -> Int32

    static let mallctl: Mallctl? = {
        #if canImport(Glibc)
        guard let symbol = dlsym(nil, "duckdb_je_mallctl") else { return nil }
        return unsafeBitCast(symbol, to: Mallctl.self)
        #else
        return nil
        #endif
    }()
}
