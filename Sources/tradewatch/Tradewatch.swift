import ArgumentParser

@main
struct Tradewatch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tradewatch",
        abstract: "Observability server for algorithmic-trading systems.",
        version: "0.1.0",
        subcommands: [ServeCommand.self, CheckCommand.self, KeysCommand.self, SimulateCommand.self,
                      RetentionCommand.self, BackupCommand.self, RestoreCommand.self]
    )
}
