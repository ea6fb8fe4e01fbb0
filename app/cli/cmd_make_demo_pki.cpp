// veridicor-cli make-demo-pki OUT_DIR [--at RFC3339] — a complete demo PKI and trust store (keys made here,
// now).
#include "cli_support.h"
#include "commands.h"

#include <veridicor/verify/pki.h>

namespace veridicor::cli {

int runMakeDemoPki(const QStringList& args) {
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Generate a demo PKI and trust store in OUT_DIR: root and signing CA, "
                       "finding/model/revoked/expired/unknown "
                       "signers, two demo models signed with OMS v1.0, a CRL and policy.json. For "
                       "demonstrations and tests only: "
                       "the private keys are written unprotected. See OUT_DIR/README.txt."));
    const QCommandLineOption at(QStringLiteral("at"),
                                QStringLiteral("The time to make it at (default: now)."),
                                QStringLiteral("RFC3339"));
    parser.addOption(at);
    parser.addPositionalArgument(QStringLiteral("out"), QStringLiteral("Folder to write."),
                                 QStringLiteral("OUT_DIR"));
    int code = 0;
    if (!parseOrExplain(parser, args, code)) {
        return code;
    }
    if (parser.positionalArguments().size() != 1) {
        return fail("make-demo-pki", "usage: make-demo-pki OUT_DIR [--at RFC3339]");
    }
    verify::TimePoint when = verify::now();
    if (parser.isSet(at)) {
        auto t = verify::parseRfc3339(parser.value(at).toStdString());
        if (!t) {
            return fail("make-demo-pki", "--at is not an RFC 3339 time");
        }
        when = *t;
    }
    auto pki = verify::writeDemoPki(parser.positionalArguments().front().toStdString(), when);
    if (!pki) {
        return fail("make-demo-pki", pki.error().message);
    }
    printOut("demo PKI written: trust store " + pki->trustStore.string() + ", signers " +
             pki->signers.string() + "\n");
    return ExitOk;
}

} // namespace veridicor::cli
