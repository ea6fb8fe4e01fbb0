// veridicor-cli cine-frame FILE --frame N -o out.png — one frame as the cine view shows it at the default
// window/level: 8-bit RGB (16-bit palette entries scaled to 8 bits).
#include "cli_support.h"
#include "commands.h"

#include <veridicor/cine/clip_reader.h>

#include <QImage>

#include <cstring>

namespace veridicor::cli {

int runCineFrame(const QStringList& args) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Write one frame of a cine or image object as a PNG, "
                                                    "exactly as the cine view shows it at the default "
                                                    "window/level."));
    parser.addPositionalArgument(QStringLiteral("file"), QStringLiteral("A DICOM image object."),
                                 QStringLiteral("FILE"));
    const QCommandLineOption frameOpt(QStringLiteral("frame"),
                                      QStringLiteral("Frame index, 0-based as in cine-info (default 0)."),
                                      QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption outOpt({QStringLiteral("o"), QStringLiteral("output")},
                                    QStringLiteral("The PNG to write."), QStringLiteral("out.png"));
    parser.addOptions({frameOpt, outOpt});
    int code = 0;
    if (!parseOrExplain(parser, args, code)) {
        return code;
    }
    if (parser.positionalArguments().size() != 1) {
        return fail("cine-frame", "give exactly one FILE");
    }
    if (!parser.isSet(outOpt) || parser.value(outOpt).isEmpty()) {
        return fail("cine-frame", "give the PNG to write with -o out.png");
    }
    bool ok = false;
    const int frame = parser.value(frameOpt).toInt(&ok);
    if (!ok || frame < 0) {
        return fail("cine-frame",
                    "--frame wants a frame index ≥ 0, not '" + parser.value(frameOpt).toStdString() + "'");
    }
    auto clip = cine::ClipReader::open(parser.positionalArguments().front().toStdString());
    if (!clip) {
        return fail("cine-frame",
                    std::string(cine::errorCodeName(clip.error().code)) + ": " + clip.error().message);
    }
    const cine::ImageInfo& info = (*clip)->info();
    if (frame >= info.frames) {
        return fail("cine-frame", "frame " + std::to_string(frame) + " does not exist: the clip has " +
                                      std::to_string(info.frames) + " frames (0-based index)");
    }
    auto rgb = (*clip)->decodeForDisplay(frame, info.defaultWindow());
    if (!rgb) {
        return fail("cine-frame",
                    std::string(cine::errorCodeName(rgb.error().code)) + ": " + rgb.error().message);
    }
    QImage image(rgb->width, rgb->height, QImage::Format_RGB888);
    const auto rowBytes = static_cast<std::size_t>(rgb->width) * 3;
    for (int y = 0; y < rgb->height; ++y) {
        std::memcpy(image.scanLine(y), rgb->pixels.data() + static_cast<std::size_t>(y) * rowBytes, rowBytes);
    }
    const QString out = parser.value(outOpt);
    if (!image.save(out, "PNG")) {
        return fail("cine-frame", "could not write " + out.toStdString());
    }
    return ExitOk;
}

} // namespace veridicor::cli
