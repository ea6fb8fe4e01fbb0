// veridicor-cli verify --trust DIR --data INPUT [--at RFC3339] [--audit-log FILE [--audit-key FILE]
//                      [--audit-witness FILE]] BUNDLE
// Verifies a finding bundle (finding-bundle-v1) and prints the verdict JSON. Exit 0 trusted, 1 untrusted, 2
// error.
#include "cli_support.h"
#include "commands.h"

#include <veridicor/verify/audit_log.h>
#include <veridicor/verify/input_digest.h>
#include <veridicor/verify/verifier.h>

namespace veridicor::cli {

int runVerify(const QStringList& args) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Verify a signed AI finding bundle against a trust store and the data it is about.\n"
        "Prints the verdict JSON. Exit status: 0 trusted, 1 untrusted, 2 usage error or unreadable "
        "input."));
    const QCommandLineOption trust(QStringLiteral("trust"), QStringLiteral("Trust store folder."),
                                   QStringLiteral("DIR"));
    const QCommandLineOption data(QStringLiteral("data"),
                                  QStringLiteral("The recording the finding is about."),
                                  QStringLiteral("INPUT"));
    const QCommandLineOption at(QStringLiteral("at"), QStringLiteral("Verification time (default: now)."),
                                QStringLiteral("RFC3339"));
    const QCommandLineOption audit(QStringLiteral("audit-log"),
                                   QStringLiteral("Append the verification to this hash-chained audit log."),
                                   QStringLiteral("FILE"));
    const QCommandLineOption auditKey(
        QStringLiteral("audit-key"),
        QStringLiteral("The audit key that signs the log's head (Ed25519, made at first use, mode 0600, its "
                       "public key written beside it as FILE.pub.pem; default: "
                       "$XDG_CONFIG_HOME/veridicor/audit-key.pem, else ~/.config/veridicor/audit-key.pem)."),
        QStringLiteral("FILE"));
    const QCommandLineOption auditWitness(
        QStringLiteral("audit-witness"),
        QStringLiteral("Also append each signed head of the audit log to this witness file (the site's audit "
                       "repository), so that 'audit-verify --witness' finds a log rolled back."),
        QStringLiteral("FILE"));
    parser.addOptions({trust, data, at, audit, auditKey, auditWitness});
    parser.addPositionalArgument(QStringLiteral("bundle"), QStringLiteral("The *.finding.json bundle."),
                                 QStringLiteral("BUNDLE"));
    int code = 0;
    if (!parseOrExplain(parser, args, code)) {
        return code;
    }
    if (!parser.isSet(trust) || !parser.isSet(data) || parser.positionalArguments().size() != 1 ||
        ((parser.isSet(auditKey) || parser.isSet(auditWitness)) && !parser.isSet(audit))) {
        return fail("verify", "usage: verify --trust DIR --data INPUT [--at RFC3339] [--audit-log FILE "
                              "[--audit-key FILE] [--audit-witness FILE]] BUNDLE");
    }
    verify::TimePoint when = verify::now();
    if (parser.isSet(at)) {
        auto t = verify::parseRfc3339(parser.value(at).toStdString());
        if (!t) {
            return fail("verify", "--at '" + parser.value(at).toStdString() +
                                      "' is not an RFC 3339 time such as 2026-11-28T10:15:00Z");
        }
        when = *t;
    }
    auto store = verify::TrustStore::load(parser.value(trust).toStdString());
    if (!store) {
        return fail("verify", store.error().message);
    }
    auto input = verify::openInput(parser.value(data).toStdString());
    if (!input) {
        return fail("verify", input.error().message);
    }
    const std::filesystem::path bundlePath = parser.positionalArguments().front().toStdString();
    const verify::Verifier verifier(*store);
    auto verdict = verifier.verifyFile(bundlePath, *input, when);
    if (!verdict) {
        return fail("verify", verdict.error().message);
    }
    if (parser.isSet(audit)) {
        auto key = parser.isSet(auditKey)
                       ? verify::AuditKey::loadOrCreate(parser.value(auditKey).toStdString())
                       : verify::AuditKey::loadOrCreateDefault();
        if (!key) {
            return fail("verify",
                        "the verification could not be recorded in the audit log: " + key.error().message);
        }
        const verify::AuditLog log(parser.value(audit).toStdString(), std::move(*key),
                                   parser.value(auditWitness).toStdString());
        if (auto r = log.append(verify::AuditEntry::fromVerdict(*verdict, bundlePath)); !r) {
            return fail("verify",
                        "the verification could not be recorded in the audit log: " + r.error().message);
        }
    }
    printOut(verify::verdictToJson(*verdict));
    return verdict->trusted() ? ExitOk : ExitFailure;
}

} // namespace veridicor::cli
