// The AI beside the clinician in the main window (issue 12): the side-by-side dock of the recording on
// screen, View › Agreement Statistics…, and the model monitor's "model behaviour changed" banner on the
// worklist with its audit entries. The content lives in SideBySidePanel, AgreementWindow and ModelAlertBanner;
// the rule for what of the AI may be shown is FindingPresenter's (aiHidden()); this file wires them.
#include <veridicor/ui/main_window.h>

#include "agreement_window.h"
#include "display_text.h"
#include "finding_presenter.h"
#include "model_alert_banner.h"
#include "reading_state.h"
#include "review_ui_state.h"
#include "side_by_side_panel.h"
#include "worklist_panel.h"

#include <veridicor/review/review_monitor.h>
#include <veridicor/verify/audit_log.h>

#include <QDockWidget>
#include <QFileInfo>
#include <QHash>
#include <QListWidget>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QVBoxLayout>

#include <algorithm>
#include <map>

namespace veridicor::ui {

namespace {

const QString kMonitorWindowKey = QStringLiteral("review/modelMonitorWindow");
/// Alerts already written to the audit log, so that each is written once (not again at the next start).
const QString kAuditedAlertsKey = QStringLiteral("review/auditedModelAlerts");
constexpr qsizetype kMaxAuditedAlerts = 5000;

} // namespace

void MainWindow::buildReviewUi() {
    m_review = std::make_unique<ReviewUiState>();
    ReviewUiState& v = *m_review;
    v.dock = new QDockWidget(tr("Side by side"), this);
    v.dock->setObjectName(QStringLiteral("sideBySideDock"));
    v.panel = new SideBySidePanel(v.dock);
    v.dock->setWidget(v.panel);
    addDockWidget(Qt::RightDockWidgetArea, v.dock);
    // A tab of the reading area: the comparison is read after the reading, where the reading was made.
    tabifyDockWidget(m_reading->dock, v.dock);
    m_reading->dock->raise();

    // The banner sits above the worklist in the dock and on the start screen.
    auto* holder = new QWidget(m_worklistDock);
    auto* layout = new QVBoxLayout(holder);
    layout->setContentsMargins(0, 0, 0, 0);
    v.dockBanner = new ModelAlertBanner(true, holder);
    layout->addWidget(v.dockBanner);
    layout->addWidget(m_worklistDockPanel, 1);
    m_worklistDock->setWidget(holder);
    if (auto* start = qobject_cast<QVBoxLayout*>(m_startPage->layout())) {
        v.startBanner = new ModelAlertBanner(false, m_startPage);
        start->insertWidget(1, v.startBanner);
        // On the start screen its own banner shows the alerts in full: the dock's would repeat them.
        connect(m_stack, &QStackedWidget::currentChanged, this, [this] {
            m_review->dockBanner->setSuppressed(m_stack->currentWidget() == m_startPage);
        });
        v.dockBanner->setSuppressed(m_stack->currentWidget() == m_startPage);
    }
    for (ModelAlertBanner* b : {v.dockBanner, v.startBanner}) {
        if (b != nullptr) {
            connect(b, &ModelAlertBanner::dismissed, this, [this](const QString& key) { dismissModelAlert(key); });
        }
    }
    installAgreementExport();
    refreshSideBySide();
}

void MainWindow::noteReadingWritten(const QString& studyUid, const QString& recording,
                                    const reading::Reading& content, bool sign) {
    m_review->written.insert(studyUid, ReviewUiState::Written{recording, content, sign});
    refreshSideBySide();
}

void MainWindow::refreshSideBySide() {
    if (!m_review) {
        return; // called while the window is being built
    }
    SideBySidePanel* panel = m_review->panel;
    // FindingPresenter's rule: nothing of the AI before the reading is committed.
    if (m_presenter->aiHidden()) {
        panel->showMessage(FindingPresenter::hiddenMessage() +
                           tr(". The side-by-side review appears once your reading is committed."));
        return;
    }
    if (m_shownPath.isEmpty() || !shownContent()) {
        panel->showMessage(tr("Open a recording: the side-by-side review compares its AI findings with its reading."));
        return;
    }
    // The reading: the latest signed, verified one of the recording on screen; else the one committed in this
    // session for it.
    const reading::Reading* content = nullptr;
    QString heading;
    const CheckedReading* signedReading = nullptr;
    for (const CheckedReading& c : m_reading->checked) {
        if (c.isSigned && c.shown.content) {
            signedReading = &c;
            content = &*c.shown.content;
            heading = tr("Signed reading by %1 (verified)").arg(c.observer);
        }
    }
    if (content == nullptr) {
        const auto w = m_review->written.constFind(m_reading->study);
        if (w != m_review->written.constEnd() && w->recording == m_shownPath) {
            content = &w->content;
            heading = w->isSigned ? tr("Your signed reading (being verified)")
                                  : tr("Your committed reading (preliminary, not signed: not counted in the "
                                       "agreement statistics until signed)");
        }
    }
    if (content == nullptr) {
        panel->showMessage(tr("No committed or signed, verified reading of this recording yet: nothing to compare."));
        return;
    }
    const dicom::InstanceHeader* h = m_index.find(m_shownPath.toStdString());
    const review::Domain domain = h != nullptr && h->modality == "US" ? review::Domain::Echo : review::Domain::Ecg;
    std::vector<const FindingEntry*> entries;
    QStringList models;
    bool anyTrusted = false;
    for (const FindingEntry* e : m_session->entriesFor(m_shownPath)) {
        entries.push_back(e);
        if (e->trusted() && e->displayed && e->checked.verdict && e->checked.verdict->statement) {
            anyTrusted = true;
            const verify::ModelRef& m = e->checked.verdict->statement->model;
            const QString name = tr("%1 %2").arg(boundedText(m.name, kMaxNameChars), boundedText(m.version, kMaxNameChars));
            if (!models.contains(name)) {
                models << name;
            }
        }
    }
    if (entries.empty()) {
        panel->showMessage(heading + tr(" — there are no AI findings for this recording: nothing to compare."));
        return;
    }
    QStringList notShown;
    const review::StudyInput in = sideBySideInput(entries, content->statements, domain, &notShown);
    review::SideBySide s = review::sideBySide(in);
    if (!anyTrusted) {
        // No verified AI result: an AI side of "negative everywhere" would be invented. Only what is not counted.
        s.rows.clear();
        heading += tr(" — no verified AI finding for this recording: no category is compared.");
    } else {
        heading += tr(" against the verified AI findings of %1").arg(models.join(QStringLiteral(", ")));
        if (signedReading != nullptr && signedReading->record && content == &*signedReading->shown.content) {
            // Only a signed, verified reading beside verified findings is counted in the statistics.
            const worklist::Reading& rec = *signedReading->record;
            recordShownReview(rec.sopInstanceUid, signedReading->observer, rec.time.toSecsSinceEpoch(),
                              content->statements, entries, domain);
        }
    }
    panel->setSideBySide(s, heading, notShown);
}

QStringList MainWindow::sideBySideTexts() const {
    QStringList out;
    const SideBySidePanel* p = m_review->panel;
    out << p->message();
    for (const SideBySidePanel::ShownRow& r : p->rows()) {
        out << QStringList{r.category, r.ai, r.clinician, r.state, r.note}.join(QStringLiteral(" | "));
    }
    for (QListWidget* list : {p->notCountedList(), p->uncategorisedList()}) {
        for (int i = 0; i < list->count(); ++i) {
            out << list->item(i)->text();
        }
    }
    return out;
}

// ---- agreement statistics ------------------------------------------------------------------------------------

QWidget* MainWindow::openAgreementStatistics() {
    ReviewUiState& v = *m_review;
    if (v.agreement.isNull()) {
        v.agreement = new AgreementWindow(this);
        v.agreement->setAttribute(Qt::WA_DeleteOnClose);
        v.agreement->setExportCsv(v.exportCsv);
        v.agreement->setExportJson(v.exportJson);
        connect(v.agreement, &AgreementWindow::sourceRequested, this,
                [this](AgreementWindow::Source source) { countAgreementSource(source); });
        countAgreementSource(AgreementWindow::WholeWorklist);
    }
    v.agreement->show();
    v.agreement->raise();
    v.agreement->activateWindow();
    return v.agreement;
}

void MainWindow::setAgreementExport(ReviewExport csv, ReviewExport json) {
    m_review->exportCsv = std::move(csv);
    m_review->exportJson = std::move(json);
    if (!m_review->agreement.isNull()) {
        m_review->agreement->setExportCsv(m_review->exportCsv);
        m_review->agreement->setExportJson(m_review->exportJson);
    }
}

// ---- model monitoring ----------------------------------------------------------------------------------------

void MainWindow::setReviewSet(review::ReviewSet set) {
    m_review->set = std::move(set);
    if (!m_review->agreement.isNull() && m_review->agreement->source() != AgreementWindow::Folder) {
        countAgreementSource(m_review->agreement->source());
    }
    runModelMonitor();
}

const review::ReviewSet& MainWindow::reviewSet() const {
    return m_review->set;
}

const std::vector<review::Alert>& MainWindow::modelAlerts() const {
    return m_review->alerts;
}

QStringList MainWindow::modelAlertTexts() const {
    return m_review->dockBanner->shownTexts();
}

bool MainWindow::dismissModelAlert(const QString& key) {
    bool any = false;
    for (ModelAlertBanner* b : {m_review->dockBanner, m_review->startBanner}) {
        any = (b != nullptr && b->dismiss(key)) || any;
    }
    return any;
}

int MainWindow::modelMonitorWindow() const {
    const int w = QSettings().value(kMonitorWindowKey, kDefaultModelMonitorWindow).toInt();
    return w >= 10 ? w : kDefaultModelMonitorWindow; // a damaged value: the default, not a window of 0
}

void MainWindow::setModelMonitorWindow(int readings) {
    QSettings().setValue(kMonitorWindowKey, std::clamp(readings, 10, 100000));
    runModelMonitor();
}

void MainWindow::runModelMonitor() {
    ReviewUiState& v = *m_review;
    review::MonitorSettings settings;
    settings.window = static_cast<std::size_t>(modelMonitorWindow());
    v.alerts = review::monitorReviewSet(v.set, settings);
    for (ModelAlertBanner* b : {v.dockBanner, v.startBanner}) {
        if (b != nullptr) {
            b->setAlerts(v.alerts, settings.window);
        }
    }
    // Each alert is written to the audit log once; one that could not be written is tried again next time.
    QSettings store;
    QStringList audited = store.value(kAuditedAlertsKey).toStringList();
    QStringList problems;
    bool changed = false;
    for (const review::Alert& a : v.alerts) {
        const QString key = alertKey(a);
        if (audited.contains(key)) {
            continue;
        }
        verify::AuditEntry entry;
        entry.event = "model-alert";
        entry.inputName = boundedText(a.modelName + " " + a.modelVersion, kMaxNameChars).toStdString();
        entry.detail = (alertText(a, settings.window) + QLatin1Char(' ') + alertDetail(a) +
                        QStringLiteral(" [figure: %1; baseline %2; current %3; window %4; reading %5; CUSUM %6; "
                                       "threshold %7]")
                            .arg(QString::fromUtf8(review::monitorFigureName(a.figure).data()),
                                 QString::number(a.baseline, 'f', 4), QString::number(a.current, 'f', 4),
                                 QString::number(settings.window), QString::number(a.reading),
                                 QString::number(a.statistic, 'f', 3), QString::number(a.threshold, 'f', 3)))
                           .toStdString();
        const QString problem = m_audit->appendEvent(entry);
        if (problem.isEmpty()) {
            audited << key;
            changed = true;
        } else if (!problems.contains(problem)) {
            problems << problem;
        }
    }
    if (changed) {
        while (audited.size() > kMaxAuditedAlerts) {
            audited.removeFirst();
        }
        store.setValue(kAuditedAlertsKey, audited);
    }
    if (!problems.isEmpty()) {
        statusBar()->showMessage(tr("A model alert could not be written to the audit log %1: %2")
                                     .arg(m_audit->name(), problems.join(QStringLiteral("; "))));
    }
    if (!v.dockBanner->shownKeys().isEmpty() && m_stack->currentWidget() != m_startPage && !m_worklistDock->isVisible()) {
        m_worklistDock->show(); // an alert is never hidden before it was seen
    }
    emit modelAlertsChanged();
}

} // namespace veridicor::ui
