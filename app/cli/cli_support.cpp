#include "cli_support.h"

#include <cstdio>

namespace veridicor::cli {

// Writes to stdout and stderr are not checked (static_cast<void>): a command has nowhere else to report that
// its own output could not be written, and its exit status says how it ended.

bool parseOrExplain(QCommandLineParser& parser, const QStringList& args, int& exitCode) {
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")},
                                  QStringLiteral("Show this help."));
    parser.addOption(help);
    if (!parser.parse(args)) {
        static_cast<void>(std::fprintf(stderr, "%s: %s\n\n%s", qPrintable(args.value(0)),
                                       qPrintable(parser.errorText()), qPrintable(parser.helpText())));
        exitCode = ExitUsage;
        return false;
    }
    if (parser.isSet(help)) {
        static_cast<void>(std::fputs(qPrintable(parser.helpText()), stdout));
        exitCode = ExitOk;
        return false;
    }
    return true;
}

int fail(const char* command, const std::string& message) {
    static_cast<void>(std::fprintf(stderr, "veridicor-cli %s: %s\n", command, message.c_str()));
    return ExitUsage;
}

void printOut(const std::string& text) {
    static_cast<void>(std::fwrite(text.data(), 1, text.size(), stdout));
    static_cast<void>(std::fflush(stdout));
}

} // namespace veridicor::cli
