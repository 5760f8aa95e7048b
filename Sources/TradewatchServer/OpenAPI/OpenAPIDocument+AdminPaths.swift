/// The operator endpoints under `/api/v1/admin/` (AdminController): the archiver and backups.
/// They need the `admin` scope when keys are in use.
extension OpenAPIDocument {
    static var adminOperations: [Operation] {
        let report: OpenAPIValue = [
            "type": "object",
            "description": "What the run did: days exported, rows moved, files and days expired, and any errors.",
        ]
        let problem = media("application/problem+json", ref("schemas/Problem"))
        return [
            operation(
                "post", "/api/v1/admin/archive", id: "runArchiver", tag: "Operations", summary: "Run the archiver now",
                description: """
                    Exports every whole UTC day past its table's hot window to Parquet \
                    (`archive/<table>/date=YYYY-MM-DD/part-N.parquet`), verifies it, records it in the manifest, \
                    deletes its rows from DuckDB, and removes archived days past the archive window \
                    (`tradewatch retention set`). Queries keep answering over the archive. The archiver also \
                    runs every `--archive-interval` minutes.
                    """,
                responses: [
                    "200": response("The run finished; the body says what it did.", content: media("application/json", report)),
                    "500": response("Part of the run failed; the body names what and why.", content: media("application/json", report)),
                ]),
            operation(
                "get", "/api/v1/admin/archive", id: "listArchive", tag: "Operations", summary: "Retention policies and archive manifest",
                description: "The retention policy of each table and every archived partition (table, day, file, rows, bytes).",
                responses: [
                    "200": response(
                        "Policies and partitions.",
                        content: media("application/json", ["type": "object", "description": "`policies` and `partitions`."]))
                ]),
            operation(
                "post", "/api/v1/admin/backup", id: "runBackup", tag: "Operations", summary: "Back up into a folder",
                description: """
                    Writes a consistent backup into an empty folder on the server's machine: a DuckDB snapshot, \
                    SQLite's online backup, the archive files and manifest, and a `SHA256SUMS` file. \
                    `tradewatch backup DIR` calls it; `tradewatch restore DIR --data-dir …` restores it.
                    """,
                requestBody: [
                    "required": true,
                    "content": media(
                        "application/json",
                        object(["directory": typed("string", "Absolute path of an empty or absent folder.")], required: ["directory"]),
                        example: ["directory": "/var/backups/tradewatch/2026-11-29"]),
                ],
                responses: [
                    "200": response(
                        "The backup is complete; the body lists its files.",
                        content: media("application/json", ["type": "object", "description": "The backup's summary."])),
                    "400": response("The body or the folder cannot be used; the detail says why.", content: problem),
                    "500": response("The backup failed; the detail says why. The folder may hold a partial backup.", content: problem),
                ]),
        ]
    }
}
