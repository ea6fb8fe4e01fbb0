// reading_loop: the reading room's core loop, timed as a cardiologist meets it (run under xvfb-run -a).
//
//   reading_loop [--pki DIR] [--trust DIR] [--studies N]
//
// Makes N studies (default 12), each a 10 s 12-lead resting ECG of its own patient (the demo's synthesis, a
// different seed and rate each) with one AI finding signed by the demo PKI's finding signer, and indexes them
// into a worklist database with the real window. Then, as after a restart, a second window opens on that
// worklist alone and the reader presses Next Unread (Ctrl+Down) through every study: each step is timed from
// the key to the ECG on screen with its findings verified against the demo trust store (the window's
// findingsChecked() and instanceShown() both seen, and the finding's text checked to be visible). Last, a
// reading of each recording is signed with the demo reader's key and written as a DICOM SR (reading/).
// Prints p50 and p95 of both. Goals (issue 11): next unread p95 ≤ 300 ms, sign + write ≤ 50 ms.
#include "../resources/demo/demo_ecg_params.h"

#include <veridicor/dicom/dicom_env.h>
#include <veridicor/ecg/dicom_writer.h>
#include <veridicor/ecg/synth.h>
#include <veridicor/ecg_view/ecg_view.h>
#include <veridicor/reading/reading.h>
#include <veridicor/reading/sr_writer.h>
#include <veridicor/registry/viewer_registry.h>
#include <veridicor/ui/main_window.h>
#include <veridicor/verify/encoding.h>
#include <veridicor/verify/input_digest.h>
#include <veridicor/verify/json.h>
#include <veridicor/verify/keys.h>
#include <veridicor/verify/pki.h>
#include <veridicor/verify/signer.h>
#include <veridicor/verify/time.h>
#include <veridicor/verify/trust_store.h>
#include <veridicor/worklist/worklist_model.h>

#include <QApplication>
#include <QElapsedTimer>
#include <QSet>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#ifndef VERIDICOR_BUILD_DIR
#define VERIDICOR_BUILD_DIR "build"
#endif

using namespace veridicor;
namespace fs = std::filesystem;
using verify::json::Value;

namespace {

[[noreturn]] void die(const std::string& message) {
    static_cast<void>(std::fprintf(stderr, "reading_loop: %s\n", message.c_str()));
    std::exit(2);
}

template <class T, class E> T need(Expected<T, E> e, const std::string& what) {
    if (!e) {
        die(what + ": " + e.error().message.c_str());
    }
    if constexpr (!std::is_void_v<T>) {
        return std::move(*e);
    }
}

double percentile(std::vector<double> values, double p) {
    std::sort(values.begin(), values.end());
    const auto at = static_cast<std::size_t>(std::lround(p * static_cast<double>(values.size() - 1)));
    return values[std::min(at, values.size() - 1)];
}

/// Runs the event loop until `done` or `ms` pass; false on timeout.
bool waitFor(const std::function<bool()>& done, int ms = 30000) {
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > ms) {
            return false;
        }
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        if (!done()) {
            QThread::usleep(200);
        }
    }
    return true;
}

Value str(const std::string& s) {
    return Value::string(s);
}

/// The finding a producer would sign for bench study `i`: anterior ST elevation on V2–V4.
Value predicate(const std::string& modelDigest, const std::string& producedAt, int i) {
    Value leads = Value::array();
    for (const char* l : {"V2", "V3", "V4"}) {
        leads.push(str(l));
    }
    Value region = Value::object();
    region.set("kind", str("ecg"));
    region.set("leads", std::move(leads));
    region.set("startSeconds", Value::number(2.0));
    region.set("endSeconds", Value::number(6.0));
    Value code = Value::object();
    code.set("scheme", str("SCT"));
    code.set("value", str("401303003"));
    code.set("meaning", str("Acute ST segment elevation myocardial infarction"));
    Value finding = Value::object();
    finding.set("id", str("f1"));
    finding.set("code", std::move(code));
    finding.set("text", str("BENCH " + std::to_string(i) + ": anterior ST-segment pattern in V2-V4"));
    finding.set("confidence", Value::number(0.8));
    finding.set("region", std::move(region));
    Value findings = Value::array();
    findings.push(std::move(finding));
    Value digest = Value::object();
    digest.set("sha256", str(modelDigest));
    Value model = Value::object();
    model.set("name", str("ecg-omi-detector"));
    model.set("version", str("2.1.0"));
    model.set("digest", std::move(digest));
    Value input = Value::object();
    input.set("modality", str("ECG"));
    Value p = Value::object();
    p.set("model", std::move(model));
    p.set("producedAt", str(producedAt));
    p.set("input", std::move(input));
    p.set("findings", std::move(findings));
    return p;
}

struct Study {
    fs::path ecg;
    std::string findingText;
};

std::vector<Study> makeStudies(const fs::path& root, const fs::path& pki, const fs::path& trust, int count) {
    const auto signer = need(verify::SigningIdentity::load(pki / "signers" / "finding-signer.key.pem",
                                                           pki / "signers" / "finding-signer.chain.pem"),
                             "the demo finding signer (build the demo first: cmake --build build)");
    verify::FindingSignOptions stamped;
    stamped.timestamp = need(
        verify::TimestampAuthority::load(pki / "signers" / "tsa.key.pem", pki / "signers" / "tsa.chain.pem"),
        "the demo TSA");
    const auto policy = need(verify::parsePolicy(need(verify::readFileBounded(trust / "policy.json", 1 << 20),
                                                      "reading the demo policy")),
                             "the demo policy");
    std::string model;
    for (const auto& m : policy.models) {
        if (m.name == "ecg-omi-detector") {
            model = m.digest;
        }
    }
    if (model.empty()) {
        die("the demo policy does not approve ecg-omi-detector");
    }
    const std::string producedAt = verify::formatRfc3339(
        std::chrono::floor<std::chrono::seconds>(verify::now() - std::chrono::minutes(2)));
    std::vector<Study> out;
    for (int i = 0; i < count; ++i) {
        ecg::SynthParams params = demo::demoEcgParams();
        params.seed = 7000 + static_cast<std::uint64_t>(i);
        params.heartRateBpm = 55.0 + 5.0 * (i % 9);
        auto rec = need(ecg::synthesizeRecording(params), "synthesising bench ECG " + std::to_string(i));
        rec.patient.name = "Bench^Patient" + std::to_string(i + 1);
        rec.patient.id = "VRD-BENCH-" + std::to_string(1000 + i);
        rec.acquisition.dateTime = "202503" + std::to_string(10 + i % 18) + "0930" + std::to_string(10 + i % 50);
        rec.studyDescription = "Resting 12-lead ECG";
        rec.studyInstanceUID = ecg::deterministicUid(params.seed, "bench study");
        rec.seriesInstanceUID = ecg::deterministicUid(params.seed, "bench series");
        rec.sopInstanceUID = ecg::deterministicUid(params.seed, "bench instance");
        const fs::path dir = root / ("study" + std::to_string(i + 1));
        fs::create_directories(dir);
        Study s{dir / "ecg.dcm", {}};
        need(ecg::writeDicomEcg(rec, s.ecg), "writing bench ECG " + std::to_string(i));
        const auto input = need(verify::openInput(s.ecg), "reading back bench ECG " + std::to_string(i));
        const Value p = predicate(model, producedAt, i);
        s.findingText = "BENCH " + std::to_string(i) + ": anterior ST-segment pattern in V2-V4";
        const std::string bundle = need(verify::signFinding(signer, p, input, dir, stamped), "signing a finding");
        need(verify::writeTextFile(dir / "ecg.finding.json", bundle + "\n"), "writing a finding");
        out.push_back(std::move(s));
    }
    return out;
}

} // namespace

int main(int argc, char** argv) {
    const QApplication app(argc, argv);
    fs::path pki = fs::path(VERIDICOR_BUILD_DIR) / "demo-pki";
    fs::path trust = fs::path(VERIDICOR_BUILD_DIR) / "demo-trust";
    int count = 12;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--pki" && i + 1 < argc) {
            pki = argv[++i];
        } else if (a == "--trust" && i + 1 < argc) {
            trust = argv[++i];
        } else if (a == "--studies" && i + 1 < argc) {
            char* end = nullptr;
            const long n = std::strtol(argv[++i], &end, 10);
            if (end == argv[i] || *end != '\0' || n < 2 || n > 500) {
                die("--studies takes a number from 2 to 500");
            }
            count = static_cast<int>(n);
        } else {
            die("usage: reading_loop [--pki DIR] [--trust DIR] [--studies N]");
        }
    }
    if (auto env = dicom::initializeDicom(); !env) {
        die(env.error().message);
    }
    QTemporaryDir tmp;
    if (!tmp.isValid()) {
        die("no temporary folder");
    }
    const fs::path root = tmp.path().toStdString();
    const auto studies = makeStudies(root / "studies", pki, trust, count);
    const QString db = QString::fromStdString((root / "worklist.sqlite").string());
    const QString audit = QString::fromStdString((root / "audit.log").string());
    const QString auditKey = QString::fromStdString((root / "audit-key.pem").string());

    registry::ViewerRegistry registry;
    registry.add(std::make_unique<ecg::EcgViewerFactory>());

    // 1. Index the studies into the worklist (as the reader's earlier session did).
    {
        ui::MainWindow indexer(registry);
        indexer.setBlindRead(false);
        indexer.setTrustStoreFolder(QString::fromStdString(trust.string()));
        indexer.setAuditLogFile(audit);
        indexer.setAuditKeyFile(auditKey);
        indexer.setWorklistDatabase(db);
        bool loaded = false;
        QObject::connect(&indexer, &ui::MainWindow::loadFinished, &indexer, [&loaded] { loaded = true; });
        indexer.openPaths({QString::fromStdString((root / "studies").string())});
        if (!waitFor([&] { return loaded; }, 120000)) {
            die("indexing the bench studies did not finish");
        }
        if (indexer.worklistModel().rowCount() < count) {
            die("the worklist lists " + std::to_string(indexer.worklistModel().rowCount()) + " studies, not " +
                std::to_string(count));
        }
    }

    // 2. A new window on the worklist alone; Next Unread through every study.
    ui::MainWindow window(registry);
    // The loop is timed with the findings displayed, as after the reading is committed or at a site that
    // reads with the AI shown (blind read off): that is the most the window has to do per study.
    window.setBlindRead(false);
    window.resize(1600, 1000);
    window.setTrustStoreFolder(QString::fromStdString(trust.string()));
    window.setAuditLogFile(audit);
    window.setAuditKeyFile(auditKey);
    int worklistRounds = 0;
    QObject::connect(&window, &ui::MainWindow::worklistChanged, &window, [&] { ++worklistRounds; });
    window.setWorklistDatabase(db);
    window.show();
    if (!waitFor([&] { return worklistRounds > 0 && window.worklistModel().rowCount() >= count; })) {
        die("the worklist did not load");
    }
    bool shown = false;
    bool checked = false;
    QString shownPath;
    QElapsedTimer step;
    std::vector<double> shownAt;
    std::vector<double> checkedAt;
    QObject::connect(&window, &ui::MainWindow::instanceShown, &window, [&](const QString& path, bool opened) {
        shownAt.push_back(static_cast<double>(step.nsecsElapsed()) / 1e6);
        shown = opened;
        shownPath = path;
    });
    QObject::connect(&window, &ui::MainWindow::findingsChecked, &window, [&] {
        checkedAt.push_back(static_cast<double>(step.nsecsElapsed()) / 1e6);
        checked = true;
    });
    std::vector<double> nextMs;
    QSet<QString> seen;
    for (int i = 0; i < count; ++i) {
        shown = false;
        checked = false;
        QElapsedTimer t;
        t.start();
        step.start();
        if (!window.openNextUnread()) {
            die("Next Unread found no study at step " + std::to_string(i + 1));
        }
        if (!waitFor([&] { return shown && checked; })) {
            die("step " + std::to_string(i + 1) + ": the ECG or its findings did not come");
        }
        QCoreApplication::processEvents(); // the paint of the new page
        nextMs.push_back(static_cast<double>(t.nsecsElapsed()) / 1e6);
        // The finding must be on screen as verified, or the figure would time something else.
        const auto it = std::find_if(studies.begin(), studies.end(),
                                     [&](const Study& s) { return QString::fromStdString(s.ecg.string()) == shownPath; });
        if (it == studies.end()) {
            die("step " + std::to_string(i + 1) + " showed " + shownPath.toStdString());
        }
        const QStringList texts = window.visibleTexts();
        const bool visible = std::any_of(texts.begin(), texts.end(), [&](const QString& s) {
            return s.contains(QString::fromStdString(it->findingText));
        });
        if (!visible) {
            die("step " + std::to_string(i + 1) + ": the verified finding is not visible");
        }
        if (seen.contains(shownPath)) {
            die("step " + std::to_string(i + 1) + " showed a study again: " + shownPath.toStdString());
        }
        seen.insert(shownPath);
    }

    if (std::getenv("READING_LOOP_DETAIL") != nullptr) {
        for (std::size_t i = 0; i < nextMs.size(); ++i) {
            std::printf("  step %zu: shown %.1f ms, checked %.1f ms, total %.1f ms\n", i + 1,
                        i < shownAt.size() ? shownAt[i] : -1.0, i < checkedAt.size() ? checkedAt[i] : -1.0, nextMs[i]);
        }
    }

    // 3. Sign and write a reading of each recording.
    reading::Reading r;
    r.statements.push_back({"SCT", "164931005", "ST elevation"});
    r.text = "Anterior ST elevation; urgent cardiology review.";
    r.measurements.push_back({"QTc (Bazett)", "412", "ms", "II", std::string("1.204"), std::string("1.616")});
    r.blind = true;
    reading::SrWriteOptions options;
    options.signer = reading::SignerFiles{pki / "signers" / "reader.key.pem", pki / "signers" / "reader.chain.pem"};
    std::vector<double> signMs;
    for (std::size_t i = 0; i < studies.size(); ++i) {
        const fs::path out = root / ("reading" + std::to_string(i) + ".dcm");
        QElapsedTimer t;
        t.start();
        need(reading::writeReadingSr(r, studies[i].ecg, options, out), "signing a reading");
        signMs.push_back(static_cast<double>(t.nsecsElapsed()) / 1e6);
    }

    std::printf("reading_loop: %d studies (10 s 12-lead ECG, 500 Hz, one signed finding each)\n", count);
    std::printf("  next unread -> ECG on screen, finding verified: p50 %.1f ms  p95 %.1f ms  (goal p95 <= 300 ms)\n",
                percentile(nextMs, 0.5), percentile(nextMs, 0.95));
    std::printf("  sign + write the reading SR (dcmsign, demo reader): p50 %.1f ms  p95 %.1f ms  (goal <= 50 ms)\n",
                percentile(signMs, 0.5), percentile(signMs, 0.95));
    return 0;
}
