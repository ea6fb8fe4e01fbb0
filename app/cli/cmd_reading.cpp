// veridicor-cli reading-sign --key K --chain C --data RECORDING --reading READING.json -o OUT.dcm
// veridicor-cli reading-verify --trust DIR [--at T] READING.dcm
// veridicor-cli reading-show READING.dcm
// The clinician's reading as a signed DICOM Comprehensive SR (reading/): thin shells over the library.
#include "cli_support.h"
#include "commands.h"

#include <veridicor/reading/reading.h>
#include <veridicor/reading/reading_verifier.h>
#include <veridicor/reading/sr_reader.h>
#include <veridicor/reading/sr_writer.h>
#include <veridicor/verify/keys.h>
#include <veridicor/verify/time.h>
#include <veridicor/verify/trust_store.h>

namespace veridicor::cli {

int runReadingSign(const QStringList& args) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Write a clinician's reading of RECORDING as a DICOM Comprehensive SR signed with DCMTK dcmsign "
        "(final: Completion COMPLETE, Verification VERIFIED). Keys: ECDSA P-256/P-384 or RSA of at least 2048 "
        "bits; SHA-256. An existing output file is never overwritten."));
    const QCommandLineOption key(QStringLiteral("key"), QStringLiteral("The reader's private key (PEM)."),
                                 QStringLiteral("K"));
    const QCommandLineOption chain(QStringLiteral("chain"),
                                   QStringLiteral("The reader's certificate chain, leaf first (PEM)."),
                                   QStringLiteral("C"));
    const QCommandLineOption data(QStringLiteral("data"), QStringLiteral("The DICOM recording that was read."),
                                  QStringLiteral("RECORDING"));
    const QCommandLineOption readingFile(QStringLiteral("reading"),
                                         QStringLiteral("The reading (READING.json, see reading/README.md)."),
                                         QStringLiteral("READING.json"));
    const QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")},
                                    QStringLiteral("The SR to write."), QStringLiteral("OUT.dcm"));
    parser.addOptions({key, chain, data, readingFile, output});
    int code = 0;
    if (!parseOrExplain(parser, args, code)) {
        return code;
    }
    if (!parser.isSet(key) || !parser.isSet(chain) || !parser.isSet(data) || !parser.isSet(readingFile) ||
        !parser.isSet(output) || !parser.positionalArguments().isEmpty()) {
        return fail("reading-sign",
                    "usage: reading-sign --key K --chain C --data RECORDING --reading READING.json -o OUT.dcm");
    }
    auto text = verify::readFileBounded(parser.value(readingFile).toStdString(), reading::kMaxJsonBytes);
    if (!text) {
        return fail("reading-sign", text.error().message);
    }
    auto parsed = reading::parseReadingJson(*text);
    if (!parsed) {
        return fail("reading-sign", parsed.error().message);
    }
    reading::SrWriteOptions options;
    options.signer = reading::SignerFiles{parser.value(key).toStdString(), parser.value(chain).toStdString()};
    auto written = reading::writeReadingSr(*parsed, parser.value(data).toStdString(), options,
                                           parser.value(output).toStdString());
    if (!written) {
        return fail("reading-sign", written.error().message);
    }
    printOut("Signed reading by " + written->observerName + ": " + parser.value(output).toStdString() +
             " (SOP Instance UID " + written->sopInstanceUID + ")\n");
    return ExitOk;
}

int runReadingVerify(const QStringList& args) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Verify a signed reading SR against a trust store: its DICOM signature (dcmsign) over the whole "
        "report, the signer's chain, revocation, and that the policy's readingSigners allow the signer. "
        "Prints the verdict JSON (\"reading\" only when trusted). Exit status: 0 trusted, 1 untrusted, 2 "
        "usage error or unreadable input."));
    const QCommandLineOption trust(QStringLiteral("trust"), QStringLiteral("Trust store folder."),
                                   QStringLiteral("DIR"));
    const QCommandLineOption at(QStringLiteral("at"), QStringLiteral("Verification time (default: now)."),
                                QStringLiteral("T"));
    parser.addOptions({trust, at});
    parser.addPositionalArgument(QStringLiteral("reading"), QStringLiteral("The reading SR."),
                                 QStringLiteral("READING.dcm"));
    int code = 0;
    if (!parseOrExplain(parser, args, code)) {
        return code;
    }
    if (!parser.isSet(trust) || parser.positionalArguments().size() != 1) {
        return fail("reading-verify", "usage: reading-verify --trust DIR [--at T] READING.dcm");
    }
    verify::TimePoint when = verify::now();
    if (parser.isSet(at)) {
        auto t = verify::parseRfc3339(parser.value(at).toStdString());
        if (!t) {
            return fail("reading-verify", "--at '" + parser.value(at).toStdString() +
                                              "' is not an RFC 3339 time such as 2026-11-28T10:15:00Z");
        }
        when = *t;
    }
    auto store = verify::TrustStore::load(parser.value(trust).toStdString());
    if (!store) {
        return fail("reading-verify", store.error().message);
    }
    auto verdict = reading::verifyReadingFile(parser.positionalArguments().front().toStdString(), *store, when);
    if (!verdict) {
        return fail("reading-verify", verdict.error().message);
    }
    printOut(reading::readingVerdictToJson(*verdict));
    return verdict->trusted() ? ExitOk : ExitFailure;
}

int runReadingShow(const QStringList& args) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Print a reading SR's content as JSON, marked \"verified\": false: nothing is checked (use "
        "reading-verify)."));
    parser.addPositionalArgument(QStringLiteral("reading"), QStringLiteral("The reading SR."),
                                 QStringLiteral("READING.dcm"));
    int code = 0;
    if (!parseOrExplain(parser, args, code)) {
        return code;
    }
    if (parser.positionalArguments().size() != 1) {
        return fail("reading-show", "usage: reading-show READING.dcm");
    }
    auto doc = reading::readReadingSr(parser.positionalArguments().front().toStdString());
    if (!doc) {
        return fail("reading-show", doc.error().message);
    }
    printOut(reading::unverifiedReadingToJson(*doc));
    return ExitOk;
}

} // namespace veridicor::cli
