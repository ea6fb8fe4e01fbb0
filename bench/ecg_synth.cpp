// bench_ecg_synth — how fast the synthetic ECG is generated, and what a 24 h × 12-lead × 500 Hz recording
// costs.
//   bench_ecg_synth [--hours H] [--dicom PATH]
// Always: generates H hours (default 24) of 12 leads at 500 Hz chunk by chunk (60 s of int16 at a time) and
// prints the rate and the peak resident memory. With --dicom: also builds the whole Recording, writes it as
// an Ambulatory ECG DICOM file, reads it back, and prints those times and the peak memory.
#include <veridicor/dicom/dicom_env.h>
#include <veridicor/dicom/sop_classes.h>
#include <veridicor/ecg/dicom_reader.h>
#include <veridicor/ecg/dicom_writer.h>
#include <veridicor/ecg/synth.h>

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

double peakRssGiB() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / (1024.0 * 1024.0); // ru_maxrss is in KiB on Linux
}

double seconds(std::chrono::steady_clock::time_point since) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

} // namespace

int main(int argc, char* argv[]) {
    using namespace veridicor;
    double hours = 24.0;
    std::string dicomPath;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--hours") == 0 && i + 1 < argc) {
            char* end = nullptr;
            hours = std::strtod(argv[++i], &end);
            if (end == argv[i] || *end != '\0') {
                static_cast<void>(
                    std::fprintf(stderr, "usage: bench_ecg_synth [--hours H] [--dicom PATH]\n"));
                return 2;
            }
        } else if (std::strcmp(argv[i], "--dicom") == 0 && i + 1 < argc) {
            dicomPath = argv[++i];
        } else {
            static_cast<void>(std::fprintf(stderr, "usage: bench_ecg_synth [--hours H] [--dicom PATH]\n"));
            return 2;
        }
    }
    ecg::SynthParams params;
    params.durationSeconds = hours * 3600.0;
    auto start = std::chrono::steady_clock::now();
    auto synth = ecg::EcgSynthesizer::create(params);
    if (!synth) {
        static_cast<void>(std::fprintf(stderr, "%s\n", synth.error().message.c_str()));
        return 2;
    }
    const double setup = seconds(start);
    const std::size_t n = synth->sampleCount();
    const std::size_t chunk = std::size_t{60} * 500;
    std::vector<std::int16_t> buffer(12 * chunk);
    std::int64_t checksum = 0;
    start = std::chrono::steady_clock::now();
    for (std::size_t first = 0; first < n; first += chunk) {
        const std::size_t count = std::min(chunk, n - first);
        synth->generate(first, count, std::span<std::int16_t>(buffer.data(), 12 * count));
        checksum += buffer[0] + buffer[12 * count - 1];
    }
    const double generate = seconds(start);
    std::printf("ECG synth: %.1f h x 12 leads x 500 Hz = %zu samples per lead, %zu beats\n", hours, n,
                synth->rPeakSeconds().size());
    std::printf("  set-up (beats, tachogram, fiducials): %.2f s\n", setup);
    std::printf(
        "  chunked generation (60 s int16 chunks): %.1f s = %.1f M samples/s (12 leads), checksum %lld\n",
        generate, 12.0 * static_cast<double>(n) / generate / 1e6, static_cast<long long>(checksum));
    std::printf("  peak resident memory so far: %.2f GiB\n", peakRssGiB());
    if (dicomPath.empty()) {
        return 0;
    }
    if (auto env = dicom::initializeDicom(); !env) {
        static_cast<void>(std::fprintf(stderr, "%s\n", env.error().message.c_str()));
        return 1;
    }
    start = std::chrono::steady_clock::now();
    auto rec = ecg::synthesizeRecording(params);
    if (!rec) {
        static_cast<void>(std::fprintf(stderr, "%s\n", rec.error().message.c_str()));
        return 1;
    }
    rec->sopClassUID = std::string(dicom::sop::AmbulatoryEcg);
    rec->patient.name = "Doe^Jane";
    rec->acquisition.dateTime = "20250312093015";
    const double build = seconds(start);
    start = std::chrono::steady_clock::now();
    if (auto w = ecg::writeDicomEcg(*rec, dicomPath); !w) {
        static_cast<void>(std::fprintf(stderr, "%s\n", w.error().message.c_str()));
        return 1;
    }
    const double write = seconds(start);
    rec = ecg::Recording{};
    start = std::chrono::steady_clock::now();
    auto back = ecg::readEcg(dicomPath);
    if (!back) {
        static_cast<void>(std::fprintf(stderr, "%s\n", back.error().message.c_str()));
        return 1;
    }
    const double read = seconds(start);
    std::printf("  Recording (rhythm + median + annotations) built: %.1f s; DICOM written: %.1f s; read "
                "back: %.1f s\n",
                build, write, read);
    std::printf("  peak resident memory: %.2f GiB\n", peakRssGiB());
    return 0;
}
