#include <veridicor/ui/main_window.h>

#include "header_view.h"
#include "message_page.h"
#include "study_browser.h"

#include <veridicor/dicom/sop_classes.h>
#include <veridicor/registry/viewer_registry.h>

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDockWidget>
#include <QFileDialog>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabBar>
#include <QTableWidget>
#include <QTextEdit>
#include <QTreeWidget>
#include <QtConcurrent/QtConcurrentRun>

#include <filesystem>

namespace veridicor::ui {

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

    auto* browserDock = new QDockWidget(tr("Studies"), this);
    browserDock->setObjectName(QStringLiteral("studiesDock"));
    m_browser = new StudyBrowser(browserDock);
    browserDock->setWidget(m_browser);
    addDockWidget(Qt::LeftDockWidgetArea, browserDock);
    connect(m_browser, &StudyBrowser::instanceChosen, this, [this](const QString& path) { showInstance(path); });

    m_problemsDock = new QDockWidget(tr("Files that could not be read"), this);
    m_problemsDock->setObjectName(QStringLiteral("problemsDock"));
    m_problems = new QListWidget(m_problemsDock);
    m_problems->setWordWrap(true);
    m_problemsDock->setWidget(m_problems);
    addDockWidget(Qt::LeftDockWidgetArea, m_problemsDock);
    m_problemsDock->hide();

    buildMenus();
    connect(&m_scan, &QFutureWatcher<dicom::StudyIndex>::finished, this, &MainWindow::onScanFinished);
    statusBar()->showMessage(tr("Ready"));
}

MainWindow::~MainWindow() {
    m_scan.waitForFinished();
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* openFile = file->addAction(tr("&Open File…"), this, &MainWindow::openFileDialog);
    openFile->setShortcut(QKeySequence::Open);
    QAction* openFolder = file->addAction(tr("Open &Folder…"), this, &MainWindow::openFolderDialog);
    openFolder->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), qApp, &QApplication::closeAllWindows);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Veridicor"), this, [this] {
        QMessageBox::about(this, tr("About Veridicor"),
                           tr("<b>Veridicor %1</b><p>A cardiology workstation that verifies AI findings before "
                              "showing them.</p>")
                               .arg(QApplication::applicationVersion()));
    });
}

void MainWindow::openFileDialog() {
    const QStringList files = QFileDialog::getOpenFileNames(this, tr("Open DICOM files"));
    if (!files.isEmpty()) {
        openPaths(files);
    }
}

void MainWindow::openFolderDialog() {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open a folder of studies"));
    if (!dir.isEmpty()) {
        openPaths({dir});
    }
}

void MainWindow::openPaths(const QStringList& paths) {
    if (m_scan.isRunning()) {
        m_pendingPaths += paths;
        return;
    }
    std::vector<std::filesystem::path> roots;
    roots.reserve(static_cast<std::size_t>(paths.size()));
    for (const QString& p : paths) {
        roots.emplace_back(p.toStdString());
    }
    statusBar()->showMessage(tr("Reading %1…").arg(paths.join(QStringLiteral(", "))));
    m_scan.setFuture(QtConcurrent::run([roots] { return dicom::scanPaths(roots); }));
}

void MainWindow::onScanFinished() {
    m_index = m_scan.result();
    m_browser->setIndex(m_index);
    m_problems->clear();
    for (const auto& problem : m_index.problems) {
        m_problems->addItem(QString::fromStdString(problem.error.message));
    }
    m_problemsDock->setVisible(!m_index.problems.empty());

    const auto all = m_index.allInstances();
    statusBar()->showMessage(tr("%n instance(s) in %1 file(s) examined", nullptr, static_cast<int>(all.size()))
                                 .arg(m_index.filesExamined));
    if (!all.empty()) {
        showInstance(QString::fromStdString(all.front()->path.string()));
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
        openPaths(next);
        return;
    }
    emit loadFinished();
}

bool MainWindow::showInstance(const QString& path) {
    const dicom::InstanceHeader* header = m_index.find(std::filesystem::path(path.toStdString()));
    if (header == nullptr) {
        return false;
    }
    m_browser->selectPath(path);
    const registry::ViewerFactory* factory = m_registry.viewerFor(header->sopClassUID);
    if (factory == nullptr) {
        m_header->showHeader(*header);
        m_stack->setCurrentWidget(m_header);
        return true;
    }
    registry::StudyView* view = m_views.value(factory->id());
    if (view == nullptr) {
        view = factory->create(m_stack);
        m_views.insert(factory->id(), view);
        m_stack->addWidget(view);
        connect(view, &registry::StudyView::statusMessage, this,
                [this](const QString& text) { statusBar()->showMessage(text); });
    }
    m_stack->setCurrentWidget(view);
    auto opened = view->openInstance(*header);
    if (!opened) {
        m_message->showError(tr("This %1 cannot be shown").arg(factory->displayName()), opened.error());
        m_stack->setCurrentWidget(m_message);
        statusBar()->showMessage(opened.error());
        return false;
    }
    setWindowTitle(tr("Veridicor — %1").arg(QFileInfo(path).fileName()));
    return true;
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
            for (int i = 0; i < tb->count(); ++i) add(tb->tabText(i));
        } else if (auto* tree = qobject_cast<QTreeWidget*>(w)) {
            for (QTreeWidgetItemIterator it(tree); *it != nullptr; ++it) {
                if ((*it)->isHidden()) continue;
                bool shown = true;
                for (QTreeWidgetItem* p = (*it)->parent(); p != nullptr; p = p->parent()) {
                    if (!p->isExpanded() || p->isHidden()) shown = false;
                }
                if (!shown) continue;
                for (int c = 0; c < tree->columnCount(); ++c) add((*it)->text(c));
            }
        } else if (auto* list = qobject_cast<QListWidget*>(w)) {
            for (int i = 0; i < list->count(); ++i) {
                if (!list->item(i)->isHidden()) add(list->item(i)->text());
            }
        } else if (auto* table = qobject_cast<QTableWidget*>(w)) {
            for (int r = 0; r < table->rowCount(); ++r) {
                if (table->isRowHidden(r)) continue;
                for (int c = 0; c < table->columnCount(); ++c) {
                    if (const QTableWidgetItem* item = table->item(r, c)) add(item->text());
                }
            }
        } else if (auto* sv = qobject_cast<registry::StudyView*>(w)) {
            for (const QString& s : sv->paintedTexts()) add(s);
        }
    }
    return out;
}

} // namespace veridicor::ui
