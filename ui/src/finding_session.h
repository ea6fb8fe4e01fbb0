#pragma once
// The findings of the opened study after verification, and what the reader has done with them (shown anyway,
// hidden, selected). Builds the overlays a view draws, only from verified payload bytes held in memory. No
// widgets.

#include <veridicor/registry/finding_overlay.h>
#include <veridicor/verify/finding_discovery.h>

#include <QSet>
#include <QString>
#include <QStringList>

#include <vector>

namespace veridicor::ui {

/// One finding bundle as the panel shows it.
struct FindingEntry {
    verify::CheckedFinding checked;
    QString id;               ///< unique in the session: the bundle's file name (with its folder if repeated)
    bool shownAnyway = false; ///< the reader confirmed "Show anyway": content shown, marked UNTRUSTED
    bool displayed = false;   ///< its content is on screen now (trusted or shown anyway, and audited)
    QString notShownReason;   ///< why its content is not shown although it could be (the audit log failed)

    [[nodiscard]] bool trusted() const { return checked.trusted(); }
    [[nodiscard]] bool authenticated() const { return checked.authenticated(); }
    /// Untrusted, but signature and chain passed: the reader may deliberately look at it.
    [[nodiscard]] bool canShowAnyway() const { return authenticated() && !trusted(); }
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

class FindingSession {
public:
    /// Replaces the findings with a new verification round. Entries keep "shown anyway" when the same bundle
    /// bytes were verified against the same recording and are still eligible.
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

    void setHidden(const QString& key, bool hidden);
    [[nodiscard]] bool isHidden(const QString& key) const { return m_hidden.contains(key); }

private:
    verify::FindingCheckResult m_result;
    bool m_hasResult = false;
    std::vector<FindingEntry> m_entries;
    QSet<QString> m_hidden;
};

} // namespace veridicor::ui
