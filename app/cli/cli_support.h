#pragma once
// Shared plumbing for veridicor-cli subcommands: option parsing with the project's exit codes.

#include <QCommandLineParser>
#include <QStringList>

#include <string>

namespace veridicor::cli {

/// Exit codes shared by every subcommand.
enum ExitCode : int {
    ExitOk = 0,      ///< success (for verify: trusted)
    ExitFailure = 1, ///< the command ran and the answer is negative (for verify: untrusted)
    ExitUsage = 2,   ///< usage error, unreadable or invalid input; the message is on stderr
};

/// Parses `args` (args[0] is "veridicor-cli <command>"). On a usage error prints it with the help text to
/// stderr and returns false; `--help` prints help to stdout and also returns false with exitCode = 0.
bool parseOrExplain(QCommandLineParser& parser, const QStringList& args, int& exitCode);

/// Prints "veridicor-cli <command>: <message>" to stderr and returns ExitUsage.
int fail(const char* command, const std::string& message);

/// Writes UTF-8 text to stdout, exactly as given.
void printOut(const std::string& text);

} // namespace veridicor::cli
