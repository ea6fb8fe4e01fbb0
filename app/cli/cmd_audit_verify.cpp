// veridicor-cli audit-verify [--key PUB.pem [--witness FILE]] LOG — checks a hash-chained audit log and its
// signed head (R2.5). Exit 0 intact, 1 damaged (naming the first bad line), 2 unreadable or usage error.
#include "cli_support.h"
#include "commands.h"

#include <veridicor/verify/audit_log.h>

#include <cstdio>

namespace veridicor::cli {

int runAuditVerify(const QStringList& args) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Check that an audit log written by 'verify --audit-log' (or the workstation) is intact: no line "
        "edited, removed, reordered, inserted, appended or cut off, and with --key a head record signed by "
        "the workstation's audit key that is equal to the log's last line (a missing, unsigned, stale or "
        "foreign head is damage). Without --key the head's signature is not checked. With --witness, a log "
        "rolled back to an earlier state that was once valid is found too; without it, it is not.\n"
        "Exit status: 0 intact, 1 damaged (the first bad line is named), 2 usage error or unreadable."));
    const QCommandLineOption key(
        QStringLiteral("key"),
        QStringLiteral("The audit key's public key (the audit key file's "
                       "'.pub.pem', e.g. ~/.config/veridicor/audit-key.pem.pub.pem)."),
        QStringLiteral("PUB.pem"));
    const QCommandLineOption witness(
        QStringLiteral("witness"),
        QStringLiteral("The witness file the log's signed heads were sent to (needs --key)."),
        QStringLiteral("FILE"));
    parser.addOptions({key, witness});
    parser.addPositionalArgument(QStringLiteral("log"), QStringLiteral("The audit log."),
                                 QStringLiteral("LOG"));
    int code = 0;
    if (!parseOrExplain(parser, args, code)) {
        return code;
    }
    if (parser.positionalArguments().size() != 1 || (parser.isSet(witness) && !parser.isSet(key))) {
        return fail("audit-verify", "usage: audit-verify [--key PUB.pem [--witness FILE]] LOG");
    }
    verify::AuditCheck check;
    if (parser.isSet(key)) {
        const std::filesystem::path keyFile = parser.value(key).toStdString();
        auto pub = verify::PublicKey::load(keyFile);
        if (!pub) {
            return fail("audit-verify", "--key '" + keyFile.string() + "': " + pub.error().message);
        }
        if (pub->description() != "Ed25519") {
            return fail("audit-verify", "--key '" + keyFile.string() + "' is " + pub->description() +
                                            ", not the Ed25519 public key of an audit key");
        }
        check.key = std::move(*pub);
    }
    if (parser.isSet(witness)) {
        check.witness = parser.value(witness).toStdString();
    }
    const std::filesystem::path file = parser.positionalArguments().front().toStdString();
    auto report = verify::AuditLog::verify(file, check);
    if (!report) {
        return fail("audit-verify", report.error().message);
    }
    std::string notes;
    for (const auto& n : report->notes) {
        notes += "note: " + n + "\n";
    }
    if (report->intact) {
        printOut("intact: " + std::to_string(report->lines) + " line" + (report->lines == 1 ? "" : "s") +
                 (report->headSignatureChecked ? ", head signed by the audit key" : "") + "\n" + notes);
        return ExitOk;
    }
    printOut("damaged: first bad line " + std::to_string(report->firstBadLine) + ": " + report->problem +
             "\n" + notes);
    static_cast<void>(std::fprintf(stderr, "veridicor-cli audit-verify: %s: line %zu: %s\n", file.c_str(),
                                   report->firstBadLine, report->problem.c_str()));
    return ExitFailure;
}

} // namespace veridicor::cli
