#include <veridicor/ui/main_window.h>

#include "display_text.h"
#include "file_dialogs.h"
#include "finding_presenter.h"
#include "findings_panel.h"
#include "header_view.h"
#include "message_page.h"
#include "adjudication_state.h"
#include "reading_state.h"
#include "review_ui_state.h"
#include "study_browser.h"
#include "verification_detail.h"
#include "worklist_panel.h"

#include <veridicor/ui/settings_dialog.h>
#include <veridicor/verify/audit_log.h>

#include <veridicor/dicom/sop_classes.h>
#include <veridicor/registry/viewer_registry.h>
#include <veridicor/worklist/ai_summary.h>
#include <veridicor/worklist/database_thread.h>
#include <veridicor/worklist/worklist_model.h>

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QPlainTextEdit>
#include <QPointer>
#include <QScrollArea>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabBar>
#include <QTableView>
#include <QTableWidget>
#include <QTextEdit>
#include <QVBoxLayout>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <filesystem>
#include <map>

namespace veridicor::ui {

namespace {

const QString kTrustStoreKey = QStringLiteral("findings/trustStore");
const QString kAuditLogKey = QStringLiteral("findings/auditLog");

} // namespace

MainWindow::MainWindow(const registry::ViewerRegistry& registry, QWidget* parent)
    : QMainWindow(parent), m_registry(registry) {
    setWindowTitle(tr("Veridicor"));
    resize(1500, 950);

    m_stack = new QStackedWidget(this);
    m_message = new MessagePage(m_stack);
    m_header = new HeaderView(m_stack);
    m_stack->addWidget(m_message);
    m_stack->addWidget(m_header);
    setCentralWidget(m_stack);

    // The worklist: one model of the database's rows, shown as the start screen (nothing open) and as a dock.
    m_worklistModel = new worklist::WorklistModel(this);
    m_startPage = new QWidget(m_stack);
    {
        auto* layout = new QVBoxLayout(m_startPage);
        auto* title = new QLabel(tr("<h2>Worklist</h2>Every study opened on this workstation. Choose one "
                                    "(double-click or Enter), or open a folder (File › Open Folder…)."),
                                 m_startPage);
        title->setWordWrap(true);
        layout->addWidget(title);
        m_worklistStart = new WorklistPanel(m_worklistModel, m_startPage);
        m_worklistStart->setObjectName(QStringLiteral("worklistStart"));
        layout->addWidget(m_worklistStart, 1);
    }
    m_stack->addWidget(m_startPage);

    auto* browserDock = new QDockWidget(tr("Studies"), this);
    browserDock->setObjectName(QStringLiteral("studiesDock"));
    m_browser = new StudyBrowser(browserDock);
    browserDock->setWidget(m_browser);
    addDockWidget(Qt::LeftDockWidgetArea, browserDock);
    connect(m_browser, &StudyBrowser::instanceChosen, this, [this](const QString& path) {
        if (path != m_openingPath) { // already on its way to the screen
            showInstance(path);
        }
    });

    m_worklistDock = new QDockWidget(tr("Worklist"), this);
    m_worklistDock->setObjectName(QStringLiteral("worklistDock"));
    m_worklistDockPanel = new WorklistPanel(m_worklistModel, m_worklistDock);
    m_worklistDockPanel->setObjectName(QStringLiteral("worklistDockPanel"));
    m_worklistDock->setWidget(m_worklistDockPanel);
    addDockWidget(Qt::LeftDockWidgetArea, m_worklistDock);
    // Above the open study's tree, not tabbed with it: a tab bar would widen the left column beside the page.
    splitDockWidget(m_worklistDock, browserDock, Qt::Vertical);
    for (WorklistPanel* panel : {m_worklistStart, m_worklistDockPanel}) {
        connect(panel, &WorklistPanel::studyChosen, this, [this](const QString& uid) { openStudy(uid); });
    }

    m_problemsDock = new QDockWidget(tr("Files not opened"), this);
    m_problemsDock->setObjectName(QStringLiteral("problemsDock"));
    m_problems = new QListWidget(m_problemsDock);
    m_problems->setWordWrap(true);
    m_problemsDock->setWidget(m_problems);
    addDockWidget(Qt::LeftDockWidgetArea, m_problemsDock);
    m_problemsDock->hide();

    m_audit =
        std::make_unique<AuditLogRecorder>([this] { return m_auditLog; }, [this] { return m_auditKey; });
    m_presenter = std::make_unique<FindingPresenter>(*m_audit);
    m_session = &m_presenter->session();
    m_findingsDock = new QDockWidget(tr("AI findings"), this);
    m_findingsDock->setObjectName(QStringLiteral("findingsDock"));
    m_findingsPanel = new FindingsPanel(m_findingsDock);
    m_findingsDock->setWidget(m_findingsPanel);
    addDockWidget(Qt::RightDockWidgetArea, m_findingsDock);
    resizeDocks({m_findingsDock}, {400}, Qt::Horizontal);
    connect(m_findingsPanel, &FindingsPanel::showAnywayRequested, this,
            [this](const QString& id) { showFindingAnyway(id); });
    connect(m_findingsPanel, &FindingsPanel::detailsRequested, this,
            [this](const QString& id) { openVerificationDetails(id); });
    connect(m_findingsPanel, &FindingsPanel::visibilityChanged, this,
            [this](const QString& key, bool visible) { setFindingVisible(key, visible); });
    connect(m_findingsPanel, &FindingsPanel::findingSelected, this,
            [this](const QString& key) { selectFinding(key); });
    connect(m_findingsPanel, &FindingsPanel::recordingRequested, this,
            [this](const QString& path) { showInstance(path); });

    const QSettings settings;
    m_trustStore = settings.value(kTrustStoreKey, SettingsDialog::defaultTrustStoreFolder()).toString();
    m_auditLog = settings.value(kAuditLogKey, SettingsDialog::defaultAuditLogFile()).toString();

    buildReadingDock(); // before the menus: the View menu lists every dock
    buildMenus();
    connect(&m_scan, &QFutureWatcher<StudyScan>::finished, this, &MainWindow::onScanFinished);
    connect(&m_check, &QFutureWatcher<verify::FindingCheckResult>::finished, this,
            &MainWindow::onFindingCheckFinished);
    refreshFindings();
    statusBar()->showMessage(tr("Ready"));
}

MainWindow::~MainWindow() {
    m_scan.waitForFinished();
    m_check.waitForFinished();
    m_reading->check.waitForFinished();
    m_reading->write.waitForFinished();
    m_adjudication->write.waitForFinished();
    m_worklistDb.reset(); // its jobs finish (and the database closes) before the window's objects go
}

void MainWindow::setWorklistDatabase(const QString& file) {
    if (!m_worklistDb) {
        m_worklistDb = std::make_unique<worklist::DatabaseThread>();
    }
    m_worklistFile = file;
    m_worklistDb->open(file, this, [this](Expected<worklist::OpenReport, worklist::Error> report) {
        QString note;
        if (!report) {
            note = tr("The worklist database cannot be used: %1").arg(report.error().message);
        } else if (!report->message.isEmpty()) {
            note = report->message; // created, or rebuilt with the unusable file kept aside
        }
        m_worklistStart->setNote(note);
        m_worklistDockPanel->setNote(note);
        if (!note.isEmpty()) {
            statusBar()->showMessage(note);
        }
        if (m_index.instances > 0) {
            indexIntoWorklist(); // what is open now belongs in it too
        }
        // The agreement statistics and the model monitor over the worklist's reviews; asked before the worklist
        // so that its set is in place when worklistChanged() says the worklist is.
        reloadReviewSet();
        refreshWorklist();
    });
}

void MainWindow::refreshWorklist(const std::function<void()>& after) {
    if (!m_worklistDb) {
        if (after) {
            after();
        }
        return;
    }
    using Rows = Expected<std::vector<worklist::StudyRow>, worklist::Error>;
    m_worklistDb->query<Rows>(
        [](worklist::Database* db) -> Rows {
            if (db == nullptr) {
                return Unexpected(worklist::Error{worklist::ErrorCode::Unopenable, QStringLiteral("no worklist database")});
            }
            return db->studies();
        },
        this,
        [this, after](Rows rows) {
            if (rows) {
                m_worklistModel->setRows(std::move(*rows));
                applyAiMaskToWorklist();
                for (WorklistPanel* panel : {m_worklistStart, m_worklistDockPanel}) {
                    panel->selectStudy(m_worklistStudy);
                }
                showStartScreenIfEmpty();
            }
            emit worklistChanged();
            if (after) {
                after();
            }
        });
}

void MainWindow::indexIntoWorklist() {
    if (!m_worklistDb || m_index.instances == 0) {
        return;
    }
    m_worklistDb->post([index = m_index](worklist::Database* db) {
        if (db != nullptr) {
            (void)db->indexStudies(index); // a cache: what fails to be written is indexed again next time
        }
    });
    refreshWorklist();
}

void MainWindow::summarizeIntoWorklist(const std::function<void()>& after) {
    if (!m_worklistDb) {
        if (after) {
            after();
        }
        return;
    }
    // Each study of the open index gets the summary of the verdicts of the bundles verified against its
    // recordings (none: an empty summary, so a study whose findings were removed no longer shows them).
    std::map<std::string, std::vector<verify::Verdict>> verdicts;
    for (const auto* h : m_index.allInstances()) {
        verdicts.try_emplace(h->studyInstanceUID);
    }
    for (const FindingEntry& e : m_session->entries()) {
        const dicom::InstanceHeader* h = m_index.find(e.checked.recording);
        if (h != nullptr && e.checked.verdict) {
            verdicts[h->studyInstanceUID].push_back(*e.checked.verdict);
        } else if (h != nullptr) {
            verify::Verdict unverified; // could not be verified: counted as quarantined, never read
            verdicts[h->studyInstanceUID].push_back(unverified);
        }
    }
    std::vector<std::pair<QString, worklist::AiSummary>> summaries;
    summaries.reserve(verdicts.size());
    for (const auto& [uid, list] : verdicts) {
        summaries.emplace_back(QString::fromStdString(uid), worklist::summarizeVerdicts(list));
    }
    m_worklistDb->post([summaries = std::move(summaries)](worklist::Database* db) {
        if (db != nullptr) {
            for (const auto& [uid, summary] : summaries) {
                (void)db->setAiSummary(uid, summary); // a study not indexed (yet) has no row to summarise
            }
        }
    });
    refreshWorklist(after);
}

const dicom::InstanceHeader* MainWindow::instanceToOpen(const QString& studyUid) const {
    // A study opens on a recording a view shows (an ECG, a cine), not on a report listed beside it.
    const dicom::InstanceHeader* any = nullptr;
    for (const auto* h : m_index.allInstances()) {
        if (!studyUid.isEmpty() && QString::fromStdString(h->studyInstanceUID) != studyUid) {
            continue;
        }
        if (m_registry.viewerFor(h->sopClassUID) != nullptr) {
            return h;
        }
        if (any == nullptr) {
            any = h;
        }
    }
    return any;
}

bool MainWindow::openStudy(const QString& studyUid) {
    const int row = m_worklistModel->rowOf(studyUid);
    if (row < 0) {
        return false;
    }
    m_worklistStudy = studyUid;
    for (WorklistPanel* panel : {m_worklistStart, m_worklistDockPanel}) {
        panel->selectStudy(studyUid);
    }
    if (const dicom::InstanceHeader* h = instanceToOpen(studyUid)) {
        return showInstance(QString::fromStdString(h->path.string()));
    }
    // Not in the open index: open its files (as the database knows them), then show it.
    using Files = Expected<std::vector<worklist::InstanceFile>, worklist::Error>;
    m_pendingStudyOpen = studyUid;
    m_worklistDb->query<Files>(
        [studyUid](worklist::Database* db) -> Files {
            if (db == nullptr) {
                return Unexpected(worklist::Error{worklist::ErrorCode::Unopenable, QStringLiteral("no worklist database")});
            }
            return db->instancesOf(studyUid);
        },
        this,
        [this, studyUid](Files files) {
            if (m_pendingStudyOpen != studyUid) {
                return; // another study was chosen meanwhile
            }
            QStringList paths;
            if (files) {
                for (const auto& f : *files) {
                    paths << f.path;
                }
            }
            if (paths.isEmpty()) {
                m_pendingStudyOpen.clear();
                statusBar()->showMessage(tr("The files of this study are no longer where they were indexed"));
                return;
            }
            openPaths(paths);
        });
    return true;
}

bool MainWindow::openNextUnread() {
    const QString uid = m_worklistDockPanel->nextUnreadStudy();
    return !uid.isEmpty() && openStudy(uid);
}

bool MainWindow::openPreviousStudy() {
    const QString uid = m_worklistDockPanel->previousStudy();
    return !uid.isEmpty() && openStudy(uid);
}

void MainWindow::showStartScreenIfEmpty() {
    if (m_shownPath.isEmpty() && m_openingView == nullptr && m_stack->currentWidget() == m_message &&
        m_index.instances == 0 && m_worklistDb) {
        m_stack->setCurrentWidget(m_startPage);
    }
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* openFile = file->addAction(tr("&Open File…"), this, &MainWindow::openFileDialog);
    openFile->setShortcut(QKeySequence::Open);
    QAction* openFolder = file->addAction(tr("Open &Folder…"), this, &MainWindow::openFolderDialog);
    openFolder->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    file->addAction(tr("Open F&indings…"), this, [this] { openFindingsDialog(false); });
    file->addAction(tr("Open Findings Fo&lder…"), this, [this] { openFindingsDialog(true); });
    addReportActions(file);
    file->addSeparator();
    file->addAction(tr("&Settings…"), this, [this] { openSettings(); });
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), qApp, &QApplication::closeAllWindows);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* go = menuBar()->addMenu(tr("&Go"));
    QAction* next = go->addAction(tr("&Next Unread Study"), this, [this] {
        if (!openNextUnread()) {
            statusBar()->showMessage(tr("No unread study after this one in the worklist"));
        }
    });
    next->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Down));
    QAction* previous = go->addAction(tr("&Previous Study"), this, [this] {
        if (!openPreviousStudy()) {
            statusBar()->showMessage(tr("No study before this one in the worklist"));
        }
    });
    previous->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Up));
    buildReadingMenu();
    buildAdjudication();
    go->addAction(tr("&Worklist"), this, [this] {
        m_worklistDock->show();
        m_worklistDock->raise();
        m_worklistDockPanel->table()->setFocus();
    })->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));

    // Every dock, so that a closed one can be opened again.
    QMenu* view = menuBar()->addMenu(tr("&View"));
    for (QDockWidget* dock : findChildren<QDockWidget*>(QString(), Qt::FindDirectChildrenOnly)) {
        view->addAction(dock->toggleViewAction());
    }
    view->addSeparator();
    view->addAction(tr("&Agreement Statistics…"), this, [this] { openAgreementStatistics(); });

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Keyboard Shortcuts…"), this, [this] { openKeyboardShortcuts(); });
    help->addAction(tr("&About Veridicor"), this, [this] {
        // Opened, not exec()'d (QMessageBox::about() would block in a nested event loop).
        auto* box =
            new QMessageBox(QMessageBox::Information, tr("About Veridicor"),
                            tr("<b>Veridicor %1</b><p>A cardiology workstation that verifies AI findings "
                               "before showing them.</p>")
                                .arg(QApplication::applicationVersion()),
                            QMessageBox::Ok, this);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->setWindowModality(Qt::WindowModal);
        box->open();
    });
}

QDialog* MainWindow::openKeyboardShortcuts() {
    auto* dialog = new QDialog(this);
    dialog->setObjectName(QStringLiteral("keyboardShortcuts"));
    dialog->setWindowTitle(tr("Keyboard shortcuts"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    dialog->resize(560, 640);
    auto* content = new QWidget();
    auto* grid = new QGridLayout(content);
    grid->setColumnStretch(1, 1);
    int row = 0;
    auto section = [&](const QString& title) {
        auto* l = new QLabel(title, content);
        l->setStyleSheet(QStringLiteral("font-weight: bold; margin-top: 8px;"));
        grid->addWidget(l, row++, 0, 1, 2);
    };
    auto line = [&](const QString& keys, const QString& action) {
        auto* k = new QLabel(keys, content);
        k->setTextFormat(Qt::PlainText);
        auto* a = new QLabel(action, content);
        a->setTextFormat(Qt::PlainText);
        a->setWordWrap(true);
        grid->addWidget(k, row, 0, Qt::AlignTop);
        grid->addWidget(a, row++, 1, Qt::AlignTop);
    };
    // The window's own: every action of the menus that has a shortcut, as the action says it.
    section(tr("Main window"));
    std::function<void(const QList<QAction*>&)> walk = [&](const QList<QAction*>& actions) {
        for (QAction* a : actions) {
            if (a->menu() != nullptr) {
                walk(a->menu()->actions());
            }
            for (const QKeySequence& k : a->shortcuts()) {
                line(k.toString(QKeySequence::NativeText), a->text().remove(QLatin1Char('&')));
            }
        }
    };
    walk(menuBar()->actions());
    // Each view's keys, from its factory (views made or not).
    for (const auto& factory : m_registry.factories()) {
        const auto keys = factory->keyboardShortcuts();
        if (keys.empty()) {
            continue;
        }
        section(factory->displayName());
        for (const registry::KeyHelp& k : keys) {
            line(k.keys, k.action);
        }
    }
    grid->setRowStretch(row, 1);
    auto* scroll = new QScrollArea(dialog);
    scroll->setWidgetResizable(true);
    scroll->setWidget(content);
    auto* layout = new QVBoxLayout(dialog);
    layout->addWidget(scroll, 1);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    layout->addWidget(buttons);
    dialog->open();
    return dialog;
}

namespace {

FileDialogRequest chooser(const QString& title, QFileDialog::FileMode mode, const QString& nameFilter = {}) {
    FileDialogRequest r;
    r.title = title;
    r.mode = mode;
    r.nameFilter = nameFilter;
    return r;
}

} // namespace

void MainWindow::openFileDialog() {
    ui::openFileDialog(this, chooser(tr("Open DICOM files"), QFileDialog::ExistingFiles),
                       [this](const QStringList& files) { openPaths(files); });
}

void MainWindow::openFolderDialog() {
    ui::openFileDialog(this, chooser(tr("Open a folder of studies"), QFileDialog::Directory),
                       [this](const QStringList& dirs) { openPaths(dirs.mid(0, 1)); });
}

void MainWindow::openFindingsDialog(bool folder) {
    if (folder) {
        ui::openFileDialog(this, chooser(tr("Open a folder of AI findings"), QFileDialog::Directory),
                           [this](const QStringList& dirs) { openFindings(dirs.mid(0, 1)); });
    } else {
        ui::openFileDialog(this,
                           chooser(tr("Open AI findings"), QFileDialog::ExistingFiles,
                                   tr("AI findings (*.finding.json);;All files (*)")),
                           [this](const QStringList& files) { openFindings(files); });
    }
}

void MainWindow::openPaths(const QStringList& paths) {
    if (m_scanActive) {
        m_pendingPaths += paths;
        return;
    }
    // Findings opened for the study on screen stay with it until the scan has found another study to replace
    // it (onScanFinished()); those opened meanwhile join the new one.
    m_rootsBeforeScan = std::exchange(m_findingRoots, {});
    startScan(paths);
}

void MainWindow::indexPaths(const QStringList& paths) {
    if (!m_worklistDb) {
        openPaths(paths);
        return;
    }
    m_indexOnly = true;
    openPaths(paths);
}

void MainWindow::startScan(const QStringList& paths) {
    std::vector<std::filesystem::path> roots;
    roots.reserve(static_cast<std::size_t>(paths.size()));
    for (const QString& p : paths) {
        roots.emplace_back(p.toStdString());
    }
    m_loading = true;
    m_scanActive = true;
    m_scanPaths = paths;
    ++m_studyGeneration; // a round of findings started before this scan no longer applies
    statusBar()->showMessage(tr("Reading %1…").arg(paths.join(QStringLiteral(", "))));
    refreshFindings();
    m_scan.setFuture(QtConcurrent::run([roots] {
        StudyScan scan;
        // The finding files are collected in the same walk as the DICOM index.
        dicom::ScanOptions options;
        options.progress = [&scan](std::size_t, const std::filesystem::path& file) {
            if (verify::isFindingFileName(file)) {
                if (scan.findings.size() < verify::kMaxFindingFiles) {
                    scan.findings.push_back(file);
                } else {
                    scan.findingsTruncated = true;
                }
            }
        };
        scan.index = dicom::scanPaths(roots, options);
        // An opened file: the finding files beside it.
        for (const auto& root : roots) {
            std::error_code ec;
            if (std::filesystem::is_regular_file(root, ec) && !verify::isFindingFileName(root)) {
                bool cut = false;
                const auto folder = root.has_parent_path() ? root.parent_path() : std::filesystem::path(".");
                for (auto& f : verify::findFindingFiles(folder, false, verify::kMaxFindingFiles, &cut)) {
                    scan.findings.push_back(std::move(f));
                }
                scan.findingsTruncated = scan.findingsTruncated || cut;
            }
        }
        std::sort(scan.findings.begin(), scan.findings.end());
        scan.findings.erase(std::unique(scan.findings.begin(), scan.findings.end()), scan.findings.end());
        return scan;
    }));
}

void MainWindow::onScanFinished() {
    m_scanActive = false;
    StudyScan scan = m_scan.result();
    if (scan.index.instances == 0 && m_index.instances > 0) {
        // Nothing in what was opened can be shown: the study on screen stays, with its findings (and any
        // finding files found in the walk join them); what was not opened is listed with its reason.
        if (!m_pendingPaths.isEmpty()) {
            startScan(std::exchange(m_pendingPaths, {})); // the study on screen is still the one before
            return;
        }
        m_findingRoots = std::exchange(m_rootsBeforeScan, {}) + m_findingRoots;
        for (auto& f : scan.findings) {
            if (std::find(m_scanFindings.begin(), m_scanFindings.end(), f) == m_scanFindings.end()) {
                m_scanFindings.push_back(std::move(f));
            }
        }
        m_notOpened = scan.index.problems;
        m_notOpened.insert(m_notOpened.end(), scan.index.skipped.begin(), scan.index.skipped.end());
        m_findingsTruncated = m_findingsTruncated || scan.findingsTruncated;
        // Said at the head of the list, which stays (the status bar moves on to the finding check).
        m_problemsNote = tr("Nothing in %1 could be opened (%n file(s) examined); the study on screen stays.",
                            nullptr, static_cast<int>(scan.index.filesExamined))
                             .arg(boundedText(m_scanPaths.join(QStringLiteral(", ")), kMaxTextChars));
        refreshProblems();
        statusBar()->showMessage(m_problemsNote);
        startFindingCheck();
        return;
    }
    // A new study: findings opened for the previous one are dropped with it.
    cancelOpening(); // a recording of the study before must not appear over this one
    m_rootsBeforeScan.clear();
    m_session->clear();
    m_selectedKey.clear();
    m_index = std::move(scan.index);
    m_scanFindings = std::move(scan.findings);
    m_browser->setIndex(m_index);
    m_notOpened = m_index.problems;
    m_notOpened.insert(m_notOpened.end(), m_index.skipped.begin(), m_index.skipped.end());
    m_findingsTruncated = scan.findingsTruncated;
    m_problemsNote.clear();
    refreshProblems();

    const auto all = m_index.allInstances();
    statusBar()->showMessage(
        tr("%n instance(s) in %1 file(s) examined", nullptr, static_cast<int>(all.size()))
            .arg(m_index.filesExamined));
    m_shownPath.clear();
    setWindowTitle(tr("Veridicor"));
    indexIntoWorklist();
    // Opened from the worklist: that study comes first, whatever else the files held.
    const QString chosen = std::exchange(m_pendingStudyOpen, {});
    const dicom::InstanceHeader* first = instanceToOpen(chosen);
    const bool indexOnly = std::exchange(m_indexOnly, false) && chosen.isEmpty();
    if (first == nullptr && !indexOnly) {
        first = instanceToOpen({});
    }
    if (indexOnly) {
        // Indexed for the worklist only: the reader picks the study there.
        m_stack->setCurrentWidget(m_startPage);
    } else if (first != nullptr) {
        showInstance(QString::fromStdString(first->path.string()));
    } else if (!m_index.problems.empty()) {
        m_message->showError(tr("Nothing could be opened"),
                             QString::fromStdString(m_index.problems.front().error.message));
        m_stack->setCurrentWidget(m_message);
    } else {
        m_message->showError(tr("No DICOM files found"),
                             tr("%n file(s) were examined; none of them is DICOM.", nullptr,
                                static_cast<int>(m_index.filesExamined)));
        m_stack->setCurrentWidget(m_message);
    }
    if (!m_pendingPaths.isEmpty()) {
        const QStringList next = std::exchange(m_pendingPaths, {});
        startScan(next);
        return;
    }
    // loadFinished follows once the findings are verified and in the panel.
    startFindingCheck();
}

void MainWindow::refreshProblems() {
    // Every file not opened, with its reason — except AI finding files and the other files beside them,
    // which are taken as their attachments: the findings panel reports on those (an attachment's name is
    // known only from a payload that authenticated, so it cannot be told apart here).
    std::vector<std::filesystem::path> findingFolders;
    for (const auto& f : m_scanFindings) {
        findingFolders.push_back(f.parent_path().lexically_normal());
    }
    m_problems->clear();
    if (!m_problemsNote.isEmpty()) {
        m_problems->addItem(m_problemsNote);
    }
    for (const auto& problem : m_notOpened) {
        if (problem.error.code == dicom::ErrorCode::NotDicom &&
            (verify::isFindingFileName(problem.path) ||
             std::find(findingFolders.begin(), findingFolders.end(),
                       problem.path.parent_path().lexically_normal()) != findingFolders.end())) {
            continue;
        }
        m_problems->addItem(QString::fromStdString(problem.error.message));
    }
    if (m_findingsTruncated) {
        m_problems->addItem(tr("More than %1 finding files were found; only the first %1 are checked.")
                                .arg(verify::kMaxFindingFiles));
    }
    m_problemsDock->setVisible(m_problems->count() > 0);
}

namespace {

/// "Doe Jane" from "Doe^Jane", made safe to display.
QString patientName(const dicom::InstanceHeader& h) {
    QString name = QString::fromStdString(h.patientName);
    name.replace(QLatin1Char('^'), QLatin1Char(' '));
    name = name.simplified();
    return boundedText(name.isEmpty() ? QObject::tr("(no name)") : name, kMaxNameChars);
}

} // namespace

QString MainWindow::recordingTitle(const dicom::InstanceHeader& header) const {
    return tr("%1 — %2").arg(
        patientName(header),
        boundedText(QString::fromStdString(header.path.filename().string()), kMaxNameChars));
}

void MainWindow::cancelOpening() {
    if (m_openingView != nullptr) {
        m_openingView->cancelOpen();
    }
    m_openingView = nullptr;
    m_openingPath.clear();
}

bool MainWindow::showInstance(const QString& path) {
    const dicom::InstanceHeader* header = m_index.find(std::filesystem::path(path.toStdString()));
    if (header == nullptr) {
        return false;
    }
    // A second open cancels the one under way: its result is never shown.
    cancelOpening();
    m_browser->selectPath(path);
    m_shownPath = path;
    m_worklistStudy = QString::fromStdString(header->studyInstanceUID);
    for (WorklistPanel* panel : {m_worklistStart, m_worklistDockPanel}) {
        panel->selectStudy(m_worklistStudy);
    }
    m_selectedKey.clear();
    readingStudyShown(m_worklistStudy);
    // The title and the status bar name the patient and recording on screen, whatever view shows it.
    const QString title = recordingTitle(*header);
    setWindowTitle(tr("Veridicor — %1").arg(title));
    const registry::ViewerFactory* factory = m_registry.viewerFor(header->sopClassUID);
    if (factory == nullptr) {
        m_header->showHeader(*header);
        m_stack->setCurrentWidget(m_header);
        statusBar()->showMessage(title);
        displayFindings();
        finishShow(path, true);
        return true;
    }
    registry::StudyView* view = m_views.value(factory->id());
    if (view == nullptr) {
        view = factory->create(m_stack);
        m_views.insert(factory->id(), view);
        m_stack->addWidget(view);
        connect(view, &registry::StudyView::statusMessage, this,
                [this](const QString& text) { statusBar()->showMessage(text); });
        connect(view, &registry::StudyView::opened, this,
                [this, view](const QString& p) { onViewOpened(view, p); });
        connect(view, &registry::StudyView::failed, this,
                [this, view](const QString& p, const QString& why) { onViewFailed(view, p, why); });
        connect(view, &registry::StudyView::measurementsChanged, this, [this, view] {
            if (view == currentView()) {
                refreshReadingRecording();
            }
        });
    }
    m_stack->setCurrentWidget(view);
    view->setFindingOverlays({}); // nothing of the previous recording's findings on the next one
    m_openingView = view;
    m_openingPath = path;
    m_openingViewName = factory->displayName();
    m_openingStatus = tr("Opening %1…").arg(title);
    statusBar()->showMessage(m_openingStatus);
    // Asynchronous: the view reads on a worker and answers with opened() or failed(). Its findings are
    // displayed only then, over the data it holds (until then shownContent() has nothing to vouch for).
    view->openInstance(*header);
    displayFindings();
    return true;
}

void MainWindow::onViewOpened(registry::StudyView* view, const QString& path) {
    if (view != m_openingView || path != m_openingPath) {
        return; // an open that was cancelled or superseded (the views drop those themselves)
    }
    m_openingView = nullptr;
    m_openingPath.clear();
    if (statusBar()->currentMessage() == m_openingStatus) {
        if (const dicom::InstanceHeader* header = m_index.find(std::filesystem::path(path.toStdString()))) {
            statusBar()->showMessage(recordingTitle(*header));
        }
    }
    displayFindings();
    refreshReadingRecording();
    startReadingCheck(); // the study's readings, verified against the recording as the view holds it
    finishShow(path, true);
}

void MainWindow::onViewFailed(registry::StudyView* view, const QString& path, const QString& error) {
    if (view != m_openingView || path != m_openingPath) {
        return;
    }
    m_openingView = nullptr;
    m_openingPath.clear();
    m_message->showError(tr("This %1 cannot be shown").arg(m_openingViewName), error);
    m_stack->setCurrentWidget(m_message);
    if (const dicom::InstanceHeader* header = m_index.find(std::filesystem::path(path.toStdString()))) {
        setWindowTitle(tr("Veridicor — %1 (cannot be shown)").arg(recordingTitle(*header)));
    }
    statusBar()->showMessage(error);
    displayFindings();
    refreshReadingRecording();
    finishShow(path, false);
}

void MainWindow::finishShow(const QString& path, bool opened) {
    emit instanceShown(path, opened);
    if (m_checkAfterOpen && m_openingView == nullptr) {
        // The round deferred until the recording on screen is held by its view (startFindingCheck()).
        m_checkAfterOpen = false;
        startFindingCheck();
    }
}

// ---- findings
// ------------------------------------------------------------------------------------------------

void MainWindow::setTrustStoreFolder(const QString& folder) {
    m_trustStore = folder;
    if (!m_scanActive && m_session->hasResult()) {
        startFindingCheck();
    }
}

void MainWindow::setAuditLogFile(const QString& file) {
    m_auditLog = file;
}

void MainWindow::setAuditKeyFile(const QString& file) {
    m_auditKey = file;
}

void MainWindow::setVerificationTime(std::optional<verify::TimePoint> at) {
    m_at = at;
}

void MainWindow::setShowAnywayConfirmation(ShowAnywayConfirmation confirm) {
    m_confirm = std::move(confirm);
}

void MainWindow::setPreconfirmedShowAnyway(const QStringList& ids) {
    m_preconfirmed = ids;
}

void MainWindow::applySettings(const QString& trustStoreFolder, const QString& auditLogFile) {
    QSettings settings;
    settings.setValue(kTrustStoreKey, trustStoreFolder);
    settings.setValue(kAuditLogKey, auditLogFile);
    m_auditLog = auditLogFile;
    m_trustStore = trustStoreFolder;
    statusBar()->showMessage(
        tr("Settings saved; checking the findings again against %1").arg(trustStoreFolder));
    if (!m_scanActive) {
        startFindingCheck();
    }
}

SettingsDialog* MainWindow::openSettings() {
    auto* dialog = new SettingsDialog(m_trustStore, m_auditLog, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setReaderKeyFile(readerKeyFile());
    dialog->setReaderChainFile(readerChainFile());
    dialog->setBlindRead(blindRead());
    dialog->setModelMonitorWindow(modelMonitorWindow());
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        if (dialog->modelMonitorWindow() != modelMonitorWindow()) {
            setModelMonitorWindow(dialog->modelMonitorWindow());
        }
        applyReadingSettings(dialog->readerKeyFile(), dialog->readerChainFile(), dialog->blindRead());
        applySettings(dialog->trustStoreFolder(), dialog->auditLogFile());
    });
    dialog->open();
    return dialog;
}

void MainWindow::openFindings(const QStringList& paths) {
    for (const QString& p : paths) {
        if (!m_findingRoots.contains(p)) {
            m_findingRoots << p;
        }
    }
    if (m_scanActive) {
        return; // they join the load under way
    }
    startFindingCheck();
}

void MainWindow::startFindingCheck() {
    // The flags, not QFuture::isRunning(): a future can be finished while its watcher's signal is still
    // queued, and a round must never be started over one whose result has not been handled.
    if (m_checkActive) {
        m_checkAgain = true;
        return;
    }
    if (m_openingView != nullptr) {
        // The recording on screen is verified as its view holds it: the round starts once the view has it
        // (finishShow()).
        m_checkAfterOpen = true;
        return;
    }
    m_checkAfterOpen = false;
    m_checkActive = true;
    m_checkStudy = m_studyGeneration;
    verify::FindingCheckRequest request;
    for (const dicom::InstanceHeader* h : m_index.allInstances()) {
        request.recordings.push_back({h->path, h->sopInstanceUID});
    }
    request.shownRecording = m_shownPath.toStdString();
    // The recording on screen is verified as its view holds it: verification and display share one read.
    if (const auto shown = shownContent()) {
        request.inputs.push_back(verify::inputFromContent(*shown, request.shownRecording));
    }
    request.trustStore = m_trustStore.toStdString();
    request.at = m_at;
    std::vector<std::filesystem::path> bundles = m_scanFindings;
    std::vector<std::filesystem::path> roots;
    for (const QString& r : m_findingRoots) {
        roots.emplace_back(r.toStdString());
    }
    statusBar()->showMessage(tr("Checking AI findings…"));
    m_check.setFuture(QtConcurrent::run([request, bundles, roots]() mutable {
        for (const auto& root : roots) {
            std::error_code ec;
            if (std::filesystem::is_regular_file(root, ec)) {
                bundles.push_back(root); // chosen explicitly: taken whatever its name
            } else {
                for (auto& f : verify::findFindingFiles(root, true)) {
                    bundles.push_back(std::move(f));
                }
            }
        }
        std::sort(bundles.begin(), bundles.end());
        bundles.erase(std::unique(bundles.begin(), bundles.end()), bundles.end());
        request.bundles = std::move(bundles);
        return verify::checkFindings(request);
    }));
    refreshFindings();
}

void MainWindow::onFindingCheckFinished() {
    m_checkActive = false;
    if (m_scanActive) {
        // A round for a study that is being replaced: its result is dropped; the new scan starts a new round.
        m_checkAgain = false;
        return;
    }
    if (m_checkAgain || m_checkStudy != m_studyGeneration) {
        m_checkAgain = false;
        startFindingCheck();
        return;
    }
    m_session->setResult(m_check.result());
    int trusted = 0;
    for (const FindingEntry& e : m_session->entries()) {
        trusted += e.trusted() ? 1 : 0;
    }
    if (m_presenter->aiHidden()) {
        // Blind read: not even how many there are.
        statusBar()->showMessage(tr("AI findings checked; %1").arg(FindingPresenter::hiddenMessage()));
    } else {
        statusBar()->showMessage(tr("%n AI finding file(s) checked: %1 verified, %2 untrusted", nullptr,
                                    static_cast<int>(m_session->entries().size()))
                                     .arg(trusted)
                                     .arg(static_cast<int>(m_session->entries().size()) - trusted));
    }
    displayFindings();
    for (const QString& id : std::exchange(m_preconfirmed, {})) {
        FindingEntry* e = m_session->find(id);
        if (e == nullptr || !e->canShowAnyway()) {
            const QString message =
                tr("--show-anyway %1: no untrusted finding with readable content has that name")
                    .arg(boundedText(id, kMaxNameChars));
            statusBar()->showMessage(message);
            qWarning("veridicor: %s", qPrintable(message));
            continue;
        }
        showAnywayConfirmed(e->id, tr("requested on the command line (--show-anyway)"));
    }
    emit findingsChecked();
    // The window is ready once the worklist shows this round's AI summary too.
    summarizeIntoWorklist([this, generation = m_studyGeneration] {
        if (m_loading && generation == m_studyGeneration && !m_scanActive && !m_checkActive) {
            m_loading = false;
            emit loadFinished();
        }
    });
}

std::optional<registry::DisplayedContent> MainWindow::shownContent() const {
    if (m_openingView != nullptr) {
        return std::nullopt; // nothing to vouch for until the view has opened the data
    }
    registry::StudyView* view = currentView();
    if (view == nullptr || m_shownPath.isEmpty() || view->currentPath() != m_shownPath) {
        return std::nullopt;
    }
    return view->displayedContent();
}

void MainWindow::displayFindings() {
    const QString problem = m_presenter->present(m_shownPath, shownContent());
    if (!problem.isEmpty()) {
        statusBar()->showMessage(problem);
    }
    refreshFindings();
    pushOverlays();
}

bool MainWindow::showFindingAnyway(const QString& id) {
    using Ask = FindingPresenter::ShowAnyway;
    const Ask ask = m_presenter->requestShowAnyway(id, m_shownPath, shownContent());
    if (ask != Ask::NotAllowed) {
        refreshFindings(); // the verdict may have changed with the data on screen
        pushOverlays();
    }
    if (ask != Ask::Ask) {
        return ask == Ask::AlreadyShown;
    }
    const QString bundleId = m_session->find(id)->id;
    const QStringList reasons = m_presenter->showAnywayReasons(bundleId);
    // The answer holds only for the verdict asked about (the same consent key when it comes).
    const QString asked = m_presenter->consentFor(bundleId);
    auto shownNow = std::make_shared<std::optional<bool>>();
    ShowAnywayAnswer answer = [self = QPointer<MainWindow>(this), bundleId, asked, shownNow](bool confirmed) {
        if (self && !shownNow->has_value()) {
            *shownNow = self->onShowAnywayAnswer(bundleId, asked, confirmed);
        }
    };
    if (m_confirm) {
        m_confirm(bundleId, reasons, std::move(answer));
    } else {
        // Window-modal and opened, not exec()'d: no nested event loop while the reader decides.
        auto* box = new QMessageBox(
            QMessageBox::Warning, tr("Show an untrusted finding?"),
            tr("This AI finding did not pass verification:\n\n%1\n\nIf you show it, it stays marked "
               "UNTRUSTED wherever it appears, and this decision is recorded in the audit log under your "
               "name.")
                .arg(reasons.join(QLatin1Char('\n'))),
            QMessageBox::NoButton, this);
        box->setObjectName(QStringLiteral("showAnywayConfirmation"));
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->setWindowModality(Qt::WindowModal);
        box->setTextFormat(Qt::PlainText);
        QPushButton* show = box->addButton(tr("Show anyway, marked UNTRUSTED"), QMessageBox::AcceptRole);
        box->addButton(QMessageBox::Cancel);
        box->setDefaultButton(QMessageBox::Cancel);
        connect(box, &QMessageBox::finished, this,
                [box, show, answer] { answer(box->clickedButton() == show); });
        box->open();
    }
    return shownNow->value_or(false);
}

bool MainWindow::onShowAnywayAnswer(const QString& id, const QString& askedConsent, bool confirmed) {
    bool shown = false;
    if (!confirmed) {
        statusBar()->showMessage(tr("%1 stays quarantined").arg(boundedText(id, kMaxNameChars)));
    } else {
        shown = showAnywayConfirmed(id, tr("confirmed by the reader"), askedConsent);
    }
    emit showAnywayAnswered(id, shown);
    return shown;
}

bool MainWindow::showAnywayConfirmed(const QString& id, const QString& why, const QString& askedConsent) {
    const FindingPresenter::Outcome outcome =
        m_presenter->confirmShowAnyway(id, why, m_shownPath, shownContent(), askedConsent);
    if (!outcome.status.isEmpty()) {
        statusBar()->showMessage(outcome.status);
    }
    refreshFindings();
    pushOverlays();
    return outcome.shown;
}

void MainWindow::refreshFindings() {
    refreshReadingPanel(); // the findings it may assess are those displayed now
    if (m_presenter->aiHidden()) {
        m_findingsPanel->showHidden(FindingPresenter::hiddenMessage());
        return;
    }
    FindingsPanelContext context;
    context.recordingPath = m_shownPath;
    context.trustStore = m_trustStore;
    context.checking = m_checkActive || m_scanActive || m_checkAfterOpen;
    registry::StudyView* view = currentView();
    context.overlaysSupported = view != nullptr && view->supportsFindingOverlays();
    context.selectedKey = m_selectedKey;
    std::map<QString, FindingsPanelContext::Other> others;
    for (const FindingEntry& e : m_session->entries()) {
        const QString path = e.recordingPath();
        if (e.checked.route == verify::FindingRoute::UnopenedFile || path.isEmpty() || path == m_shownPath ||
            m_index.find(e.checked.recording) == nullptr) {
            continue;
        }
        auto& o = others[path];
        o.path = path;
        (e.trusted() ? o.trusted : o.untrusted) += 1;
    }
    for (auto& [path, o] : others) {
        context.others.push_back(o);
    }
    m_findingsPanel->setEntries(m_presenter->cards(m_shownPath), *m_session, context);
}

void MainWindow::pushOverlays() {
    if (registry::StudyView* view = currentView()) {
        view->setFindingOverlays(m_presenter->overlays(m_shownPath));
    }
}

QStringList MainWindow::findingIds() const {
    QStringList out;
    for (const FindingEntry& e : m_session->entries()) {
        out << e.id;
    }
    return out;
}

bool MainWindow::setFindingVisible(const QString& key, bool visible) {
    if (!m_presenter->isDisplayed(key, m_shownPath)) {
        return false;
    }
    m_session->setHidden(key, !visible);
    pushOverlays();
    refreshFindings();
    return true;
}

bool MainWindow::selectFinding(const QString& key) {
    if (!m_presenter->isDisplayed(key, m_shownPath)) {
        return false;
    }
    m_selectedKey = key;
    if (registry::StudyView* view = currentView()) {
        view->focusFinding(key);
    }
    refreshFindings();
    return true;
}

QDialog* MainWindow::openVerificationDetails(const QString& id) {
    const FindingEntry* e = m_session->find(id);
    if (e == nullptr || !e->checked.verdict || m_presenter->aiHidden()) {
        return nullptr;
    }
    auto* dialog = new VerificationDetailDialog(*e, m_trustStore, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
    return dialog;
}

registry::StudyView* MainWindow::currentView() const {
    return qobject_cast<registry::StudyView*>(m_stack->currentWidget());
}

QStringList MainWindow::visibleTexts() const {
    QStringList out;
    auto add = [&out](const QString& s) {
        if (!s.trimmed().isEmpty()) {
            out << s;
        }
    };
    add(windowTitle());
    const auto widgets = findChildren<QWidget*>();
    for (QWidget* w : widgets) {
        if (!w->isVisible()) {
            continue;
        }
        if (auto* l = qobject_cast<QLabel*>(w)) {
            add(l->text());
        } else if (auto* b = qobject_cast<QAbstractButton*>(w)) {
            add(b->text());
        } else if (auto* e = qobject_cast<QLineEdit*>(w)) {
            add(e->text());
        } else if (auto* pt = qobject_cast<QPlainTextEdit*>(w)) {
            add(pt->toPlainText());
        } else if (auto* te = qobject_cast<QTextEdit*>(w)) {
            add(te->toPlainText());
        } else if (auto* combo = qobject_cast<QComboBox*>(w)) {
            add(combo->currentText());
        } else if (auto* g = qobject_cast<QGroupBox*>(w)) {
            add(g->title());
        } else if (auto* d = qobject_cast<QDockWidget*>(w)) {
            add(d->windowTitle());
        } else if (auto* tb = qobject_cast<QTabBar*>(w)) {
            for (int i = 0; i < tb->count(); ++i)
                add(tb->tabText(i));
        } else if (auto* tree = qobject_cast<QTreeWidget*>(w)) {
            for (QTreeWidgetItemIterator it(tree); *it != nullptr; ++it) {
                if ((*it)->isHidden())
                    continue;
                bool shown = true;
                for (QTreeWidgetItem* p = (*it)->parent(); p != nullptr; p = p->parent()) {
                    if (!p->isExpanded() || p->isHidden())
                        shown = false;
                }
                if (!shown)
                    continue;
                for (int c = 0; c < tree->columnCount(); ++c)
                    add((*it)->text(c));
            }
        } else if (auto* list = qobject_cast<QListWidget*>(w)) {
            for (int i = 0; i < list->count(); ++i) {
                if (!list->item(i)->isHidden())
                    add(list->item(i)->text());
            }
        } else if (auto* table = qobject_cast<QTableWidget*>(w)) {
            for (int r = 0; r < table->rowCount(); ++r) {
                if (table->isRowHidden(r))
                    continue;
                for (int c = 0; c < table->columnCount(); ++c) {
                    if (const QTableWidgetItem* item = table->item(r, c))
                        add(item->text());
                }
            }
        } else if (auto* view = qobject_cast<QTableView*>(w); view != nullptr && view->model() != nullptr) {
            // The worklist: its column titles and every row the filters let through.
            const QAbstractItemModel* m = view->model();
            for (int c = 0; c < m->columnCount(); ++c) {
                add(m->headerData(c, Qt::Horizontal).toString());
            }
            for (int r = 0; r < m->rowCount(); ++r) {
                for (int c = 0; c < m->columnCount(); ++c) {
                    add(m->index(r, c).data().toString());
                }
            }
        } else if (auto* sv = qobject_cast<registry::StudyView*>(w)) {
            for (const QString& s : sv->paintedTexts())
                add(s);
        }
    }
    return out;
}

} // namespace veridicor::ui
