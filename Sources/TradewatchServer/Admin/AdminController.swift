import Foundation
import Hummingbird
import TradewatchStorage

/// Operator endpoints under `/api/v1/admin/` (the auth middleware requires the `admin` scope
/// there when keys are in use):
///
/// - `POST /api/v1/admin/archive` runs the archiver now and answers what it did (`500` with the
///   same body when part of the run failed);
/// - `GET /api/v1/admin/archive` lists the retention policies and the archive manifest;
/// - `POST /api/v1/admin/backup` with `{"directory": "/absolute/empty/folder"}` writes a backup
///   there (`tradewatch backup` calls it) and answers its summary.
struct AdminController {
    typealias Context = TradewatchRequestContext

    static let routes: Set<String> = ["/api/v1/admin/archive", "/api/v1/admin/backup"]

    let archiver: Archiver

    /// The body of `POST /api/v1/admin/backup`.
    struct BackupRequest: Decodable {
        let directory: String
    }

    func addRoutes(to router: Router<Context>) {
        router.post("api/v1/admin/archive") { _, _ in
            let report = await archiver.run()
            return try Self.json(report, status: report.errors.isEmpty ? .ok : .internalServerError)
        }
        router.get("api/v1/admin/archive") { _, _ in
            try Self.json(try await ArchiveListing(stores: archiver.stores), status: .ok)
        }
        router.post("api/v1/admin/backup") { request, context in
            try await backup(request, context)
        }
    }

    private func backup(_ request: Request, _ context: Context) async throws -> Response {
        let directory: String
        do {
            let body = try await request.body.collect(upTo: 64 << 10)
            directory = try JSONDecoder().decode(BackupRequest.self, from: Data(buffer: body)).directory
        } catch {
            return ProblemResponse.make(
                status: .badRequest, detail: "the body must be {\"directory\": \"/absolute/path/of/an/empty/folder\"}",
                correlationID: context.correlationID, parameter: "directory")
        }
        let backup = BackupWriter(stores: archiver.stores, archiver: archiver)
        do {
            try backup.checkFolder(directory)
        } catch let error as StoreError {
            return ProblemResponse.make(
                status: .badRequest, detail: error.message, correlationID: context.correlationID, parameter: "directory")
        }
        do {
            return try Self.json(try await backup.write(to: directory), status: .ok)
        } catch {
            return ProblemResponse.make(
                status: .internalServerError, detail: "backup failed: \(error)", correlationID: context.correlationID)
        }
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}
