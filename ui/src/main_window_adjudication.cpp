// Adjudication in the main window: the discordance of the study on screen (its verified AI findings against
// its signed, verified reading, review::sideBySide), "Send to adjudication" (a request in the worklist
// database and the audit log), the worklist filter "to adjudicate", the Adjudication panel, and Sign: the
// adjudication SR written beside the readings, verified against the reading and the recording on screen,
// recorded in the worklist and the audit log.
#include <veridicor/ui/main_window.h>

#include "adjudication_state.h"
#include "display_text.h"
#include "finding_presenter.h"
#include "reading_state.h"
#include "worklist_panel.h"

#include <veridicor/reading/adjudication_sr.h>
#include <veridicor/review/categories.h>
#include <veridicor/review/side_by_side.h>
#include <veridicor/verify/audit_log.h>
#include <veridicor/verify/reason.h>
#include <veridicor/verify/time.h>
#include <veridicor/verify/trust_store.h>
#include <veridicor/worklist/database_thread.h>
#include <veridicor/worklist/worklist_model.h>

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QStatusBar>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace veridicor::ui {

namespace {

QString qs(std::string_view s) {
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

QString stateText(review::RowState s) {
    switch (s) {
    case review::RowState::Agree:
        return MainWindow::tr("agree");
    case review::RowState::Disagree:
        return MainWindow::tr("disagree");
    case review::RowState::AiOnly:
        return MainWindow::tr("AI only");
    case review::RowState::ClinicianOnly:
        return MainWindow::tr("clinician only");
    }
    return {};
}

/// The abnormal codes of one side of a row: what a positive label "as that side states it" records.
void sideOf(const std::vector<review::StatedCode>& codes, reading::CodeSide side, QStringList& lines,
            std::vector<reading::ChosenCode>& chosen) {
    for (const review::StatedCode& c : codes) {
        if (c.normal) {
            continue;
        }
        QString line = boundedText(c.meaning, kMaxNameChars);
        if (c.implied) {
            line += MainWindow::tr(" (implied by %1)").arg(boundedText(c.impliedBy, kMaxNameChars));
        }
        if (!c.findingId.empty()) {
            line += MainWindow::tr(" [finding %1]").arg(boundedText(c.findingId, kMaxNameChars));
        }
        lines << line;
        if (std::none_of(chosen.begin(), chosen.end(), [&](const reading::ChosenCode& k) { return k.value == c.value; })) {
            chosen.push_back(reading::ChosenCode{"SCT", c.value, c.meaning, side});
        }
    }
}

} // namespace

void MainWindow::buildAdjudication() {
    m_adjudication = std::make_unique<AdjudicationState>();
    AdjudicationState& a = *m_adjudication;
    a.dock = new QDockWidget(tr("Adjudication"), this);
    a.dock->setObjectName(QStringLiteral("adjudicationDock"));
    a.panel = new AdjudicationPanel(a.dock);
    a.dock->setWidget(a.panel);
    addDockWidget(Qt::RightDockWidgetArea, a.dock);
    tabifyDockWidget(m_reading->dock, a.dock);
    m_reading->dock->raise();
    a.dock->hide(); // shown by Adjudicate
    connect(a.panel, &AdjudicationPanel::signRequested, this, [this] { signAdjudication(); });
    connect(&a.write, &QFutureWatcher<AdjudicationWriteResult>::finished, this, &MainWindow::onAdjudicationWritten);

    QMenu* menu = menuBar()->addMenu(tr("A&djudication"));
    menu->addAction(tr("&Send to Adjudication"), this, [this] { sendToAdjudication(); })
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_J));
    menu->addAction(tr("&Adjudicate"), this, [this] { openAdjudication(); })
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_J));
    // Not Ctrl+Return: that is Reading › Sign Reading, and one key for two actions fires neither.
    menu->addAction(tr("Si&gn Adjudication"), this, [this] { signAdjudication(); })
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_Return));
    a.toAdjudicate = menu->addAction(tr("Worklist: Only Studies &To Adjudicate"));
    a.toAdjudicate->setCheckable(true);
    connect(a.toAdjudicate, &QAction::toggled, this, [this](bool on) { setToAdjudicateFilter(on); });
}

void MainWindow::setToAdjudicateFilter(bool on) {
    if (m_adjudication->toAdjudicate->isChecked() != on) {
        m_adjudication->toAdjudicate->setChecked(on); // comes back here through toggled()
        return;
    }
    for (WorklistPanel* p : {m_worklistStart, m_worklistDockPanel}) {
        if (p != nullptr) {
            p->filter()->setToAdjudicateOnly(on);
        }
    }
}

AdjudicationPanel* MainWindow::adjudicationPanel() const {
    return m_adjudication->panel;
}

std::optional<AdjudicationCase> MainWindow::currentDiscordance(QString* why) const {
    const auto shown = shownContent();
    if (!shown || m_shownPath.isEmpty()) {
        *why = tr("Open the recording first: an adjudication is about the recording on screen.");
        return std::nullopt;
    }
    if (m_presenter->aiHidden()) {
        *why = tr("The AI results of this study are hidden (blind read): commit the reading first — an "
                  "adjudicator must see the AI.");
        return std::nullopt;
    }
    const CheckedReading* inForce = nullptr;
    for (const CheckedReading& c : m_reading->checked) {
        if (c.isSigned && c.shown.content && c.record) {
            inForce = &c; // oldest first: the last one is in force
        }
    }
    if (inForce == nullptr) {
        *why = tr("This recording has no signed, verified reading to adjudicate.");
        return std::nullopt;
    }
    AdjudicationCase out;
    out.studyUid = m_reading->study;
    out.readingPath = inForce->shown.path;
    out.readingUid = inForce->record->sopInstanceUid;
    out.reader = inForce->observer;
    review::StudyInput input;
    input.domain = shown->kind == dicom::ContentKind::PixelData ? review::Domain::Echo : review::Domain::Ecg;
    input.clinician = inForce->shown.content->statements;
    for (const FindingEntry* e : m_session->entriesFor(m_shownPath)) {
        if (!e->checked.verdict || !e->checked.verdict->statement || e->otherRecording) {
            continue;
        }
        const bool trusted = e->trusted() && !e->displayMismatch;
        std::string reasons;
        for (const verify::Reason r : e->checked.verdict->reasons) {
            reasons += (reasons.empty() ? "" : ", ") + std::string(verify::reasonName(r));
        }
        if (trusted &&
            std::find(out.bundles.begin(), out.bundles.end(), e->checked.verdict->bundleSha256) == out.bundles.end()) {
            out.bundles.push_back(e->checked.verdict->bundleSha256);
        }
        for (const verify::Finding& f : e->checked.verdict->statement->findings) {
            input.ai.push_back(review::AiFinding{f.id, f.code, trusted, reasons});
        }
    }
    if (out.bundles.empty()) {
        *why = tr("No verified AI finding of this recording: there is nothing to set the reading against.");
        return std::nullopt;
    }
    const review::SideBySide rows = review::sideBySide(input);
    for (const review::Row& row : rows.rows) {
        if (row.state == review::RowState::Agree) {
            continue;
        }
        DiscordantCategory c;
        c.categoryId = qs(review::categoryId(row.category));
        c.title = tr("%1 — %2").arg(qs(review::categoryName(row.category)), stateText(row.state));
        sideOf(row.ai, reading::CodeSide::Ai, c.aiLines, c.aiCodes);
        sideOf(row.clinician, reading::CodeSide::Clinician, c.clinicianLines, c.clinicianCodes);
        out.categories.push_back(std::move(c));
    }
    if (out.categories.empty()) {
        *why = tr("The reading and the verified AI findings agree in every category: nothing to adjudicate.");
        return std::nullopt;
    }
    return out;
}

bool MainWindow::sendToAdjudication() {
    QString why;
    auto c = currentDiscordance(&why);
    auto fail = [this](const QString& text) {
        statusBar()->showMessage(text);
        emit adjudicationRequested(false, text);
        return false;
    };
    if (!c) {
        return fail(tr("Not sent to adjudication: %1").arg(why));
    }
    if (!m_worklistDb) {
        return fail(tr("Not sent to adjudication: there is no worklist database to record the request in."));
    }
    worklist::AdjudicationRequest request;
    request.studyUid = c->studyUid;
    request.readingUid = c->readingUid;
    request.requestedBy = QString::fromStdString(verify::AuditLog::currentUser());
    request.requestedAt = QDateTime::currentDateTimeUtc();
    for (const DiscordantCategory& d : c->categories) {
        request.categories << d.categoryId;
    }
    const QString detail = tr("adjudication requested for reading %1 (%2): %3")
                               .arg(c->readingUid, c->reader, request.categories.join(QStringLiteral(", ")));
    const QString problem = auditReading("adjudication-request", m_shownPath, shownContent(), c->readingPath,
                                         QString(), detail);
    if (!problem.isEmpty()) {
        // Fail closed: a request the audit log does not hold is not made.
        return fail(tr("Not sent to adjudication: the audit log %1 could not record it (%2).")
                        .arg(m_audit->name(), problem));
    }
    m_worklistDb->post([request](worklist::Database* db) {
        if (db != nullptr) {
            (void)db->requestAdjudication(request);
        }
    });
    QStringList titles;
    for (const DiscordantCategory& d : c->categories) {
        titles << d.title;
    }
    const QString text = tr("Sent to adjudication: the reading by %1 and the verified AI findings disagree (%2).")
                             .arg(c->reader, titles.join(QStringLiteral("; ")));
    refreshWorklist([this, text] {
        statusBar()->showMessage(text);
        emit adjudicationRequested(true, text);
    });
    return true;
}

bool MainWindow::openAdjudication() {
    AdjudicationState& a = *m_adjudication;
    a.dock->show();
    a.dock->raise();
    QString why;
    a.shownCase = currentDiscordance(&why);
    if (!a.shownCase) {
        a.panel->clearCase(why);
        return false;
    }
    a.panel->setCase(tr("Adjudicating the reading signed by %1 (%2) against the verified AI findings (%3 "
                        "bundle(s)). The adjudicator may not be the reading's signer.")
                         .arg(a.shownCase->reader,
                              boundedText(QFileInfo(a.shownCase->readingPath).fileName(), kMaxNameChars),
                              QString::number(a.shownCase->bundles.size())),
                     a.shownCase->categories);
    QString signWhy;
    if (m_reading->readerKey.isEmpty() || m_reading->readerChain.isEmpty() ||
        !QFileInfo::exists(m_reading->readerKey) || !QFileInfo::exists(m_reading->readerChain)) {
        signWhy = tr("Sign needs your signing key and certificate chain (File › Settings, or --reader-key and "
                     "--reader-chain).");
    }
    a.panel->setSigningAvailable(signWhy.isEmpty(), signWhy);
    a.panel->focusFirst();
    return true;
}

bool MainWindow::signAdjudication() {
    AdjudicationState& a = *m_adjudication;
    auto fail = [&a, this](const QString& text) {
        a.panel->setStatus(text, true);
        statusBar()->showMessage(text);
        return false;
    };
    if (a.writing) {
        return fail(tr("An adjudication is being saved; wait until it is."));
    }
    if (!a.shownCase || a.shownCase->studyUid != m_reading->study) {
        return fail(tr("Open the adjudication of the study on screen first (Adjudication › Adjudicate)."));
    }
    if (!a.panel->signButton()->isEnabled()) {
        return fail(tr("Not signed: Sign is not available (see the panel)."));
    }
    QString why;
    auto categories = a.panel->decided(&why);
    if (!categories) {
        return fail(tr("Not signed: %1").arg(why));
    }
    reading::Adjudication adjudication;
    adjudication.reading = a.shownCase->readingUid.toStdString();
    adjudication.bundles = a.shownCase->bundles;
    adjudication.categories = std::move(*categories);
    if (auto ok = reading::validateAdjudication(adjudication, true); !ok) {
        return fail(tr("The adjudication cannot be signed: %1").arg(qs(ok.error().message)));
    }
    // Beside the readings, a new file each time (writeAdjudicationSr refuses an existing one).
    const QString folder = readingFolderFor(m_shownPath, a.shownCase->studyUid);
    if (!QDir().mkpath(folder)) {
        return fail(tr("The adjudication cannot be saved: the folder %1 cannot be made.").arg(folder));
    }
    const QString stem = QFileInfo(m_shownPath).completeBaseName();
    const QString stamp = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd'T'HHmmsszzz'Z'"));
    QString out;
    for (int n = 0; out.isEmpty() || QFileInfo::exists(out); ++n) {
        out = QDir(folder).filePath(QStringLiteral("%1.adjudication-%2%3-signed.dcm")
                                        .arg(stem, stamp, n == 0 ? QString() : QStringLiteral("-%1").arg(n)));
    }
    reading::AdjudicationWriteOptions options;
    options.signer = reading::SignerFiles{m_reading->readerKey.toStdString(), m_reading->readerChain.toStdString()};
    AdjudicationWriteResult job;
    job.out = out;
    job.recording = m_shownPath;
    job.shown = shownContent();
    job.studyUid = a.shownCase->studyUid;
    job.readingUid = a.shownCase->readingUid;
    const std::string readingPath = a.shownCase->readingPath.toStdString();
    const std::string trust = m_trustStore.toStdString();
    const verify::TimePoint at = m_at.value_or(verify::now());
    a.writing = true;
    a.panel->setStatus(tr("Signing…"));
    a.write.setFuture(QtConcurrent::run([job, options, adjudication, readingPath, trust, at]() mutable {
        job.written = reading::writeAdjudicationSr(adjudication, readingPath, options, job.out.toStdString());
        if (!job.written) {
            return job;
        }
        QFile f(job.out);
        if (f.open(QIODevice::ReadOnly)) {
            job.srSha256 = QString::fromLatin1(QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256).toHex());
        }
        // Verified as it will be shown: against the reading it settles and the recording on screen.
        auto store = verify::TrustStore::load(trust);
        if (!store) {
            job.verifyProblem = QString::fromStdString(store.error().message);
            return job;
        }
        const std::filesystem::path reading = readingPath;
        auto verdict = reading::verifyAdjudicationFile(job.out.toStdString(), *store, at,
                                                       job.shown ? &*job.shown : nullptr, &reading);
        if (verdict) {
            job.verdict = std::move(*verdict);
        } else {
            job.verifyProblem = QString::fromStdString(verdict.error().message);
        }
        return job;
    }));
    return true;
}

void MainWindow::onAdjudicationWritten() {
    AdjudicationState& a = *m_adjudication;
    a.writing = false;
    AdjudicationWriteResult res = a.write.result();
    if (!res.written) {
        const QString msg = tr("The adjudication was not saved: %1. Your choices are kept in the panel.")
                                .arg(boundedText(res.written.error().message, kMaxTextChars));
        a.panel->setStatus(msg, true);
        statusBar()->showMessage(msg);
        emit adjudicationWritten(res.out, false, msg);
        return;
    }
    const reading::WrittenAdjudication& w = *res.written;
    const QString file = QFileInfo(res.out).fileName();
    QStringList problems;
    const QString p = auditReading("adjudication-sign", res.recording, res.shown, res.out, res.srSha256,
                                   tr("signed adjudication %1 of reading %2").arg(qs(w.sopInstanceUID), res.readingUid));
    if (!p.isEmpty()) {
        problems << tr("The audit log %1 could not record it (%2).").arg(m_audit->name(), p);
    }
    const bool trusted = res.verdict && res.verdict->trusted();
    if (!trusted) {
        QStringList reasons;
        if (res.verdict) {
            for (const reading::ReadingReason r : res.verdict->reasons) {
                reasons << QStringLiteral("%1 (%2)").arg(qs(reading::readingReasonExplanation(r)),
                                                         qs(reading::readingReasonName(r)));
            }
        } else {
            reasons << res.verifyProblem;
        }
        problems << tr("It does not verify: %1. The study stays to adjudicate.").arg(reasons.join(QStringLiteral("; ")));
    }
    const QString text = tr("Signed adjudication saved as %1 in %2%3")
                             .arg(file, QFileInfo(res.out).absolutePath(),
                                  trusted ? tr(" — verified, signed by %1").arg(qs(w.observerName)) : QString()) +
                         (problems.isEmpty() ? QString() : QLatin1Char('\n') + problems.join(QLatin1Char('\n')));
    a.panel->setStatus(text, !problems.isEmpty());
    statusBar()->showMessage(text.section(QLatin1Char('\n'), 0, 0));
    const QString out = res.out;
    auto finish = [this, out, text, trusted] { emit adjudicationWritten(out, trusted, text); };
    if (trusted && m_worklistDb) {
        const QString study = res.studyUid;
        const QString readingUid = res.readingUid;
        const QString uid = qs(w.sopInstanceUID);
        const QString adjudicator = boundedText(w.observerName, kMaxNameChars);
        m_worklistDb->post([study, readingUid, uid, adjudicator, out](worklist::Database* db) {
            if (db != nullptr) {
                (void)db->recordAdjudication(study, readingUid, uid, adjudicator, QDateTime::currentDateTimeUtc(), out);
            }
        });
        refreshWorklist(finish);
        return;
    }
    finish();
}

} // namespace veridicor::ui
