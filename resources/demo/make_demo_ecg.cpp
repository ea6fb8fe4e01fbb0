// veridicor-make-demo-ecg — writes the demo study's synthetic 12-lead resting ECG (a fictitious patient) as a
// DICOM 12-Lead ECG Waveform Storage file. Run at build time (target demo_study); deterministic: the same
// options give the same file, UIDs included.
//
//   veridicor-make-demo-ecg OUTPUT.dcm [--seed N] [--heart-rate BPM] [--duration SECONDS] [--mains UV]
//                           [--acquired YYYYMMDDhhmmss] [--study-description TEXT]
//
// The demo study has two: the resting ECG (defaults) and a follow-up of the same patient a week later
// (--seed 2031 --heart-rate 78 --acquired 20250319101200), whose UIDs differ because they derive from the
// seed. A duration over 60 s writes an Ambulatory ECG object (e.g. --duration 86400 for a 24 h Holter-like
// recording).
#include <veridicor/dicom/dicom_env.h>
#include <veridicor/dicom/sop_classes.h>
#include <veridicor/ecg/dicom_writer.h>
#include <veridicor/ecg/synth.h>

#include "demo_ecg_params.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

int usage(const char* message) {
    static_cast<void>(std::fprintf(
        stderr,
        "veridicor-make-demo-ecg: %s\n"
        "usage: veridicor-make-demo-ecg OUTPUT.dcm [--seed N] [--heart-rate BPM] [--duration SECONDS] "
        "[--mains UV] [--acquired YYYYMMDDhhmmss] [--study-description TEXT]\n",
        message));
    return 2;
}

bool parseNumber(const char* text, double& out) {
    char* end = nullptr;
    out = std::strtod(text, &end);
    return end != text && *end == '\0';
}

} // namespace

int main(int argc, char* argv[]) {
    using namespace veridicor;
    std::string output;
    ecg::SynthParams params = demo::demoEcgParams();
    std::string acquired = "20250312093015";
    std::string studyDescription;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const bool hasValue = i + 1 < argc;
        double value = 0;
        if (arg == "--seed" && hasValue && parseNumber(argv[i + 1], value) && value >= 0) {
            params.seed = static_cast<std::uint64_t>(value);
            ++i;
        } else if (arg == "--heart-rate" && hasValue && parseNumber(argv[i + 1], value)) {
            params.heartRateBpm = value;
            ++i;
        } else if (arg == "--duration" && hasValue && parseNumber(argv[i + 1], value)) {
            params.durationSeconds = value;
            ++i;
        } else if (arg == "--mains" && hasValue && parseNumber(argv[i + 1], value)) {
            params.mainsMicrovolts = value;
            ++i;
        } else if (arg == "--acquired" && hasValue && std::strlen(argv[i + 1]) == 14) {
            acquired = argv[++i];
        } else if (arg == "--study-description" && hasValue) {
            studyDescription = argv[++i];
        } else if (!arg.empty() && arg[0] != '-' && output.empty()) {
            output = arg;
        } else {
            return usage(("unexpected argument '" + arg + "'").c_str());
        }
    }
    if (output.empty()) {
        return usage("give the output file");
    }
    if (auto env = dicom::initializeDicom(); !env) {
        static_cast<void>(std::fprintf(stderr, "veridicor-make-demo-ecg: %s\n", env.error().message.c_str()));
        return 1;
    }
    auto rec = ecg::synthesizeRecording(params);
    if (!rec) {
        return usage(rec.error().message.c_str());
    }
    // A fictitious patient; every identifier is derived from the seed so the demo is reproducible.
    rec->patient.name = "Doe^Jane";
    rec->patient.id = "VRD-DEMO-0001";
    rec->patient.birthDate = "19620314";
    rec->patient.sex = "F";
    rec->patient.age = "062Y";
    rec->acquisition.dateTime = acquired;
    rec->acquisition.institution = "Veridicor Demo Clinic";
    rec->acquisition.stationName = "DEMO-ECG-1";
    rec->studyDescription = !studyDescription.empty()       ? studyDescription
                            : params.durationSeconds > 60.0 ? "Ambulatory ECG (synthetic)"
                                                            : "Resting 12-lead ECG";
    rec->seriesDescription = "12-lead ECG, synthetic (ECGSYN-3D)";
    rec->studyInstanceUID = ecg::deterministicUid(params.seed, "demo study");
    rec->seriesInstanceUID = ecg::deterministicUid(params.seed, "demo ecg series");
    rec->sopInstanceUID =
        ecg::deterministicUid(params.seed, "demo ecg instance " + std::to_string(params.durationSeconds));
    if (params.durationSeconds > 60.0) {
        rec->sopClassUID = std::string(dicom::sop::AmbulatoryEcg);
    }
    if (auto written = ecg::writeDicomEcg(*rec, output); !written) {
        static_cast<void>(
            std::fprintf(stderr, "veridicor-make-demo-ecg: %s\n", written.error().message.c_str()));
        return 1;
    }
    const auto synth = ecg::EcgSynthesizer::create(params);
    if (!synth) {
        return usage(synth.error().message.c_str());
    }
    const ecg::Measurements m = synth->measurements();
    std::printf("veridicor-make-demo-ecg: wrote %s (%.0f s, %.0f /min, PR %.0f ms, QRS %.0f ms, QT/QTc "
                "%.0f/%.0f ms)\n",
                output.c_str(), params.durationSeconds, m.heartRateBpm, m.prMs, m.qrsMs, m.qtMs, m.qtcMs);
    return 0;
}
