// veridicor-cli audit-verify FILE — checks a hash-chained audit log. Exit 0 intact, 1 damaged (naming the
// first bad line), 2 unreadable.
#include "cli_support.h"
#include "commands.h"

#include <veridicor/verify/audit_log.h>

#include <cstdio>

namespace veridicor::cli {

int runAuditVerify(const QStringList& args) {
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Check that an audit log written by 'verify --audit-log' is intact: no line edited, "
                       "removed, reordered or "
                       "cut off. Exit status: 0 intact, 1 not (the first bad line is named), 2 unreadable."));
    parser.addPositionalArgument(QStringLiteral("log"), QStringLiteral("The audit log."),
                                 QStringLiteral("FILE"));
    int code = 0;
    if (!parseOrExplain(parser, args, code)) {
        return code;
    }
    if (parser.positionalArguments().size() != 1) {
        return fail("audit-verify", "usage: audit-verify FILE");
    }
    const std::filesystem::path file = parser.positionalArguments().front().toStdString();
    auto report = verify::AuditLog::verify(file);
    if (!report) {
        return fail("audit-verify", report.error().message);
    }
    if (report->intact) {
        std::string text =
            "intact: " + std::to_string(report->lines) + " line" + (report->lines == 1 ? "" : "s") + "\n";
        for (const auto& n : report->notes) {
            text += "note: " + n + "\n";
        }
        printOut(text);
        return ExitOk;
    }
    printOut("damaged: first bad line " + std::to_string(report->firstBadLine) + ": " + report->problem +
             "\n");
    std::fprintf(stderr, "veridicor-cli audit-verify: %s: line %zu: %s\n", file.c_str(), report->firstBadLine,
                 report->problem.c_str());
    return ExitFailure;
}

} // namespace veridicor::cli
