// The rule for showing a finding (ui/findings/finding_presenter.h), without widgets and without a display:
// one test per rule. Verdicts come from the real verifier over findings signed with the shared test PKI
// (tests/support/verify_fixture.h); the audit log is injected (a recording one, and one that fails).
#include "verify_fixture.h"

#include "finding_presenter.h"

#include <veridicor/dicom/dicom_env.h>
#include <veridicor/dicom/load.h>
#include <veridicor/verify/input_digest.h>
#include <veridicor/verify/reason.h>

#include <QCoreApplication>
#include <QtTest>

#include <memory>
#include <optional>

using namespace veridicor;
using namespace veridicor::test;

namespace {

/// Remembers what it was asked to record; fails with `failure` when that is set.
class TestAudit : public ui::FindingAudit {
public:
    QString append(const ui::FindingEntry& entry, const char* event, const QString&) override {
        if (!failure.isEmpty()) {
            return failure;
        }
        lines << QStringLiteral("%1 %2").arg(QLatin1String(event), entry.id);
        return {};
    }
    QString appendEvent(const verify::AuditEntry& entry) override {
        if (!failure.isEmpty()) {
            return failure;
        }
        lines << QString::fromStdString(entry.event);
        return {};
    }
    [[nodiscard]] QString name() const override { return QStringLiteral("test.log"); }

    QStringList lines;
    QString failure;
};

/// A log that records displays but no other event (FindingAudit's default appendEvent refuses).
class DisplayOnlyAudit : public ui::FindingAudit {
public:
    QString append(const ui::FindingEntry&, const char*, const QString&) override { return {}; }
    [[nodiscard]] QString name() const override { return QStringLiteral("display-only.log"); }
};

} // namespace

class TestFindingPresenter : public QObject {
    Q_OBJECT

    std::unique_ptr<VerifyFixture> f;
    std::optional<dicom::ContentIdentity> onScreen; // what a view holding the fixture's ECG would say
    verify::InputData otherInput;                   // another recording (another SOP Instance UID)
    std::optional<dicom::ContentIdentity> otherOnScreen;
    const QString recording = QStringLiteral("/study/ecg.dcm");

    /// One round with one bundle, verified against the fixture's ECG (or `other`), routed by file name.
    verify::FindingCheckResult round(const std::string& bundle, const std::string& store = "trust",
                                     const verify::InputData* other = nullptr) const {
        verify::FindingCheckResult r;
        r.trustStoreLoaded = true;
        r.at = f->pki.now;
        verify::CheckedFinding cf;
        cf.bundle = "/study/ecg.finding.json";
        cf.route = verify::FindingRoute::FileName;
        cf.recording = recording.toStdString();
        cf.verdict = f->verify(bundle, store, other);
        r.findings.push_back(std::move(cf));
        return r;
    }

    [[nodiscard]] std::string notApproved() const {
        json::Value p = ecgPredicate(f->modelDigest, f->producedAt());
        p.find("model")->set("version", json::Value::string("9.9.9"));
        return f->sign(f->pki.finding, p);
    }

    static const ui::CardPresentation& only(const std::vector<ui::CardPresentation>& cards) {
        static const ui::CardPresentation none;
        return cards.size() == 1 ? cards.front() : none;
    }

private slots:
    void initTestCase() {
        QVERIFY(dicom::initializeDicom().hasValue());
        f = std::make_unique<VerifyFixture>(verify::now());
        QVERIFY2(f->setUp(), "fixture");
        auto loaded = dicom::loadFile(f->ecgPath);
        QVERIFY(loaded.hasValue());
        auto id = dicom::contentIdentity(*loaded->dataset());
        QVERIFY(id.hasValue());
        onScreen = *id;
        SyntheticEcg other = f->ecg;
        other.sop = "1.2.826.0.1.3680043.10.1001.93";
        const auto otherPath = f->root / "presenter-reasons-other.dcm";
        QVERIFY(other.write(otherPath, EXS_LittleEndianExplicit, 4));
        auto input = verify::openInput(otherPath);
        QVERIFY(input.hasValue());
        otherInput = *input;
        auto otherLoaded = dicom::loadFile(otherPath);
        QVERIFY(otherLoaded.hasValue());
        auto otherId = dicom::contentIdentity(*otherLoaded->dataset());
        QVERIFY(otherId.hasValue());
        otherOnScreen = *otherId;
        VerifyFixture::PolicyOptions usOnly;
        usOnly.modalities = {"US"};
        QVERIFY(f->writeTrustStore("trust-us-only", usOnly));
        VerifyFixture::PolicyOptions noModel;
        noModel.withModelBundle = false;
        QVERIFY(f->writeTrustStore("trust-no-model", noModel));
    }

    void trustedIsRecordedThenShownAndDrawn() {
        TestAudit audit;
        ui::FindingPresenter p(audit);
        p.setResult(round(f->sign(f->pki.finding)));
        QVERIFY(p.present(recording, onScreen).isEmpty());
        QCOMPARE(audit.lines, QStringList{QStringLiteral("display ecg.finding.json")});
        const auto cards = p.cards(recording);
        const ui::CardPresentation& c = only(cards);
        QCOMPARE(c.state, ui::CardState::Verified);
        QVERIFY(c.verified);
        QVERIFY(c.showContent);
        QVERIFY(!c.markUntrusted);
        QVERIFY(!c.offerShowAnyway);
        QVERIFY(c.reasons.isEmpty());
        QVERIFY(c.message.isEmpty());
        QCOMPARE(c.badge, QStringLiteral("Verified"));
        QVERIFY(c.verifiedNote.contains(QStringLiteral("not a diagnosis")));
        const auto overlays = p.overlays(recording);
        QCOMPARE(overlays.size(), std::size_t{1});
        QVERIFY(overlays.front().trusted);
        QCOMPARE(overlays.front().key, QStringLiteral("ecg.finding.json#f1"));
        QVERIFY(!overlays.front().relevance.isEmpty()); // the verified attachment bytes
        QVERIFY(p.isDisplayed(QStringLiteral("ecg.finding.json#f1"), recording));
        // Nothing of it on another recording.
        QVERIFY(p.overlays(QStringLiteral("/study/other.dcm")).empty());
        // Hidden by the reader: still displayed, not visible.
        p.session().setHidden(QStringLiteral("ecg.finding.json#f1"), true);
        QVERIFY(!p.overlays(recording).front().visible);
    }

    void eachReasonIsSaidAndNothingIsShown_data() {
        QTest::addColumn<int>("reason");
        QTest::addColumn<int>("state");
        QTest::addColumn<bool>("offered");
        QTest::addColumn<QString>("says"); // what the card says instead of the content
        using verify::Reason;
        for (const Reason r : verify::kAllReasons) {
            ui::CardState state = ui::CardState::NotAuthentic;
            QString says = QStringLiteral("nothing in this file can be read or shown");
            switch (r) {
            case Reason::ModelNotApproved:
            case Reason::ModelDigestMismatch:
            case Reason::ModalityNotApproved:
            case Reason::SignerNotAuthorized:
            case Reason::ModelProvenanceInvalid:
            case Reason::AttachmentMismatch:
            case Reason::TimeInvalid:
                state = ui::CardState::Quarantined;
                says = QStringLiteral("Quarantined: its content is hidden");
                break;
            case Reason::DataMismatch: // a finding of another recording, which is on screen
                state = ui::CardState::OtherRecording;
                says = QStringLiteral("belongs to another recording");
                break;
            // Which check failed, never "the signature or the chain".
            case Reason::BadSignature:
                says = QStringLiteral("The certificate chain verified, but the signature did not verify, so "
                                      "nothing in this file can be read or shown.");
                break;
            case Reason::UntrustedChain:
            case Reason::CertExpired:
            case Reason::CertRevoked:
                says = QStringLiteral("certificate chain did not verify");
                break;
            case Reason::Malformed:
                says = QStringLiteral("The file is not a well-formed signed finding bundle");
                break;
            case Reason::Unsigned:
                says = QStringLiteral("The file carries no signature");
                break;
            default:
                break;
            }
            QTest::newRow(std::string(verify::reasonName(r)).c_str())
                << static_cast<int>(r) << static_cast<int>(state) << (state == ui::CardState::Quarantined)
                << says;
        }
    }
    void eachReasonIsSaidAndNothingIsShown() {
        QFETCH(int, reason);
        QFETCH(int, state);
        QFETCH(bool, offered);
        QFETCH(QString, says);
        using verify::Reason;
        const auto r = static_cast<Reason>(reason);
        std::string bundle = f->sign(f->pki.finding);
        std::string store = "trust";
        const verify::InputData* against = nullptr;
        std::optional<dicom::ContentIdentity> shown = onScreen;
        std::optional<verify::Verdict> verdict;
        switch (r) {
        case Reason::ModelNotApproved:
            bundle = notApproved();
            break;
        case Reason::ModelDigestMismatch:
            bundle = f->sign(f->pki.finding, ecgPredicate(std::string(64, 'a'), f->producedAt()));
            break;
        case Reason::ModalityNotApproved:
            store = "trust-us-only";
            break;
        case Reason::ModelProvenanceInvalid:
            store = "trust-no-model";
            break;
        case Reason::SignerNotAuthorized:
            bundle = f->sign(f->pki.other);
            break;
        case Reason::TimeInvalid:
            bundle = f->sign(
                f->pki.finding,
                ecgPredicate(f->modelDigest, verify::formatRfc3339(std::chrono::floor<std::chrono::seconds>(
                                                 f->pki.now + std::chrono::hours(1)))));
            break;
        case Reason::AttachmentMismatch: {
            // The attachment beside it is not the one that was signed.
            const auto dir = f->root / "presenter-changed-attachment";
            std::filesystem::create_directories(dir);
            std::string changed = readAll(f->root / "bundles" / "f1-relevance.u8");
            changed[10] = static_cast<char>(changed[10] ^ 0x40);
            writeAll(dir / "f1-relevance.u8", changed);
            auto ts = verify::TrustStore::load(f->trustDir("trust"));
            QVERIFY(ts.hasValue());
            verdict = verify::Verifier(*ts).verify(bundle, f->input, f->pki.now,
                                                   verify::attachmentsFromFolder(dir));
            break;
        }
        case Reason::DataMismatch:
            against = &otherInput; // made for the fixture's ECG; another recording is on screen
            shown = otherOnScreen;
            break;
        case Reason::BadSignature: {
            std::string payload = payloadOf(bundle);
            payload.replace(payload.find("Occlusion MI"), 12, "Edited MI 12");
            bundle = editBundle(bundle, [&](json::Value& d) {
                d.find("dsseEnvelope")->set("payload", json::Value::string(base64Encode(payload)));
            });
            break;
        }
        case Reason::UntrustedChain:
            bundle = f->sign(f->pki.unknownLeaf);
            break;
        case Reason::CertExpired:
            bundle = f->sign(f->pki.expired);
            break;
        case Reason::CertRevoked:
            bundle = f->sign(f->pki.revoked);
            break;
        case Reason::WeakAlgorithm:
            bundle = f->sign(f->pki.rsa1024);
            break;
        case Reason::Unsigned:
            bundle = editBundle(bundle, [](json::Value& d) {
                d.find("dsseEnvelope")->find("signatures")->asArray().clear();
            });
            break;
        case Reason::Malformed:
            bundle = bundle.substr(0, bundle.size() / 2);
            break;
        }
        verify::FindingCheckResult result = round(bundle, store, against);
        if (verdict) {
            result.findings.front().verdict = std::move(*verdict);
        }
        TestAudit audit;
        ui::FindingPresenter p(audit);
        p.setResult(std::move(result));
        QCOMPARE(reasonsText(*p.session().entries().front().checked.verdict),
                 std::string(verify::reasonName(r)));
        QVERIFY(p.present(recording, shown).isEmpty());
        QVERIFY(audit.lines.isEmpty()); // nothing displayed, nothing recorded
        const auto cards = p.cards(recording);
        const ui::CardPresentation& c = only(cards);
        QCOMPARE(static_cast<int>(c.state), state);
        QVERIFY(!c.verified);
        QVERIFY(!c.showContent);
        QCOMPARE(c.offerShowAnyway, offered);
        QCOMPARE(c.badge, QStringLiteral("Untrusted"));
        const QString plain = QString::fromStdString(std::string(verify::reasonExplanation(r)));
        QVERIFY2(c.reasons.join(QLatin1Char('\n')).contains(plain),
                 qPrintable(c.reasons.join(QLatin1Char('\n'))));
        QVERIFY2(c.message.contains(says), qPrintable(c.message));
        QVERIFY(!c.message.contains(QStringLiteral("signature or")));
        QVERIFY(p.overlays(recording).empty());
        QCOMPARE(p.requestShowAnyway(QStringLiteral("ecg.finding.json"), recording, shown) ==
                     ui::FindingPresenter::ShowAnyway::Ask,
                 offered);
    }

    void showAnywayShowsItMarkedAfterRecordingTheConsent() {
        TestAudit audit;
        ui::FindingPresenter p(audit);
        const std::string bundle = notApproved();
        p.setResult(round(bundle));
        p.present(recording, onScreen);
        const QString id = QStringLiteral("ecg.finding.json");
        QCOMPARE(p.requestShowAnyway(id, recording, onScreen), ui::FindingPresenter::ShowAnyway::Ask);
        // An answer given for another verdict (the consent asked about is not this one's) is not taken.
        QVERIFY(!p.confirmShowAnyway(id, QStringLiteral("test"), recording, onScreen, QStringLiteral("other"))
                     .shown);
        QVERIFY(audit.lines.isEmpty());
        QVERIFY(
            p.showAnywayReasons(id).join(QLatin1Char(' ')).contains(QStringLiteral("(MODEL_NOT_APPROVED)")));
        const auto outcome = p.confirmShowAnyway(id, QStringLiteral("test"), recording, onScreen);
        QVERIFY2(outcome.shown, qPrintable(outcome.status));
        QCOMPARE(audit.lines, QStringList{QStringLiteral("show-anyway ecg.finding.json")});
        const auto cards = p.cards(recording);
        const ui::CardPresentation& c = only(cards);
        QCOMPARE(c.state, ui::CardState::ShownAnyway);
        QVERIFY(c.showContent);
        QVERIFY(c.markUntrusted);
        QVERIFY(!c.offerShowAnyway);
        QCOMPARE(c.badge, QStringLiteral("UNTRUSTED — shown anyway"));
        QVERIFY(!c.reasons.isEmpty()); // the reasons stay in view
        const auto overlays = p.overlays(recording);
        QCOMPARE(overlays.size(), std::size_t{1});
        QVERIFY(!overlays.front().trusted);
        // Shown again (another visit): recorded as a display, still marked.
        p.present(recording, onScreen);
        QCOMPARE(audit.lines.last(), QStringLiteral("display ecg.finding.json"));
        QCOMPARE(p.requestShowAnyway(id, recording, onScreen),
                 ui::FindingPresenter::ShowAnyway::AlreadyShown);
        // The same verdict in a new round keeps the consent; other bundle bytes (a new signature) ask again.
        p.setResult(round(bundle));
        p.present(recording, onScreen);
        QCOMPARE(only(p.cards(recording)).state, ui::CardState::ShownAnyway);
        p.setResult(round(notApproved()));
        p.present(recording, onScreen);
        QCOMPARE(only(p.cards(recording)).state, ui::CardState::Quarantined);
    }

    void aFindingForAnotherRecordingIsNeverOffered() {
        // Authentic, but its statement names the fixture's ECG while the recording on screen is another one
        // (other SOP Instance UID): it belongs to another recording — nothing shown, no Show anyway.
        SyntheticEcg other = f->ecg;
        other.sop = "1.2.826.0.1.3680043.10.1001.91";
        const auto otherPath = f->root / "presenter-other.dcm";
        QVERIFY(other.write(otherPath, EXS_LittleEndianExplicit, 3));
        auto otherInput = verify::openInput(otherPath);
        QVERIFY(otherInput.hasValue());
        auto loaded = dicom::loadFile(otherPath);
        QVERIFY(loaded.hasValue());
        auto otherOnScreen = dicom::contentIdentity(*loaded->dataset());
        QVERIFY(otherOnScreen.hasValue());

        TestAudit audit;
        ui::FindingPresenter p(audit);
        p.setResult(round(f->sign(f->pki.finding), "trust", &*otherInput));
        QVERIFY(p.session().entries().front().authenticated());
        p.present(recording, *otherOnScreen);
        const auto cards = p.cards(recording);
        const ui::CardPresentation& c = only(cards);
        QCOMPARE(c.state, ui::CardState::OtherRecording);
        QVERIFY(!c.offerShowAnyway);
        QVERIFY(!c.showContent);
        QVERIFY2(c.message.contains(QStringLiteral("belongs to another recording")), qPrintable(c.message));
        QVERIFY(c.reasons.join(QLatin1Char(' ')).contains(QStringLiteral("(DATA_MISMATCH)")));
        QVERIFY(
            ui::plainVerdict(p.session().entries().front()).contains(QStringLiteral("another recording")));
        const QString id = QStringLiteral("ecg.finding.json");
        QCOMPARE(p.requestShowAnyway(id, recording, *otherOnScreen),
                 ui::FindingPresenter::ShowAnyway::NotAllowed);
        QVERIFY(!p.confirmShowAnyway(id, QStringLiteral("--show-anyway"), recording, *otherOnScreen).shown);
        QVERIFY(audit.lines.isEmpty());
        QVERIFY(p.overlays(recording).empty());

        // Verified against its own recording, but the view now holds another study's recording: the same.
        ui::FindingPresenter q(audit);
        q.setResult(round(f->sign(f->pki.finding)));
        dicom::ContentIdentity otherStudy = *onScreen;
        otherStudy.studyInstanceUID = "1.2.826.0.1.3680043.10.1001.92";
        q.present(recording, otherStudy);
        QCOMPARE(only(q.cards(recording)).state, ui::CardState::OtherRecording);
        QCOMPARE(q.requestShowAnyway(id, recording, otherStudy),
                 ui::FindingPresenter::ShowAnyway::NotAllowed);
        QVERIFY(q.overlays(recording).empty());
        QVERIFY(audit.lines.isEmpty());
    }

    void dataMismatchShowsNothingAndWithdrawsTheConsent() {
        TestAudit audit;
        ui::FindingPresenter p(audit);
        p.setResult(round(f->sign(f->pki.finding)));
        // The view holds other samples under the same UIDs (the file changed after verification).
        dicom::ContentIdentity changed = *onScreen;
        changed.sha256 = std::string(64, '0');
        changed.sha256V2 = std::string(64, '1');
        QVERIFY(p.present(recording, changed).isEmpty());
        QVERIFY(audit.lines.isEmpty());
        const auto cards = p.cards(recording);
        const ui::CardPresentation& c = only(cards);
        QVERIFY(!c.verified);
        QVERIFY(!c.showContent);
        QVERIFY(!c.mismatchNote.isEmpty());
        QVERIFY(c.reasons.join(QLatin1Char(' ')).contains(QStringLiteral("(DATA_MISMATCH)")));
        QVERIFY(p.overlays(recording).empty());
        // Shown anyway over these data, then the data change again: the consent no longer holds.
        const QString id = QStringLiteral("ecg.finding.json");
        QVERIFY(p.confirmShowAnyway(id, QStringLiteral("test"), recording, changed).shown);
        QVERIFY(!p.overlays(recording).empty());
        dicom::ContentIdentity again = changed;
        again.sha256V2 = std::string(64, '2');
        p.present(recording, again);
        QVERIFY(p.overlays(recording).empty());
        QCOMPARE(only(p.cards(recording)).state, ui::CardState::Quarantined);
    }

    void aViewThatCannotVouchForItsDataShowsNothing() {
        TestAudit audit;
        ui::FindingPresenter p(audit);
        p.setResult(round(f->sign(f->pki.finding)));
        p.present(recording, std::nullopt);
        QVERIFY(audit.lines.isEmpty());
        const auto cards = p.cards(recording);
        const ui::CardPresentation& c = only(cards);
        QCOMPARE(c.state, ui::CardState::Withheld);
        QVERIFY(!c.showContent);
        QCOMPARE(c.message, ui::FindingPresenter::unconfirmedDisplayReason());
        QVERIFY(p.overlays(recording).empty());
    }

    void auditFailureShowsNothing() {
        TestAudit audit;
        audit.failure = QStringLiteral("disk full");
        ui::FindingPresenter p(audit);
        p.setResult(round(f->sign(f->pki.finding)));
        const QString status = p.present(recording, onScreen);
        QVERIFY2(status.contains(QStringLiteral("test.log")) && status.contains(QStringLiteral("disk full")),
                 qPrintable(status));
        const auto cards = p.cards(recording);
        const ui::CardPresentation& c = only(cards);
        QCOMPARE(c.state, ui::CardState::Withheld);
        QVERIFY(!c.showContent);
        QVERIFY(c.messageIsProblem);
        QVERIFY(c.message.contains(QStringLiteral("disk full")));
        QVERIFY(p.overlays(recording).empty());
        QVERIFY(!p.isDisplayed(QStringLiteral("ecg.finding.json#f1"), recording));

        // Show anyway fails closed the same way.
        ui::FindingPresenter q(audit);
        q.setResult(round(notApproved()));
        q.present(recording, onScreen);
        const auto outcome = q.confirmShowAnyway(QStringLiteral("ecg.finding.json"), QStringLiteral("test"),
                                                 recording, onScreen);
        QVERIFY(!outcome.shown);
        QVERIFY(outcome.status.contains(QStringLiteral("disk full")));
        QVERIFY(q.overlays(recording).empty());
        QVERIFY(!only(q.cards(recording)).showContent);
    }

    // Blind read: until the reading is committed, nothing of any finding is displayed, recorded as displayed,
    // carded, counted or drawn, and Show anyway is not offered; the reveal is recorded first (fail closed), and
    // then the findings are shown as without blind read.
    void blindReadHidesEverythingUntilTheRevealIsRecorded() {
        TestAudit audit;
        ui::FindingPresenter p(audit);
        p.setBlindRead(true);
        QVERIFY(p.aiHidden());
        QCOMPARE(ui::FindingPresenter::hiddenMessage(),
                 QStringLiteral("AI results hidden until you commit your reading"));
        verify::FindingCheckResult r = round(f->sign(f->pki.finding));
        verify::FindingCheckResult quarantined = round(notApproved());
        quarantined.findings.front().bundle = "/study/ecg.other.finding.json";
        r.findings.push_back(quarantined.findings.front());
        p.setResult(r);
        QVERIFY(p.present(recording, onScreen).isEmpty());
        QVERIFY2(audit.lines.isEmpty(), qPrintable(audit.lines.join(QLatin1Char(','))));
        QVERIFY(p.cards(recording).empty());
        QVERIFY(p.overlays(recording).empty());
        QVERIFY(!p.isDisplayed(QStringLiteral("ecg.finding.json#f1"), recording));
        QCOMPARE(p.requestShowAnyway(QStringLiteral("ecg.other.finding.json"), recording, onScreen),
                 ui::FindingPresenter::ShowAnyway::NotAllowed);
        QVERIFY(!p.confirmShowAnyway(QStringLiteral("ecg.other.finding.json"), QStringLiteral("test"), recording,
                                     onScreen)
                     .shown);
        QVERIFY(audit.lines.isEmpty());

        verify::AuditEntry reveal;
        reveal.event = "reveal";
        // The reveal cannot be recorded: it does not happen.
        audit.failure = QStringLiteral("disk full");
        QVERIFY(p.reveal(reveal).contains(QStringLiteral("disk full")));
        QVERIFY(p.aiHidden());
        DisplayOnlyAudit displayOnly;
        ui::FindingPresenter q(displayOnly);
        q.setBlindRead(true);
        QVERIFY(!q.reveal(reveal).isEmpty());
        QVERIFY(q.aiHidden());

        audit.failure.clear();
        QVERIFY(p.reveal(reveal).isEmpty());
        QVERIFY(!p.aiHidden());
        QCOMPARE(audit.lines, QStringList{QStringLiteral("reveal")});
        QVERIFY(p.present(recording, onScreen).isEmpty());
        QCOMPARE(audit.lines, (QStringList{QStringLiteral("reveal"), QStringLiteral("display ecg.finding.json")}));
        const auto cards = p.cards(recording);
        QCOMPARE(cards.size(), std::size_t{2});
        QCOMPARE(cards.front().state, ui::CardState::Verified);
        QVERIFY(cards.front().showContent);
        QCOMPARE(cards.back().state, ui::CardState::Quarantined);
        QVERIFY(!p.overlays(recording).empty());

        // Another study is read blind on its own.
        p.setRevealed(false);
        QVERIFY(p.aiHidden());
        QVERIFY(p.cards(recording).empty());
        QVERIFY(p.overlays(recording).empty());
        // Blind read off: shown from the start.
        p.setBlindRead(false);
        QVERIFY(!p.aiHidden());
        QVERIFY(p.present(recording, onScreen).isEmpty());
        QCOMPARE(p.cards(recording).size(), std::size_t{2});
    }
};

QTEST_GUILESS_MAIN(TestFindingPresenter)
#include "tst_finding_presenter.moc"
