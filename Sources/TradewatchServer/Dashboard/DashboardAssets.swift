import Foundation

/// The dashboard's files (`Dashboard/Public`, a SwiftPM resource of this module), read into
/// memory once and looked up by request path: `/` is `index.html`, `/assets/<path>` any file.
struct DashboardAssets: Sendable {
    /// Request path → file.
    let files: [String: DashboardAsset]

    /// The files shipped with the server, read on first use.
    static let bundled: DashboardAssets = {
        guard let folder = Bundle.module.url(forResource: "Public", withExtension: nil) else {
            return DashboardAssets(files: [:])
        }
        return (try? DashboardAssets(folder: folder)) ?? DashboardAssets(files: [:])
    }()

    init(files: [String: DashboardAsset]) {
        self.files = files
    }

    /// Reads every regular file under `folder` (hidden files skipped).
    /// - Throws: the file system's error when the folder or a file cannot be read.
    init(folder: URL) throws {
        let root = folder.standardizedFileURL.resolvingSymlinksInPath().path
        var files: [String: DashboardAsset] = [:]
        guard let walker = FileManager.default.enumerator(atPath: root) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: root])
        }
        while let relative = walker.nextObject() as? String {
            let path = root + "/" + relative
            var isDirectory: ObjCBool = false
            guard !relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }),
                FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue
            else { continue }
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            let asset = DashboardAsset(bytes: bytes, fileName: relative)
            files[relative == "index.html" ? "/" : "/assets/" + relative] = asset
        }
        self.files = files
    }

    /// The request paths served, for the access log's route names.
    var paths: Set<String> { Set(files.keys) }

    subscript(path: String) -> DashboardAsset? { files[path] }
}
