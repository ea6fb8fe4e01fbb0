#pragma once

#include <veridicor/dicom/study_index.h>
#include <veridicor/registry/study_view.h>
#include <veridicor/review/monitor.h>
#include <veridicor/review/reviewed_study.h>
#include <veridicor/verify/finding_discovery.h>
#include <veridicor/verify/time.h>

#include <QFutureWatcher>
#include <QHash>
#include <QMainWindow>
#include <QStringList>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <cstdint>
#include <vector>

class QStackedWidget;
class QListWidget;
class QDockWidget;
class QLabel;
class QDialog;
class QMenu;

namespace veridicor::registry {
class ViewerRegistry;
class StudyView;
} // namespace veridicor::registry

namespace veridicor::worklist {
class DatabaseThread;
class WorklistModel;
} // namespace veridicor::worklist

namespace veridicor::ui {

class StudyBrowser;
class HeaderView;
class MessagePage;
class FindingsPanel;
class FindingSession;
class FindingPresenter;
class FindingAudit;
class SettingsDialog;
class WorklistPanel;
class ReadingPanel;
struct FindingEntry;
struct ReadingState;
struct AdjudicationState;
struct AdjudicationCase;
class AdjudicationPanel;
struct ReviewUiState;

/// What one background scan of the opened paths found: the DICOM index and, in the same walk, the finding
/// files.
struct StudyScan {
    dicom::StudyIndex index;
    std::vector<std::filesystem::path> findings;
    bool findingsTruncated = false;
};

/// The workstation's main window: a study browser (patient → study → series → instance) beside the view the
/// registry picks for the selected instance's SOP class, and the AI findings panel. Findings are verified off
/// the GUI thread before anything of them is shown; only trusted ones (or ones the reader deliberately shows
/// anyway) reach the panel's content and the view, and every such display is written to the audit log first.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    /// The reader's answer to a Show-anyway question: true to show the finding.
    using ShowAnywayAnswer = std::function<void(bool confirmed)>;
    /// Asked before an untrusted (but authenticated) finding is shown anyway, with the bundle's id and its
    /// reasons in plain words; calls `answer` once, now or later (a dialog is not modal to the application).
    /// The default asks with a window-modal message box opened with open(), not exec().
    using ShowAnywayConfirmation =
        std::function<void(const QString& id, const QStringList& reasons, ShowAnywayAnswer answer)>;

    explicit MainWindow(const registry::ViewerRegistry& registry, QWidget* parent = nullptr);
    ~MainWindow() override;
    Q_DISABLE_COPY_MOVE(MainWindow)

    /// Indexes files and folders (recursively, on a worker thread) and shows the first instance; the
    /// `*.finding.json` files found in the same walk (and beside opened files) are verified next.
    void openPaths(const QStringList& paths);
    /// Indexes files and folders into the worklist as openPaths() does — their findings verified, so that the
    /// worklist has each study's AI summary — but opens no recording: the window shows the worklist (the start
    /// screen), and the reader chooses the study (Go › Next Unread Study). loadFinished() follows as for
    /// openPaths(). Without a worklist database it is openPaths().
    void indexPaths(const QStringList& paths);

    /// File › Open findings: finding files, or folders searched (recursively) for `*.finding.json`. They are
    /// routed and verified (off the GUI thread) with the study's own findings. While a study is being opened,
    /// they join that load.
    void openFindings(const QStringList& paths);

    /// Starts showing the instance stored at `path` (it must be in the current index; false otherwise) and
    /// returns at once: its view opens it asynchronously, and its findings are displayed once the view holds
    /// its data. instanceShown() says when. A second call while an open is under way cancels that open.
    bool showInstance(const QString& path);

    /// The text of every visible widget, one entry per widget, in window order (for --dump-visible-text),
    /// including the texts views paint themselves.
    [[nodiscard]] QStringList visibleTexts() const;

    [[nodiscard]] const dicom::StudyIndex& studyIndex() const { return m_index; }
    /// The view currently shown, or nullptr (error page, header view, nothing open).
    [[nodiscard]] registry::StudyView* currentView() const;
    /// The path of the instance on screen (empty when none).
    [[nodiscard]] QString shownInstance() const { return m_shownPath; }

    // ---- worklist
    // ---------------------------------------------------------------------------------------------

    /// Uses the worklist database at `file` (worklist::Database::defaultPath() in the workstation; made when
    /// missing, rebuilt from the files when unusable): every study opened is indexed into it, and the worklist
    /// dock and start screen list every study it holds. Runs on the database's own thread; worklistChanged()
    /// follows once the rows are in.
    void setWorklistDatabase(const QString& file);
    [[nodiscard]] QString worklistDatabase() const { return m_worklistFile; }
    /// The rows the worklist shows (source order), for tests and the command line.
    [[nodiscard]] const worklist::WorklistModel& worklistModel() const { return *m_worklistModel; }
    /// Opens study `studyUid` of the worklist: its first instance when the study is in the open index, else
    /// its files (from the database) are opened first. False when the worklist does not list it.
    bool openStudy(const QString& studyUid);
    /// Go › Next Unread Study / Previous Study, in the worklist's order on screen; false when there is none.
    bool openNextUnread();
    bool openPreviousStudy();

    // ---- findings settings (Settings dialog; the command line overrides them for the session)
    // ----------------

    /// Uses `folder` as the trust store for this session (not saved) and verifies the findings again.
    void setTrustStoreFolder(const QString& folder);
    [[nodiscard]] QString trustStoreFolder() const { return m_trustStore; }
    /// Appends displays to `file` for this session (not saved).
    void setAuditLogFile(const QString& file);
    [[nodiscard]] QString auditLogFile() const { return m_auditLog; }
    /// Signs the audit log's head with the Ed25519 key in `file` (made at first use, 0600, its public key
    /// beside it as `file.pub.pem`) for this session; empty: the default key in the config folder.
    void setAuditKeyFile(const QString& file);
    [[nodiscard]] QString auditKeyFile() const { return m_auditKey; }
    /// Fixes the verification time (--at); nullopt: the time of each check.
    void setVerificationTime(std::optional<verify::TimePoint> at);
    void setShowAnywayConfirmation(ShowAnywayConfirmation confirm);
    /// Bundles (by id or file name) to show anyway as soon as they are verified, without asking: the request
    /// (--show-anyway on the command line) is the deliberate confirmation. Logged like any show-anyway.
    void setPreconfirmedShowAnyway(const QStringList& ids);
    /// Saves the settings (QSettings) and applies them: the findings are verified again.
    void applySettings(const QString& trustStoreFolder, const QString& auditLogFile);
    /// Opens the Settings dialog (window-modal, not blocking); accepting it applies the settings.
    SettingsDialog* openSettings();
    /// Help › Keyboard shortcuts: every shortcut of the window's actions and every key of each registered
    /// view, in one window-modal dialog (opened, not blocking).
    QDialog* openKeyboardShortcuts();

    // ---- findings
    // ----------------------------------------------------------------------------------------------

    /// The ids of every finding bundle of the session (the bundle's file name, with its folder if repeated).
    [[nodiscard]] QStringList findingIds() const;
    /// "Show anyway" for an untrusted finding whose signature and chain passed: asks the confirmation, writes
    /// the audit log (fail closed: nothing is shown when it cannot be written), then shows it marked
    /// UNTRUSTED. True when it is shown on return (already, or the answer came at once); false when refused,
    /// not allowed (unauthenticated, trusted, another recording's), not found, or the answer is still to
    /// come (showAnywayAnswered() reports it).
    bool showFindingAnyway(const QString& id);
    /// The per-finding visibility toggle (overlay key "<bundle id>#<finding id>").
    bool setFindingVisible(const QString& key, bool visible);
    /// Selects a displayed finding: its measurements are listed and the view brings its region into view.
    bool selectFinding(const QString& key);
    /// Opens the verification detail view of a bundle (non-modal); nullptr when it has no verdict (or AI
    /// results are hidden: blind read).
    QDialog* openVerificationDetails(const QString& id);

    // ---- the clinician's reading (main_window_reading.cpp)
    // ------------------------------------------------------------------

    /// Blind read for this session (the saved site setting, on by default, is read at construction; the
    /// Settings dialog saves it; --blind-read overrides it without saving): while on, nothing of any AI result
    /// is shown until the reading of the study on screen is committed.
    void setBlindRead(bool on);
    [[nodiscard]] bool blindRead() const;
    /// AI results are hidden now (blind read, the reading of the study on screen not committed).
    [[nodiscard]] bool aiResultsHidden() const;
    /// The clinician's signing key and certificate chain (PEM) for this session (--reader-key,
    /// --reader-chain); the saved ones come from Settings. Empty: Sign is not available.
    void setReaderKeyFiles(const QString& key, const QString& chain);
    [[nodiscard]] QString readerKeyFile() const;
    [[nodiscard]] QString readerChainFile() const;
    /// Saves and applies the reading settings of the Settings dialog.
    void applyReadingSettings(const QString& key, const QString& chain, bool blindRead);
    [[nodiscard]] ReadingPanel* readingPanel() const;
    /// Commit (preliminary, unsigned SR), Sign (final SR signed with the reader's key) and Amend (the next
    /// reading references the latest signed one). Commit and Sign write on a worker and return at once
    /// (false when they cannot start: the panel says why); readingWritten() follows. Either reveals the AI
    /// results when they were hidden, once the reveal is in the audit log.
    bool commitReading();
    bool signReading();
    bool amendReading();
    /// Where the reading SRs of a recording are written: beside it when its folder is writable, else
    /// <app data dir>/readings/<Study Instance UID>.
    [[nodiscard]] static QString readingFolderFor(const QString& recordingPath, const QString& studyUid);

    // ---- the report (main_window_report.cpp)
    // -------------------------------------------------------------------------------------

    /// File › Export Report…: writes the report of the recording on screen to `pdfPath` (report/: the ECG on
    /// true-scale paper, its reading in force — the latest signed and verified one, else the latest found —
    /// and its findings as this window verified them) on a worker, and returns at once; reportExported()
    /// follows. False when it cannot start: nothing on screen, or AI results hidden (blind read).
    bool exportReport(const QString& pdfPath);
    // ---- adjudication (main_window_adjudication.cpp)
    // ------------------------------------------------------------------

    /// Adjudication › Send to Adjudication: records in the worklist database and the audit log that the study
    /// on screen, whose signed reading disagrees with its verified AI findings, needs a second reader; false
    /// (and why, in adjudicationRequested()) when it has no such discordance or AI results are hidden.
    bool sendToAdjudication();
    /// Adjudication › Adjudicate: the Adjudication panel with the discordant categories of the study on
    /// screen (not while its AI results are hidden: the adjudicator must see the AI); false when there is
    /// nothing to adjudicate (the panel says why).
    bool openAdjudication();
    /// Signs the panel's adjudication with the reader key (--reader-key / --reader-chain) beside the
    /// readings, verifies it, records it; adjudicationWritten() follows.
    bool signAdjudication();
    /// The worklist filter "to adjudicate": only studies with an open adjudication request.
    void setToAdjudicateFilter(bool on);
    [[nodiscard]] AdjudicationPanel* adjudicationPanel() const;

signals:
    /// exportReport() finished: the PDF is at `path` (`ok`), or `message` says why not (no PDF is left).
    void reportExported(const QString& path, bool ok, const QString& message);

public:
    // ---- the AI beside the clinician (main_window_review.cpp)
    // ------------------------------------------------------------------

    /// Export CSV… / Export JSON… of the agreement statistics: the studies shown (within the window's dates)
    /// and the window, as the parent of a file dialog.
    using ReviewExport = std::function<void(const review::ReviewSet& shown, QWidget* parent)>;
    /// The reviewed studies the agreement statistics and the model monitor count (built from the worklist
    /// database or a folder by the caller). Runs the model monitor over them in signing order (window: the
    /// site setting, modelMonitorWindow()); each alert not recorded before is written to the audit log once
    /// ("model-alert") and shown on the worklist's "model behaviour changed" banner until dismissed.
    void setReviewSet(review::ReviewSet set);
    [[nodiscard]] const review::ReviewSet& reviewSet() const;
    /// The monitor's alerts for the last setReviewSet() (all of them, dismissed or not).
    [[nodiscard]] const std::vector<review::Alert>& modelAlerts() const;
    /// The alerts on the worklist's banner now (not dismissed), in words.
    [[nodiscard]] QStringList modelAlertTexts() const;
    /// Dismisses an alert for this session (its key: model|version|category|figure|reading).
    bool dismissModelAlert(const QString& key);
    /// View › Agreement Statistics…: the window over reviewSet() (made once, raised again after).
    QWidget* openAgreementStatistics();
    /// Connects the window's Export CSV… / Export JSON… buttons (they stay disabled without a function).
    void setAgreementExport(ReviewExport csv, ReviewExport json);
    /// The site setting "Model monitor window" (readings; default 200), saved with the Settings dialog;
    /// setting it runs the monitor again.
    [[nodiscard]] int modelMonitorWindow() const;
    void setModelMonitorWindow(int readings);
    static constexpr int kDefaultModelMonitorWindow = 200;
    /// The side-by-side panel's content as text (its heading, rows and lists), for tests.
    [[nodiscard]] QStringList sideBySideTexts() const;

signals:
    /// setReviewSet() ran the monitor: modelAlerts() holds its alerts.
    void modelAlertsChanged();
    /// Indexing has finished, the first instance is shown (or its error is) and the findings discovered with
    /// the study are verified and in the panel: the window is ready to look at.
    void loadFinished();
    /// A verification round of the findings has finished and the panel shows its result.
    void findingsChecked();
    /// The reader answered a Show-anyway question about bundle `id`; `shown`: it is shown now.
    void showAnywayAnswered(const QString& id, bool shown);
    /// The worklist's rows were reloaded from the database (or could not be: the worklist then says why).
    void worklistChanged();
    /// showInstance(path) has finished: the view opened it (`opened`) or the window shows why it cannot, and
    /// its findings are displayed. Not emitted for an open cancelled by another one.
    void instanceShown(const QString& path, bool opened);
    /// A reading SR was written to `path` (`ok`), or could not be (`message` says why; the panel keeps its
    /// content).
    void readingWritten(const QString& path, bool ok, const QString& message);
    /// The study's reading SRs were verified against the recording on screen and the panel shows them.
    void readingsChecked();
    /// Send to Adjudication was recorded (`ok`) or not (`message` says why).
    void adjudicationRequested(bool ok, const QString& message);
    /// An adjudication SR was written to `path` and verified (`ok`), or not (`message` says why).
    void adjudicationWritten(const QString& path, bool ok, const QString& message);

private:
    void buildMenus();
    void startScan(const QStringList& paths);
    void cancelOpening();
    void refreshProblems();
    void onViewOpened(registry::StudyView* view, const QString& path);
    void onViewFailed(registry::StudyView* view, const QString& path, const QString& error);
    void finishShow(const QString& path, bool opened);
    [[nodiscard]] QString recordingTitle(const dicom::InstanceHeader& header) const;
    void onScanFinished();
    void startFindingCheck();
    void onFindingCheckFinished();
    void displayFindings();
    void refreshFindings();
    void pushOverlays();
    bool showAnywayConfirmed(const QString& id, const QString& why, const QString& askedConsent = {});
    bool onShowAnywayAnswer(const QString& id, const QString& askedConsent, bool confirmed);
    /// What the view on screen holds and draws for the shown instance (nullopt: nothing it can vouch for).
    [[nodiscard]] std::optional<registry::DisplayedContent> shownContent() const;
    /// Reloads the worklist's rows from the database; `after` runs once they are in (at once without one).
    void refreshWorklist(const std::function<void()>& after = {});
    void indexIntoWorklist();
    void summarizeIntoWorklist(const std::function<void()>& after = {});
    void showStartScreenIfEmpty();
    /// The instance study `studyUid` opens on (any study when empty): its first instance a registered view
    /// shows, else its first; nullptr when the open index holds none of it.
    [[nodiscard]] const dicom::InstanceHeader* instanceToOpen(const QString& studyUid) const;
    void openFileDialog();
    void openFolderDialog();
    void openFindingsDialog(bool folder);
    // The reading (main_window_reading.cpp).
    void buildReadingDock();
    void buildReadingMenu();
    void readingStudyShown(const QString& studyUid);
    void refreshReadingRecording();
    void refreshReadingPanel();
    void refreshSigning();
    void startReadingCheck();
    void onReadingCheckFinished();
    bool writeReading(bool sign);
    void onReadingWritten();
    /// Appends a reading event to the audit log; "" or why it could not be.
    QString auditReading(const char* event, const QString& recording,
                         const std::optional<dicom::ContentIdentity>& shown, const QString& srPath,
                         const QString& srSha256, const QString& detail);
    void applyAiMaskToWorklist();
    // The report (main_window_report.cpp).
    void addReportActions(QMenu* file);
    void openExportReportDialog();
    // Adjudication (main_window_adjudication.cpp).
    void buildAdjudication();
    [[nodiscard]] std::optional<AdjudicationCase> currentDiscordance(QString* why) const;
    void onAdjudicationWritten();
    // The review of the AI beside the clinician (main_window_review.cpp).
    void buildReviewUi();
    void refreshSideBySide();
    void noteReadingWritten(const QString& studyUid, const QString& recording, const reading::Reading& content,
                            bool sign);
    void runModelMonitor();
    // The reviews table behind the statistics and the monitor (main_window_review_data.cpp).
    void recordShownReview(const QString& readingUid, const QString& reader, std::int64_t signedAt,
                           const std::vector<reading::CodedStatement>& statements,
                           const std::vector<const FindingEntry*>& entries, review::Domain domain);
    void reloadReviewSet();
    void installAgreementExport();
    /// The agreement window's "Count" box: the whole worklist, the studies it shows, or a folder (asked for,
    /// then verified file by file on a worker).
    void countAgreementSource(int source);

    const registry::ViewerRegistry& m_registry;
    StudyBrowser* m_browser = nullptr;
    QListWidget* m_problems = nullptr;
    QDockWidget* m_problemsDock = nullptr;
    QDockWidget* m_findingsDock = nullptr;
    FindingsPanel* m_findingsPanel = nullptr;
    QStackedWidget* m_stack = nullptr;
    MessagePage* m_message = nullptr;
    HeaderView* m_header = nullptr;
    QWidget* m_startPage = nullptr;          ///< the start screen: the worklist while nothing is open
    WorklistPanel* m_worklistStart = nullptr; ///< the start screen's worklist
    WorklistPanel* m_worklistDockPanel = nullptr;
    QDockWidget* m_worklistDock = nullptr;
    worklist::WorklistModel* m_worklistModel = nullptr;
    std::unique_ptr<worklist::DatabaseThread> m_worklistDb;
    QString m_worklistFile;
    QString m_worklistStudy;     ///< the study opened from the worklist (selected in both panels)
    bool m_indexOnly = false;    ///< the scan under way was asked by indexPaths(): show the worklist, not a study
    QString m_pendingStudyOpen;  ///< a worklist study whose files are being opened; shown when indexed
    QHash<QString, registry::StudyView*> m_views; // one per factory id, created on first use
    QFutureWatcher<StudyScan> m_scan;
    dicom::StudyIndex m_index;
    QStringList m_pendingPaths;
    QStringList m_scanPaths;       ///< what the scan under way (or the last one) was asked to open
    QStringList m_rootsBeforeScan; ///< finding roots of the study on screen while a scan may replace it
    std::vector<dicom::ScanProblem> m_notOpened; ///< files of the last scan not opened, with the reason
    bool m_findingsTruncated = false;
    QString m_problemsNote; ///< heads the list when the last open found nothing to show (the study stayed)
    QString m_shownPath;
    registry::StudyView* m_openingView = nullptr; ///< the view opening m_openingPath, until it answers
    QString m_openingPath;
    QString m_openingViewName;
    QString m_openingStatus;
    bool m_checkAfterOpen = false; ///< a finding round waits for the open under way (startFindingCheck())

    // Findings: what is shown is decided by the presenter (ui/findings); the window wires it.
    std::unique_ptr<FindingAudit> m_audit;
    std::unique_ptr<FindingPresenter> m_presenter;
    FindingSession* m_session = nullptr; ///< the presenter's
    QFutureWatcher<verify::FindingCheckResult> m_check;
    std::vector<std::filesystem::path> m_scanFindings;
    QStringList m_findingRoots;
    bool m_checkAgain = false;
    bool m_loading = false;
    bool m_scanActive = false;  ///< a scan is started and its result not yet handled
    bool m_checkActive = false; ///< a verification round is started and its result not yet handled
    int m_studyGeneration = 0;  ///< counts scans: a round belongs to the study it started with
    int m_checkStudy = 0;
    QString m_trustStore;
    QString m_auditLog;
    QString m_auditKey; // empty: verify::AuditKey's default in the config folder
    std::optional<verify::TimePoint> m_at;
    ShowAnywayConfirmation m_confirm;
    QStringList m_preconfirmed;
    QString m_selectedKey;
    std::unique_ptr<ReadingState> m_reading;
    std::unique_ptr<AdjudicationState> m_adjudication;
    std::unique_ptr<ReviewUiState> m_review;
};

} // namespace veridicor::ui
