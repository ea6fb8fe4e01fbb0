#pragma once
// The synthesis parameters of the demo study's resting 12-lead ECG, shared by veridicor-make-demo-ecg (which
// writes it) and veridicor-make-demo-findings (which places its demo finding's relevance on the same beats).

#include <veridicor/ecg/synth.h>

namespace veridicor::demo {

inline ecg::SynthParams demoEcgParams() {
    ecg::SynthParams params;
    params.heartRateBpm = 70.0;
    params.durationSeconds = 10.0;
    params.samplingHz = 500.0;
    params.seed = 2025;
    params.mainsMicrovolts = 15.0; // a little 50 Hz interference, so the mains notch has something to remove
    params.mainsHz = 50.0;
    return params;
}

} // namespace veridicor::demo
