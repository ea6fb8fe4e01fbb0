// veridicor-cli dicom-index PATH... — what the study browser would show, as JSON.
#include "cli_support.h"
#include "commands.h"

#include <veridicor/dicom/study_index.h>

#include <nlohmann/json.hpp>

namespace veridicor::cli {

int runDicomIndex(const QStringList& args) {
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Index DICOM files (recognised by content) under paths."));
    parser.addPositionalArgument(QStringLiteral("paths"), QStringLiteral("Files or folders."),
                                 QStringLiteral("PATH..."));
    int code = 0;
    if (!parseOrExplain(parser, args, code)) {
        return code;
    }
    const QStringList paths = parser.positionalArguments();
    if (paths.isEmpty()) {
        return fail("dicom-index", "give at least one file or folder");
    }
    std::vector<std::filesystem::path> roots;
    for (const QString& p : paths) {
        roots.emplace_back(p.toStdString());
    }
    const dicom::StudyIndex index = dicom::scanPaths(roots);
    nlohmann::ordered_json out;
    out["filesExamined"] = index.filesExamined;
    out["instances"] = index.instances;
    auto& patients = out["patients"] = nlohmann::ordered_json::array();
    for (const auto& p : index.patients) {
        nlohmann::ordered_json pj{{"patientID", p.patientID},
                                  {"name", p.name},
                                  {"birthDate", p.birthDate},
                                  {"sex", p.sex},
                                  {"studies", nlohmann::ordered_json::array()}};
        for (const auto& st : p.studies) {
            nlohmann::ordered_json sj{{"studyInstanceUID", st.studyInstanceUID},
                                      {"date", st.date},
                                      {"description", st.description},
                                      {"series", nlohmann::ordered_json::array()}};
            for (const auto& se : st.series) {
                nlohmann::ordered_json ej{{"seriesInstanceUID", se.seriesInstanceUID},
                                          {"modality", se.modality},
                                          {"number", se.number},
                                          {"instances", nlohmann::ordered_json::array()}};
                for (const auto& in : se.instances) {
                    ej["instances"].push_back({{"path", in.path.string()},
                                               {"sopClassUID", in.sopClassUID},
                                               {"sopInstanceUID", in.sopInstanceUID},
                                               {"transferSyntaxUID", in.transferSyntaxUID},
                                               {"instanceNumber", in.instanceNumber}});
                }
                sj["series"].push_back(std::move(ej));
            }
            pj["studies"].push_back(std::move(sj));
        }
        patients.push_back(std::move(pj));
    }
    auto& problems = out["problems"] = nlohmann::ordered_json::array();
    for (const auto& pr : index.problems) {
        problems.push_back({{"path", pr.path.string()},
                            {"error", dicom::errorCodeName(pr.error.code)},
                            {"message", pr.error.message}});
    }
    // DICOM strings may be anything (Latin-1 without Specific Character Set, stray bytes): bytes that are not
    // UTF-8 are written as U+FFFD rather than making dump() throw.
    printOut(out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n");
    return ExitOk;
}

} // namespace veridicor::cli
