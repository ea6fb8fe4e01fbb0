// veridicor-cli agreement PATHS... --trust DIR [--by model,category,reader] [--json|--csv] [--at T]
// Agreement of the AI with the clinician over a review set of files and folders (review/collect.h,
// review/agreement_export.h): a thin shell over the library.
#include "cli_support.h"
#include "commands.h"

#include <veridicor/review/agreement_export.h>
#include <veridicor/review/collect.h>
#include <veridicor/verify/time.h>
#include <veridicor/verify/trust_store.h>

#include <cstdio>
#include <filesystem>
#include <vector>

namespace veridicor::cli {

int runAgreement(const QStringList& args) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Agreement of the AI's findings with the clinicians' readings over the studies under PATHS: only "
        "verified findings and signed, verified readings (each bound to its recording) count. Prints a table "
        "(what was left out, and why, on stderr), or JSON / CSV with the left-out list inside. Exit status: 0 "
        "figures printed, 1 nothing could be counted, 2 usage error or unreadable trust store."));
    const QCommandLineOption trust(QStringLiteral("trust"), QStringLiteral("Trust store folder."),
                                   QStringLiteral("DIR"));
    const QCommandLineOption by(QStringLiteral("by"),
                                QStringLiteral("Grouping keys, a subset of model,category,reader (default "
                                               "model,category); a key not chosen is pooled."),
                                QStringLiteral("KEYS"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print JSON (review/README.md)."));
    const QCommandLineOption csv(QStringLiteral("csv"), QStringLiteral("Print CSV."));
    const QCommandLineOption at(QStringLiteral("at"), QStringLiteral("Verification time (default: now)."),
                                QStringLiteral("T"));
    parser.addOptions({trust, by, json, csv, at});
    parser.addPositionalArgument(QStringLiteral("paths"), QStringLiteral("Files and folders of the studies."),
                                 QStringLiteral("PATHS..."));
    int code = 0;
    if (!parseOrExplain(parser, args, code)) {
        return code;
    }
    const char* usage = "usage: agreement PATHS... --trust DIR [--by model,category,reader] [--json|--csv] [--at T]";
    if (!parser.isSet(trust) || parser.positionalArguments().isEmpty() || (parser.isSet(json) && parser.isSet(csv))) {
        return fail("agreement", usage);
    }
    review::GroupBy groupBy;
    if (parser.isSet(by)) {
        auto parsed = review::parseGroupBy(parser.value(by).toStdString());
        if (!parsed) {
            return fail("agreement", "--by '" + parser.value(by).toStdString() +
                                         "' is not a list of model, category, reader (each at most once)");
        }
        groupBy = *parsed;
    }
    verify::TimePoint when = verify::now();
    if (parser.isSet(at)) {
        auto t = verify::parseRfc3339(parser.value(at).toStdString());
        if (!t) {
            return fail("agreement", "--at '" + parser.value(at).toStdString() +
                                         "' is not an RFC 3339 time such as 2026-11-28T10:15:00Z");
        }
        when = *t;
    }
    auto store = verify::TrustStore::load(parser.value(trust).toStdString());
    if (!store) {
        return fail("agreement", store.error().message);
    }
    std::vector<std::filesystem::path> paths;
    for (const QString& p : parser.positionalArguments()) {
        std::error_code ec;
        if (!std::filesystem::exists(p.toStdString(), ec)) {
            return fail("agreement", "no such file or folder: " + p.toStdString());
        }
        paths.emplace_back(p.toStdString());
    }
    const review::ReviewSet set = review::collectReviewSet(paths, *store, when);
    review::AgreementGroups groups;
    for (const review::ReviewedStudy& s : set.studies) {
        review::addReviewedStudy(groups, s);
    }
    if (parser.isSet(json)) {
        printOut(review::agreementToJson(groups, set.leftOut, groupBy));
    } else if (parser.isSet(csv)) {
        printOut(review::agreementToCsv(groups, set.leftOut, groupBy));
    } else {
        printOut(std::to_string(set.studies.size()) + " reviewed (study, model) pair(s), " +
                 std::to_string(set.leftOut.size()) + " item(s) left out (listed on stderr)\n");
        printOut(review::agreementToText(groups, groupBy));
        // Not checked: a left-out list that cannot be written has nowhere else to go.
        static_cast<void>(std::fputs(review::leftOutText(set.leftOut).c_str(), stderr));
    }
    return groups.groups().empty() ? ExitFailure : ExitOk;
}

} // namespace veridicor::cli
