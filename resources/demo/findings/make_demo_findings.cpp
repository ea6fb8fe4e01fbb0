// veridicor-make-demo-findings — signs the demo study's AI findings at build time, with the project's own
// signer and the demo PKI made just before by `veridicor-cli make-demo-pki` (no private key is ever
// committed).
//
//   veridicor-make-demo-findings --pki DIR --trust-out DIR --ecg FILE --followup-ecg FILE --echo FILE
//
// Writes, beside the recordings (the workstation discovers them there):
//   ECG/demo_12lead_resting_ecg.omi.finding.json            trusted: anterior ST pattern on V2–V4 from 5 s on
//   (demo), an ECG/demo_12lead_resting_ecg.omi-relevance.u8              ecg-relevance attachment peaking on
//   their ST segments ECG/demo_12lead_resting_ecg.edited.finding.json         the same, text edited after
//   signing  → BAD_SIGNATURE ECG/demo_12lead_resting_ecg.unknown-signer.finding.json signed under a root the
//   store lacks  → UNTRUSTED_CHAIN ECG/demo_12lead_followup_ecg.replayed.finding.json      the trusted
//   bundle, placed as the follow-up's → DATA_MISMATCH ECHO/ECHO0001.lv-wall-motion.finding.json trusted:
//   apical wall motion (demo), cine region polygon ECHO/ECHO0001.lv-heatmap.u8 and a cine-heatmap following
//   the beating ventricle
// and copies the demo trust store to --trust-out (kept outside the demo study folder).
#include "../demo_ecg_params.h"
#include "echo_synth.h"

#include <veridicor/dicom/dicom_env.h>
#include <veridicor/ecg/synth.h>
#include <veridicor/verify/encoding.h>
#include <veridicor/verify/input_digest.h>
#include <veridicor/verify/json.h>
#include <veridicor/verify/keys.h>
#include <veridicor/verify/pki.h>
#include <veridicor/verify/signer.h>
#include <veridicor/verify/trust_store.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace {

using namespace veridicor;
namespace fs = std::filesystem;
using verify::json::Value;

[[noreturn]] void die(const std::string& message) {
    static_cast<void>(std::fprintf(stderr, "veridicor-make-demo-findings: %s\n", message.c_str()));
    std::exit(2);
}

template <class T, class E> T need(Expected<T, E> e, const std::string& what) {
    if (!e) {
        if constexpr (std::is_same_v<E, verify::Error>) {
            die(what + ": " + e.error().message);
        } else {
            die(what);
        }
    }
    return std::move(*e);
}

void write(const fs::path& path, const std::string& bytes) {
    if (auto r = verify::writeTextFile(path, bytes); !r) {
        die(r.error().message);
    }
}

Value str(const std::string& s) {
    return Value::string(s);
}

Value strings(const std::vector<std::string>& items) {
    Value a = Value::array();
    for (const auto& s : items) {
        a.push(str(s));
    }
    return a;
}

double round2(double v) {
    return std::round(v * 100.0) / 100.0;
}

double smoothstep(double e0, double e1, double x) {
    const double t = std::clamp((x - e0) / (e1 - e0), 0.0, 1.0);
    return t * t * (3 - 2 * t);
}

Value modelRef(const std::string& name, const std::string& version, const std::string& digest) {
    Value d = Value::object();
    d.set("sha256", str(digest));
    Value m = Value::object();
    m.set("name", str(name));
    m.set("version", str(version));
    m.set("digest", std::move(d));
    return m;
}

Value code(const std::string& scheme, const std::string& value, const std::string& meaning) {
    Value c = Value::object();
    c.set("scheme", str(scheme));
    c.set("value", str(value));
    c.set("meaning", str(meaning));
    return c;
}

Value measurement(const std::string& name, double value, const std::string& unit) {
    Value m = Value::object();
    m.set("name", str(name));
    m.set("value", Value::number(value));
    m.set("unit", str(unit));
    return m;
}

/// Replaces `from` in the signed payload of `bundle`, leaving the signature as it was (a manipulation).
std::string editSignedText(const std::string& bundle, const std::string& from, const std::string& to) {
    Value doc = need(verify::json::parse(bundle), "parsing the signed bundle");
    Value* env = doc.find("dsseEnvelope");
    auto payload = verify::base64Decode(env->find("payload")->asString());
    if (!payload) {
        die("the signed bundle's payload is not base64");
    }
    const auto at = payload->find(from);
    if (at == std::string::npos) {
        die("the text to edit is not in the payload");
    }
    payload->replace(at, from.size(), to);
    env->set("payload", str(verify::base64Encode(*payload)));
    return verify::json::serialize(doc);
}

struct EcgFinding {
    Value predicate;
    std::string attachmentName;
};

/// The demo ECG finding: anterior ST pattern in V2–V4 over the complete beats from 5 s on, relevance on their
/// ST segments.
EcgFinding makeEcgFinding(const fs::path& ecgDir, const std::string& modelDigest,
                          const std::string& producedAt) {
    const ecg::SynthParams params = demo::demoEcgParams();
    const auto synth = ecg::EcgSynthesizer::create(params);
    if (!synth) {
        die("the demo ECG's parameters are invalid: " + synth.error().message);
    }
    const std::size_t n = synth->sampleCount();
    const double fs = params.samplingHz;
    const ecg::Measurements& m = synth->measurements();
    const auto& names = ecg::synthLeadNames();
    std::vector<std::int16_t> samples(12 * n);
    synth->generate(0, n, samples);

    // The beats from 5 s on whose T wave ends inside the recording: in the usual 3×4 printout V2 and V3 show
    // 5.0–7.5 s and V4 7.5–10 s, so the region can be seen on all three leads there.
    std::vector<double> beats;
    for (const double r : synth->rPeakSeconds()) {
        if (r + m.qrsOnsetSeconds - 0.06 >= 5.05 &&
            r + m.tEndSeconds + 0.06 <= params.durationSeconds - 0.05) {
            beats.push_back(r);
        }
    }
    if (beats.size() < 3) {
        die("the demo ECG has fewer than three complete beats after 5 s");
    }
    const double start = round2(beats.front() + m.qrsOnsetSeconds - 0.06);
    const double end = round2(beats.back() + m.tEndSeconds + 0.06);

    // Relevance: high on the ST segments (J point to T onset) of V2–V4 inside the region, lower on the same
    // beats of the neighbouring leads V1 and V5, faint on their beats outside the region, 0 elsewhere.
    auto lead = [&names](std::string_view name) {
        return static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin());
    };
    std::vector<double> weight(12, 0.0);
    for (const auto* l : {"V2", "V3", "V4"}) {
        weight[lead(l)] = 1.0;
    }
    weight[lead("V1")] = 0.35;
    weight[lead("V5")] = 0.35;
    std::string relevance(12 * n, '\0');
    const auto peaks = synth->rPeakSeconds();
    for (std::size_t i = 0; i < n; ++i) {
        const double t = static_cast<double>(i) / fs;
        double st = 0; // how much t lies in some beat's ST segment
        bool inRegion = false;
        for (const double r : peaks) {
            const double j = r + m.qrsOffsetSeconds;
            const double v = smoothstep(j - 0.02, j + 0.03, t) * (1.0 - smoothstep(j + 0.15, j + 0.24, t));
            if (v > st) {
                st = v;
                inRegion = r >= beats.front() - 1e-9 && r <= beats.back() + 1e-9;
            }
        }
        for (std::size_t l = 0; l < 12; ++l) {
            const double w = inRegion ? weight[l] : 0.25 * weight[l];
            const double value = 255.0 * std::clamp(st * w, 0.0, 1.0); // 0 where the model saw nothing
            relevance[l * n + i] = static_cast<char>(static_cast<unsigned char>(std::lround(value)));
        }
    }
    const std::string attachment = "demo_12lead_resting_ecg.omi-relevance.u8";
    write(ecgDir / attachment, relevance);

    // Measurements: the ST level at J+60 ms against the PR segment, averaged over the region's beats.
    Value measurements = Value::array();
    for (const auto* l : {"V2", "V3", "V4"}) {
        const std::size_t li = lead(l);
        auto at = [&](double t) {
            const auto k =
                static_cast<std::size_t>(std::clamp(std::lround(t * fs), 0L, static_cast<long>(n - 1)));
            return static_cast<double>(samples[li * n + k]);
        };
        double sum = 0;
        for (const double r : beats) {
            double baseline = 0;
            int count = 0;
            // The PR segment: from 40 ms to 10 ms before the QRS onset, every sample.
            const long first = std::lround((r + m.qrsOnsetSeconds - 0.04) * fs);
            const long last = std::lround((r + m.qrsOnsetSeconds - 0.01) * fs);
            for (long k = first; k <= last; ++k) {
                baseline += at(static_cast<double>(k) / fs);
                ++count;
            }
            sum += at(r + m.qrsOffsetSeconds + 0.06) - baseline / count;
        }
        const double mv = sum / static_cast<double>(beats.size()) * params.microvoltsPerCount / 1000.0;
        measurements.push(measurement(std::string("ST level at J+60 ms, ") + l, round2(mv), "mV"));
    }

    Value region = Value::object();
    region.set("kind", str("ecg"));
    region.set("leads", strings({"V2", "V3", "V4"}));
    region.set("startSeconds", Value::number(start));
    region.set("endSeconds", Value::number(end));
    Value explanation = Value::object();
    explanation.set("attachment", str(attachment));
    Value finding = Value::object();
    finding.set("id", str("f1"));
    finding.set("code", code("SCT", "401303003", "Acute ST segment elevation myocardial infarction"));
    finding.set("text",
                str("DEMO (synthetic data, not a diagnosis): anterior ST-segment pattern flagged in V2-V4"));
    finding.set("confidence", Value::number(0.87));
    finding.set("region", std::move(region));
    finding.set("explanation", std::move(explanation));
    finding.set("measurements", std::move(measurements));
    Value findings = Value::array();
    findings.push(std::move(finding));

    std::vector<std::string> leadNames(names.begin(), names.end());
    Value att = Value::object();
    att.set("name", str(attachment));
    att.set("mediaType", str("application/vnd.veridicor.ecg-relevance"));
    att.set("leads", strings(leadNames));
    att.set("samples", Value::integer(static_cast<std::int64_t>(n)));
    Value attachments = Value::array();
    attachments.push(std::move(att));

    Value input = Value::object();
    input.set("modality", str("ECG"));
    Value p = Value::object();
    p.set("model", modelRef("ecg-omi-detector", "2.1.0", modelDigest));
    p.set("producedAt", str(producedAt));
    p.set("input", std::move(input));
    p.set("findings", std::move(findings));
    p.set("attachments", std::move(attachments));
    return {std::move(p), attachment};
}

/// The demo cine finding: apical wall motion, the end-diastolic outline as region polygon, and a heatmap on
/// the moving wall (strongest at the apex), frame by frame.
Value makeCineFinding(const fs::path& echoDir, const std::string& modelDigest,
                      const std::string& producedAt) {
    const demo::EchoClipSpec
        spec; // the demo clip's geometry and timing (make_demo_echo changes only the patient)
    const demo::EchoGeometry g = demo::echoGeometry(spec);
    constexpr int kRows = 60;
    constexpr int kCols = 80;
    std::string heat(static_cast<std::size_t>(spec.frames) * kRows * kCols, '\0');
    for (int f = 0; f < spec.frames; ++f) {
        const demo::LeftVentricle lv = demo::leftVentricle(spec, f);
        const double outer = lv.outerRadius();
        for (int r = 0; r < kRows; ++r) {
            for (int c = 0; c < kCols; ++c) {
                const double x = (c + 0.5) * spec.width / kCols;
                const double y = (r + 0.5) * spec.height / kRows;
                const double d = lv.radiusAt(x, y);
                const double onWall = smoothstep(0.80, 0.98, d) * (1.0 - smoothstep(outer, outer + 0.22, d));
                const double ey = (y - lv.centreY) / lv.axial; // −1 at the apex
                const double apical = 0.08 + 0.92 * (1.0 - smoothstep(-0.9, 0.3, ey));
                const double v = 255.0 * std::clamp(onWall * apical, 0.0, 1.0);
                heat[(static_cast<std::size_t>(f) * kRows + static_cast<std::size_t>(r)) * kCols +
                     static_cast<std::size_t>(c)] =
                    static_cast<char>(static_cast<unsigned char>(std::lround(v)));
            }
        }
    }
    const std::string attachment = "ECHO0001.lv-heatmap.u8";
    write(echoDir / attachment, heat);

    // The region: the epicardium at end-diastole (frame 0), 32 points, found along rays from the centre.
    const demo::LeftVentricle ed = demo::leftVentricle(spec, 0);
    Value polygon = Value::array();
    constexpr double kPi = 3.14159265358979323846;
    for (int k = 0; k < 32; ++k) {
        const double a = 2 * kPi * k / 32.0;
        double s = 0;
        while (s < spec.width && ed.radiusAt(ed.centreX + s * std::sin(a), ed.centreY - s * std::cos(a)) <
                                     ed.outerRadius() + 0.06) {
            s += 0.25;
        }
        Value pt = Value::array();
        pt.push(Value::number(std::round((ed.centreX + s * std::sin(a)) * 10) / 10));
        pt.push(Value::number(std::round((ed.centreY - s * std::cos(a)) * 10) / 10));
        polygon.push(std::move(pt));
    }

    // Measurements on the model itself: the cavity area at end-diastole and at end-systole.
    auto cavityCm2 = [&](int frame) {
        const demo::LeftVentricle lv = demo::leftVentricle(spec, frame);
        long pixels = 0;
        for (int y = 0; y < spec.height; ++y) {
            for (int x = 0; x < spec.width; ++x) {
                pixels += lv.radiusAt(x, y) < 1.0 ? 1 : 0;
            }
        }
        return static_cast<double>(pixels) * g.cmPerPixel * g.cmPerPixel;
    };
    int systole = 0;
    double most = -1;
    for (int f = 0; f < spec.frames; ++f) {
        if (demo::leftVentricle(spec, f).contraction > most) {
            most = demo::leftVentricle(spec, f).contraction;
            systole = f;
        }
    }
    const double edArea = cavityCm2(0);
    const double esArea = cavityCm2(systole);
    Value measurements = Value::array();
    measurements.push(measurement("LV cavity area, end-diastole", round2(edArea), "cm2"));
    measurements.push(measurement("LV cavity area, end-systole", round2(esArea), "cm2"));
    measurements.push(
        measurement("Fractional area change", std::round(1000.0 * (edArea - esArea) / edArea) / 10.0, "%"));

    Value region = Value::object();
    region.set("kind", str("cine"));
    region.set("firstFrame", Value::integer(0));
    region.set("lastFrame", Value::integer(spec.frames - 1));
    region.set("polygon", std::move(polygon));
    Value explanation = Value::object();
    explanation.set("attachment", str(attachment));
    Value finding = Value::object();
    finding.set("id", str("f1"));
    finding.set("code", code("99VRD", "DEMO-LV-APICAL-WMA", "Reduced apical wall motion (demo)"));
    finding.set("text",
                str("DEMO (synthetic data, not a diagnosis): the apical left-ventricular wall moves less "
                    "than the base"));
    finding.set("confidence", Value::number(0.81));
    finding.set("region", std::move(region));
    finding.set("explanation", std::move(explanation));
    finding.set("measurements", std::move(measurements));
    Value findings = Value::array();
    findings.push(std::move(finding));

    Value att = Value::object();
    att.set("name", str(attachment));
    att.set("mediaType", str("application/vnd.veridicor.cine-heatmap"));
    att.set("frames", Value::integer(spec.frames));
    att.set("rows", Value::integer(kRows));
    att.set("cols", Value::integer(kCols));
    Value attachments = Value::array();
    attachments.push(std::move(att));

    Value input = Value::object();
    input.set("modality", str("US"));
    Value p = Value::object();
    p.set("model", modelRef("echo-lv-segmenter", "1.0.0", modelDigest));
    p.set("producedAt", str(producedAt));
    p.set("input", std::move(input));
    p.set("findings", std::move(findings));
    p.set("attachments", std::move(attachments));
    return p;
}

void copyTree(const fs::path& from, const fs::path& to) {
    std::error_code ec;
    fs::remove_all(to, ec);
    fs::create_directories(to.parent_path(), ec);
    fs::copy(from, to, fs::copy_options::recursive, ec);
    if (ec) {
        die("copying the trust store " + from.string() + " to " + to.string() + ": " + ec.message());
    }
}

} // namespace

int main(int argc, char* argv[]) {
    std::map<std::string, fs::path> args;
    for (int i = 1; i + 1 < argc; i += 2) {
        args[argv[i]] = argv[i + 1];
    }
    for (const auto* key : {"--pki", "--trust-out", "--ecg", "--followup-ecg", "--echo"}) {
        if (args.count(key) == 0) {
            die(std::string(
                    "usage: veridicor-make-demo-findings --pki DIR --trust-out DIR --ecg FILE --followup-ecg "
                    "FILE --echo FILE (missing ") +
                key + ")");
        }
    }
    if (auto env = dicom::initializeDicom(); !env) {
        die(env.error().message);
    }
    const fs::path pki = args["--pki"];
    const fs::path trust = args["--trust-out"];
    const fs::path ecgPath = args["--ecg"];
    const fs::path followPath = args["--followup-ecg"];
    const fs::path echoPath = args["--echo"];

    copyTree(pki / "trust", trust);
    const auto signer = need(verify::SigningIdentity::load(pki / "signers" / "finding-signer.key.pem",
                                                           pki / "signers" / "finding-signer.chain.pem"),
                             "the demo finding signer");
    const auto unknown = need(verify::SigningIdentity::load(pki / "signers" / "unknown-signer.key.pem",
                                                            pki / "signers" / "unknown-signer.chain.pem"),
                              "the demo unknown signer");
    // The demo TSA timestamps every signature, so that the findings outlive their signer's certificate
    // (R2.6).
    verify::FindingSignOptions stamped;
    stamped.timestamp = need(
        verify::TimestampAuthority::load(pki / "signers" / "tsa.key.pem", pki / "signers" / "tsa.chain.pem"),
        "the demo TSA");
    const auto policy = need(verify::parsePolicy(need(verify::readFileBounded(trust / "policy.json", 1 << 20),
                                                      "reading the demo policy")),
                             "the demo policy");
    std::string ecgModel;
    std::string echoModel;
    for (const auto& m : policy.models) {
        if (m.name == "ecg-omi-detector") {
            ecgModel = m.digest;
        } else if (m.name == "echo-lv-segmenter") {
            echoModel = m.digest;
        }
    }
    if (ecgModel.empty() || echoModel.empty()) {
        die("the demo policy does not approve ecg-omi-detector and echo-lv-segmenter");
    }
    const std::string producedAt = verify::formatRfc3339(
        std::chrono::floor<std::chrono::seconds>(verify::now() - std::chrono::minutes(2)));

    // ECG: the trusted finding and its manipulations.
    const fs::path ecgDir = ecgPath.parent_path();
    const auto ecgInput = need(verify::openInput(ecgPath), "the demo ECG");
    EcgFinding ecgFinding = makeEcgFinding(ecgDir, ecgModel, producedAt);
    const std::string trusted =
        need(verify::signFinding(signer, ecgFinding.predicate, ecgInput, ecgDir, stamped),
             "signing the demo ECG finding");
    write(ecgDir / "demo_12lead_resting_ecg.omi.finding.json", trusted + "\n");
    write(ecgDir / "demo_12lead_resting_ecg.edited.finding.json",
          editSignedText(trusted, "anterior ST-segment pattern flagged in V2-V4",
                         "no acute ST changes; this text was edited after signing") +
              "\n");
    Value other = ecgFinding.predicate;
    Value& f = other.find("findings")->asArray()[0];
    f.set("text", str("DEMO: inferior ST elevation in II, III and aVF, from a signer under an unknown root"));
    Value* region = f.find("region");
    region->set("leads", strings({"II", "III", "aVF"}));
    write(ecgDir / "demo_12lead_resting_ecg.unknown-signer.finding.json",
          need(verify::signFinding(unknown, other, ecgInput, ecgDir, stamped),
               "signing the unknown-signer finding") +
              "\n");
    // Replayed: the trusted finding, unchanged, presented as the follow-up recording's.
    write(followPath.parent_path() / "demo_12lead_followup_ecg.replayed.finding.json", trusted + "\n");

    // Cine.
    const fs::path echoDir = echoPath.parent_path();
    const auto echoInput = need(verify::openInput(echoPath), "the demo echo cine");
    const Value cine = makeCineFinding(echoDir, echoModel, producedAt);
    write(echoDir / "ECHO0001.lv-wall-motion.finding.json",
          need(verify::signFinding(signer, cine, echoInput, echoDir, stamped),
               "signing the demo cine finding") +
              "\n");

    std::printf("veridicor-make-demo-findings: signed the demo findings (produced %s); trust store in %s\n",
                producedAt.c_str(), trust.string().c_str());
    return 0;
}
