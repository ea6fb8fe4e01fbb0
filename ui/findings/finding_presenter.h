#pragma once
// The one rule for showing an AI finding, without widgets. Input: the verdicts of a verification round, what
// the view on screen holds and draws (its displayed content), the reader's consents ("Show anyway", hidden
// overlays) and the audit log (injected). Output: what each finding's card shows, and which overlays may be
// drawn — each with its reason. The main window only wires it to the panel and the view; the panel only
// draws the cards it is given.

#include "finding_session.h"

#include <veridicor/dicom/content_digest.h>
#include <veridicor/registry/finding_overlay.h>
#include <veridicor/verify/audit_log.h>
#include <veridicor/verify/finding_discovery.h>

#include <QCoreApplication>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>
#include <vector>

namespace veridicor::ui {

/// Where a display of a finding is recorded before it happens (fail closed: what cannot be recorded is not
/// shown). The workstation's is AuditLogRecorder; tests inject one that fails.
class FindingAudit {
public:
    FindingAudit() = default;
    virtual ~FindingAudit() = default;
    FindingAudit(const FindingAudit&) = delete;
    FindingAudit& operator=(const FindingAudit&) = delete;
    FindingAudit(FindingAudit&&) = delete;
    FindingAudit& operator=(FindingAudit&&) = delete;
    /// Appends one line for `entry` (`event` "display" or "show-anyway", `detail` for people). Returns an
    /// empty string when it was written, else why not, in plain words.
    virtual QString append(const FindingEntry& entry, const char* event, const QString& detail) = 0;
    /// Appends one line that is not the display of a finding: the reading's "reading-commit",
    /// "reading-sign", "reading-amend" and the blind read's "reveal". Same return as append(). The default
    /// refuses (a log that cannot record these must not let them pass unrecorded).
    virtual QString appendEvent(const verify::AuditEntry& entry);
    /// The log's name as the reader knows it (its file), for "the audit log … could not be written".
    [[nodiscard]] virtual QString name() const = 0;
};

/// verify::AuditLog signed with the workstation's verify::AuditKey. The file and key are asked for at each
/// append, so that Settings and the command line can change them during the session.
class AuditLogRecorder : public FindingAudit {
public:
    /// `logFile()`: the audit log (empty: none set); `keyFile()`: the key (empty: the default key in the
    /// config folder).
    AuditLogRecorder(std::function<QString()> logFile, std::function<QString()> keyFile);
    QString append(const FindingEntry& entry, const char* event, const QString& detail) override;
    QString appendEvent(const verify::AuditEntry& entry) override;
    [[nodiscard]] QString name() const override { return m_logFile(); }

private:
    /// Writes `entry` (user filled in) to the log with the key; "" or why not.
    QString write(verify::AuditEntry entry);

    std::function<QString()> m_logFile;
    std::function<QString()> m_keyFile;
};

/// What a finding's card is, and so what it shows.
enum class CardState {
    Verified,           ///< trusted, recorded, shown: its content and overlays
    ShownAnyway,        ///< untrusted but authentic, shown after the reader's consent, marked UNTRUSTED
    Quarantined,        ///< untrusted but authentic: content hidden, "Show anyway" offered
    OtherRecording,     ///< authentic, but made for another study or recording than the one on screen:
                        ///< nothing of it is shown, and "Show anyway" is never offered
    Withheld,           ///< its content may be shown, but is not: the audit log failed, or the view cannot
                        ///< vouch for its data (the card says which)
    AuthenticMalformed, ///< signature and chain verified, but the signed content is not a finding statement
    NotAuthentic,       ///< the signature or the chain failed (or the envelope): nothing can be read
    Unchecked,          ///< it could not be checked at all (no verdict)
};

/// One card of the findings panel: everything it says is decided here.
struct CardPresentation {
    const FindingEntry* entry = nullptr;
    CardState state = CardState::Unchecked;
    QString badge;         ///< "Verified", "UNTRUSTED — shown anyway", "Untrusted"
    QString verifiedNote;  ///< what "Verified" means, and that it is not a diagnosis (verified cards only)
    bool verified = false; ///< trusted: green; else red
    QStringList reasons;   ///< why it is untrusted, in plain words with the code (empty when trusted)
    QString mismatchNote;  ///< the data on screen are not the data it was checked against (empty: no)
    QString message;       ///< what the card says instead of the content (empty when the content is shown)
    bool messageIsProblem = false; ///< `message` is a failure to show (bold red), not a plain statement
    bool showContent = false;      ///< model, signer, findings, measurements and toggles are shown
    bool markUntrusted = false;    ///< every piece of content is prefixed "UNTRUSTED: "
    bool offerShowAnyway = false;  ///< the "Show anyway…" button
};

/// One sentence a clinician understands about what verification found for `entry` (the detail view leads
/// with it; codes, digests and certificates follow below it).
QString plainVerdict(const FindingEntry& entry);

class FindingPresenter {
    Q_DECLARE_TR_FUNCTIONS(FindingPresenter)
public:
    /// `audit` is used for every display; it must outlive the presenter.
    explicit FindingPresenter(FindingAudit& audit) : m_audit(&audit) {}

    /// A new verification round (FindingSession::setResult: consents survive only for the same verdict).
    void setResult(verify::FindingCheckResult result) { m_session.setResult(std::move(result)); }
    void clear() { m_session.clear(); }

    [[nodiscard]] const FindingSession& session() const { return m_session; }
    [[nodiscard]] FindingSession& session() { return m_session; }

    /// Decides what is displayed over `recordingPath`, whose view holds and draws `shown` (nullopt: nothing
    /// the view can vouch for): each finding bound to the data on screen (DATA_MISMATCH when they differ),
    /// each display that is allowed recorded first, and only what was recorded displayed. Returns a status
    /// line when a display was withheld (empty otherwise).
    QString present(const QString& recordingPath, const std::optional<dicom::ContentIdentity>& shown);

    /// Asking for "Show anyway" of bundle `id`:
    enum class ShowAnyway {
        NotAllowed,   ///< unknown, trusted, or not authentic: nothing to offer
        AlreadyShown, ///< consent already holds (and the finding is shown, or is not on screen)
        AlreadyGiven, ///< consent holds but the finding is not shown now (e.g. the audit log failed)
        Ask,          ///< ask the reader (reasons: showAnywayReasons())
    };
    /// Re-binds the finding to the data on screen first, so that the reasons asked about are today's.
    ShowAnyway requestShowAnyway(const QString& id, const QString& recordingPath,
                                 const std::optional<dicom::ContentIdentity>& shown);
    /// The reasons, in plain words, the reader is asked to accept for bundle `id`.
    [[nodiscard]] QStringList showAnywayReasons(const QString& id);

    struct Outcome {
        bool shown = false;
        QString status; ///< a status line for the reader
    };
    /// The reader (or --show-anyway) consented (`why`, for the audit log): checks the data on screen again,
    /// records the consent (fail closed) and shows the finding marked UNTRUSTED. `askedConsent`: the
    /// consentFor() of the question the reader answered; when the verdict has changed since (a new round,
    /// other data), the answer is not taken for it. Empty: not asked (--show-anyway).
    Outcome confirmShowAnyway(const QString& id, const QString& why, const QString& recordingPath,
                              const std::optional<dicom::ContentIdentity>& shown,
                              const QString& askedConsent = {});
    /// What a consent for bundle `id` would be given for now (consentKey()); empty when unknown.
    [[nodiscard]] QString consentFor(const QString& id);

    /// The cards of `recordingPath` as last presented, in panel order (trusted first).
    [[nodiscard]] std::vector<CardPresentation> cards(const QString& recordingPath);
    /// The card of one entry (as cards() says it).
    [[nodiscard]] CardPresentation card(const FindingEntry& entry) const;
    /// The overlays that may be drawn on `recordingPath`: displayed findings only, trusted = false when shown
    /// anyway, visible unless the reader hid them.
    [[nodiscard]] std::vector<registry::FindingOverlay> overlays(const QString& recordingPath) const;
    /// A key of overlays(recordingPath): a finding that is displayed there now.
    [[nodiscard]] bool isDisplayed(const QString& overlayKey, const QString& recordingPath) const;

    /// The sentence for a view that cannot vouch for its data.
    static QString unconfirmedDisplayReason();

    // ---- blind read
    // A blind read keeps every AI result out of sight until the reader has committed their own reading: while
    // aiHidden(), present() displays (and records) nothing, cards() and overlays() are empty, isDisplayed() is
    // false for every key, and the panel says only hiddenMessage(). The rule is here, not in the widgets, so
    // that no widget can show what the presenter does not hand out.

    /// The site setting (or --blind-read for the session). Off: AI results are shown from the start.
    void setBlindRead(bool on) { m_blindRead = on; }
    [[nodiscard]] bool blindRead() const { return m_blindRead; }
    /// Whether the reading of the study on screen has been committed in this session (the window says so
    /// when a study is shown: each study is read blind on its own).
    void setRevealed(bool revealed) { m_revealed = revealed; }
    [[nodiscard]] bool revealed() const { return m_revealed; }
    /// Blind read on and the reading not committed: nothing of any AI result may be shown.
    [[nodiscard]] bool aiHidden() const { return m_blindRead && !m_revealed; }
    /// The reading was committed: records `entry` (event "reveal") first and reveals only if it was
    /// written (fail closed, as every display). Returns "" when revealed (or nothing was hidden), else why
    /// not; the caller then calls present() again.
    QString reveal(const verify::AuditEntry& entry);
    /// "AI results hidden until you commit your reading" — all the AI panel says while aiHidden().
    static QString hiddenMessage();

private:
    [[nodiscard]] QString auditFailure(const QString& problem) const;

    FindingAudit* m_audit;
    FindingSession m_session;
    bool m_blindRead = false;
    bool m_revealed = false;
};

} // namespace veridicor::ui
