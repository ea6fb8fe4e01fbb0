#include "finding_presenter.h"
#include "display_text.h"

#include <veridicor/verify/audit_log.h>
#include <veridicor/verify/finding.h>
#include <veridicor/verify/reason.h>

#include <QDir>
#include <QFileInfo>

namespace veridicor::ui {

namespace {

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

/// "f1 (SCT 401303003), f2 (…)" — which findings of a bundle were displayed, for the audit log.
QString findingList(const FindingEntry& e) {
    QStringList out;
    if (e.checked.verdict && e.checked.verdict->statement) {
        for (const auto& f : e.checked.verdict->statement->findings) {
            out << QStringLiteral("%1 (%2 %3)").arg(qs(f.id), qs(f.code.scheme), qs(f.code.value));
        }
    }
    return out.join(QStringLiteral(", "));
}

/// Steps 1–3 passed as far as the envelope, the chain and the signature go, but the signed content is not a
/// finding statement of the expected form (MALFORMED): authentic, yet unreadable.
bool authenticButMalformed(const verify::Verdict& v) {
    const verify::Check& signature = v.check(verify::CheckId::Signature);
    return !v.authenticated && v.check(verify::CheckId::Envelope).ok() &&
           v.check(verify::CheckId::Chain).ok() && signature.status == verify::CheckStatus::Failed &&
           signature.reasons.size() == 1 && signature.reasons.front() == verify::Reason::Malformed;
}

/// Which of the checks that make a bundle authentic failed, in plain words: the envelope, the certificate
/// chain, the signature, or both of the last two — never "the signature or the chain" when only one did.
QString notAuthenticText(const verify::Verdict& v) {
    using verify::CheckStatus;
    const verify::Check& envelope = v.check(verify::CheckId::Envelope);
    const verify::Check& chain = v.check(verify::CheckId::Chain);
    const verify::Check& signature = v.check(verify::CheckId::Signature);
    const QString tail = FindingPresenter::tr(", so nothing in this file can be read or shown.");
    if (envelope.status == CheckStatus::Failed) {
        return v.has(verify::Reason::Unsigned) ? FindingPresenter::tr("The file carries no signature") + tail
                                               : FindingPresenter::tr("The file is not a well-formed signed "
                                                                      "finding bundle") +
                                                     tail;
    }
    const bool chainFailed = chain.status == CheckStatus::Failed;
    const bool signatureFailed = signature.status == CheckStatus::Failed;
    if (chainFailed && signatureFailed) {
        return FindingPresenter::tr("Neither the signature nor its certificate chain verified") + tail;
    }
    if (chainFailed && signature.ok()) {
        return FindingPresenter::tr("The signature matches the content, but its certificate chain did not "
                                    "verify") +
               tail;
    }
    if (chainFailed) {
        return FindingPresenter::tr("The certificate chain did not verify (the signature was not checked)") +
               tail;
    }
    if (signatureFailed) {
        return FindingPresenter::tr("The certificate chain verified, but the signature did not verify") +
               tail;
    }
    return FindingPresenter::tr("The file did not authenticate") + tail;
}

} // namespace

QString FindingAudit::appendEvent(const verify::AuditEntry& entry) {
    return FindingPresenter::tr("this audit log cannot record the event %1").arg(qs(entry.event));
}

AuditLogRecorder::AuditLogRecorder(std::function<QString()> logFile, std::function<QString()> keyFile)
    : m_logFile(std::move(logFile)), m_keyFile(std::move(keyFile)) {}

QString AuditLogRecorder::append(const FindingEntry& entry, const char* event, const QString& detail) {
    if (!entry.checked.verdict) {
        return FindingPresenter::tr("there is no verdict to record");
    }
    verify::AuditEntry a =
        verify::AuditEntry::fromVerdict(*entry.checked.verdict, entry.checked.bundle, event);
    a.detail = detail.toStdString();
    return write(std::move(a));
}

QString AuditLogRecorder::appendEvent(const verify::AuditEntry& entry) {
    return write(entry);
}

QString AuditLogRecorder::write(verify::AuditEntry a) {
    const QString log = m_logFile();
    if (log.isEmpty()) {
        return FindingPresenter::tr("no audit log file is set (Settings)");
    }
    const QFileInfo info(log);
    if (!QDir().mkpath(info.absolutePath())) {
        return FindingPresenter::tr("its folder %1 cannot be created").arg(info.absolutePath());
    }
    a.user = verify::AuditLog::currentUser();
    // The workstation's audit key signs the log's head (made at first use, in the config folder unless
    // --audit-key named another file).
    const QString keyFile = m_keyFile();
    auto key = keyFile.isEmpty() ? verify::AuditKey::loadOrCreateDefault()
                                 : verify::AuditKey::loadOrCreate(keyFile.toStdString());
    if (!key) {
        return qs(key.error().message);
    }
    auto written = verify::AuditLog(log.toStdString(), std::move(*key)).append(a);
    return written ? QString() : qs(written.error().message);
}

QString plainVerdict(const FindingEntry& e) {
    if (e.trusted()) {
        return FindingPresenter::tr(
            "This finding is authentic, comes from an approved model and was made for "
            "this recording. Verification is not a diagnosis: judge the finding as you "
            "would any other.");
    }
    if (e.otherRecording && e.authenticated()) {
        return FindingPresenter::tr("This finding was made for another recording, not for the one it was "
                                    "found with: do not use it for this patient.");
    }
    if (e.authenticated()) {
        return FindingPresenter::tr(
            "This finding comes from a signer the trust store knows, but it did not pass "
            "every check: do not rely on it. The reasons are below.");
    }
    if (e.checked.verdict) {
        return FindingPresenter::tr(
            "This file could not be shown to come from a trusted signer: nothing in it "
            "can be relied on or shown.");
    }
    return FindingPresenter::tr("This finding could not be checked: nothing in it is shown.");
}

QString FindingPresenter::unconfirmedDisplayReason() {
    return tr("Not shown: the view on screen cannot confirm that it holds the data this finding was checked "
              "against, so nothing of it is shown.");
}

QString FindingPresenter::auditFailure(const QString& problem) const {
    return tr("Not shown: the audit log %1 could not be written (%2). Every display of a finding must be "
              "recorded, so this one is withheld.")
        .arg(m_audit->name(), problem);
}

QString FindingPresenter::present(const QString& recordingPath,
                                  const std::optional<dicom::ContentIdentity>& shown) {
    for (FindingEntry& e : m_session.entries()) {
        e.displayed = false;
        e.notShownReason.clear();
    }
    if (aiHidden()) {
        return {}; // blind read: nothing is displayed, so nothing is recorded as displayed
    }
    const QString name = QFileInfo(recordingPath).fileName();
    // A finding is shown only over the very data it was verified against: what the view holds and draws.
    m_session.bindToDisplay(recordingPath, shown);
    QString status;
    for (FindingEntry* e : m_session.entriesFor(recordingPath)) {
        if (!e->contentAllowed()) {
            continue;
        }
        if (!shown) {
            e->notShownReason = unconfirmedDisplayReason();
            continue;
        }
        // Fail closed: a display that cannot be recorded does not happen.
        const QString detail =
            e->trusted() ? tr("displayed as trusted on %1: %2").arg(name, findingList(*e))
                         : tr("displayed as UNTRUSTED (shown anyway) on %1: %2").arg(name, findingList(*e));
        const QString problem = m_audit->append(*e, "display", detail);
        if (!problem.isEmpty()) {
            e->notShownReason = auditFailure(problem);
            status = e->notShownReason;
            continue;
        }
        e->displayed = true;
    }
    return status;
}

FindingPresenter::ShowAnyway
FindingPresenter::requestShowAnyway(const QString& id, const QString& recordingPath,
                                    const std::optional<dicom::ContentIdentity>& shown) {
    FindingEntry* e = m_session.find(id);
    if (e == nullptr || !e->canShowAnyway() || aiHidden()) {
        return ShowAnyway::NotAllowed; // nothing of a finding is offered during a blind read
    }
    if (e->recordingPath() == recordingPath) {
        // The reasons asked about are those against the data on screen now.
        const std::string mismatchBefore = e->mismatchOnScreen;
        m_session.bindToDisplay(recordingPath, shown);
        if (e->mismatchOnScreen != mismatchBefore) {
            e->displayed = false;
        }
        if (!e->canShowAnyway()) {
            return ShowAnyway::NotAllowed; // the data on screen are another recording's
        }
    }
    if (e->shownAnyway) {
        return e->displayed || e->recordingPath() != recordingPath ? ShowAnyway::AlreadyShown
                                                                   : ShowAnyway::AlreadyGiven;
    }
    return ShowAnyway::Ask;
}

QString FindingPresenter::consentFor(const QString& id) {
    const FindingEntry* e = m_session.find(id);
    return e != nullptr ? consentKey(*e) : QString();
}

QStringList FindingPresenter::showAnywayReasons(const QString& id) {
    const FindingEntry* e = m_session.find(id);
    return e != nullptr && e->checked.verdict ? reasonTexts(*e->checked.verdict) : QStringList();
}

FindingPresenter::Outcome
FindingPresenter::confirmShowAnyway(const QString& id, const QString& why, const QString& recordingPath,
                                    const std::optional<dicom::ContentIdentity>& shown,
                                    const QString& askedConsent) {
    if (aiHidden()) {
        return {false, hiddenMessage()};
    }
    FindingEntry* found = m_session.find(id);
    if (found == nullptr || !found->canShowAnyway()) {
        return {false, tr("%1: there is no untrusted finding with readable content of that name")
                           .arg(boundedText(id, kMaxNameChars))};
    }
    if (!askedConsent.isEmpty() && consentKey(*found) != askedConsent) {
        // Answered for a verdict that is no longer this one (a round finished while the question was open).
        return {false, tr("%1 changed while you were asked; choose Show anyway again to see its reasons now")
                           .arg(boundedText(id, kMaxNameChars))};
    }
    FindingEntry& e = *found;
    const bool onScreen = e.recordingPath() == recordingPath;
    if (onScreen) {
        // Over the data on screen only if it is the data the finding was verified against (else it is now a
        // DATA_MISMATCH verdict: a consent given for the verdict before is not one for it).
        const std::string mismatchBefore = e.mismatchOnScreen;
        m_session.bindToDisplay(recordingPath, shown);
        if (e.mismatchOnScreen != mismatchBefore || !e.canShowAnyway()) {
            e.displayed = false;
            return {false,
                    tr("%1: the recording on screen is not the one it was checked against; its verdict "
                       "changed")
                        .arg(boundedText(e.id, kMaxNameChars))};
        }
        if (!shown) {
            e.notShownReason = unconfirmedDisplayReason();
            return {false, e.notShownReason};
        }
    }
    const QString problem = m_audit->append(
        e, "show-anyway",
        tr("shown anyway as UNTRUSTED (%1)%2: %3")
            .arg(why, onScreen ? tr(" on %1").arg(QFileInfo(recordingPath).fileName()) : QString(),
                 findingList(e)));
    if (!problem.isEmpty()) {
        e.notShownReason = auditFailure(problem);
        return {false, e.notShownReason};
    }
    e.shownAnyway = true;
    e.notShownReason.clear();
    e.displayed = onScreen; // this show-anyway is its display event
    return {true, tr("%1 is shown anyway, marked UNTRUSTED").arg(boundedText(e.id, kMaxNameChars))};
}

CardPresentation FindingPresenter::card(const FindingEntry& e) const {
    CardPresentation c;
    c.entry = &e;
    c.verified = e.trusted();
    const bool shownAnyway = e.shownAnyway && e.canShowAnyway();
    c.badge = e.trusted() ? tr("Verified") : shownAnyway ? tr("UNTRUSTED — shown anyway") : tr("Untrusted");
    if (!e.trusted()) {
        c.reasons = e.checked.verdict ? reasonTexts(*e.checked.verdict)
                                      : QStringList{boundedText(e.checked.problem, kMaxTextChars, true)};
    }
    if (e.displayMismatch) {
        c.mismatchNote =
            tr("The recording on screen is not the one the finding was checked against: its file "
               "changed after the check.");
    }
    if (!e.notShownReason.isEmpty()) {
        c.state = CardState::Withheld;
        c.message = boundedText(e.notShownReason, kMaxTextChars, true);
        c.messageIsProblem = true;
    } else if (e.contentAllowed() && e.displayed) {
        c.state = e.trusted() ? CardState::Verified : CardState::ShownAnyway;
        if (e.trusted()) {
            // "Verified" says what was checked, not that the finding is clinically right: said once per card.
            c.verifiedNote =
                tr("Authentic, from an approved model, for this recording. Verification is not a "
                   "diagnosis.");
        }
        c.showContent = true;
        c.markUntrusted = !e.trusted();
    } else if (e.otherRecording && e.authenticated()) {
        // A finding made for another patient's or another study's recording must not be looked at over this
        // one: there is no consent to give.
        c.state = CardState::OtherRecording;
        c.message =
            tr("This finding belongs to another recording: it was made for another study or recording "
               "than the one on screen. Nothing of it is shown, and it cannot be shown anyway.");
    } else if (e.canShowAnyway()) {
        c.state = CardState::Quarantined;
        c.message = tr("Quarantined: its content is hidden and not drawn on the images.");
    } else if (e.checked.verdict && authenticButMalformed(*e.checked.verdict)) {
        c.state = CardState::AuthenticMalformed;
        c.message =
            tr("The signature and its certificate chain verified, but the signed content is malformed "
               "(not a finding of the expected form), so it cannot be read or shown.");
    } else if (e.checked.verdict) {
        c.state = CardState::NotAuthentic;
        c.message = notAuthenticText(*e.checked.verdict);
    } else {
        c.state = CardState::Unchecked;
        c.message = tr("This finding could not be checked, so nothing in it is shown.");
    }
    c.offerShowAnyway = e.canShowAnyway() && !shownAnyway && e.notShownReason.isEmpty();
    return c;
}

std::vector<CardPresentation> FindingPresenter::cards(const QString& recordingPath) {
    std::vector<CardPresentation> out;
    if (aiHidden()) {
        return out; // not even how many there are
    }
    for (const FindingEntry* e : m_session.entriesFor(recordingPath)) {
        out.push_back(card(*e));
    }
    return out;
}

std::vector<registry::FindingOverlay> FindingPresenter::overlays(const QString& recordingPath) const {
    if (aiHidden()) {
        return {};
    }
    return m_session.overlaysFor(recordingPath);
}

bool FindingPresenter::isDisplayed(const QString& overlayKey, const QString& recordingPath) const {
    for (const auto& o : overlays(recordingPath)) {
        if (o.key == overlayKey) {
            return true;
        }
    }
    return false;
}

QString FindingPresenter::hiddenMessage() {
    return tr("AI results hidden until you commit your reading");
}

QString FindingPresenter::reveal(const verify::AuditEntry& entry) {
    if (!aiHidden()) {
        return {};
    }
    // Fail closed like a display: the reveal happens only once it is recorded.
    const QString problem = m_audit->appendEvent(entry);
    if (!problem.isEmpty()) {
        return tr("AI results stay hidden: the audit log %1 could not record the reveal (%2).")
            .arg(m_audit->name(), problem);
    }
    m_revealed = true;
    return {};
}

} // namespace veridicor::ui
