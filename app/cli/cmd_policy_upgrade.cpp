// veridicor-cli policy-upgrade --trust DIR -o policy.json [--evidence PATH]... [--at RFC3339]
// Writes a version 2 policy from the store's version 1 one (R2.3) for an administrator to review; the notes
// that say what was pinned, from what, and what to check go to stdout.
#include "cli_support.h"
#include "commands.h"

#include <veridicor/verify/policy_upgrade.h>
#include <veridicor/verify/trust_store.h>

#include <QSaveFile>

namespace veridicor::cli {

int runPolicyUpgrade(const QStringList& args) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Write a version 2 policy.json from the trust store's version 1 one: each signer name becomes a "
        "typed "
        "identity (dns: or cn:, as version 1 matched it) pinned to the CA that issues it today, as shown by "
        "certificates that authenticate under the store: its models/*.sig and each --evidence (a finding "
        "bundle *.finding.json, a model signature *.sig, a folder searched for *.finding.json, or a PEM "
        "certificate chain, leaf first). Nothing is installed: the notes on stdout say what was pinned and "
        "from what, and what to check; compare each \"ca\" with the CA certificate you expect (openssl x509 "
        "-in CA.pem -pubkey -noout | openssl pkey -pubin -outform der | sha256sum). Exit status: 0 written, "
        "2 "
        "usage error, unreadable input, a policy already at version 2, or a signer that cannot be pinned."));
    const QCommandLineOption trust(QStringLiteral("trust"), QStringLiteral("Trust store folder (version 1)."),
                                   QStringLiteral("DIR"));
    const QCommandLineOption output(
        {QStringLiteral("o"), QStringLiteral("output")},
        QStringLiteral("Where to write the version 2 policy (may be DIR/policy.json "
                       "itself, replacing it)."),
        QStringLiteral("FILE"));
    const QCommandLineOption evidence(
        QStringLiteral("evidence"),
        QStringLiteral(
            "A finding bundle, model signature, folder of finding bundles or PEM certificate chain "
            "showing who issues a signer (repeatable)."),
        QStringLiteral("PATH"));
    const QCommandLineOption at(QStringLiteral("at"),
                                QStringLiteral("Judge the evidence at this time (default: now)."),
                                QStringLiteral("RFC3339"));
    parser.addOptions({trust, output, evidence, at});
    int code = 0;
    if (!parseOrExplain(parser, args, code)) {
        return code;
    }
    if (!parser.isSet(trust) || !parser.isSet(output) || !parser.positionalArguments().isEmpty()) {
        return fail("policy-upgrade",
                    "usage: policy-upgrade --trust DIR -o policy.json [--evidence PATH]... [--at RFC3339]");
    }
    verify::TimePoint when = verify::now();
    if (parser.isSet(at)) {
        auto t = verify::parseRfc3339(parser.value(at).toStdString());
        if (!t) {
            return fail("policy-upgrade",
                        "--at '" + parser.value(at).toStdString() + "' is not an RFC 3339 time");
        }
        when = *t;
    }
    const std::filesystem::path dir = parser.value(trust).toStdString();
    auto store = verify::TrustStore::load(dir);
    if (!store) {
        return fail("policy-upgrade", store.error().message);
    }
    std::vector<std::filesystem::path> paths;
    for (const QString& p : parser.values(evidence)) {
        paths.emplace_back(p.toStdString());
    }
    auto upgrade = verify::upgradePolicy(*store, paths, when);
    if (!upgrade) {
        const bool unpinned = upgrade.error().message.rfind("cannot pin", 0) == 0;
        return fail("policy-upgrade", upgrade.error().message +
                                          (unpinned ? " Give each with --evidence PATH (repeatable)." : ""));
    }

    const QString out = parser.value(output);
    QSaveFile file(out); // written whole or not at all: it may replace the store's own policy.json
    const QByteArray bytes = QByteArray::fromStdString(upgrade->policyJson);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        return fail("policy-upgrade",
                    "cannot write '" + out.toStdString() + "': " + file.errorString().toStdString());
    }

    std::size_t rules = 0;
    for (const auto& m : upgrade->policy.models) {
        rules += m.modelSigners.size() + m.findingSigners.size();
    }
    std::size_t warnings = 0;
    std::string text = "Policy of '" + dir.string() +
                       "' upgraded from version 1 to 2, with evidence judged at " +
                       verify::formatRfc3339(when) + ".\n";
    for (const auto& n : upgrade->notes) {
        warnings += n.severity == verify::PolicyUpgradeNote::Severity::Warning ? 1 : 0;
        text += std::string(verify::severityName(n.severity)) + ": " + n.text + "\n";
    }
    text +=
        "Wrote '" + out.toStdString() + "': " + std::to_string(upgrade->policy.models.size()) + " models, " +
        std::to_string(rules) + " signer rules" +
        (warnings > 0 ? ", " + std::to_string(warnings) + " warnings that need a decision" : std::string()) +
        ". Review it and the notes before it replaces '" + (dir / "policy.json").string() + "'.\n";
    printOut(text);
    return ExitOk;
}

} // namespace veridicor::cli
