#pragma once

#include <veridicor/dicom/study_index.h>

#include <QFutureWatcher>
#include <QHash>
#include <QMainWindow>
#include <QStringList>

#include <memory>

class QStackedWidget;
class QListWidget;
class QDockWidget;
class QLabel;

namespace veridicor::registry {
class ViewerRegistry;
class StudyView;
} // namespace veridicor::registry

namespace veridicor::ui {

class StudyBrowser;
class HeaderView;
class MessagePage;

/// The workstation's main window: a study browser (patient → study → series → instance) beside the view the
/// registry picks for the selected instance's SOP class.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(const registry::ViewerRegistry& registry, QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Indexes files and folders (recursively, on a worker thread) and shows the first instance.
    void openPaths(const QStringList& paths);

    /// Shows the instance stored at `path` (it must be in the current index).
    bool showInstance(const QString& path);

    /// The text of every visible widget, one entry per widget, in window order (for --dump-visible-text).
    [[nodiscard]] QStringList visibleTexts() const;

    [[nodiscard]] const dicom::StudyIndex& studyIndex() const { return m_index; }
    /// The view currently shown, or nullptr (error page, header view, nothing open).
    [[nodiscard]] registry::StudyView* currentView() const;

signals:
    /// Indexing has finished and the first instance is shown (or its error is): the window is ready to look at.
    void loadFinished();

private:
    void buildMenus();
    void onScanFinished();
    void openFileDialog();
    void openFolderDialog();

    const registry::ViewerRegistry& m_registry;
    StudyBrowser* m_browser = nullptr;
    QListWidget* m_problems = nullptr;
    QDockWidget* m_problemsDock = nullptr;
    QStackedWidget* m_stack = nullptr;
    MessagePage* m_message = nullptr;
    HeaderView* m_header = nullptr;
    QHash<QString, registry::StudyView*> m_views; // one per factory id, created on first use
    QFutureWatcher<dicom::StudyIndex> m_scan;
    dicom::StudyIndex m_index;
    QStringList m_pendingPaths;
};

} // namespace veridicor::ui
