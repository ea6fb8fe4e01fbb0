#include "finding_session.h"
#include "display_text.h"

#include <veridicor/verify/finding.h>
#include <veridicor/verify/reason.h>

#include <QHash>

#include <algorithm>
#include <limits>

namespace veridicor::ui {

namespace {

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

int toInt(std::uint64_t v) {
    return v > static_cast<std::uint64_t>(std::numeric_limits<int>::max()) ? -1 : static_cast<int>(v);
}
int toInt(std::int64_t v) {
    return static_cast<int>(std::clamp<std::int64_t>(v, 0, std::numeric_limits<int>::max()));
}

/// The recording a signed statement names (its input's Study and SOP Instance UIDs) is not the one with
/// `study` and `sop`. UIDs that either side does not give (a WFDB record, say) are not compared.
bool namesOther(const verify::InputDescriptor& named, const std::string& study, const std::string& sop) {
    return (!named.studyInstanceUID.empty() && !study.empty() && named.studyInstanceUID != study) ||
           (!named.sopInstanceUID.empty() && !sop.empty() && named.sopInstanceUID != sop);
}

} // namespace

QString FindingEntry::bundleFileName() const {
    return qs(checked.bundle.filename().string());
}

QString FindingEntry::recordingPath() const {
    return qs(checked.recording.string());
}

QString overlayKey(const QString& bundleId, const std::string& findingId) {
    return bundleId + QLatin1Char('#') + qs(findingId);
}

std::vector<registry::FindingOverlay> overlaysFromVerdict(const verify::Verdict& verdict,
                                                          const QString& bundleId, bool trusted) {
    std::vector<registry::FindingOverlay> out;
    if (!verdict.authenticated || !verdict.statement) {
        return out; // an unauthenticated payload is never interpreted
    }
    for (const verify::Finding& f : verdict.statement->findings) {
        registry::FindingOverlay o;
        o.key = overlayKey(bundleId, f.id);
        o.label = boundedText(f.code.meaning.empty() ? f.text : f.code.meaning, kMaxNameChars);
        o.trusted = trusted && verdict.trusted();
        o.visible = true;
        switch (f.region.kind) {
        case verify::RegionKind::Ecg:
            o.hasEcgRegion = true;
            for (const auto& lead : f.region.leads) {
                o.leads << boundedText(lead, kMaxNameChars);
            }
            o.startSeconds = f.region.startSeconds;
            o.endSeconds = f.region.endSeconds;
            break;
        case verify::RegionKind::Cine:
            o.hasCineRegion = true;
            o.firstFrame = toInt(f.region.firstFrame);
            o.lastFrame = toInt(f.region.lastFrame);
            for (const auto& [x, y] : f.region.polygon) {
                o.polygon << QPointF(x, y);
            }
            break;
        }
        // The explanation: only an attachment whose bytes matched the signed digest (held in the verdict).
        for (const verify::VerifiedAttachment& a : verdict.attachments) {
            if (a.ref.name != f.explanationAttachment || a.bytes.size() != a.ref.expectedBytes()) {
                continue;
            }
            const QByteArray bytes(a.bytes.data(), static_cast<qsizetype>(a.bytes.size()));
            switch (a.ref.kind) {
            case verify::AttachmentKind::EcgRelevance:
                if (toInt(a.ref.samples) > 0 && !a.ref.leads.empty()) {
                    for (const auto& lead : a.ref.leads) {
                        o.relevanceLeads << boundedText(lead, kMaxNameChars);
                    }
                    o.relevanceSamples = toInt(a.ref.samples);
                    o.relevance = bytes;
                }
                break;
            case verify::AttachmentKind::CineHeatmap:
                if (toInt(a.ref.frames) > 0 && toInt(a.ref.rows) > 0 && toInt(a.ref.cols) > 0) {
                    o.heatmapFrames = toInt(a.ref.frames);
                    o.heatmapRows = toInt(a.ref.rows);
                    o.heatmapCols = toInt(a.ref.cols);
                    o.heatmap = bytes;
                }
                break;
            }
            break;
        }
        out.push_back(std::move(o));
    }
    return out;
}

QStringList reasonTexts(const verify::Verdict& verdict) {
    QStringList out;
    for (const verify::Reason r : verdict.reasons) {
        out << QStringLiteral("%1 (%2)").arg(qs(std::string(verify::reasonExplanation(r))),
                                             qs(std::string(verify::reasonName(r))));
    }
    return out;
}

bool sameData(const verify::InputData& verified, const dicom::ContentIdentity& shown) {
    return verified.isDicom() && verified.sameContent(shown);
}

QString consentKey(const FindingEntry& e) {
    QStringList parts{qs(e.checked.bundle.string()), e.recordingPath()};
    if (e.checked.verdict) {
        const verify::Verdict& v = *e.checked.verdict;
        parts << qs(v.bundleSha256);
        QStringList reasons;
        for (const verify::Reason r : v.reasons) {
            reasons << qs(std::string(verify::reasonName(r)));
        }
        reasons.sort();
        parts << reasons.join(QLatin1Char(','));
        parts << qs(std::string(verify::digestMethodName(v.input.method))) + QLatin1Char(':') +
                     qs(v.input.digest);
    }
    return parts.join(QLatin1Char('\n'));
}

void FindingSession::bindToDisplay(const QString& recordingPath,
                                   const std::optional<dicom::ContentIdentity>& shown) {
    if (!shown) {
        return;
    }
    for (FindingEntry* e : entriesFor(recordingPath)) {
        if (!e->checked.verdict || !e->checked.verdict->authenticated || !e->checked.verdict->statement ||
            sameData(e->checked.verdict->input, *shown)) {
            continue;
        }
        verify::Verdict& v = *e->checked.verdict;
        if (namesOther(v.statement->input, shown->studyInstanceUID, shown->sopInstanceUID)) {
            e->otherRecording = true;
            e->shownAnyway = false;
        }
        if (!e->displayMismatch) {
            e->displayMismatch = true;
            if (std::find(v.reasons.begin(), v.reasons.end(), verify::Reason::DataMismatch) ==
                v.reasons.end()) {
                v.reasons.push_back(verify::Reason::DataMismatch);
                std::sort(v.reasons.begin(), v.reasons.end(), [](verify::Reason a, verify::Reason b) {
                    return verify::reasonName(a) < verify::reasonName(b);
                });
            }
            v.trust = verify::Trust::Untrusted;
            verify::Check& binding = v.checks[static_cast<std::size_t>(verify::CheckId::Binding)];
            binding.status = verify::CheckStatus::Failed;
            if (std::find(binding.reasons.begin(), binding.reasons.end(), verify::Reason::DataMismatch) ==
                binding.reasons.end()) {
                binding.reasons.push_back(verify::Reason::DataMismatch);
            }
        }
        const dicom::ContentMethod shownMethod = dicom::contentMethod(shown->kind, 2);
        const std::string onScreen = std::string(dicom::contentMethodName(shownMethod)) + " SHA-256 " +
                                     shown->sha256V2 + " (" + shown->sopInstanceUID + ")";
        if (e->mismatchOnScreen != onScreen) {
            // Other data on screen than when this was last looked at: a consent given before is not one for
            // showing the finding over these data.
            e->mismatchOnScreen = onScreen;
            e->shownAnyway = false;
            v.checks[static_cast<std::size_t>(verify::CheckId::Binding)].detail =
                "The recording on screen is not the one the finding was checked against: its file changed "
                "after the check (on screen: " +
                onScreen + "; checked: " + std::string(verify::digestMethodName(v.input.method)) +
                " SHA-256 " + v.input.digest + " (" + v.input.sopInstanceUID +
                ")). Nothing of the finding is shown on it.";
        }
    }
}

void FindingSession::clear() {
    m_result = {};
    m_hasResult = false;
    m_entries.clear();
}

void FindingSession::setResult(verify::FindingCheckResult result) {
    // "Shown anyway" survives a new round only for the very same consent: the same bytes checked against the
    // same recording content, with the same reasons.
    QHash<QString, bool> anyway;
    for (const FindingEntry& e : m_entries) {
        if (e.shownAnyway && e.checked.verdict) {
            anyway.insert(consentKey(e), true);
        }
    }
    m_entries.clear();
    QHash<QString, int> names;
    for (const auto& cf : result.findings) {
        names[qs(cf.bundle.filename().string())] += 1;
    }
    QSet<QString> used;
    for (auto& cf : result.findings) {
        FindingEntry e;
        e.checked = std::move(cf);
        QString id = e.bundleFileName();
        if (names.value(id) > 1) {
            id = qs(e.checked.bundle.parent_path().filename().string()) + QLatin1Char('/') + id;
        }
        if (used.contains(id)) {
            id = qs(e.checked.bundle.string());
        }
        used.insert(id);
        e.id = id;
        if (e.checked.verdict && e.checked.verdict->authenticated && e.checked.verdict->statement) {
            const verify::Verdict& v = *e.checked.verdict;
            e.otherRecording =
                namesOther(v.statement->input, v.input.studyInstanceUID, v.input.sopInstanceUID);
        }
        if (e.checked.verdict && e.canShowAnyway()) {
            e.shownAnyway = anyway.value(consentKey(e));
        }
        m_entries.push_back(std::move(e));
    }
    result.findings.clear();
    m_result = std::move(result);
    m_hasResult = true;
}

FindingEntry* FindingSession::find(const QString& id) {
    for (FindingEntry& e : m_entries) {
        if (e.id == id || QString::fromStdString(e.checked.bundle.string()) == id) {
            return &e;
        }
    }
    // A bare file name names a bundle only when no other bundle has it.
    FindingEntry* byName = nullptr;
    for (FindingEntry& e : m_entries) {
        if (e.bundleFileName() == id) {
            if (byName != nullptr) {
                return nullptr;
            }
            byName = &e;
        }
    }
    return byName;
}

std::vector<FindingEntry*> FindingSession::entriesFor(const QString& recordingPath) {
    std::vector<FindingEntry*> out;
    if (recordingPath.isEmpty()) {
        return out;
    }
    for (FindingEntry& e : m_entries) {
        if (e.checked.route != verify::FindingRoute::UnopenedFile && e.recordingPath() == recordingPath) {
            out.push_back(&e);
        }
    }
    // Trusted first, then what the reader chose to see, then the quarantined ones that could be opened, then
    // those that cannot be read at all.
    auto rank = [](const FindingEntry* e) {
        return e->trusted() ? 0 : e->shownAnyway && e->canShowAnyway() ? 1 : e->canShowAnyway() ? 2 : 3;
    };
    std::stable_sort(out.begin(), out.end(),
                     [&rank](const FindingEntry* a, const FindingEntry* b) { return rank(a) < rank(b); });
    return out;
}

std::vector<const FindingEntry*> FindingSession::unopened() const {
    std::vector<const FindingEntry*> out;
    for (const FindingEntry& e : m_entries) {
        if (e.checked.route == verify::FindingRoute::UnopenedFile) {
            out.push_back(&e);
        }
    }
    return out;
}

std::vector<registry::FindingOverlay> FindingSession::overlaysFor(const QString& recordingPath) const {
    std::vector<registry::FindingOverlay> out;
    for (const FindingEntry& e : m_entries) {
        if (!e.displayed || !e.contentAllowed() || e.recordingPath() != recordingPath || !e.checked.verdict) {
            continue;
        }
        for (auto& o : overlaysFromVerdict(*e.checked.verdict, e.id, e.trusted())) {
            o.visible = !m_hidden.contains(o.key);
            out.push_back(std::move(o));
        }
    }
    return out;
}

void FindingSession::setHidden(const QString& key, bool hidden) {
    if (hidden) {
        m_hidden.insert(key);
    } else {
        m_hidden.remove(key);
    }
}

} // namespace veridicor::ui
