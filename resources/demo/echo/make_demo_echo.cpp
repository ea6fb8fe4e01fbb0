// make_demo_echo OUT.dcm [--frames N] [--fps F] [--size WxH] [--native] — writes the synthetic echo cine of
// the demo study (build time). Exit 0 on success, 2 with a message on failure.
#include "echo_synth.h"

#include <dcmtk/dcmdata/dcdict.h>

#include <charconv>
#include <cstdio>
#include <string>
#include <string_view>
#include <system_error>

namespace {

/// Whether all of `text` is one number, stored in `out`.
template <typename T> bool parseNumber(std::string_view text, T& out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size();
}

int badValue(const std::string& option) {
    static_cast<void>(std::fprintf(stderr, "make_demo_echo: %s wants a number\n", option.c_str()));
    return 2;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        static_cast<void>(std::fprintf(
            stderr, "usage: make_demo_echo OUT.dcm [--frames N] [--fps F] [--size WxH] [--native]\n"));
        return 2;
    }
    if (!dcmDataDict.isDictionaryLoaded()) {
        static_cast<void>(std::fprintf(stderr, "make_demo_echo: DCMTK's data dictionary is not loaded\n"));
        return 2;
    }
    veridicor::demo::EchoClipSpec spec;
    // The demo study's patient (the same fictitious patient as the demo ECGs), examined the same morning.
    spec.patientName = "Doe^Jane";
    spec.patientID = "VRD-DEMO-0001";
    spec.patientBirthDate = "19620314";
    spec.patientSex = "F";
    spec.studyDate = "20250312";
    spec.studyTime = "101500";
    std::string out;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--frames" && i + 1 < argc) {
            if (!parseNumber(argv[++i], spec.frames)) {
                return badValue(a);
            }
        } else if (a == "--fps" && i + 1 < argc) {
            if (!parseNumber(argv[++i], spec.frameRate)) {
                return badValue(a);
            }
        } else if (a == "--size" && i + 1 < argc) {
            const std::string_view size(argv[++i]);
            const auto x = size.find('x');
            if (x == std::string_view::npos || !parseNumber(size.substr(0, x), spec.width) ||
                !parseNumber(size.substr(x + 1), spec.height)) {
                static_cast<void>(std::fprintf(stderr, "make_demo_echo: --size wants WxH\n"));
                return 2;
            }
        } else if (a == "--native") {
            spec.encoding = veridicor::demo::EchoEncoding::NativeRgb;
        } else if (out.empty() && a.rfind("--", 0) != 0) {
            out = a;
        } else {
            static_cast<void>(std::fprintf(stderr, "make_demo_echo: unknown argument %s\n", a.c_str()));
            return 2;
        }
    }
    const std::string err = veridicor::demo::writeEchoClip(spec, out);
    if (!err.empty()) {
        static_cast<void>(std::fprintf(stderr, "make_demo_echo: %s\n", err.c_str()));
        return 2;
    }
    return 0;
}
