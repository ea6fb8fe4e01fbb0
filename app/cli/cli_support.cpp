#include "cli_support.h"

#include <cstdio>

namespace veridicor::cli {

bool parseOrExplain(QCommandLineParser& parser, const QStringList& args, int& exitCode) {
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")},
                                  QStringLiteral("Show this help."));
    parser.addOption(help);
    if (!parser.parse(args)) {
        std::fprintf(stderr, "%s: %s\n\n%s", qPrintable(args.value(0)), qPrintable(parser.errorText()),
                     qPrintable(parser.helpText()));
        exitCode = ExitUsage;
        return false;
    }
    if (parser.isSet(help)) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        exitCode = ExitOk;
        return false;
    }
    return true;
}

int fail(const char* command, const std::string& message) {
    std::fprintf(stderr, "veridicor-cli %s: %s\n", command, message.c_str());
    return ExitUsage;
}

void printOut(const std::string& text) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
}

} // namespace veridicor::cli
