// bench_agreement: what agreement statistics cost (issue 12).
//
//   bench_agreement [--pki DIR] [--studies N] [--rows R] [--drop-caches] [--dir DIR]
//
// --dir keeps the studies of (b) in DIR/studies (made when missing, else reused: only the timing runs).
//
// (a) From the worklist database: R reviewed studies (default 10 000 readings, 7 ECG categories each, so
//     70 000 rows) are inserted once into a new database (recordReviews, one transaction); then, several
//     times, the reviewSet() query, agreementGroupsOf() and agreement() of every group are timed together
//     (p50 / p95). Goal: ≤ 1 s.
// (b) From files: N studies (default 300) are made — a 10 s 12-lead ECG each (the demo's synthesis), a
//     finding bundle signed by the demo PKI's finding signer and a reading SR signed by the demo reader
//     (dcmsign) — then the page cache of those files is emptied (posix_fadvise DONTNEED on each file, which
//     needs no privilege and leaves other work alone; --drop-caches writes /proc/sys/vm/drop_caches instead,
//     when allowed) and collectReviewSet() verifies every signature and binding, cold and then warm. The
//     per-study time is extrapolated linearly to 10 000 readings, and printed as an extrapolation.
#include "../resources/demo/demo_ecg_params.h"

#include <veridicor/dicom/dicom_env.h>
#include <veridicor/ecg/dicom_writer.h>
#include <veridicor/ecg/synth.h>
#include <veridicor/reading/reading.h>
#include <veridicor/reading/sr_writer.h>
#include <veridicor/review/agreement.h>
#include <veridicor/review/collect.h>
#include <veridicor/verify/input_digest.h>
#include <veridicor/verify/json.h>
#include <veridicor/verify/keys.h>
#include <veridicor/verify/pki.h>
#include <veridicor/verify/signer.h>
#include <veridicor/verify/time.h>
#include <veridicor/verify/trust_store.h>
#include <veridicor/worklist/database.h>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace veridicor;
namespace fs = std::filesystem;
using verify::json::Value;

namespace {

[[noreturn]] void die(const std::string& message) {
    static_cast<void>(std::fprintf(stderr, "bench_agreement: %s\n", message.c_str()));
    std::exit(2);
}

template <class T, class E> T need(Expected<T, E> e, const std::string& what) {
    if (!e) {
        if constexpr (std::is_same_v<decltype(e.error().message), QString>) {
            die(what + ": " + e.error().message.toStdString());
        } else {
            die(what + ": " + e.error().message);
        }
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

/// A positive count from the command line (at most 1 000 000).
int count(const char* text) {
    char* end = nullptr;
    const long v = std::strtol(text, &end, 10);
    if (end == text || *end != '\0' || v < 1 || v > 1000000) {
        die(std::string("not a count from 1 to 1000000: ") + text);
    }
    return static_cast<int>(v);
}

double msSince(const QElapsedTimer& t) { return static_cast<double>(t.nsecsElapsed()) / 1e6; }

// ---- (a) the database ---------------------------------------------------------------------------------

constexpr std::array kEcgCategories{review::Category::EcgOverall,    review::Category::EcgRhythm,
                                    review::Category::EcgConduction, review::Category::EcgAxis,
                                    review::Category::EcgHypertrophy, review::Category::EcgIschaemia,
                                    review::Category::EcgRepolarisation};

/// Reading i of a synthetic review set: 3 model versions, 8 readers, a deterministic mix of calls (an LCG,
/// so every run inserts the same rows), one in 20 adjudicated.
review::ReviewedStudy syntheticStudy(int i) {
    review::ReviewedStudy s;
    s.studyUid = "1.2.826.0.1.3680043.10.77." + std::to_string(i + 1);
    s.readingUid = s.studyUid + ".9";
    s.modelName = "ecg-omi-detector";
    s.modelVersion = i % 3 == 0 ? "2.0.0" : "2.1.0";
    s.reader = "Reader " + std::to_string(i % 8 + 1);
    s.readingTime = 1796119200 + std::int64_t{i} * 60;
    std::uint64_t x = static_cast<std::uint64_t>(i) * 6364136223846793005ULL + 1442695040888963407ULL;
    for (const review::Category c : kEcgCategories) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        const unsigned r = static_cast<unsigned>(x >> 33U) % 100U;
        review::Row row;
        row.category = c;
        row.clinicianPositive = r < 15;
        row.aiPositive = r < 12 || (r >= 15 && r < 19);
        row.state = row.aiPositive == row.clinicianPositive ? review::RowState::Agree
                    : row.aiPositive                        ? review::RowState::AiOnly
                                                            : review::RowState::ClinicianOnly;
        s.sideBySide.rows.push_back(row);
    }
    if (i % 20 == 0) {
        s.adjudicated = {review::AdjudicatedLabel{review::Category::EcgIschaemia, true, "bench"}};
    }
    return s;
}

void benchDatabase(const fs::path& root, int count) {
    const QString path = QString::fromStdString((root / "worklist.sqlite").string());
    auto db = need(worklist::Database::open(path), "opening the bench database");
    std::vector<review::ReviewedStudy> studies;
    studies.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
        studies.push_back(syntheticStudy(i));
    }
    QElapsedTimer insert;
    insert.start();
    need(db->recordReviews(studies), "inserting the review rows");
    std::printf("(a) insert %d reviewed studies (%d rows, one transaction): %.0f ms\n", count,
                count * static_cast<int>(kEcgCategories.size()), msSince(insert));
    std::vector<double> times;
    std::size_t rows = 0;
    std::size_t groups = 0;
    double checksum = 0;
    for (int run = 0; run < 11; ++run) {
        QElapsedTimer t;
        t.start();
        const auto set = need(db->reviewSet(), "the reviewSet query");
        const review::AgreementGroups g = worklist::agreementGroupsOf(set);
        for (const auto& [key, group] : g.groups()) {
            const review::Agreement a = review::agreement(group.table);
            checksum += a.kappa.value.value_or(0);
        }
        times.push_back(msSince(t));
        rows = set.size();
        groups = g.groups().size();
    }
    std::printf("(a) reviewSet rows + agreementGroupsOf + agreement() of all %zu groups over %zu rows, 11 runs: "
                "p50 %.0f ms, p95 %.0f ms  [checksum %.6f]\n",
                groups, rows, percentile(times, 0.5), percentile(times, 0.95), checksum);
    // The statistics as the worklist computes them: the tables counted by SQLite (Database::agreementGroups).
    times.clear();
    double checksum2 = 0;
    for (int run = 0; run < 11; ++run) {
        QElapsedTimer t;
        t.start();
        const review::AgreementGroups g = need(db->agreementGroups(), "the agreementGroups query");
        for (const auto& [key, group] : g.groups()) {
            const review::Agreement a = review::agreement(group.table);
            checksum2 += a.kappa.value.value_or(0);
        }
        times.push_back(msSince(t));
        groups = g.groups().size();
    }
    std::printf("(a) agreementGroups query (counted by SQLite) + agreement() of all %zu groups, 11 runs: p50 %.0f ms, "
                "p95 %.0f ms (goal <= 1000 ms)  [checksum %.6f]\n",
                groups, percentile(times, 0.5), percentile(times, 0.95), checksum2);
}

// ---- (b) files -----------------------------------------------------------------------------------------

Value str(const std::string& s) { return Value::string(s); }

Value predicate(const std::string& modelDigest, const std::string& producedAt, bool stemi) {
    Value code = Value::object();
    code.set("scheme", str("SCT"));
    code.set("value", str(stemi ? "401303003" : "426783006"));
    code.set("meaning", str(stemi ? "Acute ST segment elevation myocardial infarction" : "Sinus rhythm"));
    Value leads = Value::array();
    leads.push(str("V2"));
    Value region = Value::object();
    region.set("kind", str("ecg"));
    region.set("leads", std::move(leads));
    region.set("startSeconds", Value::number(2.0));
    region.set("endSeconds", Value::number(6.0));
    Value finding = Value::object();
    finding.set("id", str("f1"));
    finding.set("code", std::move(code));
    finding.set("text", str("bench finding"));
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

void makeStudies(const fs::path& root, const fs::path& pki, int count) {
    const auto signer = need(verify::SigningIdentity::load(pki / "signers" / "finding-signer.key.pem",
                                                           pki / "signers" / "finding-signer.chain.pem"),
                             "the demo finding signer (build it first: cmake --build build --target demo_pki)");
    const auto policy = need(verify::parsePolicy(need(verify::readFileBounded(pki / "trust" / "policy.json", 1 << 20),
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
    reading::SrWriteOptions options;
    options.signer = reading::SignerFiles{pki / "signers" / "reader.key.pem", pki / "signers" / "reader.chain.pem"};
    for (int i = 0; i < count; ++i) {
        ecg::SynthParams params = demo::demoEcgParams();
        params.seed = 9000 + static_cast<std::uint64_t>(i);
        params.heartRateBpm = 55.0 + 5.0 * (i % 9);
        auto rec = need(ecg::synthesizeRecording(params), "synthesising bench ECG " + std::to_string(i));
        rec.patient.name = "Bench^Patient" + std::to_string(i + 1);
        rec.patient.id = "VRD-AGREE-" + std::to_string(1000 + i);
        rec.studyInstanceUID = ecg::deterministicUid(params.seed, "agreement study");
        rec.seriesInstanceUID = ecg::deterministicUid(params.seed, "agreement series");
        rec.sopInstanceUID = ecg::deterministicUid(params.seed, "agreement instance");
        const fs::path dir = root / ("study" + std::to_string(i + 1));
        fs::create_directories(dir);
        const fs::path ecgPath = dir / "ecg.dcm";
        need(ecg::writeDicomEcg(rec, ecgPath), "writing bench ECG " + std::to_string(i));
        const auto input = need(verify::openInput(ecgPath), "reading back bench ECG");
        const std::string bundle =
            need(verify::signFinding(signer, predicate(model, producedAt, i % 2 == 0), input, dir), "signing a finding");
        need(verify::writeTextFile(dir / "ecg.finding.json", bundle + "\n"), "writing a finding");
        reading::Reading r;
        r.statements.push_back(reading::CodedStatement{"SCT", "426783006", "Sinus rhythm"});
        if (i % 3 != 0) {
            r.statements.push_back(reading::CodedStatement{"SCT", "164931005", "ST elevation"});
        }
        r.blind = true;
        need(reading::writeReadingSr(r, ecgPath, options, dir / "reading.dcm"), "signing a reading");
    }
}

/// Empties the page cache of every file under `root`: the global cache when `global` and allowed, else each
/// file's own pages (POSIX_FADV_DONTNEED after fsync). Returns what was done, in words.
std::string evict(const fs::path& root, bool global) {
    ::sync();
    if (global) {
        std::ofstream drop("/proc/sys/vm/drop_caches");
        drop << "3\n";
        drop.flush();
        if (drop.good()) {
            return "cold: the whole page cache dropped (/proc/sys/vm/drop_caches)";
        }
    }
    std::size_t files = 0;
    std::size_t failed = 0;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
        if (!e.is_regular_file()) {
            continue;
        }
        const int fd = ::open(e.path().c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0 || ::fsync(fd) != 0 || ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) != 0) {
            ++failed;
        } else {
            ++files;
        }
        if (fd >= 0) {
            ::close(fd);
        }
    }
    if (failed > 0) {
        return "warm (the page cache of " + std::to_string(failed) + " files could not be emptied)";
    }
    return "cold files: the page cache of each of the " + std::to_string(files) +
           " files emptied (posix_fadvise DONTNEED; directory entries and the trust store may still be cached)";
}

} // namespace

int main(int argc, char** argv) {
    const QCoreApplication app(argc, argv);
    fs::path pki = fs::path(VERIDICOR_BUILD_DIR) / "demo-pki";
    int studies = 300;
    int rows = 10000;
    bool dropCaches = false;
    fs::path keep;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--pki" && i + 1 < argc) {
            pki = argv[++i];
        } else if (a == "--studies" && i + 1 < argc) {
            studies = count(argv[++i]);
        } else if (a == "--rows" && i + 1 < argc) {
            rows = count(argv[++i]);
        } else if (a == "--dir" && i + 1 < argc) {
            keep = argv[++i];
        } else if (a == "--drop-caches") {
            dropCaches = true;
        } else {
            die("usage: bench_agreement [--pki DIR] [--studies N] [--rows R] [--drop-caches] [--dir DIR]");
        }
    }
    if (auto env = dicom::initializeDicom(); !env) {
        die(env.error().message);
    }
    QTemporaryDir tmp;
    const fs::path root = keep.empty() ? fs::path(tmp.path().toStdString()) : keep;
    fs::create_directories(root);

    if (rows > 0 && keep.empty()) {
        benchDatabase(root, rows);
    }
    if (!fs::exists(root / "studies")) {
        QElapsedTimer make;
        make.start();
        makeStudies(root / "studies", pki, studies);
        std::printf("(b) made %d studies (ECG + signed finding + signed reading SR): %.1f s\n", studies,
                    msSince(make) / 1000.0);
    }
    const auto store = need(verify::TrustStore::load(pki / "trust"), "the demo trust store");
    const std::string how = evict(root / "studies", dropCaches);
    for (const bool cold : {true, false}) {
        QElapsedTimer t;
        t.start();
        const review::ReviewSet set = review::collectReviewSet({root / "studies"}, store, verify::now());
        const double ms = msSince(t);
        if (set.studies.size() != static_cast<std::size_t>(studies)) {
            for (const auto& l : set.leftOut) {
                static_cast<void>(std::fprintf(stderr, "left out: %s: %s\n", l.path.c_str(), l.reason.c_str()));
            }
            die("only " + std::to_string(set.studies.size()) + " of " + std::to_string(studies) + " studies counted");
        }
        const double perStudy = ms / studies;
        std::printf("(b) collectReviewSet, %s: %d studies (%d files) in %.0f ms = %.2f ms a study (%.2f ms a file); "
                    "extrapolated linearly to 10 000 readings: %.0f s\n",
                    cold ? how.c_str() : "warm (second pass)", studies, 3 * studies, ms, perStudy, perStudy / 3,
                    perStudy * 10000 / 1000.0);
    }
    return 0;
}
