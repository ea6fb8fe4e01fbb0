// veridicor-cli input-digest --method METHOD [--attributes] FILE
// Prints the lowercase hexadecimal digest of FILE by any digest method of finding-bundle-v1 (Revision 2), so
// that other implementations can be checked against ours. With --attributes, the v2 methods also print the
// JSON object of attribute path → SHA-256 that sign-finding puts in input.attributes.
#include "cli_support.h"
#include "commands.h"

#include <veridicor/verify/input_digest.h>
#include <veridicor/verify/json.h>

namespace veridicor::cli {

int runInputDigest(const QStringList& args) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Print the digest of FILE by a digest method of the finding bundle specification: dicom-waveform-v2, "
        "dicom-pixeldata-v2, dicom-waveform-v1, dicom-pixeldata-v1, wfdb-record-v1 or file-v1. The method is "
        "applied as named, whether or not it would bind FILE in a verification.\n"
        "Exit status: 0 printed, 2 usage error or a file the method cannot digest."));
    const QCommandLineOption method(QStringLiteral("method"), QStringLiteral("The digest method."),
                                    QStringLiteral("METHOD"));
    const QCommandLineOption attributes(
        QStringLiteral("attributes"),
        QStringLiteral(
            "Also print the attribute digests of a v2 method, as a JSON object on the next line."));
    parser.addOptions({method, attributes});
    parser.addPositionalArgument(QStringLiteral("file"), QStringLiteral("The recording."),
                                 QStringLiteral("FILE"));
    int code = 0;
    if (!parseOrExplain(parser, args, code)) {
        return code;
    }
    if (!parser.isSet(method) || parser.positionalArguments().size() != 1) {
        return fail("input-digest", "usage: input-digest --method METHOD [--attributes] FILE");
    }
    const auto m = verify::digestMethodFromName(parser.value(method).toStdString());
    if (!m) {
        return fail("input-digest", "--method '" + parser.value(method).toStdString() +
                                        "' is not a digest method (dicom-waveform-v2, dicom-pixeldata-v2, "
                                        "dicom-waveform-v1, dicom-pixeldata-v1, wfdb-record-v1, file-v1)");
    }
    auto d = verify::digestByMethod(parser.positionalArguments().front().toStdString(), *m);
    if (!d) {
        return fail("input-digest", d.error().message);
    }
    std::string out = d->sha256 + "\n";
    if (parser.isSet(attributes)) {
        verify::json::Value map = verify::json::Value::object();
        for (const auto& a : d->attributes) {
            map.set(a.path, verify::json::Value::string(a.sha256));
        }
        out += verify::json::serialize(map) + "\n";
    }
    printOut(out);
    return ExitOk;
}

} // namespace veridicor::cli
