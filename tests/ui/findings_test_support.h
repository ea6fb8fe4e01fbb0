#pragma once
// Support for the findings panel tests: a StudyView that records the overlays it is given (registered in a
// test registry for ECG and ultrasound), and study folders made from the shared test PKI
// (tests/support/verify_fixture.h) with one signed — and possibly manipulated — finding each.

#include "verify_fixture.h"

#include <veridicor/dicom/content_digest.h>
#include <veridicor/dicom/load.h>
#include <veridicor/dicom/sop_classes.h>
#include <veridicor/registry/viewer_registry.h>
#include <veridicor/ui/main_window.h>
#include <veridicor/verify/reason.h>

#include <QDir>
#include <QFile>
#include <QLabel>
#include <QSignalSpy>
#include <QTimer>
#include <QtTest>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace veridicor::test {

/// A view that draws nothing but remembers what reached it, and reports the overlay labels it would paint (as
/// the real views do, marked UNTRUSTED when not trusted). Like a real view it reads the file when it opens it
/// and says which data it holds (displayedContent(), digested from that one read). Like a real view it opens
/// asynchronously: opened() follows from the event loop, never from within openInstance().
class RecordingView : public registry::StudyView {
public:
    using registry::StudyView::StudyView;
    void openInstance(const dicom::InstanceHeader& header) override {
        m_path = QString::fromStdString(header.path.string());
        ++opens;
        m_content.reset();
        std::optional<registry::DisplayedContent> content;
        if (auto loaded = dicom::loadFile(header.path)) {
            if (auto id = dicom::contentIdentity(*loaded->dataset())) {
                content = std::move(*id);
            }
        }
        if (afterRead) {
            afterRead(header.path); // e.g. the file changes right after the view read it
        }
        const OpenTicket ticket = beginOpen();
        QTimer::singleShot(0, this, [this, ticket, content, path = m_path] {
            if (!isCurrentOpen(ticket)) {
                return; // cancelled or superseded
            }
            endOpen();
            m_content = content;
            emit opened(path);
        });
    }
    void cancelOpen() override {
        if (abandonOpen()) {
            m_path.clear();
        }
    }
    [[nodiscard]] QString currentPath() const override { return m_path; }
    [[nodiscard]] std::optional<registry::DisplayedContent> displayedContent() const override {
        return m_content;
    }
    void setFindingOverlays(const std::vector<registry::FindingOverlay>& overlays) override {
        received = overlays;
        ++calls;
    }
    [[nodiscard]] bool supportsFindingOverlays() const override { return true; }
    void focusFinding(const QString& key) override { focused << key; }
    [[nodiscard]] QStringList paintedTexts() const override {
        QStringList out;
        for (const auto& o : received) {
            if (o.visible) {
                out << (o.trusted ? o.label : QStringLiteral("UNTRUSTED ") + o.label);
            }
        }
        return out;
    }

    std::vector<registry::FindingOverlay> received;
    int calls = 0;
    int opens = 0; ///< openInstance() calls
    QStringList focused;
    std::function<void(const std::filesystem::path&)> afterRead;

private:
    QString m_path;
    std::optional<registry::DisplayedContent> m_content;
};

/// MainWindow::showInstance(path) and the wait for its instanceShown(); true when the view opened it.
inline bool showAndWait(ui::MainWindow& window, const QString& path, int ms = 30000) {
    QSignalSpy shown(&window, &ui::MainWindow::instanceShown);
    if (!window.showInstance(path)) {
        return false;
    }
    for (int waited = 0; shown.isEmpty() && waited < ms; waited += 10) {
        QTest::qWait(10); // processes events without a nested QEventLoop
    }
    return !shown.isEmpty() && shown.last().at(0).toString() == path && shown.last().at(1).toBool();
}

class RecordingFactory : public registry::ViewerFactory {
public:
    /// Given to every view it makes (RecordingView::afterRead).
    std::function<void(const std::filesystem::path&)> afterRead;

    [[nodiscard]] QString id() const override { return QStringLiteral("recording"); }
    [[nodiscard]] QString displayName() const override { return QStringLiteral("Test view"); }
    [[nodiscard]] std::vector<std::string> sopClasses() const override {
        return {std::string(dicom::sop::TwelveLeadEcg), std::string(dicom::sop::UltrasoundMultiframe)};
    }
    registry::StudyView* create(QWidget* parent) const override {
        auto* view = new RecordingView(parent);
        view->afterRead = afterRead;
        return view;
    }
};

inline std::unique_ptr<registry::ViewerRegistry>
recordingRegistry(std::function<void(const std::filesystem::path&)> afterRead = {}) {
    auto reg = std::make_unique<registry::ViewerRegistry>();
    auto factory = std::make_unique<RecordingFactory>();
    factory->afterRead = std::move(afterRead);
    reg->add(std::move(factory));
    return reg;
}

inline RecordingView* recordingView(const ui::MainWindow& w) {
    return dynamic_cast<RecordingView*>(w.currentView());
}

/// The finding text and code meaning of verify_fixture.h's ecgPredicate(): what must never be visible unless
/// trusted or shown anyway.
inline const QString kFindingText = QStringLiteral("Occlusion MI, anterior wall");
inline const QString kFindingMeaning = QStringLiteral("Acute ST segment elevation myocardial infarction");
inline const QString kMeasurement = QStringLiteral("ST elevation I: 0.25 mV");

/// One study folder: the recording `ecg.dcm`, the attachment `f1-relevance.u8` and the bundle
/// `ecg.finding.json`, routed to the recording by its name, plus the trust store to verify it against.
struct StudyCase {
    std::filesystem::path folder;
    std::filesystem::path recording;
    std::filesystem::path bundle;
    std::string trustStore = "trust";
    std::optional<verify::Reason> expected; ///< nullopt: trusted
    bool canShowAnyway = false;
    bool otherRecording = false; ///< authentic, but made for another recording: never offered, said so
    std::vector<QString> forbiddenTexts; ///< texts of a manipulated payload, never to be shown
};

/// Makes a case for `reason` (nullopt: a trusted finding) in `f`'s temporary folder, named `name`.
inline StudyCase makeCase(VerifyFixture& f, const std::string& name, std::optional<verify::Reason> reason) {
    using verify::Reason;
    StudyCase c;
    c.expected = reason;
    c.folder = f.root / ("case-" + name);
    std::filesystem::create_directories(c.folder);
    c.recording = c.folder / "ecg.dcm";
    c.bundle = c.folder / "ecg.finding.json";
    std::filesystem::copy_file(f.ecgPath, c.recording, std::filesystem::copy_options::overwrite_existing);
    const std::string relevance = readAll(f.root / "bundles" / "f1-relevance.u8");
    writeAll(c.folder / "f1-relevance.u8", relevance);
    const TestPki& pki = f.pki;
    std::string bundle = f.sign(pki.finding);
    auto payloadEdit = [&bundle](const std::string& from, const std::string& to) {
        std::string p = payloadOf(bundle);
        p.replace(p.find(from), from.size(), to);
        bundle = editBundle(bundle, [&](json::Value& d) {
            d.find("dsseEnvelope")->set("payload", json::Value::string(base64Encode(p)));
        });
    };
    if (reason) {
        switch (*reason) {
        case Reason::Malformed:
            bundle = bundle.substr(0, bundle.size() / 2);
            break;
        case Reason::Unsigned:
            bundle = editBundle(bundle, [](json::Value& d) {
                d.find("dsseEnvelope")->find("signatures")->asArray().clear();
            });
            break;
        case Reason::UntrustedChain:
            bundle = f.sign(pki.unknownLeaf);
            break;
        case Reason::CertExpired:
            bundle = f.sign(pki.expired);
            break;
        case Reason::CertRevoked:
            bundle = f.sign(pki.revoked);
            break;
        case Reason::WeakAlgorithm:
            bundle = f.sign(pki.rsa1024);
            break;
        case Reason::BadSignature:
            payloadEdit("Occlusion MI, anterior wall", "No MI here, edited");
            c.forbiddenTexts.push_back(QStringLiteral("No MI here, edited"));
            break;
        case Reason::ModelNotApproved: {
            json::Value p = ecgPredicate(f.modelDigest, f.producedAt());
            p.find("model")->set("version", json::Value::string("9.9.9"));
            bundle = f.sign(pki.finding, p);
            break;
        }
        case Reason::ModelDigestMismatch:
            bundle = f.sign(pki.finding, ecgPredicate(std::string(64, 'a'), f.producedAt()));
            break;
        case Reason::ModalityNotApproved: {
            VerifyFixture::PolicyOptions o;
            o.modalities = {"US"};
            f.writeTrustStore("trust-us-only", o);
            c.trustStore = "trust-us-only";
            break;
        }
        case Reason::SignerNotAuthorized:
            bundle = f.sign(pki.other);
            break;
        case Reason::ModelProvenanceInvalid: {
            VerifyFixture::PolicyOptions o;
            o.withModelBundle = false;
            f.writeTrustStore("trust-no-model", o);
            c.trustStore = "trust-no-model";
            break;
        }
        case Reason::DataMismatch: {
            // A valid finding of another recording, placed beside this one under its name (replayed).
            SyntheticEcg other = f.ecg;
            other.sop = "1.2.826.0.1.3680043.10.1001.77";
            other.write(c.recording, EXS_LittleEndianExplicit, 3);
            break;
        }
        case Reason::AttachmentMismatch: {
            std::string changed = relevance;
            changed[10] = static_cast<char>(changed[10] ^ 0x40);
            writeAll(c.folder / "f1-relevance.u8", changed);
            break;
        }
        case Reason::TimeInvalid: {
            const std::string later =
                formatRfc3339(std::chrono::floor<std::chrono::seconds>(pki.now + std::chrono::hours(1)));
            bundle = f.sign(pki.finding, ecgPredicate(f.modelDigest, later));
            break;
        }
        }
        c.canShowAnyway = *reason == Reason::ModelNotApproved || *reason == Reason::ModelDigestMismatch ||
                          *reason == Reason::ModalityNotApproved || *reason == Reason::SignerNotAuthorized ||
                          *reason == Reason::ModelProvenanceInvalid ||
                          *reason == Reason::AttachmentMismatch || *reason == Reason::TimeInvalid;
        // The DATA_MISMATCH case is a finding of another recording (another SOP Instance UID): never shown,
        // not even anyway.
        c.otherRecording = *reason == Reason::DataMismatch;
    }
    writeAll(c.bundle, bundle);
    return c;
}

/// A main window with the recording view, a trust store, an audit log and a fixed verification time.
struct Workstation {
    std::unique_ptr<registry::ViewerRegistry> registry = recordingRegistry();
    ui::MainWindow window{*registry};
    QStringList confirmations; ///< ids the confirmation hook was asked about
    bool confirm = true;

    Workstation(const VerifyFixture& f, const std::string& trustStore, const QString& auditLog,
                std::function<void(const std::filesystem::path&)> afterRead = {})
        : registry(recordingRegistry(std::move(afterRead))) {
        window.setTrustStoreFolder(QString::fromStdString(f.trustDir(trustStore).string()));
        window.setAuditLogFile(auditLog);
        window.setBlindRead(false); // these tests are about what is shown of findings (blind read: tst_reading_panel)
        window.setVerificationTime(f.pki.now);
        window.setShowAnywayConfirmation(
            [this](const QString& id, const QStringList&, const ui::MainWindow::ShowAnywayAnswer& answer) {
                confirmations << id;
                answer(confirm);
            });
        window.resize(1400, 900);
        window.show();
    }

    /// Opens `paths` and waits for loadFinished (scan + verification + panel).
    bool open(const QStringList& paths) {
        QSignalSpy loaded(&window, &ui::MainWindow::loadFinished);
        window.openPaths(paths);
        return loaded.wait(30000);
    }

    [[nodiscard]] QString texts() const { return window.visibleTexts().join(QLatin1Char('\n')); }
};

inline QString qpath(const std::filesystem::path& p) {
    return QString::fromStdString(p.string());
}

} // namespace veridicor::test
