#include <veridicor/review/collect.h>

#include <veridicor/dicom/content_digest.h>
#include <veridicor/dicom/sop_classes.h>
#include <veridicor/dicom/study_index.h>
#include <veridicor/reading/adjudication_sr.h>
#include <veridicor/reading/reading_verifier.h>
#include <veridicor/review/adjudicated_labels.h>
#include <veridicor/reading/sr_reader.h>
#include <veridicor/review/side_by_side.h>
#include <veridicor/verify/finding_discovery.h>
#include <veridicor/verify/input_digest.h>
#include <veridicor/verify/reason.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <exception>
#include <map>
#include <set>
#include <system_error>
#include <tuple>
#include <utility>

namespace veridicor::review {

namespace {

namespace fs = std::filesystem;

std::string domainName(Domain d) { return d == Domain::Ecg ? "ECG" : "echo"; }

/// The review domain of a recording: an ECG waveform (modality ECG or an ECG waveform SOP class) or an
/// ultrasound (modality US); nullopt for anything else (nothing of it is categorised).
std::optional<Domain> domainOfRecording(const verify::InputData& in) {
    if (in.modality == "ECG" || in.sopClassUID == dicom::sop::TwelveLeadEcg ||
        in.sopClassUID == dicom::sop::GeneralEcg || in.sopClassUID == dicom::sop::AmbulatoryEcg) {
        return Domain::Ecg;
    }
    if (in.modality == "US") {
        return Domain::Echo;
    }
    return std::nullopt;
}

/// The content identity a view of the recording would hold, from the digests openInput() computed in its
/// one read of the file: the same ruler (dicom/content_digest.h) the reading verifier compares with.
dicom::ContentIdentity identityOf(const verify::InputData& in) {
    dicom::ContentIdentity id;
    id.kind = in.hasPixelData ? dicom::ContentKind::PixelData : dicom::ContentKind::Waveform;
    const auto v1 = in.hasPixelData ? verify::DigestMethod::DicomPixelDataV1 : verify::DigestMethod::DicomWaveformV1;
    const auto v2 = in.hasPixelData ? verify::DigestMethod::DicomPixelDataV2 : verify::DigestMethod::DicomWaveformV2;
    if (const std::string* d = in.digestFor(v1)) {
        id.sha256 = *d;
    }
    if (const std::string* d = in.digestFor(v2)) {
        id.sha256V2 = *d;
    }
    id.attributes = in.attributes;
    id.hashedBytes = in.hashedBytes;
    id.sopClassUID = in.sopClassUID;
    id.sopInstanceUID = in.sopInstanceUID;
    id.studyInstanceUID = in.studyInstanceUID;
    id.seriesInstanceUID = in.seriesInstanceUID;
    id.modality = in.modality;
    return id;
}

std::string joinReadingReasons(const std::vector<reading::ReadingReason>& reasons) {
    std::string s;
    for (const auto r : reasons) {
        s += (s.empty() ? "" : ", ") + std::string(reading::readingReasonName(r));
    }
    return s;
}

std::string joinReasons(const std::vector<verify::Reason>& reasons) {
    std::string s;
    for (const auto r : reasons) {
        s += (s.empty() ? "" : ", ") + std::string(verify::reasonName(r));
    }
    return s;
}

bool cancelled(const CollectOptions& o) { return o.cancel != nullptr && o.cancel->load(); }

struct Recording {
    verify::InputData input;
    Domain domain = Domain::Ecg;
};

/// A trusted reading, before the one in force is chosen.
struct TrustedReading {
    fs::path path;
    std::string uid;
    std::string predecessor;
    std::int64_t time = 0;
    std::string reader;
    std::vector<reading::CodedStatement> statements;
};

using StudyKey = std::pair<std::string, Domain>; // study UID, domain

struct ModelKey {
    std::string studyUid;
    Domain domain = Domain::Ecg;
    std::string name;
    std::string version;
    friend bool operator<(const ModelKey& a, const ModelKey& b) {
        return std::tie(a.studyUid, a.domain, a.name, a.version) <
               std::tie(b.studyUid, b.domain, b.name, b.version);
    }
};

/// One model's bundles of one study.
struct ModelFindings {
    std::vector<AiFinding> ai;
    std::size_t trustedBundles = 0;
    std::size_t untrustedBundles = 0;
    fs::path firstBundle;
};

class Collector {
public:
    Collector(const verify::TrustStore& store, verify::TimePoint at, const CollectOptions& options)
        : m_store(store), m_at(at), m_options(options) {}

    ReviewSet run(const std::vector<fs::path>& paths) {
        scan(paths);
        if (!cancelled(m_options)) {
            findings(paths);
        }
        if (!cancelled(m_options)) {
            readings();
        }
        if (cancelled(m_options)) {
            leave({}, {}, "cancelled: the review set was not collected to its end");
        }
        assemble();
        if (!cancelled(m_options)) {
            adjudications();
        }
        return std::move(m_set);
    }

private:
    const verify::TrustStore& m_store;
    verify::TimePoint m_at;
    const CollectOptions& m_options;
    ReviewSet m_set;
    std::map<std::string, Recording> m_recordings;      // by path (generic string)
    std::map<std::string, std::string> m_recordingBySop; // SOP Instance UID → path
    std::vector<fs::path> m_srFiles;
    /// The SRs that are adjudications (read unverified, to find their recording and reading), for the pass
    /// after the readings in force are known.
    std::vector<std::pair<fs::path, reading::AdjudicationDocument>> m_adjudicationFiles;
    std::map<std::string, fs::path> m_readingPathByUid; // trusted readings: SOP Instance UID → file
    std::map<ModelKey, ModelFindings> m_models;
    std::map<StudyKey, std::vector<TrustedReading>> m_readings;

    void leave(const fs::path& path, const std::string& studyUid, std::string reason) {
        m_set.leftOut.push_back(LeftOut{path.string(), studyUid, std::move(reason)});
    }

    void scan(const std::vector<fs::path>& paths) {
        dicom::ScanOptions so;
        so.maxFiles = m_options.maxFiles;
        so.cancel = m_options.cancel;
        const dicom::StudyIndex index = dicom::scanPaths(paths, so);
        if (index.filesExamined >= m_options.maxFiles) {
            leave({}, {}, "more than " + std::to_string(m_options.maxFiles) +
                              " files: the scan was cut off there and the rest was not read");
        }
        for (const auto& p : index.problems) {
            leave(p.path, {}, "unreadable DICOM file: " + p.error.message);
        }
        for (const auto& p : index.skipped) {
            // Files that are not DICOM are the bundles, their attachments and anything else beside the
            // data: the bundles are found by name below; only a file that could not be read at all is news.
            if (p.error.code == dicom::ErrorCode::Unreadable && !verify::isFindingFileName(p.path)) {
                leave(p.path, {}, "unreadable file: " + p.error.message);
            }
        }
        for (const dicom::InstanceHeader* h : index.allInstances()) {
            if (cancelled(m_options)) {
                return;
            }
            if (h->sopClassUID == dicom::sop::ComprehensiveSr) {
                m_srFiles.push_back(h->path);
                continue;
            }
            addRecording(*h);
        }
    }

    void addRecording(const dicom::InstanceHeader& h) {
        std::error_code ec;
        const auto size = fs::file_size(h.path, ec);
        if (ec || size > m_options.maxRecordingBytes) {
            leave(h.path, h.studyInstanceUID,
                  ec ? "unreadable recording: " + ec.message()
                     : "recording larger than " + std::to_string(m_options.maxRecordingBytes) + " bytes: not read");
            return;
        }
        auto in = verify::openInput(h.path);
        if (!in) {
            leave(h.path, h.studyInstanceUID, "unreadable recording: " + in.error().message);
            return;
        }
        const auto domain = domainOfRecording(*in);
        if (!domain) {
            leave(h.path, h.studyInstanceUID,
                  "not an ECG or echo recording (modality " + (in->modality.empty() ? "none" : in->modality) +
                      "): no review category applies");
            return;
        }
        if (m_recordingBySop.count(in->sopInstanceUID) != 0) {
            leave(h.path, h.studyInstanceUID,
                  "a second file of SOP Instance " + in->sopInstanceUID + " (" + m_recordingBySop[in->sopInstanceUID] +
                      " is used)");
            return;
        }
        m_recordingBySop[in->sopInstanceUID] = h.path.string();
        m_recordings[h.path.string()] = Recording{std::move(*in), *domain};
    }

    void findings(const std::vector<fs::path>& paths) {
        std::set<fs::path> bundles;
        for (const auto& p : paths) {
            bool truncated = false;
            for (auto& b : verify::findFindingFiles(p, true, m_options.maxFindingFiles, &truncated)) {
                bundles.insert(std::move(b));
            }
            if (truncated) {
                leave(p, {}, "more than " + std::to_string(m_options.maxFindingFiles) +
                                 " finding files: the rest were not verified");
            }
        }
        if (bundles.empty()) {
            return;
        }
        // checkFindings routes each bundle by comparing it with every recording it is given (rule a: a
        // recording of the same folder it is named after; rule b: its signed subject). Given all of a large
        // set at once that is quadratic in the number of studies, so bundles are checked in chunks of whole
        // folders with the recordings of those folders; a bundle that finds no recording there (rule b
        // naming a recording elsewhere) is checked again against every recording.
        std::map<fs::path, std::vector<const Recording*>> recordingsByFolder;
        for (const auto& [path, rec] : m_recordings) {
            recordingsByFolder[rec.input.path.lexically_normal().parent_path()].push_back(&rec);
        }
        std::map<fs::path, std::vector<fs::path>> bundlesByFolder;
        for (const auto& b : bundles) {
            bundlesByFolder[b.lexically_normal().parent_path()].push_back(b);
        }
        std::vector<fs::path> retry;
        verify::FindingCheckRequest req;
        auto run = [&](bool retrying) {
            req.trustStore = m_store.directory();
            req.at = m_at;
            req.cancel = m_options.cancel;
            const verify::FindingCheckResult result = verify::checkFindings(req);
            for (const auto& f : result.findings) {
                if (!retrying && f.route == verify::FindingRoute::NoRecording && result.trustStoreLoaded) {
                    retry.push_back(f.bundle);
                } else {
                    addFinding(f);
                }
            }
            req = verify::FindingCheckRequest{};
        };
        constexpr std::size_t kChunkBundles = 64;
        for (const auto& [folder, list] : bundlesByFolder) {
            if (cancelled(m_options)) {
                return;
            }
            req.bundles.insert(req.bundles.end(), list.begin(), list.end());
            if (const auto r = recordingsByFolder.find(folder); r != recordingsByFolder.end()) {
                for (const Recording* rec : r->second) {
                    req.recordings.push_back(verify::Recording{rec->input.path, rec->input.sopInstanceUID});
                    req.inputs.push_back(rec->input);
                }
            }
            if (req.bundles.size() >= kChunkBundles) {
                run(false);
            }
        }
        if (!req.bundles.empty()) {
            run(false);
        }
        if (!retry.empty()) {
            req.bundles = std::move(retry);
            for (const auto& [path, rec] : m_recordings) {
                req.recordings.push_back(verify::Recording{rec.input.path, rec.input.sopInstanceUID});
                req.inputs.push_back(rec.input);
            }
            run(true);
        }
    }

    void addFinding(const verify::CheckedFinding& f) {
        const auto rec = m_recordings.find(f.recording.string());
        if (!f.verdict || rec == m_recordings.end() || f.route == verify::FindingRoute::UnopenedFile) {
            std::string why = !f.problem.empty() ? f.problem : std::string(verify::routeDescription(f.route));
            leave(f.bundle, {}, "finding not verified: " + why);
            return;
        }
        const Recording& r = rec->second;
        const verify::Verdict& v = *f.verdict;
        if (!v.trusted()) {
            leave(f.bundle, r.input.studyInstanceUID, "finding untrusted: " + joinReasons(v.reasons));
        }
        if (!v.authenticated || !v.statement) {
            // Not authentic: nothing of it (not even its model) may be read, so it joins no study's rows.
            return;
        }
        const verify::FindingStatement& st = *v.statement;
        ModelFindings& m = m_models[ModelKey{r.input.studyInstanceUID, r.domain, st.model.name, st.model.version}];
        if (m.firstBundle.empty()) {
            m.firstBundle = f.bundle;
        }
        (v.trusted() ? m.trustedBundles : m.untrustedBundles) += 1;
        const std::string why = v.trusted() ? std::string() : joinReasons(v.reasons);
        for (const verify::Finding& finding : st.findings) {
            m.ai.push_back(AiFinding{finding.id, finding.code, v.trusted(), why});
        }
    }

    void readings() {
        for (const auto& path : m_srFiles) {
            if (cancelled(m_options)) {
                return;
            }
            addReading(path);
        }
    }

    void addReading(const fs::path& path) {
        // The SR is read once unverified only to find the recording it names (its evidence); the verifier
        // then checks that binding, so a reading that names another recording than its content is refused.
        auto doc = reading::readReadingSr(path);
        if (!doc) {
            // An adjudication SR is a Comprehensive SR too: its labels are applied once the readings in force
            // are known (adjudications()).
            if (auto adj = reading::readAdjudicationSr(path)) {
                m_adjudicationFiles.emplace_back(path, std::move(*adj));
                return;
            }
            leave(path, {}, "not a reading SR that can be read: " + doc.error().message);
            return;
        }
        const auto sop = m_recordingBySop.find(doc->evidenceSopInstanceUID);
        if (sop == m_recordingBySop.end()) {
            leave(path, doc->studyInstanceUID,
                  "the recording this reading names (SOP Instance " + doc->evidenceSopInstanceUID.substr(0, 64) +
                      ") was not given: its binding to the data cannot be checked");
            return;
        }
        const Recording& rec = m_recordings.at(sop->second);
        const dicom::ContentIdentity id = identityOf(rec.input);
        auto verdict = reading::verifyReadingFile(path, m_store, m_at, &id);
        if (!verdict) {
            leave(path, rec.input.studyInstanceUID, "unreadable reading: " + verdict.error().message);
            return;
        }
        if (!verdict->trusted() || !verdict->document) {
            if (verdict->has(reading::ReadingReason::Unsigned)) {
                leave(path, rec.input.studyInstanceUID, "preliminary (unsigned) reading: not counted");
            } else {
                leave(path, rec.input.studyInstanceUID, "reading untrusted: " + joinReadingReasons(verdict->reasons));
            }
            return;
        }
        const reading::ReadingDocument& d = *verdict->document;
        const auto time = dicomDateTimeToUnix(d.verificationDateTime);
        if (!time) {
            leave(path, rec.input.studyInstanceUID,
                  "reading without a valid signing time (Verification DateTime '" + d.verificationDateTime.substr(0, 32) +
                      "'): which reading is in force cannot be told");
            return;
        }
        m_readingPathByUid[d.sopInstanceUID] = path;
        m_readings[{rec.input.studyInstanceUID, rec.domain}].push_back(TrustedReading{
            path, d.sopInstanceUID, d.predecessorSopInstanceUID, *time, d.verifyingObserverName, d.reading.statements});
    }

    /// The reading in force of each study and domain; the others are left out with the one that replaced them.
    std::map<StudyKey, TrustedReading> inForce() {
        std::map<StudyKey, TrustedReading> out;
        for (auto& [key, list] : m_readings) {
            std::set<std::string> amended;
            for (const auto& r : list) {
                if (!r.predecessor.empty()) {
                    amended.insert(r.predecessor);
                }
            }
            const TrustedReading* best = nullptr;
            for (const auto& r : list) {
                if (amended.count(r.uid) != 0) {
                    continue;
                }
                if (best == nullptr || std::tie(r.time, r.uid) > std::tie(best->time, best->uid)) {
                    best = &r;
                }
            }
            if (best == nullptr) {
                // Every reading amends another in a cycle: none can be in force.
                for (const auto& r : list) {
                    leave(r.path, key.first, "readings that amend one another in a cycle: none is in force");
                }
                continue;
            }
            for (const auto& r : list) {
                if (&r == best) {
                    continue;
                }
                std::string who;
                for (const auto& s : list) {
                    if (s.predecessor == r.uid) {
                        who = s.uid;
                    }
                }
                leave(r.path, key.first,
                      amended.count(r.uid) != 0
                          ? "amended by reading " + who + ": the amendment replaces it"
                          : "replaced by a later signed reading " + best->uid + " (the reading in force)");
            }
            out.emplace(key, *best);
        }
        return out;
    }

    /// Each adjudication SR is verified against the recording its reading read and against that reading's
    /// file (the adjudicator must not be its signer); a trusted one replaces the clinician's side of the
    /// categories it settled in every reviewed study of that reading. Anything else is left out, with why.
    void adjudications() {
        for (const auto& [path, doc] : m_adjudicationFiles) {
            if (cancelled(m_options)) {
                return;
            }
            const auto sop = m_recordingBySop.find(doc.evidenceSopInstanceUID);
            if (sop == m_recordingBySop.end()) {
                leave(path, doc.studyInstanceUID,
                      "adjudication whose recording (SOP Instance " + doc.evidenceSopInstanceUID.substr(0, 64) +
                          ") was not given: its binding to the data cannot be checked");
                continue;
            }
            const auto readingPath = m_readingPathByUid.find(doc.adjudication.reading);
            if (readingPath == m_readingPathByUid.end()) {
                leave(path, doc.studyInstanceUID,
                      "adjudication of a reading (" + doc.adjudication.reading.substr(0, 64) +
                          ") that is not among the signed, verified readings given: not applied");
                continue;
            }
            const dicom::ContentIdentity id = identityOf(m_recordings.at(sop->second).input);
            auto verdict = reading::verifyAdjudicationFile(path, m_store, m_at, &id, &readingPath->second);
            if (!verdict) {
                leave(path, doc.studyInstanceUID, "unreadable adjudication: " + verdict.error().message);
                continue;
            }
            if (!verdict->trusted()) {
                leave(path, doc.studyInstanceUID, "adjudication untrusted: " + joinReadingReasons(verdict->reasons));
                continue;
            }
            bool applied = false;
            for (ReviewedStudy& study : m_set.studies) {
                if (study.readingUid != doc.adjudication.reading) {
                    continue;
                }
                if (auto a = applyAdjudication(study, *verdict); !a) {
                    leave(path, study.studyUid, "adjudication not applied: " + a.error());
                } else {
                    applied = true;
                }
            }
            if (!applied) {
                leave(path, doc.studyInstanceUID,
                      "adjudication of a reading that is not counted (not the reading in force, or no verified AI "
                      "finding beside it)");
            }
        }
    }

    void assemble() {
        const std::map<StudyKey, TrustedReading> force = inForce();
        std::set<StudyKey> counted;
        for (auto& [key, m] : m_models) {
            const StudyKey sk{key.studyUid, key.domain};
            const std::string model = key.name + " " + key.version;
            if (m.trustedBundles == 0) {
                leave(m.firstBundle, key.studyUid,
                      "no verified finding of " + model + " for this study (" + std::to_string(m.untrustedBundles) +
                          " bundle(s) not verified)");
                continue;
            }
            const auto r = force.find(sk);
            if (r == force.end()) {
                leave(m.firstBundle, key.studyUid,
                      "no signed, verified " + domainName(key.domain) + " reading of this study: " + model +
                          "'s findings are not counted");
                continue;
            }
            StudyInput in;
            in.domain = key.domain;
            in.ai = std::move(m.ai);
            in.clinician = r->second.statements;
            ReviewedStudy s;
            s.studyUid = key.studyUid;
            s.domain = key.domain;
            s.modelName = key.name;
            s.modelVersion = key.version;
            s.reader = r->second.reader;
            s.readingUid = r->second.uid;
            s.readingTime = r->second.time;
            s.sideBySide = sideBySide(in);
            m_set.studies.push_back(std::move(s));
            counted.insert(sk);
        }
        for (const auto& [key, r] : force) {
            if (counted.count(key) == 0) {
                leave(r.path, key.first, "no verified AI finding for this study: the reading is not compared");
            }
        }
    }
};

int digits(const std::string& s, std::size_t pos, std::size_t n, bool& ok) {
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (i >= s.size() || s[i] < '0' || s[i] > '9') {
            ok = false;
            return 0;
        }
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

} // namespace

std::optional<std::int64_t> dicomDateTimeToUnix(const std::string& dtIn) {
    std::string dt = dtIn;
    while (!dt.empty() && dt.back() == ' ') {
        dt.pop_back();
    }
    if (dt.size() < 12 || dt.size() > 26) {
        return std::nullopt;
    }
    // The UTC offset, when there is one, ends the value.
    int offsetSeconds = 0;
    const std::size_t sign = dt.find_first_of("+-");
    if (sign != std::string::npos) {
        bool ok = dt.size() == sign + 5;
        const int hh = digits(dt, sign + 1, 2, ok);
        const int mm = digits(dt, sign + 3, 2, ok);
        if (!ok || hh > 14 || mm > 59) {
            return std::nullopt;
        }
        offsetSeconds = (dt[sign] == '-' ? -1 : 1) * (hh * 3600 + mm * 60);
        dt.resize(sign);
    }
    const std::size_t dot = dt.find('.');
    if (dot != std::string::npos) {
        bool ok = dot == 14 && dt.size() > 15 && dt.size() <= 21;
        digits(dt, 15, dt.size() - 15, ok);
        if (!ok) {
            return std::nullopt;
        }
        dt.resize(dot);
    }
    if (dt.size() != 12 && dt.size() != 14) {
        return std::nullopt;
    }
    bool ok = true;
    const int y = digits(dt, 0, 4, ok);
    const int mo = digits(dt, 4, 2, ok);
    const int d = digits(dt, 6, 2, ok);
    const int h = digits(dt, 8, 2, ok);
    const int mi = digits(dt, 10, 2, ok);
    const int s = dt.size() == 14 ? digits(dt, 12, 2, ok) : 0;
    if (!ok || h > 23 || mi > 59 || s > 60) {
        return std::nullopt;
    }
    const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(mo)},
                                          std::chrono::day{static_cast<unsigned>(d)}};
    if (!ymd.ok()) {
        return std::nullopt;
    }
    const auto days = std::chrono::sys_days{ymd}.time_since_epoch().count();
    const std::int64_t seconds = std::int64_t{h} * 3600 + std::int64_t{mi} * 60 + s;
    return static_cast<std::int64_t>(days) * 86400 + seconds - offsetSeconds;
}

ReviewSet collectReviewSet(const std::vector<std::filesystem::path>& paths, const verify::TrustStore& store,
                           verify::TimePoint at, const CollectOptions& options) {
    try {
        return Collector(store, at, options).run(paths);
    } catch (const std::exception& e) {
        // Out of memory or a library's exception: nothing is counted rather than a partial set that looks whole.
        ReviewSet failed;
        failed.leftOut.push_back(LeftOut{{}, {}, std::string("the review set could not be collected: ") + e.what()});
        return failed;
    }
}

void applyAdjudications(ReviewSet& set, const std::vector<StudyAdjudication>& adjudications) {
    for (const StudyAdjudication& a : adjudications) {
        bool applied = false;
        bool otherReading = false;
        for (ReviewedStudy& s : set.studies) {
            if (s.studyUid != a.studyUid || (!a.modelName.empty() && s.modelName != a.modelName) ||
                (!a.modelVersion.empty() && s.modelVersion != a.modelVersion)) {
                continue;
            }
            if (!a.readingUid.empty() && a.readingUid != s.readingUid) {
                otherReading = true;
                continue;
            }
            s.adjudicated = a.labels;
            s.adjudicator = a.adjudicator;
            s.adjudicationUid = a.adjudicationUid;
            applied = true;
        }
        if (!applied) {
            set.leftOut.push_back(LeftOut{
                {}, a.studyUid,
                otherReading ? "adjudication " + a.adjudicationUid + " is of reading " + a.readingUid +
                                   ", not of the reading in force: not applied"
                             : "adjudication " + a.adjudicationUid + " matches no reviewed study: not applied"});
        }
    }
}

} // namespace veridicor::review
