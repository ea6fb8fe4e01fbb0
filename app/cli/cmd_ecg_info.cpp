// veridicor-cli ecg-info FILE — what an ECG file holds (groups, channels, scaling, annotations), as JSON.
#include "cli_support.h"
#include "commands.h"

#include <veridicor/dicom/sop_classes.h>
#include <veridicor/ecg/dicom_reader.h>

#include <nlohmann/json.hpp>

namespace veridicor::cli {

namespace {

nlohmann::ordered_json optionalNumber(const std::optional<double>& v) {
    return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json toJson(const ecg::Recording& rec) {
    using J = nlohmann::ordered_json;
    J out;
    out["sopClassUID"] = rec.sopClassUID;
    out["sopClassName"] = dicom::uidDisplayName(rec.sopClassUID);
    out["sopInstanceUID"] = rec.sopInstanceUID;
    out["studyInstanceUID"] = rec.studyInstanceUID;
    out["seriesInstanceUID"] = rec.seriesInstanceUID;
    out["modality"] = rec.modality;
    out["transferSyntaxUID"] = rec.transferSyntaxUID;
    out["studyDescription"] = rec.studyDescription;
    out["seriesDescription"] = rec.seriesDescription;
    out["patient"] = J{{"name", rec.patient.name},
                       {"id", rec.patient.id},
                       {"birthDate", rec.patient.birthDate},
                       {"sex", rec.patient.sex},
                       {"age", rec.patient.age}};
    out["acquisition"] = J{{"dateTime", rec.acquisition.dateTime},
                           {"manufacturer", rec.acquisition.manufacturer},
                           {"modelName", rec.acquisition.modelName},
                           {"institution", rec.acquisition.institution},
                           {"stationName", rec.acquisition.stationName}};
    J groups = J::array();
    for (std::size_t gi = 0; gi < rec.groups.size(); ++gi) {
        const auto& g = rec.groups[gi];
        J channels = J::array();
        for (const auto& ch : g.channels) {
            channels.push_back(J{
                {"label", ch.label},
                {"units", ch.units},
                {"sensitivity", ch.sensitivity},
                {"correction", ch.correction},
                {"baseline", ch.baseline},
                {"filters", J{{"lowHz", optionalNumber(ch.filters.lowFrequencyHz)},
                              {"highHz", optionalNumber(ch.filters.highFrequencyHz)},
                              {"notchHz", optionalNumber(ch.filters.notchHz)}}},
                {"channelLabel", ch.channelLabel},
                {"source", J{{"scheme", ch.sourceCodingScheme},
                             {"code", ch.sourceCodeValue},
                             {"meaning", ch.sourceCodeMeaning}}},
                {"calibrated", ch.calibrated},
                {"unitsToMicrovolts", ch.unitsToMicrovolts},
            });
        }
        groups.push_back(J{{"label", g.label},
                           {"originality", g.originality},
                           {"samplingHz", g.samplingHz},
                           {"samples", g.samples},
                           {"channels", std::move(channels)},
                           {"index", gi},
                           {"durationSeconds", g.durationSeconds()},
                           {"bitsAllocated", g.bitsAllocated},
                           {"sampleInterpretation", g.sampleInterpretation},
                           {"medianBeat", g.isMedianBeat()}});
    }
    out["groups"] = std::move(groups);
    J annotations = J::array();
    for (const auto& a : rec.annotations) {
        J j{{"text", a.text},
            {"conceptName", a.conceptName},
            {"conceptCode", a.conceptCode},
            {"codingScheme", a.codingScheme},
            {"value", optionalNumber(a.numericValue)},
            {"units", a.units},
            {"display", a.displayText()}};
        j["group"] = a.group ? J(*a.group) : J(nullptr);
        j["channels"] = a.channels;
        j["temporalRangeType"] = a.temporalRangeType;
        j["samplePositions"] = a.samplePositions;
        annotations.push_back(std::move(j));
    }
    out["annotations"] = std::move(annotations);
    out["warnings"] = rec.warnings;
    return out;
}

} // namespace

int runEcgInfo(const QStringList& args) {
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Describe a DICOM ECG (12-lead, general, ambulatory or hemodynamic waveform) as JSON: "
                       "patient, waveform "
                       "groups with their channels and scaling, and the file's annotations."));
    parser.addPositionalArgument(QStringLiteral("file"), QStringLiteral("The DICOM file."),
                                 QStringLiteral("FILE"));
    int code = 0;
    if (!parseOrExplain(parser, args, code)) {
        return code;
    }
    if (parser.positionalArguments().size() != 1) {
        return fail("ecg-info", "give exactly one file");
    }
    auto rec = ecg::readEcg(parser.positionalArguments().constFirst().toStdString());
    if (!rec) {
        return fail("ecg-info", rec.error().message);
    }
    // Text the reader could not convert to UTF-8 is replaced (U+FFFD) rather than aborting the dump.
    printOut(toJson(*rec).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n");
    return ExitOk;
}

} // namespace veridicor::cli
