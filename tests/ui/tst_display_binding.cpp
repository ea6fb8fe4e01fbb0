// The bytes a reader sees are the bytes that were verified, and a "Show anyway" consent holds
// only for the verdict it was given for.
//
// With the real ECG view: a finding is trusted and drawn over the recording it was verified against; when the
// recording's file is rewritten after verification (other samples, the same UIDs), the finding shown over the
// re-read recording is untrusted (DATA_MISMATCH, said in plain words), with no text and nothing drawn. With
// the recording view of the findings tests: the recording on screen is verified as the view read it, not read
// again; a consent is asked again when the verdict's reasons or the verified input change.
#include "../ecg/ecg_view_support.h"
#include "findings_test_support.h"

#include <veridicor/cine_view/cine_view.h>
#include <veridicor/dicom/load.h>
#include <veridicor/ecg/dicom_writer.h>
#include <veridicor/ecg_view/ecg_view.h>
#include <veridicor/verify/audit_log.h>

#include "test_data.h"

#include <dcmtk/dcmdata/dcdeftag.h>

#include <QApplication>
#include <QDialog>
#include <QStandardPaths>

using namespace veridicor;
using namespace veridicor::test;
namespace fs = std::filesystem;

namespace {

/// A 12-lead ECG (500 Hz, 2 s) with fixed UIDs written by the ECG core's DICOM writer; `spike` mV on V2 at
/// 0.5 s makes recordings that differ in their samples only.
bool writeEcg(const fs::path& path, const std::string& sop, double spike) {
    auto rec = syntheticRecording(500.0, 2.0, {{"V2", 0.5, spike}, {"I", 0.3, 0.5}});
    rec->studyInstanceUID = "1.2.826.0.1.3680043.10.1001.501";
    rec->seriesInstanceUID = "1.2.826.0.1.3680043.10.1001.502";
    rec->sopInstanceUID = sop;
    return ecg::writeDicomEcg(*rec, path).hasValue();
}

/// The producer's predicate for those recordings: leads I and II, 0.2–0.6 s, a relevance attachment of 2 ×
/// 1000 samples.
json::Value predicateFor(const VerifyFixture& f) {
    json::Value p = ecgPredicate(f.modelDigest, f.producedAt(), "rel.u8");
    p.find("attachments")->asArray()[0].set("samples", json::Value::integer(1000));
    auto& region = *p.find("findings")->asArray()[0].find("region");
    region.set("startSeconds", json::Value::number(0.2));
    region.set("endSeconds", json::Value::number(0.6));
    return p;
}

int displayLines(const QString& log) {
    QFile f(log);
    if (!f.open(QIODevice::ReadOnly)) {
        return 0;
    }
    return static_cast<int>(f.readAll().count(R"("event":"display")"));
}

/// A main window with the real ECG and cine views.
struct EcgWorkstation {
    std::unique_ptr<registry::ViewerRegistry> registry = [] {
        auto r = std::make_unique<registry::ViewerRegistry>();
        r->add(std::make_unique<ecg::EcgViewerFactory>());
        r->add(std::make_unique<cine::CineViewerFactory>());
        return r;
    }();
    ui::MainWindow window{*registry};

    EcgWorkstation(const VerifyFixture& f, const QString& auditLog, const std::string& store = "trust") {
        window.setTrustStoreFolder(QString::fromStdString(f.trustDir(store).string()));
        window.setAuditLogFile(auditLog);
        window.setBlindRead(false); // these tests are about what is shown of findings (blind read: tst_reading_panel)
        window.setVerificationTime(f.pki.now);
        window.setShowAnywayConfirmation(
            [](const QString&, const QStringList&, const ui::MainWindow::ShowAnywayAnswer& answer) {
                answer(false);
            });
        window.resize(1500, 950);
        window.show();
    }
    bool open(const QStringList& paths) {
        QSignalSpy loaded(&window, &ui::MainWindow::loadFinished);
        window.openPaths(paths);
        return loaded.wait(60000);
    }
    [[nodiscard]] ecg::EcgView* view() const { return dynamic_cast<ecg::EcgView*>(window.currentView()); }
    [[nodiscard]] QString texts() const { return window.visibleTexts().join(QLatin1Char('\n')); }
};

} // namespace

class TestDisplayBinding : public QObject {
    Q_OBJECT

    std::unique_ptr<VerifyFixture> f;
    fs::path m_study; ///< a.dcm and b.dcm with their signed findings

    /// Signs `recording`'s finding into `<stem>.finding.json` beside it.
    bool signFor(const fs::path& recording) {
        auto input = verify::openInput(recording);
        if (!input) {
            return false;
        }
        auto bundle =
            signFinding(f->pki.identity(f->pki.finding), predicateFor(*f), *input, recording.parent_path());
        if (!bundle) {
            qWarning("%s", bundle.error().message.c_str());
            return false;
        }
        writeAll(recording.parent_path() / (recording.stem().string() + ".finding.json"), *bundle);
        return true;
    }

    /// A fresh copy of the study (each test rewrites files in it).
    fs::path studyCopy(const std::string& name) {
        fs::path dir = f->root / name;
        fs::remove_all(dir);
        fs::copy(m_study, dir, fs::copy_options::recursive);
        return dir;
    }

private slots:
    void initTestCase() {
        if (QGuiApplication::platformName() != QStringLiteral("xcb")) {
            QSKIP("the ECG view is a QOpenGLWidget: run on xcb (under xvfb-run)");
        }
        QVERIFY(dicom::initializeDicom().hasValue());
        f = std::make_unique<VerifyFixture>(verify::now());
        QVERIFY2(f->setUp(), "fixture");
        m_study = f->root / "ecg-study";
        fs::create_directories(m_study);
        std::string relevance;
        for (int i = 0; i < 2000; ++i) {
            relevance.push_back(static_cast<char>(i % 251));
        }
        writeAll(m_study / "rel.u8", relevance);
        QVERIFY(writeEcg(m_study / "a.dcm", "1.2.826.0.1.3680043.10.1001.511", 1.0));
        QVERIFY(writeEcg(m_study / "b.dcm", "1.2.826.0.1.3680043.10.1001.512", 1.0));
        QVERIFY(signFor(m_study / "a.dcm"));
        QVERIFY(signFor(m_study / "b.dcm"));
    }

    void aTrustedFindingIsShownAndDrawnOnTheRealEcgView() {
        const fs::path dir = studyCopy("normal");
        const QString log = qpath(f->root / "audit-normal.log");
        EcgWorkstation ws(*f, log);
        QVERIFY(ws.open({qpath(dir)}));
        QVERIFY(showAndWait(ws.window, qpath(dir / "a.dcm")));
        ecg::EcgView* view = ws.view();
        QVERIFY(view != nullptr);
        QVERIFY(view->displayedContent().has_value());
        QVERIFY(verify::openInput(dir / "a.dcm")->sameContent(*view->displayedContent()));
        const QString texts = ws.texts();
        QVERIFY2(texts.contains(kFindingText), qPrintable(texts));
        QVERIFY2(texts.contains(QStringLiteral("Verified")), qPrintable(texts));
        QVERIFY2(view->paintedTexts().contains(kFindingMeaning),
                 qPrintable(view->paintedTexts().join(u'\n')));
        QVERIFY(!view->paintedTexts().join(u'\n').contains(QStringLiteral("UNTRUSTED")));
        QVERIFY(displayLines(log) >= 1);
    }

    void anEchoWithAnEcgTraceWhoseFramesWereReorderedIsNotTrusted() {
        // An echo that also carries its ECG trace (a Waveform Sequence): its findings are bound by its pixel
        // data (R2.1), so frames exchanged after signing void the finding — in the real cine view as in the
        // verifier. (A finding bound to the trace instead would have survived the reordering.) The finding
        // has no explanation and no attachments, which the specification allows.
        const QString echoFile = sharedFile(QStringLiteral("us/IM00001.implicit_little_endian.dcm"));
        const QString ecgFile = sharedFile(QStringLiteral("ecg/wave_dfl.dcm"));
        if (echoFile.isEmpty() || ecgFile.isEmpty()) {
            QSKIP("shared test data is absent (../shared/data); test skipped");
        }
        const fs::path dir = f->root / "echo-with-trace";
        fs::create_directories(dir);
        const fs::path path = dir / "echo.dcm";
        auto writeEcho = [&](bool swapFirstFrames) {
            auto echo = dicom::loadFile(echoFile.toStdString());
            auto trace = dicom::loadFile(ecgFile.toStdString());
            QVERIFY(echo.hasValue() && trace.hasValue());
            DcmSequenceOfItems* waves = nullptr;
            QVERIFY(trace->dataset()->findAndGetSequence(DCM_WaveformSequence, waves).good());
            auto* copy = dynamic_cast<DcmElement*>(waves->clone());
            QVERIFY(copy != nullptr);
            echo->dataset()->insert(copy);
            if (swapFirstFrames) {
                DcmElement* pixels = nullptr;
                QVERIFY(echo->dataset()->findAndGetElement(DCM_PixelData, pixels).good());
                Uint8* bytes = nullptr;
                QVERIFY(pixels->getUint8Array(bytes).good());
                const std::size_t frame = std::size_t{240} * 320 * 3;
                std::swap_ranges(bytes, bytes + frame, bytes + frame);
            }
            QVERIFY(echo->file->saveFile(path.c_str(), EXS_LittleEndianExplicit).good());
        };
        writeEcho(false);
        VerifyFixture::PolicyOptions o;
        o.modalities = {"US"};
        QVERIFY(f->writeTrustStore("trust-us", o));
        auto input = verify::openInput(path);
        QVERIFY(input.hasValue());
        QCOMPARE(input->method, verify::DigestMethod::DicomPixelDataV2);
        auto pred = *json::parse(R"({"model": {"name": "ecg-omi-detector", "version": "2.1.0",
            "digest": {"sha256": ")" +
                                 f->modelDigest + R"("}}, "producedAt": ")" + f->producedAt() + R"(",
            "input": {"modality": "US"},
            "findings": [{"id": "e1", "code": {"scheme": "SCT", "value": "373945007", "meaning": "Pericardial effusion"},
                "text": "Small pericardial effusion behind the left ventricle", "confidence": 0.8,
                "region": {"kind": "cine", "firstFrame": 0, "lastFrame": 2}}],
            "attachments": []})");
        auto bundle = signFinding(f->pki.identity(f->pki.finding), pred, *input, dir);
        QVERIFY2(bundle.hasValue(), bundle ? "" : bundle.error().message.c_str());
        writeAll(dir / "echo.finding.json", *bundle);
        const QString text = QStringLiteral("Small pericardial effusion behind the left ventricle");
        {
            EcgWorkstation ws(*f, qpath(f->root / "audit-echo.log"), "trust-us");
            QVERIFY(ws.open({qpath(dir)}));
            QVERIFY(showAndWait(ws.window, qpath(path)));
            QVERIFY(dynamic_cast<cine::CineView*>(ws.window.currentView()) != nullptr);
            const QString texts = ws.texts();
            QVERIFY2(texts.contains(text), qPrintable(texts));
            QVERIFY2(texts.contains(QStringLiteral("Verified")), qPrintable(texts));
        }
        writeEcho(true); // the first two frames exchanged; the ECG trace unchanged
        EcgWorkstation ws(*f, qpath(f->root / "audit-echo-2.log"), "trust-us");
        QVERIFY(ws.open({qpath(dir)}));
        QVERIFY(showAndWait(ws.window, qpath(path)));
        const QString texts = ws.texts();
        QVERIFY2(!texts.contains(text), qPrintable(texts));
        QVERIFY2(texts.contains(QStringLiteral("(DATA_MISMATCH)")), qPrintable(texts));
    }

    void aRecordingRewrittenAfterVerificationShowsNothingOfTheFinding() {
        // b.dcm is verified with the study (read from its file, as it is not on screen), then rewritten —
        // other samples, the same UIDs — before it is displayed. The view reads the new samples: the finding
        // was not checked against them, so it is untrusted, says why, and shows and draws nothing.
        const fs::path dir = studyCopy("rewritten-before");
        const QString log = qpath(f->root / "audit-before.log");
        EcgWorkstation ws(*f, log);
        QVERIFY(ws.open({qpath(dir)}));
        QVERIFY(showAndWait(ws.window, qpath(dir / "a.dcm")));
        QVERIFY(ws.texts().contains(kFindingText));
        const int displaysBefore = displayLines(log);
        QVERIFY(writeEcg(dir / "b.dcm", "1.2.826.0.1.3680043.10.1001.512", -2.0));

        QVERIFY(showAndWait(ws.window, qpath(dir / "b.dcm")));
        ecg::EcgView* view = ws.view();
        QVERIFY(view != nullptr);
        const QString texts = ws.texts();
        QVERIFY2(!texts.contains(kFindingText), qPrintable(texts));
        QVERIFY2(!texts.contains(QStringLiteral("ST elevation I")), qPrintable(texts));
        QVERIFY2(texts.contains(QStringLiteral("(DATA_MISMATCH)")), qPrintable(texts));
        QVERIFY2(texts.contains(QStringLiteral("not the one the finding was checked against")),
                 qPrintable(texts));
        QVERIFY2(!texts.contains(QStringLiteral("Verified\n")), qPrintable(texts));
        const QString painted = view->paintedTexts().join(u'\n');
        QVERIFY2(!painted.contains(kFindingMeaning) && !painted.contains(QStringLiteral("UNTRUSTED")),
                 qPrintable(painted));
        QCOMPARE(displayLines(log), displaysBefore); // nothing of it was displayed, so nothing was logged
        if (const QString shots = qEnvironmentVariable("VERIDICOR_SCREENSHOTS"); !shots.isEmpty()) {
            QVERIFY(ws.window.grab().save(shots + QStringLiteral("/display-mismatch.png")));
        }

        // The verification details say it in plain words.
        QDialog* dialog = ws.window.openVerificationDetails(QStringLiteral("b.finding.json"));
        QVERIFY(dialog != nullptr);
        QVERIFY2(ws.texts().contains(QStringLiteral("Failed (DATA_MISMATCH)")), qPrintable(ws.texts()));
        dialog->close();
    }

    void aRecordingRewrittenWhileDisplayedIsNotTrustedOnceReRead() {
        // While a.dcm is on screen its file is rewritten: the view still holds (and draws) the samples that
        // were verified, so the finding stays trusted there. Opened again, the view reads the new samples:
        // the finding is untrusted and nothing of it is drawn — also after a new verification round, which
        // checks it against what the view now holds.
        const fs::path dir = studyCopy("rewritten-while");
        EcgWorkstation ws(*f, qpath(f->root / "audit-while.log"));
        QVERIFY(ws.open({qpath(dir)}));
        QVERIFY(showAndWait(ws.window, qpath(dir / "a.dcm")));
        QVERIFY(ws.texts().contains(kFindingText));
        const auto verified = ws.view()->displayedContent();
        QVERIFY(verified.has_value());
        QVERIFY(writeEcg(dir / "a.dcm", "1.2.826.0.1.3680043.10.1001.511", 3.0));
        QVERIFY(ws.texts().contains(kFindingText));
        QVERIFY(ws.view()->paintedTexts().contains(kFindingMeaning));
        QVERIFY(ws.view()->displayedContent()->sameContent(*verified));

        QVERIFY(showAndWait(ws.window, qpath(dir / "a.dcm")));
        QVERIFY(!ws.view()->displayedContent()->sameContent(*verified));
        QString texts = ws.texts();
        QVERIFY2(!texts.contains(kFindingText), qPrintable(texts));
        QVERIFY2(texts.contains(QStringLiteral("(DATA_MISMATCH)")), qPrintable(texts));
        QVERIFY(!ws.view()->paintedTexts().join(u'\n').contains(kFindingMeaning));

        QSignalSpy checked(&ws.window, &ui::MainWindow::findingsChecked);
        ws.window.setTrustStoreFolder(qpath(f->trustDir()));
        QVERIFY(checked.wait(30000));
        texts = ws.texts();
        QVERIFY2(!texts.contains(kFindingText), qPrintable(texts));
        QVERIFY2(texts.contains(QStringLiteral("(DATA_MISMATCH)")), qPrintable(texts));
        QVERIFY(!ws.view()->paintedTexts().join(u'\n').contains(kFindingMeaning));
    }

    void theRecordingOnScreenIsVerifiedAsTheViewReadIt() {
        // The file changes right after the view has read it (before verification starts): the finding is
        // verified against what the view holds — one read for display and verification — so it is trusted and
        // shown, and the audit log records the digest of the samples on screen, not of the file as it is now.
        const StudyCase c = makeCase(*f, "one-read", std::nullopt);
        const std::string onScreen = f->input.digest;
        bool changed = false;
        const QString log = qpath(f->root / "audit-one-read.log");
        Workstation ws(*f, c.trustStore, log, [&](const fs::path& path) {
            if (!changed && path == c.recording) {
                changed = true;
                SyntheticEcg other = f->ecg;
                QVERIFY(other.write(path, EXS_LittleEndianExplicit, 9));
            }
        });
        QVERIFY(ws.open({qpath(c.folder)}));
        QVERIFY(changed);
        const std::string onDisk = verify::openInput(c.recording)->digest;
        QVERIFY(onDisk != onScreen);
        QVERIFY2(ws.texts().contains(kFindingText), qPrintable(ws.texts()));
        QCOMPARE(recordingView(ws.window)->received.size(), std::size_t{1});
        QFile audit(log);
        QVERIFY(audit.open(QIODevice::ReadOnly));
        const QByteArray lines = audit.readAll();
        QVERIFY2(lines.contains(QByteArray::fromStdString(onScreen)), lines.constData());
        QVERIFY(!lines.contains(QByteArray::fromStdString(onDisk)));
    }

    void aConsentOverChangedDataHoldsOnlyForThoseData() {
        // A trusted finding whose recording is rewritten after verification becomes DATA_MISMATCH when the
        // recording is shown again; the reader shows it anyway. Shown again with the same data, it stays
        // shown (no new question); rewritten once more, the consent does not cover the new data: asked again.
        const StudyCase c = makeCase(*f, "consent-changed", std::nullopt);
        SyntheticEcg zz = f->ecg;
        zz.sop = "1.2.826.0.1.3680043.10.1001.79";
        QVERIFY(zz.write(c.folder / "zz.dcm", EXS_LittleEndianExplicit, 2));
        Workstation ws(*f, c.trustStore, qpath(f->root / "audit-consent3.log"));
        QVERIFY(ws.open({qpath(c.folder)}));
        QVERIFY(showAndWait(ws.window, qpath(c.recording)));
        QVERIFY(ws.texts().contains(kFindingText));
        QVERIFY(showAndWait(ws.window, qpath(c.folder / "zz.dcm")));
        SyntheticEcg rewritten = f->ecg; // the same UIDs, other samples
        QVERIFY(rewritten.write(c.recording, EXS_LittleEndianExplicit, 5));
        QVERIFY(showAndWait(ws.window, qpath(c.recording)));
        QString texts = ws.texts();
        QVERIFY2(texts.contains(QStringLiteral("(DATA_MISMATCH)")) && !texts.contains(kFindingText),
                 qPrintable(texts));
        QVERIFY(recordingView(ws.window)->received.empty());

        const QString id = QStringLiteral("ecg.finding.json");
        QVERIFY(ws.window.showFindingAnyway(id));
        QCOMPARE(ws.confirmations.size(), 1);
        QVERIFY(ws.texts().contains(QStringLiteral("UNTRUSTED: ") + kFindingText));
        QVERIFY(!recordingView(ws.window)->received.empty() &&
                !recordingView(ws.window)->received[0].trusted);

        QVERIFY(showAndWait(ws.window, qpath(c.folder / "zz.dcm")));
        QVERIFY(showAndWait(ws.window, qpath(c.recording))); // the same (rewritten) data again
        QVERIFY(ws.texts().contains(QStringLiteral("UNTRUSTED: ") + kFindingText));
        QCOMPARE(ws.confirmations.size(), 1);

        QVERIFY(showAndWait(ws.window, qpath(c.folder / "zz.dcm")));
        QVERIFY(rewritten.write(c.recording, EXS_LittleEndianExplicit, 6));
        QVERIFY(showAndWait(ws.window, qpath(c.recording)));
        texts = ws.texts();
        QVERIFY2(!texts.contains(kFindingText), qPrintable(texts));
        QVERIFY(recordingView(ws.window)->received.empty());
        QVERIFY(ws.window.showFindingAnyway(id));
        QCOMPARE(ws.confirmations.size(), 2);
    }

    void aConsentIsAskedAgainWhenTheReasonsChange() {
        // Shown anyway with SIGNER_NOT_AUTHORIZED; a new round with the same verdict keeps it; a round whose
        // verdict has other reasons (MODALITY_NOT_APPROVED) asks again.
        const StudyCase c = makeCase(*f, "consent-reasons", verify::Reason::SignerNotAuthorized);
        Workstation ws(*f, c.trustStore, qpath(f->root / "audit-consent1.log"));
        QVERIFY(ws.open({qpath(c.folder)}));
        const QString id = QStringLiteral("ecg.finding.json");
        QVERIFY(ws.window.showFindingAnyway(id));
        QCOMPARE(ws.confirmations.size(), 1);
        QVERIFY(ws.texts().contains(QStringLiteral("UNTRUSTED: ") + kFindingText));

        QSignalSpy checked(&ws.window, &ui::MainWindow::findingsChecked);
        ws.window.setTrustStoreFolder(qpath(f->trustDir(c.trustStore)));
        QVERIFY(checked.wait(30000));
        QVERIFY(ws.texts().contains(QStringLiteral("UNTRUSTED: ") + kFindingText)); // the same verdict
        QCOMPARE(ws.confirmations.size(), 1);

        VerifyFixture::PolicyOptions o;
        o.findingSigners = {"someone-else.example"};
        o.modalities = {"US"};
        QVERIFY(f->writeTrustStore("trust-consent", o));
        ws.window.setTrustStoreFolder(qpath(f->trustDir("trust-consent")));
        QVERIFY(checked.wait(30000));
        QString texts = ws.texts();
        QVERIFY2(texts.contains(QStringLiteral("(MODALITY_NOT_APPROVED)")), qPrintable(texts));
        QVERIFY2(!texts.contains(kFindingText), qPrintable(texts));
        QVERIFY(recordingView(ws.window)->received.empty());
        QVERIFY2(texts.contains(QStringLiteral("Show anyway…")), qPrintable(texts));
        QVERIFY(ws.window.showFindingAnyway(id));
        QCOMPARE(ws.confirmations.size(), 2); // asked again
    }

    void theRealViewsSayWhichKeysTheyTake() {
        // Help › Keyboard shortcuts lists these (tst_main_window checks the dialog).
        auto keysOf = [](const registry::ViewerFactory& factory) {
            QStringList out;
            for (const registry::KeyHelp& k : factory.keyboardShortcuts()) {
                out << k.keys + QLatin1Char(' ') + k.action;
            }
            return out.join(QLatin1Char('\n'));
        };
        const QString ecg = keysOf(ecg::EcgViewerFactory());
        for (int key : {int(Qt::Key_Left), int(Qt::Key_Right), int(Qt::Key_PageUp), int(Qt::Key_PageDown),
                        int(Qt::Key_Home), int(Qt::Key_End), int(Qt::Key_Escape)}) {
            QVERIFY2(ecg.contains(QKeySequence(key).toString(QKeySequence::NativeText)), qPrintable(ecg));
        }
        const QString cine = keysOf(cine::CineViewerFactory());
        for (int key : {int(Qt::Key_Space), int(Qt::Key_Left), int(Qt::Key_Right), int(Qt::Key_F),
                        int(Qt::Key_1), int(Qt::Key_Return), int(Qt::Key_Escape)}) {
            QVERIFY2(cine.contains(QKeySequence(key).toString(QKeySequence::NativeText)), qPrintable(cine));
        }
    }

    void aConsentIsAskedAgainWhenTheVerifiedDataChange() {
        // Shown anyway with DATA_MISMATCH (the recording was rewritten, same UIDs, before it was checked);
        // the recording is then rewritten again while another one is on screen, and a new round checks it
        // from its file: the same reason, but other data — the consent does not carry over.
        const StudyCase c = makeCase(*f, "consent-data", std::nullopt);
        SyntheticEcg rewritten = f->ecg; // the same UIDs, other samples
        QVERIFY(rewritten.write(c.recording, EXS_LittleEndianExplicit, 4));
        SyntheticEcg zz = f->ecg;
        zz.sop = "1.2.826.0.1.3680043.10.1001.78";
        QVERIFY(zz.write(c.folder / "zz.dcm", EXS_LittleEndianExplicit, 2));
        Workstation ws(*f, c.trustStore, qpath(f->root / "audit-consent2.log"));
        QVERIFY(ws.open({qpath(c.folder)}));
        QVERIFY(showAndWait(ws.window, qpath(c.recording)));
        QVERIFY2(ws.texts().contains(QStringLiteral("(DATA_MISMATCH)")), qPrintable(ws.texts()));
        const QString id = QStringLiteral("ecg.finding.json");
        QVERIFY(ws.window.showFindingAnyway(id));
        QCOMPARE(ws.confirmations.size(), 1);
        QVERIFY(ws.texts().contains(QStringLiteral("UNTRUSTED: ") + kFindingText));

        QVERIFY(showAndWait(ws.window, qpath(c.folder / "zz.dcm")));
        QVERIFY(rewritten.write(c.recording, EXS_LittleEndianExplicit, 8));
        QSignalSpy checked(&ws.window, &ui::MainWindow::findingsChecked);
        ws.window.setTrustStoreFolder(qpath(f->trustDir(c.trustStore)));
        QVERIFY(checked.wait(30000));
        QVERIFY(showAndWait(ws.window, qpath(c.recording)));
        const QString texts = ws.texts();
        QVERIFY2(texts.contains(QStringLiteral("(DATA_MISMATCH)")), qPrintable(texts));
        QVERIFY2(!texts.contains(kFindingText), qPrintable(texts));
        QVERIFY(recordingView(ws.window)->received.empty());
        QVERIFY(ws.window.showFindingAnyway(id));
        QCOMPARE(ws.confirmations.size(), 2);
    }

    void aFindingOfAnotherRecordingIsNeverOfferedToShowAnyway() {
        // Authentic, but signed for another recording (another SOP Instance UID) and placed beside this one
        // under its name: the card says it belongs to another recording; nothing is offered or shown.
        const StudyCase c = makeCase(*f, "other-recording", verify::Reason::DataMismatch);
        Workstation ws(*f, c.trustStore, qpath(f->root / "audit-other-recording.log"));
        QVERIFY(ws.open({qpath(c.folder)}));
        QVERIFY(ws.window.showInstance(qpath(c.recording)));
        const QString texts = ws.texts();
        QVERIFY2(texts.contains(QStringLiteral("belongs to another recording")), qPrintable(texts));
        QVERIFY2(!texts.contains(QStringLiteral("Show anyway…")), qPrintable(texts));
        QVERIFY2(!texts.contains(kFindingText), qPrintable(texts));
        QVERIFY(!ws.window.showFindingAnyway(QStringLiteral("ecg.finding.json")));
        QVERIFY(ws.confirmations.isEmpty());
        QVERIFY(recordingView(ws.window)->received.empty());
        QVERIFY(!QFileInfo::exists(qpath(f->root / "audit-other-recording.log")));
    }
};

int main(int argc, char** argv) {
    useAppSurfaceFormat();
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("VeridicorTest"));
    QApplication::setApplicationName(QStringLiteral("tst_display_binding"));
    QStandardPaths::setTestModeEnabled(true);
    TestDisplayBinding t;
    return QTest::qExec(&t, argc, argv);
}
#include "tst_display_binding.moc"
