// veridicor-cli report --reading R.dcm --data RECORDING [--findings DIR] [--trust DIR] [--at T] -o report.pdf
// The study's report as a PDF (report/): a thin shell over gatherReport() and writeReportPdf().
#include "cli_support.h"
#include "commands.h"

#include <veridicor/report/pdf_writer.h>
#include <veridicor/report/report.h>
#include <veridicor/verify/time.h>

namespace veridicor::cli {

int runReport(const QStringList& args) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Write the report of a recording as a PDF: the ECG on true-scale paper (25 mm/s, 10 mm/mV, 3x4 + rhythm "
        "strip), the clinician's reading with its verification, the AI findings with theirs, and the "
        "side-by-side agreement rows. Without --trust nothing can be verified and the report says so; the "
        "content of an unverified reading or finding is never printed. Exit status: 0 written, 2 usage error, "
        "unreadable input or unwritable output (no PDF is left behind)."));
    const QCommandLineOption readingFile(QStringLiteral("reading"), QStringLiteral("The reading SR."),
                                         QStringLiteral("R.dcm"));
    const QCommandLineOption data(QStringLiteral("data"), QStringLiteral("The DICOM recording."),
                                  QStringLiteral("RECORDING"));
    const QCommandLineOption findings(QStringLiteral("findings"),
                                      QStringLiteral("A finding file, or a folder searched for *.finding.json."),
                                      QStringLiteral("DIR"));
    const QCommandLineOption trust(QStringLiteral("trust"), QStringLiteral("Trust store folder."),
                                   QStringLiteral("DIR"));
    const QCommandLineOption at(QStringLiteral("at"), QStringLiteral("Verification time (default: now)."),
                                QStringLiteral("T"));
    const QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")},
                                    QStringLiteral("The PDF to write."), QStringLiteral("report.pdf"));
    parser.addOptions({readingFile, data, findings, trust, at, output});
    int code = 0;
    if (!parseOrExplain(parser, args, code)) {
        return code;
    }
    if (!parser.isSet(readingFile) || !parser.isSet(data) || !parser.isSet(output) ||
        !parser.positionalArguments().isEmpty()) {
        return fail("report", "usage: report --reading R.dcm --data RECORDING [--findings DIR] [--trust DIR] "
                              "[--at T] -o report.pdf");
    }
    report::ReportRequest request;
    request.recording = parser.value(data).toStdString();
    request.reading = parser.value(readingFile).toStdString();
    request.findings = parser.value(findings).toStdString();
    request.trustStore = parser.value(trust).toStdString();
    request.workstationVersion = VERIDICOR_VERSION;
    if (parser.isSet(at)) {
        auto t = verify::parseRfc3339(parser.value(at).toStdString());
        if (!t) {
            return fail("report", "--at '" + parser.value(at).toStdString() +
                                      "' is not an RFC 3339 time such as 2026-11-28T10:15:00Z");
        }
        request.at = *t;
    }
    auto gathered = report::gatherReport(request);
    if (!gathered) {
        return fail("report", gathered.error().message);
    }
    const std::string out = parser.value(output).toStdString();
    if (auto written = report::writeReportPdf(*gathered, out); !written) {
        return fail("report", written.error().message);
    }
    std::size_t verified = 0;
    std::size_t notVerified = 0;
    for (const auto& f : gathered->findings) {
        if (f.route == verify::FindingRoute::UnopenedFile) {
            continue;
        }
        (f.trusted() ? verified : notVerified) += 1;
    }
    const bool readingVerified = gathered->reading && gathered->reading->verdict && gathered->reading->verdict->trusted();
    printOut("Wrote " + out + ": reading " + (readingVerified ? "verified" : "NOT verified") + "; AI findings: " +
             std::to_string(verified) + " verified, " + std::to_string(notVerified) + " not verified\n");
    return ExitOk;
}

} // namespace veridicor::cli
