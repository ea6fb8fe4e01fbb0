// make_demo_echo OUT.dcm [--frames N] [--fps F] [--size WxH] [--native] — writes the synthetic echo cine of
// the demo study (build time). Exit 0 on success, 2 with a message on failure.
#include "echo_synth.h"

#include <dcmtk/dcmdata/dcdict.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr,
                     "usage: make_demo_echo OUT.dcm [--frames N] [--fps F] [--size WxH] [--native]\n");
        return 2;
    }
    if (!dcmDataDict.isDictionaryLoaded()) {
        std::fprintf(stderr, "make_demo_echo: DCMTK's data dictionary is not loaded\n");
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
            spec.frames = std::atoi(argv[++i]);
        } else if (a == "--fps" && i + 1 < argc) {
            spec.frameRate = std::atof(argv[++i]);
        } else if (a == "--size" && i + 1 < argc) {
            if (std::sscanf(argv[++i], "%dx%d", &spec.width, &spec.height) != 2) {
                std::fprintf(stderr, "make_demo_echo: --size wants WxH\n");
                return 2;
            }
        } else if (a == "--native") {
            spec.encoding = veridicor::demo::EchoEncoding::NativeRgb;
        } else if (out.empty() && a.rfind("--", 0) != 0) {
            out = a;
        } else {
            std::fprintf(stderr, "make_demo_echo: unknown argument %s\n", a.c_str());
            return 2;
        }
    }
    const std::string err = veridicor::demo::writeEchoClip(spec, out);
    if (!err.empty()) {
        std::fprintf(stderr, "make_demo_echo: %s\n", err.c_str());
        return 2;
    }
    return 0;
}
