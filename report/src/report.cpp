#include <veridicor/report/report.h>

#include <veridicor/cine/clip_reader.h>
#include <veridicor/cine/heatmap.h>
#include <veridicor/dicom/load.h>
#include <veridicor/ecg/dicom_reader.h>
#include <veridicor/reading/sr_reader.h>
#include <veridicor/verify/input_digest.h>
#include <veridicor/verify/reason.h>
#include <veridicor/verify/trust_store.h>

#include <algorithm>
#include <limits>
#include <cstdint>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <system_error>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <utility>

namespace veridicor::report {

namespace {


constexpr std::size_t kMaxWordedChars = 240; ///< a name or meaning from a file, as printed

/// Text from a file, bounded and with control characters made visible, for one printed line.
std::string printable(std::string_view s, std::size_t max = kMaxWordedChars) {
    std::string out;
    for (const char c : s) {
        if (out.size() >= max) {
            out += "…";
            break;
        }
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7F) {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out;
}

/// "Doe^Jane^^Dr" → "Doe, Dr Jane" (DICOM PN: family^given^middle^prefix^suffix).
std::string personName(std::string_view pn) {
    std::vector<std::string> parts;
    std::string cur;
    for (const char c : pn.substr(0, pn.find('='))) {
        if (c == '^') {
            parts.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    parts.push_back(cur);
    parts.resize(5);
    std::string given;
    for (const std::string* p : {&parts[3], &parts[1], &parts[2]}) {
        if (!p->empty()) {
            given += (given.empty() ? "" : " ") + *p;
        }
    }
    std::string out = parts[0];
    if (!given.empty()) {
        out += (out.empty() ? "" : ", ") + given;
    }
    if (!parts[4].empty()) {
        out += ", " + parts[4];
    }
    return printable(out.empty() ? std::string("(no name)") : out);
}

/// "20250312" → "2025-03-12"; "20250312101200" → "2025-03-12 10:12:00"; other text as it is.
std::string dicomDateTime(std::string_view dt) {
    auto digits = [&](std::size_t from, std::size_t n) {
        return dt.size() >= from + n &&
               std::all_of(dt.begin() + static_cast<std::ptrdiff_t>(from),
                           dt.begin() + static_cast<std::ptrdiff_t>(from + n),
                           [](char c) { return c >= '0' && c <= '9'; });
    };
    if (!digits(0, 8)) {
        return printable(dt);
    }
    std::string out = std::string(dt.substr(0, 4)) + "-" + std::string(dt.substr(4, 2)) + "-" +
                      std::string(dt.substr(6, 2));
    if (digits(8, 4)) {
        out += " " + std::string(dt.substr(8, 2)) + ":" + std::string(dt.substr(10, 2));
        if (digits(12, 2)) {
            out += ":" + std::string(dt.substr(12, 2));
        }
    }
    return out;
}

std::string joined(const std::vector<std::string>& xs, std::string_view sep) {
    std::string out;
    for (const auto& x : xs) {
        out += (out.empty() ? "" : std::string(sep)) + x;
    }
    return out;
}

std::string number(double v) {
    std::array<char, 32> buf{};
    static_cast<void>(std::snprintf(buf.data(), buf.size(), "%g", v));
    return buf.data();
}

std::string findingReasons(const verify::Verdict& v) {
    std::vector<std::string> out;
    out.reserve(v.reasons.size());
    for (const verify::Reason r : v.reasons) {
        out.push_back(std::string(verify::reasonExplanation(r)) + " (" + std::string(verify::reasonName(r)) + ")");
    }
    return joined(out, "; ");
}

std::string readingReasons(const reading::ReadingVerdict& v) {
    std::vector<std::string> out;
    out.reserve(v.reasons.size());
    for (const reading::ReadingReason r : v.reasons) {
        out.push_back(std::string(reading::readingReasonExplanation(r)) + " (" +
                      std::string(reading::readingReasonName(r)) + ")");
    }
    return joined(out, "; ");
}

/// Who signed, as the verified chain names them (the identity the policy authorized first).
std::string signerName(const verify::SignerInfo& s) {
    if (!s.authorizedAs.empty()) {
        return printable(s.authorizedAs);
    }
    if (!s.typedIdentities.empty()) {
        return printable(s.typedIdentities.front());
    }
    return s.identities.empty() ? std::string("(unnamed signer)") : printable(s.identities.front());
}

bool isUnopened(const verify::CheckedFinding& f) {
    return f.route == verify::FindingRoute::UnopenedFile;
}

/// A time as printed: RFC 3339 to the second (the clock's fractions say nothing to a reader).
std::string timeText(verify::TimePoint t) {
    return verify::formatRfc3339(std::chrono::floor<std::chrono::seconds>(t));
}

Error unreadable(std::string message) {
    return Error{ErrorCode::Unreadable, std::move(message)};
}

/// The key frames: the first, then three more spread evenly over the clip.
EchoPart echoPart(const cine::ClipReader& clip) {
    EchoPart part;
    part.info = clip.info();
    for (const auto& r : part.info.regions) {
        if (r.spatialFormat == 1 && r.isSpatiallyCalibrated()) {
            part.calibration = r;
            break;
        }
    }
    const int n = part.info.frames;
    std::vector<int> frames;
    for (int k = 0; k < 4 && n > 0; ++k) {
        const int f = static_cast<int>(static_cast<long long>(k) * n / 4);
        if (frames.empty() || frames.back() != f) {
            frames.push_back(f);
        }
    }
    for (const int f : frames) {
        EchoFrame ef;
        ef.frame = f;
        ef.label = "frame " + std::to_string(f + 1) + " of " + std::to_string(n) + (f == 0 ? " (first)" : "");
        auto image = clip.decodeForDisplay(f, part.info.defaultWindow());
        if (image) {
            ef.image = std::move(*image);
        } else {
            ef.problem = image.error().message;
        }
        part.frames.push_back(std::move(ef));
    }
    return part;
}

/// The heatmaps of the verified findings on the key frames, as the viewer places them (cine/heatmap.h).
void addHeatmaps(EchoPart& echo, const std::vector<verify::CheckedFinding>& findings) {
    const cine::ClipGeometry clip{echo.info.frames, echo.info.cols, echo.info.rows};
    for (const auto& f : findings) {
        if (!f.trusted() || !f.verdict->statement) {
            continue; // only a verified finding's overlay is drawn
        }
        for (const auto& finding : f.verdict->statement->findings) {
            const auto att = std::find_if(f.verdict->attachments.begin(), f.verdict->attachments.end(),
                                          [&](const verify::VerifiedAttachment& a) {
                                              return a.ref.name == finding.explanationAttachment &&
                                                     a.ref.kind == verify::AttachmentKind::CineHeatmap;
                                          });
            if (finding.explanationAttachment.empty() || att == f.verdict->attachments.end()) {
                continue;
            }
            cine::CineFindingSpec spec;
            spec.hasRegion = finding.region.kind == verify::RegionKind::Cine;
            spec.firstFrame = static_cast<int>(std::clamp<std::int64_t>(finding.region.firstFrame, -1, std::numeric_limits<int>::max()));
            spec.lastFrame = static_cast<int>(std::clamp<std::int64_t>(finding.region.lastFrame, -1, std::numeric_limits<int>::max()));
            spec.heatmapFrames = static_cast<long long>(att->ref.frames);
            spec.heatmapRows = static_cast<long long>(att->ref.rows);
            spec.heatmapCols = static_cast<long long>(att->ref.cols);
            spec.heatmap = reinterpret_cast<const std::uint8_t*>(att->bytes.data()); // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast): bytes as uint8
            spec.heatmapBytes = att->bytes.size();
            const cine::CineFindingPlan plan = cine::planCineFinding(spec, clip);
            if (!plan.heatmapDrawable) {
                continue;
            }
            for (EchoFrame& ef : echo.frames) {
                const int hf = plan.at(ef.frame).heatmapFrame;
                if (hf < 0 || ef.image.pixels.empty()) {
                    continue;
                }
                const auto cells = static_cast<std::size_t>(spec.heatmapRows * spec.heatmapCols);
                std::vector<std::uint8_t> out(static_cast<std::size_t>(ef.image.width) *
                                              static_cast<std::size_t>(ef.image.height));
                cine::expandHeatmapFrame(spec.heatmap + static_cast<std::size_t>(hf) * cells,
                                         static_cast<int>(spec.heatmapRows), static_cast<int>(spec.heatmapCols),
                                         ef.image.width, ef.image.height, out.data());
                ef.heatmaps.emplace_back(findingKey(f, finding.id), std::move(out));
            }
        }
    }
}

} // namespace

std::string findingKey(const verify::CheckedFinding& finding, const std::string& findingId) {
    return printable(finding.bundle.filename().string()) + "#" + printable(findingId);
}

Expected<ReportData, Error> gatherReport(const ReportRequest& request) {
    ReportData d;
    d.recordingPath = request.recording;
    d.workstationVersion = request.workstationVersion;
    d.madeAt = verify::now();
    d.verifiedAt = request.at.value_or(d.madeAt);

    // One read of the recording: its samples (or frames) for the pages and its content for every binding.
    dicom::LoadOptions lazy;
    lazy.lazyValueBytes = 4096; // the Pixel Data of a cine stays on disk: its reader streams it
    auto file = dicom::loadFile(request.recording, lazy);
    if (!file) {
        return Unexpected(unreadable("the recording cannot be read: " + file.error().message));
    }
    const std::string what = "'" + request.recording.filename().string() + "'";
    const std::string sopClass = dicom::getString(file->dataset(), DCM_SOPClassUID);
    std::string sopInstance;
    if (ecg::isEcgSopClass(sopClass)) {
        auto ecg = ecg::readEcgDataset(*file->dataset(), file->transferSyntaxUID, what);
        if (!ecg) {
            return Unexpected(unreadable("the recording cannot be read as an ECG: " + ecg.error().message));
        }
        if (ecg->rhythm() == nullptr && ecg->medianBeat() == nullptr) {
            return Unexpected(
                Error{ErrorCode::Unsupported, "the recording " + what + " has no waveform group to draw"});
        }
        sopInstance = ecg->sopInstanceUID;
        d.ecg = std::make_shared<const ecg::Recording>(std::move(*ecg));
        if (auto content = dicom::contentIdentity(*file->dataset())) {
            d.content = *content;
        }
    } else {
        file->file.reset(); // the clip reader reads the file itself
        auto clip = cine::ClipReader::open(request.recording);
        if (!clip) {
            return Unexpected(Error{ErrorCode::Unsupported, "the report draws ECG recordings and ultrasound cine "
                                                            "clips; " +
                                                                what + " is neither: " + clip.error().message});
        }
        if (!(*clip)->content()) {
            return Unexpected(unreadable("the clip " + what + " cannot be read to its end: " +
                                         (*clip)->contentProblem()));
        }
        d.content = *(*clip)->content();
        sopInstance = (*clip)->info().sopInstanceUID;
        d.echo = echoPart(**clip);
    }

    // The trust store (shared by the reading and the findings).
    d.trustStoreGiven = !request.trustStore.empty();
    std::optional<verify::TrustStore> store;
    if (d.trustStoreGiven) {
        auto loaded = verify::TrustStore::load(request.trustStore);
        if (loaded) {
            store = std::move(*loaded);
            d.trustStoreLoaded = true;
        } else {
            d.trustStoreProblem = loaded.error().message;
        }
    }

    // The reading: a file that cannot be read is an error (there is nothing to report on); an untrusted one
    // is reported as such.
    if (!request.reading.empty()) {
        ReadingPart part;
        part.path = request.reading;
        if (store) {
            auto verdict = reading::verifyReadingFile(request.reading, *store, d.verifiedAt,
                                                      d.content ? &*d.content : nullptr);
            if (!verdict) {
                return Unexpected(unreadable("the reading cannot be read: " + verdict.error().message));
            }
            part.verdict = std::move(*verdict);
        } else {
            auto doc = reading::readReadingSr(request.reading);
            if (!doc && doc.error().code != reading::ErrorCode::Malformed) {
                return Unexpected(unreadable("the reading cannot be read: " + doc.error().message));
            }
            if (doc) {
                part.unverifiedDocument = std::move(*doc);
            }
            part.notVerifiedWhy = d.trustStoreGiven
                                      ? "the trust store could not be loaded (" + d.trustStoreProblem + ")"
                                      : "no trust store was given";
        }
        d.reading = std::move(part);
    }

    // The findings, routed and verified as the workstation does, against the same read of the recording.
    if (request.checkedFindings) {
        d.findingsGiven = true;
        d.findings = *request.checkedFindings;
        d.trustStoreGiven = true;
        d.trustStoreLoaded = request.checkedTrustStoreLoaded;
        d.trustStoreProblem = request.checkedTrustStoreProblem;
    } else if (!request.findings.empty()) {
        d.findingsGiven = true;
        std::error_code ec;
        if (!std::filesystem::exists(request.findings, ec)) {
            return Unexpected(unreadable("the findings path '" + request.findings.string() + "' does not exist"));
        }
        verify::FindingCheckRequest check;
        check.bundles = verify::findFindingFiles(request.findings, true);
        check.recordings = {verify::Recording{request.recording, sopInstance}};
        check.shownRecording = request.recording;
        if (d.content) {
            check.inputs = {verify::inputFromContent(*d.content, request.recording)};
        }
        // An empty folder name makes checkFindings report "no trust store" for every finding.
        check.trustStore = d.trustStoreLoaded ? request.trustStore : std::filesystem::path{};
        check.at = d.verifiedAt;
        verify::FindingCheckResult result = verify::checkFindings(check);
        d.findings = std::move(result.findings);
    }

    // Side by side: only a verified reading's statements, only verified findings counted.
    if (!d.reading) {
        d.agreementWithheld = "No reading was given, so there is nothing to set the AI findings beside.";
    } else if (!d.reading->verdict || !d.reading->verdict->trusted() || !d.reading->verdict->document) {
        d.agreementWithheld =
            "The clinician's reading is not verified, so its statements are not compared with the AI findings.";
    } else {
        review::StudyInput in;
        in.domain = d.echo ? review::Domain::Echo : review::Domain::Ecg;
        in.clinician = d.reading->verdict->document->reading.statements;
        for (const auto& f : d.findings) {
            if (isUnopened(f) || !f.authenticated() || !f.verdict->statement) {
                continue; // never interpreted: listed under the findings as not verified
            }
            for (const auto& finding : f.verdict->statement->findings) {
                review::AiFinding ai;
                ai.id = findingKey(f, finding.id);
                ai.code = finding.code;
                ai.trusted = f.trusted();
                ai.reason = f.trusted() ? std::string() : findingReasons(*f.verdict);
                in.ai.push_back(std::move(ai));
            }
        }
        d.agreement = review::sideBySide(in);
    }
    if (d.echo) {
        addHeatmaps(*d.echo, d.findings);
    }
    return d;
}

std::vector<std::string> headerLines(const ReportData& data) {
    std::vector<std::string> out;
    if (data.echo) {
        const cine::ImageInfo& i = data.echo->info;
        std::string patient = "Patient: " + printable(i.patientName.empty() ? std::string("(no name)") : i.patientName);
        if (!i.patientID.empty()) {
            patient += "   ID " + printable(i.patientID);
        }
        if (!i.patientBirthDate.empty()) {
            patient += "   born " + dicomDateTime(i.patientBirthDate);
        }
        if (!i.patientSex.empty()) {
            patient += "   sex " + printable(i.patientSex);
        }
        out.push_back(patient);
        out.push_back("Study: " + (i.studyDescription.empty() ? std::string("(no description)")
                                                              : printable(i.studyDescription)) +
                      (data.content ? "   Study Instance UID " + printable(data.content->studyInstanceUID) : ""));
        std::string rec = "Recording: " + printable(data.recordingPath.filename().string());
        if (!i.seriesDescription.empty()) {
            rec += " (" + printable(i.seriesDescription) + ")";
        }
        out.push_back(rec + "   SOP Instance UID " + printable(i.sopInstanceUID));
        std::string acq = "Acquired: " + (i.studyDate.empty() ? std::string("(not recorded)")
                                                              : dicomDateTime(i.studyDate + i.studyTime));
        if (!i.manufacturer.empty()) {
            acq += "   device " + printable(i.manufacturer);
        }
        if (!i.institution.empty()) {
            acq += "   " + printable(i.institution);
        }
        out.push_back(acq);
        out.push_back("Report made " + timeText(data.madeAt) + " by Veridicor " + printable(data.workstationVersion) +
                      "; verification time " + timeText(data.verifiedAt));
        return out;
    }
    if (!data.ecg) {
        return out;
    }
    const ecg::Recording& r = *data.ecg;
    std::string patient = "Patient: " + personName(r.patient.name);
    if (!r.patient.id.empty()) {
        patient += "   ID " + printable(r.patient.id);
    }
    if (!r.patient.birthDate.empty()) {
        patient += "   born " + dicomDateTime(r.patient.birthDate);
    }
    if (!r.patient.sex.empty()) {
        patient += "   sex " + printable(r.patient.sex);
    }
    out.push_back(patient);
    out.push_back("Study: " + (r.studyDescription.empty() ? std::string("(no description)")
                                                          : printable(r.studyDescription)) +
                  "   Study Instance UID " + printable(r.studyInstanceUID));
    std::string rec = "Recording: " + printable(data.recordingPath.filename().string());
    if (!r.seriesDescription.empty()) {
        rec += " (" + printable(r.seriesDescription) + ")";
    }
    rec += "   SOP Instance UID " + printable(r.sopInstanceUID);
    out.push_back(rec);
    std::string acq = "Acquired: " + (r.acquisition.dateTime.empty() ? std::string("(not recorded)")
                                                                     : dicomDateTime(r.acquisition.dateTime));
    const std::string device = printable(r.acquisition.manufacturer + (r.acquisition.modelName.empty() ? "" : " ") +
                                         r.acquisition.modelName);
    if (!device.empty()) {
        acq += "   device " + device;
    }
    if (!r.acquisition.institution.empty()) {
        acq += "   " + printable(r.acquisition.institution);
    }
    out.push_back(acq);
    out.push_back("Report made " + timeText(data.madeAt) + " by Veridicor " +
                  printable(data.workstationVersion) + "; verification time " +
                  timeText(data.verifiedAt));
    return out;
}

std::string paperSettingsLine(const ReportData& data) {
    if (data.echo) {
        const EchoPart& e = *data.echo;
        std::string line = std::to_string(e.info.frames) + " frames, " + std::to_string(e.info.cols) + " × " +
                           std::to_string(e.info.rows) + " pixels; key frames: the first and three spread evenly";
        if (e.calibration) {
            line += "; calibration: " + number(e.calibration->physicalDeltaX) +
                    " cm per pixel (the ultrasound region's Physical Delta X)";
        } else {
            line += "; no calibrated ultrasound region: distances cannot be read off the images";
        }
        return line;
    }
    std::string device = "not recorded";
    if (data.ecg && data.ecg->rhythm() != nullptr && !data.ecg->rhythm()->channels.empty()) {
        const ecg::RecordedFilters& f = data.ecg->rhythm()->channels.front().filters;
        if (f.lowFrequencyHz && f.highFrequencyHz) {
            device = number(*f.lowFrequencyHz) + "–" + number(*f.highFrequencyHz) + " Hz";
        } else if (f.highFrequencyHz) {
            device = "low-pass " + number(*f.highFrequencyHz) + " Hz";
        } else if (f.lowFrequencyHz) {
            device = "high-pass " + number(*f.lowFrequencyHz) + " Hz";
        }
        if (f.notchHz) {
            device += ", notch " + number(*f.notchHz) + " Hz";
        }
    }
    return "Speed 25 mm/s   Gain 10 mm/mV   Display filters: " + ecg::describeFilters(data.filters) +
           "   Device filters: " + device;
}

namespace {

using Style = TextLine::Style;

Section aboutSection() {
    Section s;
    s.title = "What \"verified\" means here";
    s.lines.push_back({"\"Verified\" means only that the signature checked out: the content was made by the signer "
                       "named and has not been changed since it was signed.",
                       Style::Body, 0});
    s.lines.push_back({"It does not mean that the content is clinically right. A clinician judges that.", Style::Body,
                       0});
    return s;
}

Section trustSection(const ReportData& d) {
    Section s;
    s.title = "Trust store";
    if (!d.trustStoreGiven) {
        s.lines.push_back({"No trust store was given: nothing in this report could be verified. Every reading and "
                           "AI finding below is marked not verified and its content is hidden.",
                           Style::Warning, 0});
    } else if (!d.trustStoreLoaded) {
        s.lines.push_back({"The trust store could not be loaded (" + printable(d.trustStoreProblem) +
                               "): nothing in this report could be verified, and the content of every reading "
                               "and AI finding below is hidden.",
                           Style::Warning, 0});
    } else {
        s.lines.push_back({"Readings and AI findings were verified against the trust store at " +
                               timeText(d.verifiedAt) + ".",
                           Style::Body, 0});
    }
    return s;
}

void readingContent(const reading::ReadingDocument& doc, std::vector<TextLine>& out) {
    const reading::Reading& r = doc.reading;
    out.push_back({"Statements:", Style::Strong, 0});
    if (r.statements.empty()) {
        out.push_back({"(none)", Style::Body, 1});
    }
    for (const auto& st : r.statements) {
        std::string line = printable(st.meaning) + " (" + printable(st.scheme) + " " + printable(st.value) + ")";
        if (st.site) {
            line += ", at " + printable(st.site->meaning) + " (" + printable(st.site->scheme) + " " +
                    printable(st.site->value) + ")";
        }
        out.push_back({line, Style::Body, 1});
    }
    if (!r.measurements.empty()) {
        out.push_back({"Measurements:", Style::Strong, 0});
        for (const auto& m : r.measurements) {
            std::string line = printable(m.name) + ": " + printable(m.value) + " " + printable(m.unit);
            if (!m.lead.empty()) {
                line += ", lead " + printable(m.lead);
            }
            if (m.start && m.end) {
                line += ", " + printable(*m.start) + "–" + printable(*m.end) + " s";
            }
            out.push_back({line, Style::Body, 1});
        }
    }
    if (!r.deviceStatements.empty()) {
        out.push_back({"The recording's own statements, as reviewed:", Style::Strong, 0});
        for (const auto& ds : r.deviceStatements) {
            out.push_back({printable(ds.text) + ": " + (ds.confirmed ? "confirmed" : "rejected"), Style::Body, 1});
        }
    }
    if (!r.text.empty()) {
        out.push_back({"Text:", Style::Strong, 0});
        // The free text keeps its paragraphs; each is wrapped by the layout.
        std::string para;
        for (const char c : r.text) {
            if (c == '\n') {
                out.push_back({printable(para, reading::kMaxTextBytes), Style::Body, 1});
                para.clear();
            } else {
                para += c;
            }
        }
        if (!para.empty()) {
            out.push_back({printable(para, reading::kMaxTextBytes), Style::Body, 1});
        }
    }
    out.push_back({std::string("Read blind (before the AI results were shown): ") + (r.blind ? "yes" : "no"),
                   Style::Small, 0});
}

Section readingSection(const ReportData& d) {
    Section s;
    s.title = "Clinician's reading";
    if (!d.reading) {
        s.lines.push_back({"No reading was given.", Style::Body, 0});
        return s;
    }
    const ReadingPart& part = *d.reading;
    const std::string file = printable(part.path.filename().string());
    if (!part.verdict) {
        s.lines.push_back({"NOT VERIFIED: reading " + file + " could not be verified because " + part.notVerifiedWhy +
                               ". Its content is hidden.",
                           Style::Warning, 0});
        return s;
    }
    const reading::ReadingVerdict& v = *part.verdict;
    if (v.trusted() && v.document) {
        const reading::ReadingDocument& doc = *v.document;
        const std::string who = printable(doc.verifyingObserverName.empty() ? doc.observerName
                                                                            : doc.verifyingObserverName);
        std::string line = "VERIFIED: signed by " + who;
        if (v.signer) {
            line += " (" + signerName(*v.signer) + ")";
        }
        line += "; verified at " + timeText(v.at) +
                ": the signature, the signer's certificate chain and revocation, the signer's authority to sign "
                "readings" +
                (v.bound ? " and that it is this recording's reading" : "") + " all checked.";
        s.lines.push_back({line, Style::Strong, 0});
        if (!v.bound) {
            s.lines.push_back({"Not checked: that the reading is about this recording.", Style::Warning, 0});
        }
        if (!doc.predecessorSopInstanceUID.empty()) {
            s.lines.push_back({"It amends an earlier reading (SOP Instance UID " +
                                   printable(doc.predecessorSopInstanceUID) + ").",
                               Style::Small, 0});
        }
        s.lines.push_back({"Reading " + file + ", SOP Instance UID " + printable(doc.sopInstanceUID), Style::Small, 0});
        readingContent(doc, s.lines);
        return s;
    }
    if (v.reasons == std::vector{reading::ReadingReason::Unsigned}) {
        s.lines.push_back({"PRELIMINARY, NOT VERIFIED: reading " + file +
                               " is not signed (UNSIGNED), so nothing vouches for who made it or that it is "
                               "unchanged. Its content is hidden.",
                           Style::Warning, 0});
        return s;
    }
    s.lines.push_back({"NOT VERIFIED: reading " + file + " is untrusted: " + readingReasons(v) +
                           ". Its content is hidden because it could not be verified.",
                       Style::Warning, 0});
    return s;
}

Section findingsSection(const ReportData& d) {
    Section s;
    s.title = "AI findings";
    if (!d.findingsGiven) {
        s.lines.push_back({"No AI findings were given.", Style::Body, 0});
        return s;
    }
    std::size_t others = 0;
    bool any = false;
    for (const auto& f : d.findings) {
        if (isUnopened(f)) {
            ++others;
            continue;
        }
        any = true;
        const std::string file = printable(f.bundle.filename().string());
        if (!f.verdict) {
            s.lines.push_back({"NOT VERIFIED: " + file + ": " + printable(f.problem) +
                                   ". Its content is not shown and is not a finding of this report.",
                               Style::Warning, 0});
            continue;
        }
        const verify::Verdict& v = *f.verdict;
        if (!v.trusted() || !v.statement) {
            s.lines.push_back({"NOT VERIFIED: " + file + ": " + findingReasons(v) +
                                   ". Its content is not shown and is not a finding of this report.",
                               Style::Warning, 0});
            continue;
        }
        const verify::FindingStatement& st = *v.statement;
        std::string line = "VERIFIED: " + file + ", model " + printable(st.model.name) + " " +
                           printable(st.model.version) + ", signed by " +
                           (v.signer ? signerName(*v.signer) : std::string("(unknown)"));
        if (v.provenance && v.provenance->modelSigner) {
            line += "; model signed by " + signerName(*v.provenance->modelSigner);
        }
        line += "; verified at " + timeText(v.at);
        if (v.signedAt) {
            line += ", signature time-stamped " + timeText(*v.signedAt);
        }
        s.lines.push_back({line + ".", Style::Strong, 0});
        for (const std::string& w : v.warnings) {
            s.lines.push_back({"Note: " + printable(w), Style::Warning, 1});
        }
        for (const auto& finding : st.findings) {
            std::string fl = printable(finding.code.meaning) + " (" + printable(finding.code.scheme) + " " +
                             printable(finding.code.value) + ")";
            if (!finding.text.empty()) {
                fl += ": " + printable(finding.text);
            }
            fl += "   confidence " + number(finding.confidence);
            s.lines.push_back({fl, Style::Body, 1});
            if (finding.region.kind == verify::RegionKind::Cine) {
                s.lines.push_back({"Region: frames " + std::to_string(finding.region.firstFrame + 1) + "–" +
                                       std::to_string(finding.region.lastFrame + 1) +
                                       (finding.region.polygon.empty() ? "" : ", outlined"),
                                   Style::Small, 2});
            }
            if (finding.region.kind == verify::RegionKind::Ecg) {
                s.lines.push_back({"Region: leads " + printable(joined(finding.region.leads, ", ")) + ", " +
                                       number(finding.region.startSeconds) + "–" +
                                       number(finding.region.endSeconds) + " s",
                                   Style::Small, 2});
            }
            for (const auto& m : finding.measurements) {
                s.lines.push_back(
                    {printable(m.name) + ": " + number(m.value) + " " + printable(m.unit), Style::Small, 2});
            }
        }
    }
    if (!any) {
        s.lines.push_back({"No AI finding about this recording was found.", Style::Body, 0});
    }
    if (others > 0) {
        s.lines.push_back({std::to_string(others) +
                               " finding file(s) found there belong to other recordings and are not part of this "
                               "report.",
                           Style::Small, 0});
    }
    return s;
}

std::string codesText(const std::vector<review::StatedCode>& codes, bool positive) {
    if (codes.empty()) {
        // "ECG: overall" is positive without a code of its own when another category is.
        return positive ? std::string("(abnormal in another category)") : std::string("—");
    }
    std::vector<std::string> out;
    out.reserve(codes.size());
    for (const auto& c : codes) {
        out.push_back(printable(c.meaning) + (c.implied ? " (implied)" : ""));
    }
    return joined(out, "; ");
}

Section agreementSection(const ReportData& d) {
    Section s;
    s.title = "AI beside the clinician";
    if (!d.agreementWithheld.empty()) {
        s.lines.push_back({d.agreementWithheld, Style::Body, 0});
        return s;
    }
    s.lines.push_back({"One row per category: the verified AI findings beside the verified reading's statements. "
                       "Agreement is not correctness.",
                       Style::Small, 0});
    s.tableHeader = {"Category", "AI", "Clinician", "State"};
    for (const auto& row : d.agreement.rows) {
        s.tableRows.push_back({std::string(review::categoryName(row.category)), codesText(row.ai, row.aiPositive),
                               codesText(row.clinician, row.clinicianPositive), std::string(review::rowStateName(row.state))});
        if (!row.note.empty()) {
            s.after.push_back({std::string(review::categoryName(row.category)) + ": " + printable(row.note),
                               Style::Small, 0});
        }
    }
    for (const auto& f : d.findings) {
        // A bundle that did not authenticate is never interpreted, not even for its finding ids.
        if (isUnopened(f) || f.authenticated()) {
            continue;
        }
        const std::string why = f.verdict ? findingReasons(*f.verdict) : printable(f.problem);
        s.after.push_back({printable(f.bundle.filename().string()) + ": not counted: not verified (" + why + ")",
                           Style::Warning, 0});
    }
    for (const auto& nc : d.agreement.notCounted) {
        // Only the finding's id and why: the content of an unverified finding is not presented.
        s.after.push_back({printable(nc.findingId) + ": " + printable(nc.reason, 1024), Style::Warning, 0});
    }
    for (const auto& u : d.agreement.uncategorised) {
        s.after.push_back({std::string(u.side == review::Side::Ai ? "AI" : "Clinician") + " code without a category: " +
                               printable(u.meaning) + " (" + printable(u.scheme) + " " + printable(u.value) + ")",
                           Style::Small, 0});
    }
    return s;
}

} // namespace

std::string summaryLine(const ReportData& data) {
    std::string reading = "no reading given";
    if (data.reading) {
        const auto& v = data.reading->verdict;
        if (v && v->trusted() && v->document) {
            const auto& doc = *v->document;
            reading = "VERIFIED, signed by " +
                      printable(doc.verifyingObserverName.empty() ? doc.observerName : doc.verifyingObserverName);
        } else if (v && v->reasons == std::vector{reading::ReadingReason::Unsigned}) {
            reading = "PRELIMINARY, not verified (content hidden)";
        } else {
            reading = "NOT VERIFIED (content hidden)";
        }
    }
    std::size_t verified = 0;
    std::size_t notVerified = 0;
    for (const auto& f : data.findings) {
        if (!isUnopened(f)) {
            (f.trusted() ? verified : notVerified) += 1;
        }
    }
    std::string line = "Clinician's reading: " + reading + ".   AI findings: ";
    line += data.findingsGiven ? std::to_string(verified) + " verified, " + std::to_string(notVerified) +
                                     (notVerified > 0 ? " not verified (content hidden)." : " not verified.")
                               : std::string("none given.");
    if (!data.trustStoreLoaded) {
        line += "   No usable trust store: nothing could be verified.";
    }
    return line + "   Details from page 2.";
}

std::vector<Section> reportSections(const ReportData& data) {
    return {aboutSection(), trustSection(data), readingSection(data), findingsSection(data),
            agreementSection(data)};
}

} // namespace veridicor::report
