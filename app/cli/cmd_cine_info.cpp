// veridicor-cli cine-info FILE — what the cine view reads from an image object's header, as JSON.
#include "cli_support.h"
#include "commands.h"

#include <veridicor/cine/clip_reader.h>

#include <nlohmann/json.hpp>

namespace veridicor::cli {

int runCineInfo(const QStringList& args) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Print the image attributes, per-frame times (ms each "
                                                    "frame is shown) and ultrasound regions of a cine "
                                                    "or image object as JSON."));
    parser.addPositionalArgument(QStringLiteral("file"), QStringLiteral("A DICOM image object."),
                                 QStringLiteral("FILE"));
    int code = 0;
    if (!parseOrExplain(parser, args, code)) {
        return code;
    }
    if (parser.positionalArguments().size() != 1) {
        return fail("cine-info", "give exactly one FILE");
    }
    auto clip = cine::ClipReader::open(parser.positionalArguments().front().toStdString());
    if (!clip) {
        return fail("cine-info",
                    std::string(cine::errorCodeName(clip.error().code)) + ": " + clip.error().message);
    }
    const cine::ImageInfo& info = (*clip)->info();
    nlohmann::ordered_json out;
    out["sopClassUID"] = info.sopClassUID;
    out["transferSyntaxUID"] = info.transferSyntaxUID;
    out["frames"] = info.frames;
    out["rows"] = info.rows;
    out["cols"] = info.cols;
    out["photometric"] = info.photometricText;
    out["bitsStored"] = info.bitsStored;
    // How long each frame is shown, as recorded; empty for a single frame or a clip whose header has no
    // timing (the view then assumes a rate and says so — an assumption is not printed as data).
    auto& times = out["frameTimesMs"] = nlohmann::ordered_json::array();
    if (info.timing.source() != cine::TimingSource::Assumed &&
        info.timing.source() != cine::TimingSource::SingleFrame) {
        for (double d : info.timing.durationsMs()) {
            times.push_back(d);
        }
    }
    auto& regions = out["regions"] = nlohmann::ordered_json::array();
    for (const auto& r : info.regions) {
        nlohmann::ordered_json j{{"regionSpatialFormat", r.spatialFormat},
                                 {"regionDataType", r.dataType},
                                 {"regionFlags", r.flags},
                                 {"regionLocationMinX0", r.minX0},
                                 {"regionLocationMinY0", r.minY0},
                                 {"regionLocationMaxX1", r.maxX1},
                                 {"regionLocationMaxY1", r.maxY1},
                                 {"physicalUnitsXDirection", r.unitsX},
                                 {"physicalUnitsYDirection", r.unitsY},
                                 {"physicalDeltaX", r.physicalDeltaX},
                                 {"physicalDeltaY", r.physicalDeltaY}};
        if (r.referencePixelX0)
            j["referencePixelX0"] = *r.referencePixelX0;
        if (r.referencePixelY0)
            j["referencePixelY0"] = *r.referencePixelY0;
        j["spatiallyCalibrated"] = r.isSpatiallyCalibrated();
        regions.push_back(std::move(j));
    }
    // DICOM strings may be anything (Latin-1 without Specific Character Set, stray bytes): bytes that are not
    // UTF-8 are written as U+FFFD rather than making dump() throw.
    printOut(out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n");
    return ExitOk;
}

} // namespace veridicor::cli
