#pragma once
// The findings of the opened study after verification, and what the reader has done with them (shown anyway,
// hidden, selected). Builds the overlays a view draws, only from verified payload bytes held in memory. No
// widgets.

#include <veridicor/dicom/content_digest.h>
#include <veridicor/registry/finding_overlay.h>
#include <veridicor/verify/finding_discovery.h>

#include <QSet>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace veridicor::ui {

/// One finding bundle as the panel shows it.
struct FindingEntry {
    verify::CheckedFinding checked;
    QString id;               ///< unique in the session: the bundle's file name (with its folder if repeated)
    bool shownAnyway = false; ///< the reader confirmed "Show anyway": content shown, marked UNTRUSTED
    bool displayed = false;   ///< its content is on screen now (trusted or shown anyway, and audited)
    QString notShownReason;   ///< why its content is not shown although it could be (the audit log failed,
                              ///< the view cannot vouch for its data)
    /// The data it was verified against is not the data its recording's view holds (the file changed after
    /// verification): the verdict then carries DATA_MISMATCH (see FindingSession::bindToDisplay).
    bool displayMismatch = false;
    /// The data on screen it was last found not to match ("<method> SHA-256 <hex> (<SOP Instance UID>)"); a
    /// "Show anyway" holds only for those data.
    std::string mismatchOnScreen;
    /// Its authenticated statement names another study or recording (Study or SOP Instance UID) than the one
    /// it was checked against or the one on screen: it belongs to another recording, and is never shown
    /// there, not even anyway (FindingSession::setResult and bindToDisplay set it).
    bool otherRecording = false;

    [[nodiscard]] bool trusted() const { return checked.trusted(); }
    [[nodiscard]] bool authenticated() const { return checked.authenticated(); }
    /// Untrusted, but signature and chain passed, and made for this recording: the reader may deliberately
    /// look at it.
    [[nodiscard]] bool canShowAnyway() const { return authenticated() && !trusted() && !otherRecording; }
    /// Its content may be shown (trusted, or shown anyway) — still subject to the audit log.
    [[nodiscard]] bool contentAllowed() const { return trusted() || (shownAnyway && canShowAnyway()); }
    [[nodiscard]] QString bundleFileName() const;
    [[nodiscard]] QString recordingPath() const;
};

/// The key of finding `findingId` of a bundle: "<bundle id>#<finding id>".
QString overlayKey(const QString& bundleId, const std::string& findingId);

/// The overlays of one verified bundle: one per finding, from the verdict's authenticated statement and the
/// attachment bytes that were hashed during verification. Empty for a bundle that is not authenticated.
std::vector<registry::FindingOverlay> overlaysFromVerdict(const verify::Verdict& verdict,
                                                          const QString& bundleId, bool trusted);

/// Reason codes as plain words: "The signature does not match the content: … (BAD_SIGNATURE)".
QStringList reasonTexts(const verify::Verdict& verdict);

/// The verified input (method, digest, UIDs, modality) is exactly `shown`.
bool sameData(const verify::InputData& verified, const dicom::ContentIdentity& shown);

/// The key under which a "Show anyway" consent is remembered: bundle path, recording, bundle SHA-256, the
/// verdict's reasons and its input's method and digest.
QString consentKey(const FindingEntry& entry);

class FindingSession {
public:
    /// Replaces the findings with a new verification round. Entries keep "shown anyway" only for the same
    /// consent: the same bundle bytes, verified against the same recording with the same input digest, with
    /// the same reasons — a changed verdict asks again.
    void setResult(verify::FindingCheckResult result);
    void clear();

    [[nodiscard]] const verify::FindingCheckResult& result() const { return m_result; }
    [[nodiscard]] bool hasResult() const { return m_hasResult; }
    [[nodiscard]] std::vector<FindingEntry>& entries() { return m_entries; }
    [[nodiscard]] const std::vector<FindingEntry>& entries() const { return m_entries; }
    [[nodiscard]] FindingEntry* find(const QString& id);
    /// The entries verified against `recordingPath`, in order.
    [[nodiscard]] std::vector<FindingEntry*> entriesFor(const QString& recordingPath);
    /// The entries named after a recording that is not open.
    [[nodiscard]] std::vector<const FindingEntry*> unopened() const;

    /// The overlays to draw on `recordingPath`: those of displayed entries only, trusted=false when shown
    /// anyway, visible unless the reader hid them.
    [[nodiscard]] std::vector<registry::FindingOverlay> overlaysFor(const QString& recordingPath) const;

    /// Binds the findings of `recordingPath` to what its view holds and draws (`shown`, the view's
    /// displayedContent()): a finding whose authenticated content was verified against other data — method,
    /// digest, UIDs or modality differ, because the file changed after verification — becomes untrusted
    /// with DATA_MISMATCH and a plain detail, and loses any "shown anyway" given before for other data on
    /// screen (the reader is asked again; a consent given for these data holds while they stay on screen).
    /// Nothing is changed when `shown` is nullopt (the caller then shows no content at all).
    void bindToDisplay(const QString& recordingPath, const std::optional<dicom::ContentIdentity>& shown);

    void setHidden(const QString& key, bool hidden);
    [[nodiscard]] bool isHidden(const QString& key) const { return m_hidden.contains(key); }

private:
    verify::FindingCheckResult m_result;
    bool m_hasResult = false;
    std::vector<FindingEntry> m_entries;
    QSet<QString> m_hidden;
};

} // namespace veridicor::ui
