// The clinician's reading in the main window: the reading dock, blind read, writing the SR (Commit, Sign,
// Amend), verifying the study's reading SRs when it is shown, and recording all of it in the worklist database
// and the audit log. The content lives in ReadingPanel; the rule for what of the AI is shown lives in
// FindingPresenter (aiHidden()); this file wires them.
#include <veridicor/ui/main_window.h>

#include "display_text.h"
#include "finding_presenter.h"
#include "findings_panel.h"
#include "reading_state.h"

#include <veridicor/dicom/sop_classes.h>
#include <veridicor/reading/reading_verifier.h>
#include <veridicor/reading/sr_reader.h>
#include <veridicor/reading/sr_writer.h>
#include <veridicor/verify/audit_log.h>
#include <veridicor/verify/finding.h>
#include <veridicor/verify/time.h>
#include <veridicor/verify/trust_store.h>
#include <veridicor/worklist/database_thread.h>
#include <veridicor/worklist/worklist_model.h>

#include <QAction>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileInfo>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <filesystem>
#include <set>

namespace veridicor::ui {

namespace {

const QString kReaderKeyKey = QStringLiteral("reading/readerKey");
const QString kReaderChainKey = QStringLiteral("reading/readerChain");
const QString kBlindReadKey = QStringLiteral("reading/blindRead");

QString qs(std::string_view s) {
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

/// The reader's own interpretation: what they state, not how they judged the AI (assessments are made after
/// the reveal by design) nor what the window sets.
reading::Reading ownPart(reading::Reading r) {
    r.assessments.clear();
    r.blind = false;
    r.amends.clear();
    return r;
}

bool isEmpty(const reading::Reading& r) {
    return r.statements.empty() && r.text.empty() && r.measurements.empty() && r.deviceStatements.empty() &&
           r.assessments.empty();
}

QString dataReadingsFolder(const QString& studyUid) {
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
        .filePath(QStringLiteral("readings/") + studyUid);
}

/// The reasons of an untrusted reading, in plain words with their codes.
QString reasonsText(const reading::ReadingVerdict& v) {
    QStringList out;
    for (reading::ReadingReason r : v.reasons) {
        out << QStringLiteral("%1 (%2)").arg(qs(reading::readingReasonExplanation(r)),
                                             qs(reading::readingReasonName(r)));
    }
    return out.join(QStringLiteral("; "));
}

/// Verifies one candidate file against the recording on screen; nullopt when it is not a reading of ours
/// (another SR) or not about that recording (another recording of the study: verified when that one is shown).
std::optional<CheckedReading> checkOne(const std::filesystem::path& path, const verify::TrustStore* store,
                                       const QString& storeProblem, verify::TimePoint at,
                                       const dicom::ContentIdentity& shown) {
    auto doc = reading::readReadingSr(path);
    if (!doc || doc->evidenceSopInstanceUID != shown.sopInstanceUID) {
        return std::nullopt;
    }
    const QString file = boundedText(path.filename().string(), kMaxNameChars);
    CheckedReading c;
    c.shown.path = QString::fromStdString(path.string());
    if (store == nullptr) {
        c.shown.headline = MainWindow::tr("Reading %1 — untrusted: there is no usable trust store (%2), so no "
                                          "reading can be verified; its content is hidden.")
                               .arg(file, storeProblem);
        return c;
    }
    auto verdict = reading::verifyReadingFile(path, *store, at, &shown);
    if (!verdict) {
        c.shown.headline = MainWindow::tr("Reading %1 — untrusted: it cannot be read (%2); its content is hidden.")
                               .arg(file, boundedText(verdict.error().message, kMaxTextChars));
        return c;
    }
    if (verdict->reasons == std::vector{reading::ReadingReason::Unsigned}) {
        c.shown.headline = MainWindow::tr("Preliminary reading %1 — untrusted: it is not signed, so it cannot be "
                                          "verified (UNSIGNED); its content is hidden.")
                               .arg(file);
        return c;
    }
    if (!verdict->trusted() || !verdict->document) {
        c.shown.headline = MainWindow::tr("Reading %1 — untrusted: %2. Its content is hidden.")
                               .arg(file, reasonsText(*verdict));
        return c;
    }
    const reading::ReadingDocument& d = *verdict->document;
    c.observer = boundedText(d.verifyingObserverName.empty() ? d.observerName : d.verifyingObserverName,
                             kMaxNameChars);
    c.shown.trusted = true;
    c.shown.content = d.reading;
    c.shown.headline = MainWindow::tr("Signed by %1, verified%2 (%3)")
                           .arg(c.observer,
                                d.predecessorSopInstanceUID.empty()
                                    ? QString()
                                    : MainWindow::tr(" — amends an earlier reading"),
                                file);
    c.isSigned = true;
    worklist::Reading record;
    record.sopInstanceUid = QString::fromStdString(d.sopInstanceUID);
    record.studyUid = QString::fromStdString(d.studyInstanceUID);
    record.status = d.predecessorSopInstanceUID.empty() ? worklist::ReadingStatus::Signed
                                                        : worklist::ReadingStatus::Amended;
    record.reader = c.observer;
    // The SR records no time the reader module returns; the file's time is when it was written.
    record.time = QFileInfo(c.shown.path).lastModified().toUTC();
    record.path = c.shown.path;
    record.amendsUid = QString::fromStdString(d.predecessorSopInstanceUID);
    c.record = record;
    return c;
}

} // namespace

void MainWindow::buildReadingDock() {
    m_reading = std::make_unique<ReadingState>();
    const QSettings settings;
    m_reading->readerKey = settings.value(kReaderKeyKey).toString();
    m_reading->readerChain = settings.value(kReaderChainKey).toString();
    // A site setting, on unless the site turned it off.
    m_reading->blindRead = settings.value(kBlindReadKey, true).toBool();
    m_presenter->setBlindRead(m_reading->blindRead);

    m_reading->dock = new QDockWidget(tr("Reading"), this);
    m_reading->dock->setObjectName(QStringLiteral("readingDock"));
    m_reading->panel = new ReadingPanel(m_reading->dock);
    m_reading->dock->setWidget(m_reading->panel);
    addDockWidget(Qt::RightDockWidgetArea, m_reading->dock);
    // Below the AI panel, in its column: not tabbed with it (a tab would hide one of them), and not beside it
    // (a third column would take the width the recording needs).
    splitDockWidget(m_findingsDock, m_reading->dock, Qt::Vertical);
    connect(m_reading->panel, &ReadingPanel::commitRequested, this, [this] { commitReading(); });
    connect(m_reading->panel, &ReadingPanel::signRequested, this, [this] { signReading(); });
    connect(m_reading->panel, &ReadingPanel::amendRequested, this, [this] { amendReading(); });
    connect(&m_reading->check, &QFutureWatcher<ReadingCheckResult>::finished, this,
            &MainWindow::onReadingCheckFinished);
    connect(&m_reading->write, &QFutureWatcher<ReadingWriteResult>::finished, this,
            &MainWindow::onReadingWritten);
    refreshSigning();
    buildReviewUi(); // the side-by-side dock joins the reading area (main_window_review.cpp)
}

void MainWindow::buildReadingMenu() {
    QMenu* menu = menuBar()->addMenu(tr("&Reading"));
    menu->addAction(tr("&Find Statement"), this, [this] {
            m_reading->dock->show();
            m_reading->dock->raise();
            m_reading->panel->focusSearch();
        })->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    menu->addAction(tr("&Commit Reading (preliminary)"), this, [this] { commitReading(); })
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Return));
    menu->addAction(tr("&Sign Reading"), this, [this] { signReading(); })
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    menu->addAction(tr("&Amend Signed Reading"), this, [this] { amendReading(); })
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_M));
}

void MainWindow::setBlindRead(bool on) {
    m_reading->blindRead = on;
    m_presenter->setBlindRead(on);
    applyAiMaskToWorklist();
    displayFindings();
}

bool MainWindow::blindRead() const {
    return m_reading->blindRead;
}

bool MainWindow::aiResultsHidden() const {
    return m_presenter->aiHidden();
}

void MainWindow::setReaderKeyFiles(const QString& key, const QString& chain) {
    m_reading->readerKey = key;
    m_reading->readerChain = chain;
    refreshSigning();
}

QString MainWindow::readerKeyFile() const {
    return m_reading->readerKey;
}

QString MainWindow::readerChainFile() const {
    return m_reading->readerChain;
}

void MainWindow::applyReadingSettings(const QString& key, const QString& chain, bool blind) {
    QSettings settings;
    settings.setValue(kReaderKeyKey, key);
    settings.setValue(kReaderChainKey, chain);
    settings.setValue(kBlindReadKey, blind);
    setReaderKeyFiles(key, chain);
    if (blind != m_reading->blindRead) {
        setBlindRead(blind);
    }
}

ReadingPanel* MainWindow::readingPanel() const {
    return m_reading->panel;
}

QString MainWindow::readingFolderFor(const QString& recordingPath, const QString& studyUid) {
    const QFileInfo folder(QFileInfo(recordingPath).absolutePath());
    if (folder.isDir() && folder.isWritable()) {
        return folder.absoluteFilePath(); // beside the recording: the reading travels with the study
    }
    return dataReadingsFolder(studyUid);
}

void MainWindow::applyAiMaskToWorklist() {
    m_worklistModel->setAiHidden(m_reading->blindRead, m_reading->revealed);
}

void MainWindow::readingStudyShown(const QString& studyUid) {
    ReadingState& r = *m_reading;
    if (studyUid != r.study) {
        // Another study: another reading. What the panel held belonged to the study before.
        r.study = studyUid;
        r.panel->clearReading();
        r.amendsPath.clear();
        r.amendTarget.clear();
        r.amendTargetLabel.clear();
        r.amendTargetContent.reset();
        r.blindContent.reset();
        r.checked.clear();
        ++r.generation; // a verification under way was for the study before
    }
    // Each study is read blind on its own: revealed only once its reading was committed.
    m_presenter->setRevealed(r.revealed.contains(studyUid));
    refreshReadingRecording();
}

void MainWindow::refreshReadingRecording() {
    registry::StudyView* view = currentView();
    const bool available = shownContent().has_value();
    m_reading->panel->setRecordingAvailable(available);
    m_reading->panel->setMeasurements(available && view != nullptr ? view->readerMeasurements()
                                                                    : std::vector<registry::ReaderMeasurement>{});
    m_reading->panel->setDeviceStatements(available && view != nullptr ? view->deviceStatements()
                                                                       : std::vector<registry::DeviceStatement>{});
}

void MainWindow::refreshReadingPanel() {
    const bool hidden = m_presenter->aiHidden();
    std::vector<AssessableFinding> findings;
    if (!hidden) {
        // Only what is displayed now can be assessed: the reader judges what they saw.
        for (const FindingEntry* e : m_session->entriesFor(m_shownPath)) {
            if (!e->displayed || !e->checked.verdict || !e->checked.verdict->statement) {
                continue;
            }
            for (const verify::Finding& f : e->checked.verdict->statement->findings) {
                AssessableFinding a;
                a.key = overlayKey(e->id, f.id);
                a.label = boundedText(f.code.meaning.empty() ? f.code.value : f.code.meaning, kMaxNameChars);
                a.bundleSha256 = e->checked.verdict->bundleSha256;
                a.findingId = f.id;
                a.verdict = e->trusted() ? "trusted" : "untrusted";
                findings.push_back(std::move(a));
            }
        }
    }
    m_reading->panel->setAssessableFindings(findings, hidden ? FindingPresenter::hiddenMessage() : QString());
    std::vector<ShownReading> shown;
    shown.reserve(m_reading->checked.size());
    for (const CheckedReading& c : m_reading->checked) {
        shown.push_back(c.shown);
    }
    m_reading->panel->setExistingReadings(shown, hidden);
    m_reading->panel->setAmendable(!m_reading->amendTarget.isEmpty());
    refreshSideBySide(); // what it may show follows the same rule (main_window_review.cpp)
}

void MainWindow::refreshSigning() {
    const ReadingState& r = *m_reading;
    QString why;
    if (r.readerKey.isEmpty() || r.readerChain.isEmpty()) {
        why = tr("Sign needs your signing key and certificate chain: set them in File › Settings, or start "
                 "Veridicor with --reader-key and --reader-chain.");
    } else if (!QFileInfo::exists(r.readerKey)) {
        why = tr("Sign is not available: your signing key %1 does not exist.").arg(r.readerKey);
    } else if (!QFileInfo::exists(r.readerChain)) {
        why = tr("Sign is not available: your certificate chain %1 does not exist.").arg(r.readerChain);
    }
    r.panel->setSigningAvailable(why.isEmpty(), why);
}

void MainWindow::startReadingCheck() {
    ReadingState& r = *m_reading;
    if (r.check.isRunning()) {
        r.checkAgain = true;
        return;
    }
    const auto shown = shownContent();
    if (!shown || r.study.isEmpty()) {
        return; // nothing on screen to verify a reading against
    }
    // The study's Comprehensive SRs in the open index, the readings written in this session, and (on the
    // worker) the readings beside the recording and in the data folder.
    std::vector<std::filesystem::path> candidates;
    for (const dicom::InstanceHeader* h : m_index.allInstances()) {
        if (QString::fromStdString(h->studyInstanceUID) == r.study && h->sopClassUID == dicom::sop::ComprehensiveSr) {
            candidates.push_back(h->path);
        }
    }
    for (const QString& w : r.written) {
        candidates.emplace_back(w.toStdString());
    }
    const std::filesystem::path recording = m_shownPath.toStdString();
    const QString dataFolder = dataReadingsFolder(r.study);
    const std::string trust = m_trustStore.toStdString();
    const verify::TimePoint at = m_at.value_or(verify::now());
    const int generation = r.generation;
    r.check.setFuture(QtConcurrent::run([candidates, recording, dataFolder, trust, at, generation,
                                         content = *shown]() mutable {
        namespace fs = std::filesystem;
        std::error_code ec;
        // Readings written beside a recording are named after it (<stem>.reading….dcm).
        const std::string prefix = recording.stem().string() + ".reading";
        for (const auto& entry : fs::directory_iterator(recording.parent_path(), ec)) {
            const std::string name = entry.path().filename().string();
            if (name.rfind(prefix, 0) == 0 && entry.path().extension() == ".dcm") {
                candidates.push_back(entry.path());
            }
        }
        for (const auto& entry : fs::directory_iterator(dataFolder.toStdString(), ec)) {
            if (entry.path().extension() == ".dcm") {
                candidates.push_back(entry.path());
            }
        }
        std::set<fs::path> unique;
        for (const auto& c : candidates) {
            unique.insert(fs::weakly_canonical(c, ec));
        }
        ReadingCheckResult result;
        result.generation = generation;
        auto store = verify::TrustStore::load(trust);
        const QString storeProblem = store ? QString() : QString::fromStdString(store.error().message);
        for (const auto& path : unique) {
            if (auto c = checkOne(path, store ? &*store : nullptr, storeProblem, at, content)) {
                result.readings.push_back(std::move(*c));
            }
        }
        // Oldest first: the last trusted signed one is the reading in force.
        std::stable_sort(result.readings.begin(), result.readings.end(),
                         [](const CheckedReading& a, const CheckedReading& b) {
                             return QFileInfo(a.shown.path).lastModified() < QFileInfo(b.shown.path).lastModified();
                         });
        return result;
    }));
}

void MainWindow::onReadingCheckFinished() {
    ReadingState& r = *m_reading;
    ReadingCheckResult result = r.check.result();
    if (std::exchange(r.checkAgain, false) || result.generation != r.generation) {
        startReadingCheck(); // a newer request (another reading written, another recording shown)
        if (result.generation != r.generation) {
            return;
        }
    }
    r.checked = std::move(result.readings);
    r.amendTarget.clear();
    r.amendTargetContent.reset();
    std::vector<worklist::Reading> records;
    for (const CheckedReading& c : r.checked) {
        if (c.record) {
            records.push_back(*c.record);
        }
        if (c.isSigned) {
            r.amendTarget = c.shown.path;
            r.amendTargetLabel = tr("the reading signed by %1 (%2)")
                                     .arg(c.observer, boundedText(QFileInfo(c.shown.path).fileName(), kMaxNameChars));
            r.amendTargetContent = c.shown.content;
        }
    }
    refreshReadingPanel();
    if (m_worklistDb && !records.empty()) {
        // Verified readings found with the study are the worklist's too (the database is a cache of files).
        m_worklistDb->post([records](worklist::Database* db) {
            if (db != nullptr) {
                for (const auto& rec : records) {
                    (void)db->recordReading(rec);
                }
            }
        });
        refreshWorklist([this] { emit readingsChecked(); });
        return;
    }
    emit readingsChecked();
}

bool MainWindow::commitReading() {
    return writeReading(false);
}

bool MainWindow::signReading() {
    return writeReading(true);
}

bool MainWindow::amendReading() {
    ReadingState& r = *m_reading;
    if (r.amendTarget.isEmpty()) {
        r.panel->setStatus(tr("There is no signed, verified reading of this recording to amend."), true);
        return false;
    }
    r.amendsPath = r.amendTarget;
    r.panel->setAmending(r.amendTargetLabel);
    if (isEmpty(r.panel->reading()) && r.amendTargetContent) {
        r.panel->setReading(*r.amendTargetContent); // start from what it said
    }
    r.panel->setStatus(tr("Amending: change the reading, then Commit or Sign."));
    return true;
}

bool MainWindow::writeReading(bool sign) {
    ReadingState& r = *m_reading;
    auto fail = [&r, this](const QString& why) {
        r.panel->setStatus(why, true);
        statusBar()->showMessage(why);
        return false;
    };
    if (r.writing) {
        return fail(tr("A reading is being saved; wait until it is."));
    }
    const auto shown = shownContent();
    if (!shown || m_shownPath.isEmpty()) {
        return fail(tr("Open a recording first: a reading is about the recording on screen."));
    }
    if (sign) {
        refreshSigning();
        if (!r.panel->signButton()->isEnabled()) {
            return fail(tr("Not signed: Sign is not available (see the reading panel)."));
        }
    }
    reading::Reading content = r.panel->reading();
    if (isEmpty(content)) {
        return fail(tr("Nothing to save: add a statement, text, a measurement or a review first."));
    }
    const bool hidden = m_presenter->aiHidden();
    // Blind: made while AI results were hidden, or unchanged since it was committed so (assessments of the AI
    // are added after the reveal by design and do not count).
    content.blind = hidden || (r.blindContent && ownPart(*r.blindContent) == ownPart(content));
    if (auto valid = reading::validateReading(content); !valid) {
        return fail(tr("The reading cannot be saved: %1. It is kept in the panel.")
                        .arg(QString::fromStdString(valid.error().message)));
    }
    const QString folder = readingFolderFor(m_shownPath, r.study);
    if (!QDir().mkpath(folder)) {
        return fail(tr("The reading cannot be saved: the folder %1 cannot be made. It is kept in the panel.")
                        .arg(folder));
    }
    // A new file each time: an SR is never overwritten (writeReadingSr refuses an existing one too).
    const QString stem = QFileInfo(m_shownPath).completeBaseName();
    const QString stamp = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd'T'HHmmsszzz'Z'"));
    QString out;
    for (int n = 0; out.isEmpty() || QFileInfo::exists(out); ++n) {
        out = QDir(folder).filePath(QStringLiteral("%1.reading-%2%3-%4.dcm")
                                        .arg(stem, stamp, n == 0 ? QString() : QStringLiteral("-%1").arg(n),
                                             sign ? QStringLiteral("signed") : QStringLiteral("preliminary")));
    }
    reading::SrWriteOptions options;
    if (sign) {
        options.signer = reading::SignerFiles{r.readerKey.toStdString(), r.readerChain.toStdString()};
    }
    options.observerName = verify::AuditLog::currentUser();
    QString amendsUid;
    if (!r.amendsPath.isEmpty()) {
        options.amendedSr = r.amendsPath.toStdString();
        for (const CheckedReading& c : r.checked) {
            if (c.shown.path == r.amendsPath && c.record) {
                amendsUid = c.record->sopInstanceUid;
            }
        }
    }
    ReadingWriteResult job;
    job.content = content;
    job.recording = m_shownPath;
    job.shown = shown;
    job.studyUid = r.study;
    job.out = out;
    job.sign = sign;
    job.amending = !r.amendsPath.isEmpty();
    job.amendsUid = amendsUid;
    job.hiddenWhenWritten = hidden;
    r.panel->setStatus(sign ? tr("Signing…") : tr("Saving…"));
    r.writing = true;
    r.write.setFuture(QtConcurrent::run([job, options]() mutable {
        job.written = reading::writeReadingSr(job.content, job.recording.toStdString(), options,
                                              job.out.toStdString());
        if (job.written) {
            QFile f(job.out);
            if (f.open(QIODevice::ReadOnly)) {
                job.srSha256 = QString::fromLatin1(
                    QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256).toHex());
            }
        }
        return job;
    }));
    return true;
}

QString MainWindow::auditReading(const char* event, const QString& recording,
                                 const std::optional<dicom::ContentIdentity>& shown, const QString& srPath,
                                 const QString& srSha256, const QString& detail) {
    // The recording as the view held it when the reader committed (another may be on screen by now).
    verify::AuditEntry a;
    a.event = event;
    a.inputPath = recording.toStdString();
    a.inputName = QFileInfo(recording).fileName().toStdString();
    if (shown) {
        const dicom::ContentMethod method = dicom::contentMethod(shown->kind, 2);
        a.digestMethod = std::string(dicom::contentMethodName(method));
        a.inputDigest = shown->digest(method);
        a.studyInstanceUID = shown->studyInstanceUID;
        a.seriesInstanceUID = shown->seriesInstanceUID;
        a.sopInstanceUID = shown->sopInstanceUID;
    }
    a.bundlePath = srPath.toStdString(); // the reading's SR, for a reading event
    a.bundleSha256 = srSha256.toStdString();
    a.detail = detail.toStdString();
    return m_audit->appendEvent(a);
}

void MainWindow::onReadingWritten() {
    ReadingState& r = *m_reading;
    r.writing = false;
    ReadingWriteResult res = r.write.result();
    if (!res.written) {
        // Nothing was written (writeReadingSr writes to a new file only on success): the content stays.
        const QString msg = tr("The reading was not saved: %1. It is kept in the panel.")
                                .arg(boundedText(res.written.error().message, kMaxTextChars));
        r.panel->setStatus(msg, true);
        statusBar()->showMessage(msg);
        emit readingWritten(res.out, false, msg);
        return;
    }
    const reading::WrittenReading& w = *res.written;
    r.written << res.out;
    QStringList problems;
    const QString name = QFileInfo(res.recording).fileName();
    const QString detail = tr("%1 reading %2 of %3 (blind read: %4)")
                               .arg(res.sign ? tr("signed") : tr("preliminary"), qs(w.sopInstanceUID), name,
                                    res.content.blind ? tr("yes") : tr("no"));
    auto audit = [&](const char* event, const QString& d) {
        const QString p = auditReading(event, res.recording, res.shown, res.out, res.srSha256, d);
        if (!p.isEmpty()) {
            problems << tr("The audit log %1 could not record it (%2).").arg(m_audit->name(), p);
        }
    };
    audit(res.sign ? "reading-sign" : "reading-commit", detail);
    if (res.amending) {
        audit("reading-amend", tr("%1 amends %2").arg(qs(w.sopInstanceUID), res.amendsUid));
    }
    const worklist::ReadingStatus status = !res.sign       ? worklist::ReadingStatus::Preliminary
                                           : res.amending ? worklist::ReadingStatus::Amended
                                                          : worklist::ReadingStatus::Signed;
    // The reading is committed: the AI results of its study are revealed, once that is recorded.
    if (m_presenter->aiHidden() && r.study == res.studyUid) {
        verify::AuditEntry reveal;
        reveal.event = "reveal";
        reveal.inputPath = res.recording.toStdString();
        reveal.inputName = name.toStdString();
        reveal.studyInstanceUID = res.studyUid.toStdString();
        reveal.bundlePath = res.out.toStdString();
        reveal.bundleSha256 = res.srSha256.toStdString();
        reveal.detail = tr("AI results revealed after reading %1 was committed").arg(qs(w.sopInstanceUID)).toStdString();
        const QString p = m_presenter->reveal(reveal);
        if (p.isEmpty()) {
            r.revealed.insert(res.studyUid);
            applyAiMaskToWorklist();
            displayFindings();
        } else {
            problems << p;
        }
    }
    noteReadingWritten(res.studyUid, res.recording, res.content, res.sign); // the side by side compares it
    if (res.hiddenWhenWritten && r.study == res.studyUid) {
        r.blindContent = res.content;
    }
    if (res.sign) {
        r.amendsPath.clear(); // the amendment is made; a further one references this one
        r.panel->setAmending({});
    }
    const QString file = QFileInfo(res.out).fileName();
    const QString text = (res.sign ? tr("Signed reading saved as %1 in %2").arg(file, QFileInfo(res.out).absolutePath())
                                   : tr("Preliminary reading saved (not signed) as %1 in %2")
                                         .arg(file, QFileInfo(res.out).absolutePath())) +
                         (problems.isEmpty() ? QString() : QLatin1Char('\n') + problems.join(QLatin1Char('\n')));
    r.panel->setStatus(text, !problems.isEmpty());
    statusBar()->showMessage(text.section(QLatin1Char('\n'), 0, 0));
    const QString out = res.out;
    auto finish = [this, out, text] {
        startReadingCheck(); // shows it as verification finds it (a signed one: "Signed by …, verified")
        emit readingWritten(out, true, text);
    };
    if (m_worklistDb) {
        worklist::Reading record;
        record.sopInstanceUid = qs(w.sopInstanceUID);
        record.studyUid = res.studyUid;
        record.status = status;
        record.reader = boundedText(w.observerName, kMaxNameChars);
        record.time = QDateTime::currentDateTimeUtc();
        record.path = res.out;
        record.amendsUid = res.amendsUid;
        m_worklistDb->post([record](worklist::Database* db) {
            if (db != nullptr) {
                (void)db->recordReading(record); // a cache: the SR file is the truth
            }
        });
        refreshWorklist(finish);
        return;
    }
    finish();
}

} // namespace veridicor::ui
