// veridicor-cli ecg-export FILE --group N --csv — the samples of one waveform group as CSV, in microvolts.
#include "cli_support.h"
#include "commands.h"

#include <veridicor/ecg/dicom_reader.h>
#include <veridicor/ecg/export.h>

#include <cstdio>
#include <iostream>

namespace veridicor::cli {

int runEcgExport(const QStringList& args) {
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Write the samples of one waveform group of a DICOM ECG to stdout as CSV: a header "
                       "row of lead labels, "
                       "then one row per sample, one column per lead, in microvolts as exact decimals."));
    parser.addPositionalArgument(QStringLiteral("file"), QStringLiteral("The DICOM file."),
                                 QStringLiteral("FILE"));
    const QCommandLineOption group(QStringLiteral("group"),
                                   QStringLiteral("Waveform group to export: its 0-based index in ecg-info's "
                                                  "\"groups\" (default 0)."),
                                   QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption csv(QStringLiteral("csv"), QStringLiteral("Write CSV (the only format)."));
    parser.addOption(group);
    parser.addOption(csv);
    int code = 0;
    if (!parseOrExplain(parser, args, code)) {
        return code;
    }
    if (parser.positionalArguments().size() != 1) {
        return fail("ecg-export", "give exactly one file");
    }
    if (!parser.isSet(csv)) {
        return fail("ecg-export", "give the output format: --csv");
    }
    bool ok = false;
    const int index = parser.value(group).toInt(&ok);
    if (!ok || index < 0) {
        return fail("ecg-export",
                    "--group needs a group index (0, 1, …), not '" + parser.value(group).toStdString() + "'");
    }
    auto rec = ecg::readEcg(parser.positionalArguments().constFirst().toStdString());
    if (!rec) {
        return fail("ecg-export", rec.error().message);
    }
    if (static_cast<std::size_t>(index) >= rec->groups.size()) {
        return fail("ecg-export", "the file has " + std::to_string(rec->groups.size()) +
                                      " waveform group(s) (0-based); there is no group " +
                                      std::to_string(index));
    }
    std::ios::sync_with_stdio(false);
    ecg::writeCsv(rec->groups[static_cast<std::size_t>(index)], std::cout);
    std::cout.flush();
    if (!std::cout) {
        return fail("ecg-export", "could not write to stdout");
    }
    return ExitOk;
}

} // namespace veridicor::cli
