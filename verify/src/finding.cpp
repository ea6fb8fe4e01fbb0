#include "bundle.h"
#include "json_read.h"

#include <veridicor/verify/encoding.h>
#include <veridicor/verify/finding.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace veridicor::verify {

using namespace detail;

namespace {
// Bounds on what a signed statement may declare: whoever holds any certificate under a trusted root can sign
// a statement, so what it declares is refused before anything is read or allocated for it.
constexpr std::uint64_t kMaxAttachmentBytes = std::uint64_t{256} << 20;    // one attachment
constexpr std::uint64_t kMaxTotalAttachmentBytes = std::uint64_t{1} << 30; // all of a statement's together
constexpr std::size_t kMaxAttachments = 64;
constexpr std::size_t kMaxLeads = 64; // per attachment and per region
constexpr std::int64_t kMaxCount = std::int64_t{1} << 40;

std::string digestOf(ObjectReader& r, Problem& problem) {
    const json::Value* d = r.get("digest", json::Type::Object);
    ObjectReader dr(d, r, "digest", problem);
    if (d == nullptr) {
        return {};
    }
    auto hex = dr.string("sha256");
    dr.rejectUnknown();
    if (hex && !isSha256Hex(*hex)) {
        problem.set(dr.path("sha256") + " must be 64 lowercase hexadecimal characters");
        return {};
    }
    return hex.value_or("");
}
} // namespace

std::uint64_t AttachmentRef::expectedBytes() const {
    switch (kind) {
    case AttachmentKind::EcgRelevance:
        return static_cast<std::uint64_t>(leads.size()) * samples;
    case AttachmentKind::CineHeatmap:
        return frames * rows * cols;
    }
    return 0;
}

bool isValidAttachmentName(std::string_view name) {
    if (name.empty() || name.size() > 64 || name == "." || name == "..") {
        return false;
    }
    for (const char c : name) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                        c == '.' || c == '_' || c == '-';
        if (!ok) {
            return false;
        }
    }
    return true;
}

bool isValidUid(std::string_view uid) {
    if (uid.empty() || uid.size() > 64) {
        return false;
    }
    std::size_t start = 0;
    while (start <= uid.size()) {
        const std::size_t dot = uid.find('.', start);
        const std::string_view comp =
            uid.substr(start, dot == std::string_view::npos ? uid.npos : dot - start);
        if (comp.empty() || (comp.size() > 1 && comp[0] == '0')) {
            return false;
        }
        for (const char c : comp) {
            if (c < '0' || c > '9') {
                return false;
            }
        }
        if (dot == std::string_view::npos) {
            break;
        }
        start = dot + 1;
    }
    return true;
}

bool isValidAttributePath(std::string_view path) {
    if (path.empty() || path.size() > 512) {
        return false;
    }
    auto hex4 = [](std::string_view s) {
        return s.size() == 4 && std::all_of(s.begin(), s.end(), [](char c) {
                   return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
               });
    };
    while (true) {
        const std::size_t slash = path.find('/');
        std::string_view seg = path.substr(0, slash);
        const bool last = slash == std::string_view::npos;
        if (!last) {
            // "GGGG,EEEE[n]"
            const std::size_t open = seg.find('[');
            if (open != 9 || seg.size() < 12 || seg.back() != ']') {
                return false;
            }
            const std::string_view digits = seg.substr(10, seg.size() - 11);
            if (digits.empty() || digits.size() > 9 || (digits.size() > 1 && digits[0] == '0') ||
                !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
                return false;
            }
            seg = seg.substr(0, 9);
        }
        if (seg.size() != 9 || seg[4] != ',' || !hex4(seg.substr(0, 4)) || !hex4(seg.substr(5, 4))) {
            return false;
        }
        if (last) {
            return true;
        }
        path.remove_prefix(slash + 1);
    }
}

namespace {
Expected<FindingStatement, std::string> readStatement(const json::Value& doc, json::Value* ownDoc);
} // namespace

Expected<FindingStatement, std::string> parseFindingStatement(std::string_view payload) {
    auto doc = json::parse(payload);
    if (!doc) {
        return Unexpected{"the signed statement is not valid JSON: " + doc.error().message + " (at byte " +
                          std::to_string(doc.error().offset) + ")"};
    }
    // The document is ours: its predicate is moved into the statement, not copied (it may be tens of MiB).
    return readStatement(*doc, &*doc);
}

Expected<FindingStatement, std::string> readFindingStatement(const json::Value& doc) {
    return readStatement(doc, nullptr);
}

namespace {
/// `ownDoc`: `doc` itself when it may be taken apart (its predicate moved into the statement), else nullptr.
Expected<FindingStatement, std::string> readStatement(const json::Value& doc, json::Value* ownDoc) {
    Problem problem;
    FindingStatement st;
    ObjectReader top(&doc, "statement", problem);
    if (auto t = top.string("_type"); t && *t != kStatementType) {
        // Messages name fields, never their values (see json_read.h).
        problem.set("statement._type is not \"" + std::string(kStatementType) + "\"");
    }
    if (const json::Value* subjects = top.get("subject", json::Type::Array)) {
        if (subjects->asArray().size() != 1) {
            problem.set("statement.subject must hold exactly one entry, not " +
                        std::to_string(subjects->asArray().size()));
        } else {
            ObjectReader s(&subjects->asArray().front(), "statement.subject[0]", problem);
            st.subjectName = s.string("name").value_or("");
            st.subjectDigest = digestOf(s, problem);
            s.rejectUnknown();
        }
    }
    if (auto pt = top.string("predicateType"); pt && *pt != kFindingPredicateType) {
        problem.set("statement.predicateType is not \"" + std::string(kFindingPredicateType) + "\"");
    }
    const json::Value* pred = top.get("predicate", json::Type::Object);
    top.rejectUnknown();
    if (problem.any()) {
        return Unexpected{problem.message()};
    }

    ObjectReader p(pred, "predicate", problem);
    {
        ObjectReader m(p.get("model", json::Type::Object), "predicate.model", problem);
        st.model.name = m.string("name").value_or("");
        st.model.version = m.string("version").value_or("");
        if (m.valid()) {
            st.model.digest = digestOf(m, problem);
        }
        m.rejectUnknown();
    }
    if (auto at = p.string("producedAt")) {
        st.producedAtText = *at;
        if (auto t = parseRfc3339(*at)) {
            st.producedAt = *t;
        } else {
            problem.set("predicate.producedAt is not an RFC 3339 date-time");
        }
    }
    {
        ObjectReader in(p.get("input", json::Type::Object), "predicate.input", problem);
        if (auto dm = in.string("digestMethod")) {
            if (auto method = digestMethodFromName(*dm)) {
                st.input.digestMethod = *method;
            } else {
                problem.set(
                    "predicate.input.digestMethod is not one of dicom-waveform-v2, dicom-pixeldata-v2, "
                    "dicom-waveform-v1, dicom-pixeldata-v1, wfdb-record-v1 or file-v1");
            }
        }
        if (auto mod = in.string("modality")) {
            st.input.modality = *mod;
            if (*mod != "ECG" && *mod != "US") {
                problem.set(R"(predicate.input.modality must be "ECG" or "US")");
            }
        }
        const bool dicomInput = isDicomMethod(st.input.digestMethod);
        struct UidField {
            const char* key;
            std::string* target;
        };
        for (const UidField& f : {UidField{"studyInstanceUID", &st.input.studyInstanceUID},
                                  UidField{"seriesInstanceUID", &st.input.seriesInstanceUID},
                                  UidField{"sopInstanceUID", &st.input.sopInstanceUID}}) {
            if (!in.valid() || problem.any()) {
                break;
            }
            if (dicomInput) {
                if (auto uid = in.string(f.key)) {
                    if (!isValidUid(*uid)) {
                        problem.set(in.path(f.key) + " is not a DICOM UID");
                    }
                    *f.target = *uid;
                }
            } else if (in.value()->find(f.key) != nullptr) {
                problem.set(in.path(f.key) + " must be absent for input that is not DICOM");
            }
        }
        if (const json::Value* attrs = in.get("attributes", json::Type::Object, false);
            attrs != nullptr && !problem.any()) {
            if (!dicomInput) {
                problem.set(in.path("attributes") + " is given only for DICOM input");
            } else if (attrs->asObject().size() > kMaxInputAttributes) {
                problem.set(in.path("attributes") + " holds " + std::to_string(attrs->asObject().size()) +
                            " entries, more than the " + std::to_string(kMaxInputAttributes) + " accepted");
            } else {
                std::size_t k = 0;
                for (const auto& m : attrs->asObject()) {
                    ++k;
                    if (!isValidAttributePath(m.key)) {
                        problem.set(in.path("attributes") +
                                    " holds a key that is not an attribute path (member " +
                                    std::to_string(k) + ")");
                        break;
                    }
                    if (!m.value.isString() || !isSha256Hex(m.value.asString())) {
                        problem.set(in.path("attributes") + " member " + std::to_string(k) +
                                    " must be 64 lowercase hexadecimal characters");
                        break;
                    }
                    st.input.attributes.emplace_back(m.key, m.value.asString());
                }
            }
        }
        in.rejectUnknown();
    }

    // Attachments first: findings refer to them.
    std::set<std::string> attachmentNames;
    std::uint64_t totalBytes = 0;
    // `attachments` may be empty, or left out when no finding has an explanation.
    if (const json::Value* atts = p.get("attachments", json::Type::Array, false);
        atts != nullptr && atts->asArray().size() > kMaxAttachments) {
        problem.set("predicate.attachments holds " + std::to_string(atts->asArray().size()) +
                    " attachments, more than the " + std::to_string(kMaxAttachments) + " accepted");
    } else if (atts != nullptr) {
        std::size_t i = 0;
        st.attachments.reserve(atts->asArray().size());
        for (const auto& a : atts->asArray()) {
            if (problem.any()) {
                break;
            }
            const std::string path = "predicate.attachments[" + std::to_string(i++) + "]";
            ObjectReader r(&a, path, problem);
            AttachmentRef ref;
            ref.name = r.string("name").value_or("");
            if (!problem.any() && !isValidAttachmentName(ref.name)) {
                problem.set(path + ".name is not a file name of 1–64 characters [A-Za-z0-9._-]");
            }
            if (!problem.any() && !attachmentNames.insert(ref.name).second) {
                problem.set(path + ".name is the name of another attachment");
            }
            ref.mediaType = r.string("mediaType").value_or("");
            ref.digest = r.valid() ? digestOf(r, problem) : std::string();
            if (ref.mediaType == kEcgRelevanceMediaType) {
                ref.kind = AttachmentKind::EcgRelevance;
                ref.leads = r.strings("leads", true, true, kMaxLeads).value_or(std::vector<std::string>{});
                ref.samples = static_cast<std::uint64_t>(r.count("samples", kMaxCount).value_or(0));
            } else if (ref.mediaType == kCineHeatmapMediaType) {
                ref.kind = AttachmentKind::CineHeatmap;
                ref.frames = static_cast<std::uint64_t>(r.count("frames", kMaxCount).value_or(0));
                ref.rows = static_cast<std::uint64_t>(r.count("rows", kMaxCount).value_or(0));
                ref.cols = static_cast<std::uint64_t>(r.count("cols", kMaxCount).value_or(0));
            } else if (!problem.any()) {
                problem.set(path + ".mediaType is not " + std::string(kEcgRelevanceMediaType) + " or " +
                            std::string(kCineHeatmapMediaType));
            }
            r.rejectUnknown();
            if (!problem.any()) {
                const bool zero = ref.kind == AttachmentKind::EcgRelevance
                                      ? ref.samples == 0
                                      : (ref.frames == 0 || ref.rows == 0 || ref.cols == 0);
                // Each factor is below 2^40; check the product before trusting it.
                const long double product = ref.kind == AttachmentKind::EcgRelevance
                                                ? static_cast<long double>(ref.leads.size()) * ref.samples
                                                : static_cast<long double>(ref.frames) * ref.rows * ref.cols;
                if (zero) {
                    problem.set(path + " declares an empty grid");
                } else if (product > static_cast<long double>(kMaxAttachmentBytes)) {
                    problem.set(path + " declares more than 256 MiB of data");
                } else {
                    totalBytes += ref.expectedBytes();
                    if (totalBytes > kMaxTotalAttachmentBytes) {
                        problem.set("predicate.attachments declare more than 1 GiB of data together (at " +
                                    path + ")");
                    }
                }
            }
            st.attachments.push_back(std::move(ref));
        }
    }

    if (const json::Value* fs = p.get("findings", json::Type::Array)) {
        if (fs->asArray().empty()) {
            problem.set("predicate.findings must hold at least one finding");
        }
        // The ids as the document holds them (it does not change while it is read).
        std::set<std::string_view> ids;
        st.findings.reserve(fs->asArray().size());
        std::size_t i = 0;
        for (const auto& fv : fs->asArray()) {
            if (problem.any()) {
                break;
            }
            const std::string path = "predicate.findings[" + std::to_string(i++) + "]";
            ObjectReader r(&fv, path, problem);
            Finding f;
            f.id = r.string("id").value_or("");
            if (!problem.any() && !ids.insert(fv.find("id")->asString()).second) {
                problem.set(path + ".id is the id of another finding");
            }
            {
                ObjectReader c(r.get("code", json::Type::Object), r, "code", problem);
                f.code.scheme = c.string("scheme").value_or("");
                f.code.value = c.string("value").value_or("");
                f.code.meaning = c.string("meaning").value_or("");
                c.rejectUnknown();
            }
            f.text = r.string("text").value_or("");
            if (auto conf = r.number("confidence")) {
                if (!(*conf >= 0.0 && *conf <= 1.0)) {
                    problem.set(path + ".confidence must be within [0, 1]");
                }
                f.confidence = *conf;
            }
            {
                ObjectReader g(r.get("region", json::Type::Object), r, "region", problem);
                const auto kind = g.string("kind");
                if (kind && *kind == "ecg") {
                    f.region.kind = RegionKind::Ecg;
                    f.region.leads =
                        g.strings("leads", true, true, kMaxLeads).value_or(std::vector<std::string>{});
                    f.region.startSeconds = g.number("startSeconds").value_or(0);
                    f.region.endSeconds = g.number("endSeconds").value_or(0);
                    if (!problem.any() &&
                        !(f.region.startSeconds >= 0 && f.region.endSeconds >= f.region.startSeconds)) {
                        problem.set(g.path("startSeconds") + " and endSeconds must satisfy 0 ≤ start ≤ end");
                    }
                } else if (kind && *kind == "cine") {
                    f.region.kind = RegionKind::Cine;
                    f.region.firstFrame = g.count("firstFrame", kMaxCount).value_or(0);
                    f.region.lastFrame = g.count("lastFrame", kMaxCount).value_or(0);
                    if (!problem.any() && f.region.lastFrame < f.region.firstFrame) {
                        problem.set(g.path("lastFrame") + " must not be before firstFrame");
                    }
                    if (const json::Value* poly = g.get("polygon", json::Type::Array, false)) {
                        for (const auto& pt : poly->asArray()) {
                            if (!pt.isArray() || pt.asArray().size() != 2 || !pt.asArray()[0].isNumber() ||
                                !pt.asArray()[1].isNumber()) {
                                problem.set(g.path("polygon") + " must hold [x, y] pairs of numbers");
                                break;
                            }
                            f.region.polygon.emplace_back(pt.asArray()[0].asDouble(),
                                                          pt.asArray()[1].asDouble());
                        }
                        if (!problem.any() && f.region.polygon.size() < 3) {
                            problem.set(g.path("polygon") + " needs at least 3 points");
                        }
                    }
                } else if (kind) {
                    problem.set(g.path("kind") + R"( must be "ecg" or "cine")");
                }
                g.rejectUnknown();
            }
            if (const json::Value* ev = r.get("explanation", json::Type::Object, false)) {
                // Optional: a finding without an explanation is shown without an overlay.
                ObjectReader e(ev, r, "explanation", problem);
                f.explanationAttachment = e.string("attachment").value_or("");
                if (!problem.any() && attachmentNames.count(f.explanationAttachment) == 0) {
                    problem.set(e.path("attachment") + " is not the name of one of predicate.attachments");
                }
                e.rejectUnknown();
            }
            if (const json::Value* ms = r.get("measurements", json::Type::Array, false)) {
                f.measurements.reserve(ms->asArray().size());
                std::size_t k = 0;
                for (const auto& mv : ms->asArray()) {
                    ObjectReader m(&mv, r.path("measurements") + "[" + std::to_string(k++) + "]", problem);
                    Measurement meas;
                    meas.name = m.string("name").value_or("");
                    meas.value = m.number("value").value_or(0);
                    meas.unit = m.string("unit", true, false).value_or("");
                    m.rejectUnknown();
                    f.measurements.push_back(std::move(meas));
                }
            }
            r.rejectUnknown();
            st.findings.push_back(std::move(f));
        }
    }
    p.rejectUnknown();
    if (problem.any()) {
        return Unexpected{problem.message()};
    }
    // Last: nothing above reads `pred` any more. (Not `?:`, whose const operand would make both a copy.)
    if (ownDoc != nullptr) {
        st.predicate = std::move(*ownDoc->find("predicate"));
    } else {
        st.predicate = *pred;
    }
    return st;
}
} // namespace

} // namespace veridicor::verify
