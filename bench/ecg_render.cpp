// bench/ecg_render — frame time of the ECG paper view for 10 s and for 24 h of 12-lead 500 Hz data, drawn by
// the GUI's renderer (PaperRenderer, off-screen: same GL and QPainter passes as the widget) at the same
// window size and layout while panning across the record. Prints both, their ratio (goal ≤ 1.5), and what the
// 24 h costs to prepare (envelope pyramid) and to hold.
//
// Data: the ECG core's synthetic 12-lead ECG (veridicor/ecg/synth.h, deterministic from its seed), generated
// chunk by chunk straight into the recording's stored integers.
//
// Run under xvfb-run -a (OpenGL on xcb).  Options: --hours H (24), --frames N (300), --size WxH (1600x1000),
// --layout 3x4+1, --dpi 96, --relevance (also an AI finding's relevance bands on all 12 leads, a relevance
// value per sample as the attachment carries it, and its region outlined).
#include <veridicor/ecg_view/paper_offscreen.h>
#include <veridicor/ecg/synth.h>

#include <QCommandLineParser>
#include <QGuiApplication>
#include <QSurfaceFormat>

#include <algorithm>
#include <array>
#include <cmath>
#include <chrono>
#include <cstdio>
#include <numeric>
#include <thread>

using namespace veridicor::ecg;
using Clock = std::chrono::steady_clock;

namespace {

double secondsSince(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

/// A 12-lead recording of `seconds` from the core's synthesizer, stored as the reader would store it.
std::shared_ptr<Recording> synthesize(double seconds) {
    SynthParams p;
    p.durationSeconds = seconds;
    p.samplingHz = 500.0;
    p.seed = 7;
    auto synth = EcgSynthesizer::create(p);
    if (!synth) {
        static_cast<void>(
            std::fprintf(stderr, "ecg_render: synthesizer refused: %s\n", synth.error().message.c_str()));
        std::exit(2);
    }
    auto rec = std::make_shared<Recording>();
    rec->sopClassUID = "1.2.840.10008.5.1.4.1.1.9.1.3"; // Ambulatory ECG
    rec->patient.name = "Bench^Synthetic";
    rec->acquisition.manufacturer = "Veridicor bench";
    WaveformGroup g;
    g.label = "RHYTHM";
    g.samplingHz = p.samplingHz;
    g.samples = synth->sampleCount();
    for (std::string_view name : synthLeadNames()) {
        Channel c;
        c.label = std::string(name);
        c.units = "uV";
        c.sensitivity = p.microvoltsPerCount;
        c.unitsToMicrovolts = 1.0;
        c.raw.resize(g.samples);
        g.channels.push_back(std::move(c));
    }
    // Two workers, each generating its half in one-minute chunks (the synthesizer is chunk-independent).
    const std::size_t chunk = 30000;
    auto work = [&](std::size_t from, std::size_t to) {
        std::vector<std::int16_t> buf(12 * chunk);
        for (std::size_t first = from; first < to; first += chunk) {
            const std::size_t count = std::min(chunk, to - first);
            synth->generate(first, count, std::span<std::int16_t>(buf.data(), 12 * count));
            for (std::size_t lead = 0; lead < 12; ++lead) {
                std::copy_n(buf.begin() + static_cast<std::ptrdiff_t>(lead * count), count,
                            g.channels[lead].raw.begin() + static_cast<std::ptrdiff_t>(first));
            }
        }
    };
    const std::size_t half = g.samples / chunk / 2 * chunk;
    std::thread other(work, half, g.samples);
    work(0, half);
    other.join();
    rec->groups.push_back(std::move(g));
    return rec;
}

struct Figures {
    double medianMs = 0, meanMs = 0, p95Ms = 0, maxMs = 0, geometryMs = 0;
    std::size_t vertices = 0, overviewVertices = 0, bands = 0;
};

/// An AI finding over the whole recording: relevance on all 12 leads (a bump every 0.85 s, as over each
/// beat's ST segment, scaled per lead), one byte per sample as an `ecg-relevance` attachment carries it; its
/// region on V2–V4 over the middle 2.2 s.
EcgFindingOverlay relevanceOverlay(std::size_t samples, double fs) {
    const auto period = static_cast<std::size_t>(0.85 * fs);
    std::vector<std::uint8_t> beat(period);
    for (std::size_t i = 0; i < period; ++i) {
        const double t = static_cast<double>(i) / fs - 0.35;
        beat[i] = static_cast<std::uint8_t>(std::lround(255.0 * std::exp(-0.5 * t * t / (0.07 * 0.07))));
    }
    auto bytes = std::make_shared<std::vector<std::uint8_t>>(12 * samples);
    for (std::size_t lead = 0; lead < 12; ++lead) {
        std::uint8_t* row = bytes->data() + lead * samples;
        for (std::size_t i = 0; i < samples; i += period) {
            std::copy_n(beat.begin(), std::min(period, samples - i), row + i);
        }
        for (std::size_t i = 0; i < samples; ++i)
            row[i] = static_cast<std::uint8_t>(row[i] * (lead + 4) / 15);
    }
    EcgFindingOverlay o;
    o.key = "bench#f1";
    o.label = "Bench finding";
    o.trusted = true;
    for (std::string_view name : synthLeadNames())
        o.relevanceLeads.emplace_back(name);
    o.relevanceSamples = static_cast<long long>(samples);
    o.relevance = bytes->data();
    o.relevanceBytes = bytes->size();
    o.keepAlive = bytes;
    o.hasRegion = true;
    o.regionLeads = {"V2", "V3", "V4"};
    o.startSeconds = static_cast<double>(samples) / fs / 2.0;
    o.endSeconds = o.startSeconds + 2.2;
    return o;
}

Figures summarize(std::vector<double> ms, double geometryMsSum) {
    Figures f;
    std::sort(ms.begin(), ms.end());
    f.medianMs = ms[ms.size() / 2];
    f.meanMs = std::accumulate(ms.begin(), ms.end(), 0.0) / static_cast<double>(ms.size());
    f.p95Ms = ms[std::min(ms.size() - 1, ms.size() * 95 / 100)];
    f.maxMs = ms.back();
    f.geometryMs = geometryMsSum / static_cast<double>(ms.size());
    return f;
}

/// Times `frames` frames of each scene, alternating between them so that whatever else the machine is doing
/// weighs on both alike. Each frame moves the page 37.3 s on (the long recording is visited end to end) and
/// rebuilds and uploads its vertices, as panning does; the 10 s recording has a single page, so it is redrawn
/// in place with the same full rebuild. Each recording has its own renderer (its own GL context and caches),
/// as each would have its own window.
std::array<Figures, 2> runFrames(std::array<OffscreenPaper*, 2> papers, std::array<PaperScene*, 2> scenes,
                                 const PaperViewport& vp, int frames) {
    std::array<std::vector<double>, 2> ms;
    std::array<double, 2> geometry{0, 0};
    std::array<Figures, 2> out;
    for (int i = -10; i < frames; ++i) { // 10 warm-up frames
        for (std::size_t k = 0; k < 2; ++k) {
            PaperScene& scene = *scenes[k];
            OffscreenPaper& paper = *papers[k]; // one renderer per window, as one view per recording
            const double maxStart = scene.maxStartSeconds();
            scene.setStartSeconds(maxStart > 0 ? std::fmod(std::max(0, i) * 37.3, maxStart) : 0.0);
            scene.markChanged();
            const auto t0 = Clock::now();
            auto ok = paper.render(scene, vp, false);
            const double t = secondsSince(t0) * 1000.0;
            if (!ok) {
                static_cast<void>(std::fprintf(stderr, "ecg_render: %s\n", qPrintable(ok.error())));
                std::exit(2);
            }
            if (i >= 0) {
                ms[k].push_back(t);
                geometry[k] += paper.renderer().lastFrame().geometryMs;
            }
            out[k].vertices = paper.renderer().lastFrame().traceVertices;
            out[k].overviewVertices = paper.renderer().lastFrame().overviewVertices;
            out[k].bands = std::max(out[k].bands, paper.renderer().lastFrame().relevanceBands);
        }
    }
    for (std::size_t k = 0; k < 2; ++k) {
        Figures f = summarize(ms[k], geometry[k]);
        f.vertices = out[k].vertices;
        f.overviewVertices = out[k].overviewVertices;
        f.bands = out[k].bands;
        out[k] = f;
    }
    return out;
}

} // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "xcb");
    QSurfaceFormat fmt;
    fmt.setVersion(3, 2);
    fmt.setProfile(QSurfaceFormat::CoreProfile);
    QSurfaceFormat::setDefaultFormat(fmt);
    QGuiApplication app(argc, argv);
    QCommandLineParser parser;
    const QCommandLineOption hoursOpt(QStringLiteral("hours"), QStringLiteral("Long recording, hours."),
                                      QStringLiteral("H"), QStringLiteral("24"));
    const QCommandLineOption framesOpt(QStringLiteral("frames"),
                                       QStringLiteral("Frames timed per recording."), QStringLiteral("N"),
                                       QStringLiteral("300"));
    const QCommandLineOption sizeOpt(QStringLiteral("size"), QStringLiteral("Window, WxH device pixels."),
                                     QStringLiteral("WxH"), QStringLiteral("1600x1000"));
    const QCommandLineOption layoutOpt(QStringLiteral("layout"), QStringLiteral("12x1, 6x2, 3x4, 3x4+1."),
                                       QStringLiteral("L"), QStringLiteral("3x4+1"));
    const QCommandLineOption dpiOpt(QStringLiteral("dpi"), QStringLiteral("Screen DPI."), QStringLiteral("D"),
                                    QStringLiteral("96"));
    const QCommandLineOption overviewOpt(QStringLiteral("overview"),
                                         QStringLiteral("Height of the whole-recording strip, px (0: none)."),
                                         QStringLiteral("PX"), QStringLiteral("64"));
    const QCommandLineOption relevanceOpt(
        QStringLiteral("relevance"),
        QStringLiteral("Also draw an AI finding's relevance bands on all 12 leads."));
    parser.addOptions({hoursOpt, framesOpt, sizeOpt, layoutOpt, dpiOpt, overviewOpt, relevanceOpt});
    parser.addHelpOption();
    parser.process(app);
    const double hours = parser.value(hoursOpt).toDouble();
    const int frames = std::max(10, parser.value(framesOpt).toInt());
    const QStringList wh = parser.value(sizeOpt).split(QLatin1Char('x'));
    const auto layout = parsePaperLayout(parser.value(layoutOpt).toStdString());
    if (!(hours > 0 && hours <= 48) || wh.size() != 2 || !layout) {
        static_cast<void>(std::fprintf(stderr, "ecg_render: bad options\n"));
        return 2;
    }
    PaperViewport vp;
    vp.pixels = QSize(wh[0].toInt(), wh[1].toInt());
    vp.overviewHeight = parser.value(overviewOpt).toInt(); // shown for both, so the windows are the same

    OffscreenPaper paper;
    OffscreenPaper paperLong;
    for (OffscreenPaper* p : {&paper, &paperLong}) {
        if (auto ok = p->initialize(); !ok) {
            static_cast<void>(std::fprintf(stderr, "ecg_render: %s\n", qPrintable(ok.error())));
            return 2;
        }
    }
    std::printf("ECG paper render bench: %s, window %dx%d px, layout %s, %g dpi, 25 mm/s, 10 mm/mV\n",
                qPrintable(paper.glDescription()), vp.pixels.width(), vp.pixels.height(),
                paperLayoutName(*layout).c_str(), parser.value(dpiOpt).toDouble());
    std::printf(
        "Every frame rebuilds and uploads the page's vertices (as panning does) and draws grid, traces, "
        "pulses, texts and the overview; glFinish ends it.\n\n");

    PaperSettings settings;
    settings.layout = *layout;
    settings.pixelsPerMm = parser.value(dpiOpt).toDouble() / kMillimetresPerInch;

    const std::array<double, 2> lengths = {10.0, hours * 3600.0};
    std::array<std::shared_ptr<const TraceSet>, 2> traces;
    std::array<PaperScene, 2> scenes;
    for (std::size_t k = 0; k < 2; ++k) {
        auto t0 = Clock::now();
        auto rec = synthesize(lengths[k]);
        const double synthS = secondsSince(t0);
        t0 = Clock::now();
        traces[k] = TraceSet::build(rec, 0, {});
        const double pyramidS = secondsSince(t0);
        const double rawMb = static_cast<double>(rec->groups[0].samples) * 12 * sizeof(std::int32_t) / 1e6;
        scenes[k].setSettings(settings);
        scenes[k].setTraces(traces[k]);
        std::printf("%-9s %9zu samples/lead: synthesized in %.1f s; pyramids built in %.2f s, %.1f MB "
                    "(the stored samples, %.1f MB, are read in place)\n",
                    k == 0 ? "10 s:" : "long:", rec->groups[0].samples, synthS, pyramidS,
                    static_cast<double>(traces[k]->memoryBytes()) / 1e6, rawMb);
        if (parser.isSet(relevanceOpt)) {
            EcgFindingOverlay o = relevanceOverlay(rec->groups[0].samples, rec->groups[0].samplingHz);
            const double mb = static_cast<double>(o.relevanceBytes) / 1e6;
            t0 = Clock::now();
            scenes[k].setOverlays({std::move(o)});
            const double prepareS = secondsSince(t0);
            std::size_t levels = 0;
            for (const auto& t : scenes[k].overlays().front().prepared.tracks())
                levels += t.memoryBytes();
            std::printf("          relevance (12 leads, %.1f MB, read in place): max pyramids and matching "
                        "in %.2f s, "
                        "%.1f MB\n",
                        mb, prepareS, static_cast<double>(levels) / 1e6);
        }
    }
    const auto results = runFrames({&paper, &paperLong}, {&scenes[0], &scenes[1]}, vp, frames);
    std::printf("\n");
    for (std::size_t k = 0; k < 2; ++k) {
        std::printf(
            "%-9s frame median %.2f ms, mean %.2f ms, p95 %.2f ms, max %.2f ms (vertex building %.2f ms); "
            "%zu trace + %zu overview vertices, %zu relevance bands\n",
            k == 0 ? "10 s:" : (std::to_string(static_cast<int>(hours)) + " h:").c_str(), results[k].medianMs,
            results[k].meanMs, results[k].p95Ms, results[k].maxMs, results[k].geometryMs, results[k].vertices,
            results[k].overviewVertices, results[k].bands);
    }
    std::printf("\nratio %.0f h / 10 s (median frame time): %.2f   (goal <= 1.5)\n", hours,
                results[1].medianMs / results[0].medianMs);
    return 0;
}
