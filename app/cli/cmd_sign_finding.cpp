// veridicor-cli sign-finding --key KEY.pem --chain CHAIN.pem --data INPUT --predicate PRED.json -o BUNDLE
// Makes a finding bundle from a producer's predicate: fills subject, digest method and attachment digests.
#include "cli_support.h"
#include "commands.h"

#include <veridicor/verify/input_digest.h>
#include <veridicor/verify/json.h>
#include <veridicor/verify/pki.h>
#include <veridicor/verify/signer.h>

namespace veridicor::cli {

int runSignFinding(const QStringList& args) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Sign an AI finding (urn:veridicor:ai-finding:v1) for "
                                                    "INPUT. The subject, input.digestMethod (and the "
                                                    "input's modality and UIDs when left out) and each "
                                                    "attachment's digest are filled in; attachments are read "
                                                    "from the folder of the output bundle."));
    const QCommandLineOption key(QStringLiteral("key"), QStringLiteral("Signer's private key (PEM, PKCS#8)."),
                                 QStringLiteral("KEY.pem"));
    const QCommandLineOption chain(QStringLiteral("chain"),
                                   QStringLiteral("Signer's certificate chain, leaf first (PEM)."),
                                   QStringLiteral("CHAIN.pem"));
    const QCommandLineOption data(QStringLiteral("data"),
                                  QStringLiteral("The recording the finding is about."),
                                  QStringLiteral("INPUT"));
    const QCommandLineOption predicate(QStringLiteral("predicate"),
                                       QStringLiteral("The producer's predicate (JSON)."),
                                       QStringLiteral("PRED.json"));
    const QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")},
                                    QStringLiteral("The bundle to write (*.finding.json)."),
                                    QStringLiteral("BUNDLE"));
    const QCommandLineOption method(
        QStringLiteral("method"),
        QStringLiteral("The digest method that binds the finding (default: the best for the input — "
                       "dicom-waveform-v2 or dicom-pixeldata-v2 for DICOM, wfdb-record-v1 for a WFDB record, "
                       "else file-v1)."),
        QStringLiteral("METHOD"));
    const QCommandLineOption tsaKey(
        QStringLiteral("tsa-key"),
        QStringLiteral("Add an RFC 3161 timestamp made with this local TSA key (PEM)."), QStringLiteral("K"));
    const QCommandLineOption tsaChain(QStringLiteral("tsa-chain"),
                                      QStringLiteral("The local TSA's certificate chain, leaf first (PEM)."),
                                      QStringLiteral("C"));
    parser.addOptions({key, chain, data, predicate, output, method, tsaKey, tsaChain});
    int code = 0;
    if (!parseOrExplain(parser, args, code)) {
        return code;
    }
    if (!parser.isSet(key) || !parser.isSet(chain) || !parser.isSet(data) || !parser.isSet(predicate) ||
        !parser.isSet(output) || !parser.positionalArguments().isEmpty()) {
        return fail("sign-finding",
                    "usage: sign-finding --key KEY.pem --chain CHAIN.pem --data INPUT "
                    "--predicate PRED.json -o BUNDLE [--method METHOD] [--tsa-key K --tsa-chain C]");
    }
    auto identity =
        verify::SigningIdentity::load(parser.value(key).toStdString(), parser.value(chain).toStdString());
    if (!identity) {
        return fail("sign-finding", identity.error().message);
    }
    auto input = verify::openInput(parser.value(data).toStdString());
    if (!input) {
        return fail("sign-finding", input.error().message);
    }
    const std::filesystem::path predPath = parser.value(predicate).toStdString();
    auto predText = verify::readFileBounded(predPath, std::size_t{64} << 20);
    if (!predText) {
        return fail("sign-finding", predText.error().message);
    }
    auto pred = verify::json::parse(*predText);
    if (!pred) {
        return fail("sign-finding", "'" + predPath.string() + "' is not valid JSON: " + pred.error().message +
                                        " (at byte " + std::to_string(pred.error().offset) + ")");
    }
    const std::filesystem::path out = parser.value(output).toStdString();
    const std::filesystem::path folder =
        out.parent_path().empty() ? std::filesystem::path(".") : out.parent_path();
    verify::FindingSignOptions options;
    if (parser.isSet(method)) {
        options.method = verify::digestMethodFromName(parser.value(method).toStdString());
        if (!options.method) {
            return fail("sign-finding",
                        "--method '" + parser.value(method).toStdString() +
                            "' is not a digest method (dicom-waveform-v2, dicom-pixeldata-v2, "
                            "dicom-waveform-v1, dicom-pixeldata-v1, wfdb-record-v1, file-v1)");
        }
    }
    if (parser.isSet(tsaKey) != parser.isSet(tsaChain)) {
        return fail("sign-finding", "--tsa-key and --tsa-chain go together");
    }
    if (parser.isSet(tsaKey)) {
        auto tsa = verify::TimestampAuthority::load(parser.value(tsaKey).toStdString(),
                                                    parser.value(tsaChain).toStdString());
        if (!tsa) {
            return fail("sign-finding", tsa.error().message);
        }
        options.timestamp = std::move(*tsa);
    }
    auto bundle = verify::signFinding(*identity, *pred, *input, folder, options);
    if (!bundle) {
        return fail("sign-finding", bundle.error().message);
    }
    if (auto w = verify::writeTextFile(out, *bundle + "\n"); !w) {
        return fail("sign-finding", w.error().message);
    }
    return ExitOk;
}

} // namespace veridicor::cli
