// veridicor-cli ecg-render FILE --layout 3x4+1 --dpi D -o out.png — the paper view, rendered off-screen with
// the GUI's renderer (OpenGL: needs a display; run under xvfb-run -a without one).
#include "cli_support.h"
#include "commands.h"

#include <veridicor/ecg_view/paper_offscreen.h>

#include <cstdio>

namespace veridicor::cli {

int runEcgRender(const QStringList& args) {
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Render an ECG file as printed paper (PNG) with the workstation's GPU renderer."));
    parser.addPositionalArgument(QStringLiteral("file"), QStringLiteral("ECG DICOM file."),
                                 QStringLiteral("FILE"));
    const QCommandLineOption layoutOpt(QStringLiteral("layout"),
                                       QStringLiteral("12x1, 6x2, 3x4 or 3x4+1 (default)."),
                                       QStringLiteral("LAYOUT"), QStringLiteral("3x4+1"));
    const QCommandLineOption dpiOpt(QStringLiteral("dpi"),
                                    QStringLiteral("Dots per inch, 30–1200 (default 300)."),
                                    QStringLiteral("D"), QStringLiteral("300"));
    const QCommandLineOption outOpt({QStringLiteral("o"), QStringLiteral("output")},
                                    QStringLiteral("PNG file to write."), QStringLiteral("out.png"));
    const QCommandLineOption speedOpt(QStringLiteral("speed"),
                                      QStringLiteral("12.5, 25 (default) or 50 mm/s."),
                                      QStringLiteral("MM_PER_S"), QStringLiteral("25"));
    const QCommandLineOption gainOpt(QStringLiteral("gain"),
                                     QStringLiteral("2.5, 5, 10 (default), 20 or 40 mm/mV."),
                                     QStringLiteral("MM_PER_MV"), QStringLiteral("10"));
    const QCommandLineOption startOpt(
        QStringLiteral("start"),
        QStringLiteral("Recording time at the page's left edge, seconds (default 0)."),
        QStringLiteral("SECONDS"), QStringLiteral("0"));
    const QCommandLineOption medianOpt(QStringLiteral("median"), QStringLiteral("Draw the median beat."));
    const QCommandLineOption highPassOpt(QStringLiteral("highpass"),
                                         QStringLiteral("Baseline-wander high-pass 0.5 Hz (zero-phase)."));
    const QCommandLineOption notchOpt(QStringLiteral("notch"), QStringLiteral("Mains notch, 50 or 60 Hz."),
                                      QStringLiteral("HZ"));
    const QCommandLineOption lowPassOpt(QStringLiteral("lowpass"), QStringLiteral("Low-pass, 40 or 150 Hz."),
                                        QStringLiteral("HZ"));
    parser.addOptions({layoutOpt, dpiOpt, outOpt, speedOpt, gainOpt, startOpt, medianOpt, highPassOpt,
                       notchOpt, lowPassOpt});
    int code = 0;
    if (!parseOrExplain(parser, args, code)) {
        return code;
    }
    const QStringList files = parser.positionalArguments();
    if (files.size() != 1) {
        return fail("ecg-render", "give exactly one ECG file");
    }
    if (!parser.isSet(outOpt) || parser.value(outOpt).isEmpty()) {
        return fail("ecg-render", "give the PNG to write with -o out.png");
    }
    ecg::PaperRenderOptions options;
    const auto layout = ecg::parsePaperLayout(parser.value(layoutOpt).toStdString());
    if (!layout) {
        return fail("ecg-render", "--layout must be 12x1, 6x2, 3x4 or 3x4+1 (got '" +
                                      parser.value(layoutOpt).toStdString() + "')");
    }
    options.layout = *layout;
    auto number = [&parser](const QCommandLineOption& opt, double& out) {
        bool ok = false;
        out = parser.value(opt).toDouble(&ok);
        return ok;
    };
    if (!number(dpiOpt, options.dotsPerInch))
        return fail("ecg-render", "--dpi must be a number");
    if (!number(speedOpt, options.speedMmPerSecond))
        return fail("ecg-render", "--speed must be a number");
    if (!number(gainOpt, options.gainMmPerMillivolt))
        return fail("ecg-render", "--gain must be a number");
    if (!number(startOpt, options.startSeconds))
        return fail("ecg-render", "--start must be a number");
    options.medianBeat = parser.isSet(medianOpt);
    options.filters.baselineWander = parser.isSet(highPassOpt);
    if (parser.isSet(notchOpt)) {
        const QString v = parser.value(notchOpt);
        if (v == QLatin1String("50"))
            options.filters.notch = ecg::MainsNotch::Hz50;
        else if (v == QLatin1String("60"))
            options.filters.notch = ecg::MainsNotch::Hz60;
        else
            return fail("ecg-render", "--notch must be 50 or 60 (Hz)");
    }
    if (parser.isSet(lowPassOpt)) {
        const QString v = parser.value(lowPassOpt);
        if (v == QLatin1String("40"))
            options.filters.lowPass = ecg::LowPass::Hz40;
        else if (v == QLatin1String("150"))
            options.filters.lowPass = ecg::LowPass::Hz150;
        else
            return fail("ecg-render", "--lowpass must be 40 or 150 (Hz)");
    }
    if (auto ok = ecg::validate(options); !ok) {
        return fail("ecg-render", ok.error().toStdString());
    }
    auto image = ecg::renderEcgFile(files.front().toStdString(), options);
    if (!image) {
        return fail("ecg-render", image.error().toStdString());
    }
    const QString out = parser.value(outOpt);
    if (!image->save(out, "PNG")) {
        return fail("ecg-render", "could not write " + out.toStdString());
    }
    std::printf("%s: %d x %d px, %s at %g dpi, %g mm/s, %g mm/mV\n", qPrintable(out), image->width(),
                image->height(), ecg::paperLayoutName(options.layout).c_str(), options.dotsPerInch,
                options.speedMmPerSecond, options.gainMmPerMillivolt);
    return ExitOk;
}

} // namespace veridicor::cli
