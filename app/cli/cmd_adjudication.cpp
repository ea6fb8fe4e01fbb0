// veridicor-cli adjudication-sign --key K --chain C --reading-sr READING.dcm --adjudication ADJUDICATION.json -o OUT.dcm
// veridicor-cli adjudication-verify --trust DIR [--at T] [--reading-sr READING.dcm] ADJUDICATION.dcm
// The adjudication of a discordant study as a signed DICOM Comprehensive SR (reading/adjudication_sr.h): thin
// shells over the library, as reading-sign / reading-verify.
#include "cli_support.h"
#include "commands.h"

#include <veridicor/reading/adjudication.h>
#include <veridicor/reading/adjudication_sr.h>
#include <veridicor/verify/keys.h>
#include <veridicor/verify/time.h>
#include <veridicor/verify/trust_store.h>

#include <filesystem>

namespace veridicor::cli {

int runAdjudicationSign(const QStringList& args) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Write the adjudication of a signed reading SR (the final label of each discordant category, with a "
        "reason) as a DICOM Comprehensive SR signed with DCMTK dcmsign, like reading-sign. The adjudicator may "
        "not be the reading's signer. An existing output file is never overwritten."));
    const QCommandLineOption key(QStringLiteral("key"), QStringLiteral("The adjudicator's private key (PEM)."),
                                 QStringLiteral("K"));
    const QCommandLineOption chain(QStringLiteral("chain"),
                                   QStringLiteral("The adjudicator's certificate chain, leaf first (PEM)."),
                                   QStringLiteral("C"));
    const QCommandLineOption readingSr(QStringLiteral("reading-sr"),
                                       QStringLiteral("The signed reading SR adjudicated."),
                                       QStringLiteral("READING.dcm"));
    const QCommandLineOption adjudication(
        QStringLiteral("adjudication"), QStringLiteral("The adjudication (ADJUDICATION.json, see reading/README.md)."),
        QStringLiteral("ADJUDICATION.json"));
    const QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")},
                                    QStringLiteral("The SR to write."), QStringLiteral("OUT.dcm"));
    parser.addOptions({key, chain, readingSr, adjudication, output});
    int code = 0;
    if (!parseOrExplain(parser, args, code)) {
        return code;
    }
    if (!parser.isSet(key) || !parser.isSet(chain) || !parser.isSet(readingSr) || !parser.isSet(adjudication) ||
        !parser.isSet(output) || !parser.positionalArguments().isEmpty()) {
        return fail("adjudication-sign", "usage: adjudication-sign --key K --chain C --reading-sr READING.dcm "
                                         "--adjudication ADJUDICATION.json -o OUT.dcm");
    }
    auto text =
        verify::readFileBounded(parser.value(adjudication).toStdString(), reading::kMaxAdjudicationJsonBytes);
    if (!text) {
        return fail("adjudication-sign", text.error().message);
    }
    auto parsed = reading::parseAdjudicationJson(*text);
    if (!parsed) {
        return fail("adjudication-sign", parsed.error().message);
    }
    reading::AdjudicationWriteOptions options;
    options.signer = reading::SignerFiles{parser.value(key).toStdString(), parser.value(chain).toStdString()};
    auto written = reading::writeAdjudicationSr(*parsed, parser.value(readingSr).toStdString(), options,
                                                parser.value(output).toStdString());
    if (!written) {
        return fail("adjudication-sign", written.error().message);
    }
    printOut("Signed adjudication by " + written->observerName + ": " + parser.value(output).toStdString() +
             " (SOP Instance UID " + written->sopInstanceUID + ")\n");
    return ExitOk;
}

int runAdjudicationVerify(const QStringList& args) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Verify a signed adjudication SR against a trust store, as reading-verify verifies a reading, and that "
        "the adjudicator is not the reading's signer. With --reading-sr, also that the SR settles that reading "
        "(same patient, study and recording). Prints the verdict JSON (\"adjudication\" only when trusted). "
        "Exit status: 0 trusted, 1 untrusted, 2 usage error or unreadable input."));
    const QCommandLineOption trust(QStringLiteral("trust"), QStringLiteral("Trust store folder."),
                                   QStringLiteral("DIR"));
    const QCommandLineOption at(QStringLiteral("at"), QStringLiteral("Verification time (default: now)."),
                                QStringLiteral("T"));
    const QCommandLineOption readingSr(QStringLiteral("reading-sr"),
                                       QStringLiteral("The reading SR the adjudication settles (optional)."),
                                       QStringLiteral("READING.dcm"));
    parser.addOptions({trust, at, readingSr});
    parser.addPositionalArgument(QStringLiteral("adjudication"), QStringLiteral("The adjudication SR."),
                                 QStringLiteral("ADJUDICATION.dcm"));
    int code = 0;
    if (!parseOrExplain(parser, args, code)) {
        return code;
    }
    if (!parser.isSet(trust) || parser.positionalArguments().size() != 1) {
        return fail("adjudication-verify",
                    "usage: adjudication-verify --trust DIR [--at T] [--reading-sr READING.dcm] ADJUDICATION.dcm");
    }
    verify::TimePoint when = verify::now();
    if (parser.isSet(at)) {
        auto t = verify::parseRfc3339(parser.value(at).toStdString());
        if (!t) {
            return fail("adjudication-verify", "--at '" + parser.value(at).toStdString() +
                                                   "' is not an RFC 3339 time such as 2026-11-28T10:15:00Z");
        }
        when = *t;
    }
    auto store = verify::TrustStore::load(parser.value(trust).toStdString());
    if (!store) {
        return fail("adjudication-verify", store.error().message);
    }
    const std::filesystem::path reading = parser.value(readingSr).toStdString();
    auto verdict = reading::verifyAdjudicationFile(parser.positionalArguments().front().toStdString(), *store, when,
                                                   nullptr, parser.isSet(readingSr) ? &reading : nullptr);
    if (!verdict) {
        return fail("adjudication-verify", verdict.error().message);
    }
    printOut(reading::adjudicationVerdictToJson(*verdict));
    return verdict->trusted() ? ExitOk : ExitFailure;
}

} // namespace veridicor::cli
