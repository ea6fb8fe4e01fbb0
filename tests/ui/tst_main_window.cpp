// The main window: opening a folder fills the study browser; objects without a view show their header;
// files that cannot be read are listed with their reason, never silently dropped. Opening is asynchronous
// (a second open cancels the first); what the browser selects — by keyboard too — is what is shown, and the
// title and status bar name the patient and recording on screen.
#include "open_wait.h"
#include "test_data.h"

#include <veridicor/dicom/dicom_env.h>
#include <veridicor/registry/viewer_registry.h>
#include <veridicor/ui/main_window.h>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>

#include <QAction>
#include <QDialog>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTimer>
#include <QTreeWidget>
#include <QtTest>

#include <functional>
#include <memory>

using namespace veridicor;

namespace {

/// A view kind that makes no view but says which keys its views take (as the real factories do).
class KeysFactory : public registry::ViewerFactory {
public:
    [[nodiscard]] QString id() const override { return QStringLiteral("keys"); }
    [[nodiscard]] QString displayName() const override { return QStringLiteral("Test view"); }
    [[nodiscard]] std::vector<std::string> sopClasses() const override { return {"1.2.3.4.5"}; }
    registry::StudyView* create(QWidget*) const override { return nullptr; }
    [[nodiscard]] std::vector<registry::KeyHelp> keyboardShortcuts() const override {
        return {{QStringLiteral("Space"), QStringLiteral("Play the test view")}};
    }
};

QMenu* menuNamed(ui::MainWindow& w, const QString& title) {
    for (QAction* a : w.menuBar()->actions()) {
        if (a->menu() != nullptr && a->text().remove(QLatin1Char('&')) == title) {
            return a->menu();
        }
    }
    return nullptr;
}

/// A view for the ECG SOP classes that "reads" for `kDelayMs` and then answers, like the real views do
/// (never from within openInstance()); it remembers every path it announced as opened.
class SlowView : public registry::StudyView {
public:
    static constexpr int kDelayMs = 300;
    using registry::StudyView::StudyView;
    void openInstance(const dicom::InstanceHeader& header) override {
        m_path = QString::fromStdString(header.path.string());
        const OpenTicket ticket = beginOpen();
        QTimer::singleShot(kDelayMs, this, [this, ticket, path = m_path] {
            if (!isCurrentOpen(ticket)) {
                return;
            }
            endOpen();
            shown << path;
            emit opened(path);
        });
    }
    void cancelOpen() override {
        if (abandonOpen()) {
            m_path.clear();
        }
    }
    [[nodiscard]] QString currentPath() const override { return m_path; }

    QStringList shown;

private:
    QString m_path;
};

class SlowFactory : public registry::ViewerFactory {
public:
    [[nodiscard]] QString id() const override { return QStringLiteral("slow"); }
    [[nodiscard]] QString displayName() const override { return QStringLiteral("Slow test view"); }
    [[nodiscard]] std::vector<std::string> sopClasses() const override {
        return {"1.2.840.10008.5.1.4.1.1.9.1.1", "1.2.840.10008.5.1.4.1.1.9.1.2",
                "1.2.840.10008.5.1.4.1.1.9.1.3", "1.2.840.10008.5.1.4.1.1.9.2.1"};
    }
    registry::StudyView* create(QWidget* parent) const override { return new SlowView(parent); }
};

QTreeWidget* browserOf(ui::MainWindow& w) {
    auto* dock = w.findChild<QDockWidget*>(QStringLiteral("studiesDock"));
    return dock != nullptr ? qobject_cast<QTreeWidget*>(dock->widget()) : nullptr;
}

constexpr int kPathRole = Qt::UserRole + 1; // StudyBrowser::PathRole

} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QVERIFY(dicom::initializeDicom().hasValue()); }

    void openingAFolderFillsTheBrowser() {
        VERIDICOR_SHARED_FILE(sr, "sr/reportsi.dcm");
        QTemporaryDir dir;
        QVERIFY(QFile::copy(sr, dir.filePath(QStringLiteral("report"))));
        {
            QFile bad(dir.filePath(QStringLiteral("bad.dcm")));
            QFile src(sr);
            QVERIFY(bad.open(QIODevice::WriteOnly) && src.open(QIODevice::ReadOnly));
            bad.write(src.read(src.size() - 40));
        }
        registry::ViewerRegistry reg; // no views: the SR falls back to its header listing
        ui::MainWindow window(reg);
        window.show();
        QSignalSpy loaded(&window, &ui::MainWindow::loadFinished);
        window.openPaths({dir.path()});
        QVERIFY(loaded.wait(20000));
        QCOMPARE(window.studyIndex().instances, std::size_t{1});
        const QString texts = window.visibleTexts().join(QLatin1Char('\n'));
        QVERIFY2(texts.contains(QStringLiteral("no viewer for this kind of object")), qPrintable(texts));
        QVERIFY2(texts.contains(QStringLiteral("truncated")), qPrintable(texts)); // the broken copy is listed
        QVERIFY(window.currentView() == nullptr);
        // The header is listed from a worker thread: the window answers at once, the listing follows.
        const auto listed = [&] {
            return window.visibleTexts().join(QLatin1Char('\n')).contains(QStringLiteral("(0008,0016)"));
        };
        QTRY_VERIFY_WITH_TIMEOUT(listed(), 20000);
        QVERIFY(!window.visibleTexts().join(QLatin1Char('\n')).contains(QStringLiteral("Reading the header")));
    }

    void aHeaderIsListedWithoutHoldingTheWindow() {
        VERIDICOR_SHARED_FILE(sr, "sr/reportsi.dcm");
        QTemporaryDir dir;
        QVERIFY(QFile::copy(sr, dir.filePath(QStringLiteral("report"))));
        registry::ViewerRegistry reg;
        ui::MainWindow window(reg);
        window.show();
        QSignalSpy loaded(&window, &ui::MainWindow::loadFinished);
        window.openPaths({dir.path()});
        QVERIFY(loaded.wait(20000));
        const QString report = QDir(dir.path()).absoluteFilePath(QStringLiteral("report"));
        test::LoopDepthProbe probe;
        QVERIFY(window.showInstance(report));
        // Right after the call the title is there and the listing is still being read on the worker.
        const QString texts = window.visibleTexts().join(QLatin1Char('\n'));
        QVERIFY2(texts.contains(QStringLiteral("no viewer for this kind of object")), qPrintable(texts));
        QVERIFY2(texts.contains(QStringLiteral("Reading the header")), qPrintable(texts));
        QVERIFY(test::pumpUntil(
            [&] { return window.visibleTexts().join(QLatin1Char('\n')).contains(QStringLiteral("(0008,0016)")); },
            20000));
        QCOMPARE(probe.nestedLevels(), 0);
    }

    void openingIsAsynchronousAndASecondOpenCancelsTheFirst() {
        VERIDICOR_SHARED_FILE(ecg, "ecg/wave_dfl.dcm");
        QTemporaryDir dir;
        QVERIFY(QFile::copy(ecg, dir.filePath(QStringLiteral("a.dcm"))));
        {
            // b.dcm: the same recording as another instance (the index lists a repeated UID as a problem).
            DcmFileFormat file;
            QVERIFY(file.loadFile(ecg.toStdString().c_str()).good());
            QVERIFY(file.getDataset()
                        ->putAndInsertString(DCM_SOPInstanceUID, "1.2.826.0.1.3680043.10.1001.99")
                        .good());
            QVERIFY(file.saveFile(dir.filePath(QStringLiteral("b.dcm")).toStdString().c_str()).good());
        }
        registry::ViewerRegistry reg;
        reg.add(std::make_unique<SlowFactory>());
        ui::MainWindow window(reg);
        window.show();
        QSignalSpy loaded(&window, &ui::MainWindow::loadFinished);
        QSignalSpy shown(&window, &ui::MainWindow::instanceShown);
        // loadFinished comes only once the first instance is on screen (the view answered) and findings are
        // checked.
        bool openedAtLoad = false;
        connect(&window, &ui::MainWindow::loadFinished, this, [&] {
            auto* v = dynamic_cast<SlowView*>(window.currentView());
            openedAtLoad = v != nullptr && !v->shown.isEmpty() && !v->isOpening();
        });
        window.openPaths({dir.path()});
        QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 1, 20000);
        QVERIFY(openedAtLoad);
        QCOMPARE(shown.size(), 1);
        auto* view = dynamic_cast<SlowView*>(window.currentView());
        QVERIFY(view != nullptr);
        const QString a = dir.filePath(QStringLiteral("a.dcm"));
        const QString b = dir.filePath(QStringLiteral("b.dcm"));
        view->shown.clear();
        shown.clear();

        // A, then B at once: B wins, A is never announced or shown; no nested loop meanwhile.
        test::LoopDepthProbe probe;
        QVERIFY(window.showInstance(a));
        QVERIFY(view->isOpening());
        QVERIFY(shown.isEmpty()); // returns at once
        QVERIFY(window.showInstance(b));
        QVERIFY(test::pumpUntil([&] { return !shown.isEmpty(); }, 10000));
        test::pumpUntil([] { return false; }, 2 * SlowView::kDelayMs);
        QCOMPARE(probe.nestedLevels(), 0);
        QCOMPARE(shown.size(), 1);
        QCOMPARE(shown.first().at(0).toString(), b);
        QCOMPARE(view->shown, QStringList{b});
        QCOMPARE(window.shownInstance(), b);
        QVERIFY2(window.windowTitle().contains(QStringLiteral("b.dcm")), qPrintable(window.windowTitle()));
    }

    void whatIsSelectedIsWhatIsShownAndTheTitleNamesIt() {
        VERIDICOR_SHARED_FILE(ecg, "ecg/wave_dfl.dcm");
        VERIDICOR_SHARED_FILE(sr, "sr/report_dfl.dcm");
        QTemporaryDir dir;
        QVERIFY(QFile::copy(ecg, dir.filePath(QStringLiteral("ecg.dcm"))));
        QVERIFY(QFile::copy(sr, dir.filePath(QStringLiteral("report.dcm"))));
        const QString ecgPath = dir.filePath(QStringLiteral("ecg.dcm"));
        const QString srPath = dir.filePath(QStringLiteral("report.dcm"));
        // The patient and file each instance must be named by (the SR has no view: its header is shown).
        const QMap<QString, QStringList> names{
            {ecgPath, {QStringLiteral("Patient, Test"), QStringLiteral("ecg.dcm")}},
            {srPath, {QStringLiteral("Osterman, Phillip B."), QStringLiteral("report.dcm")}}};
        registry::ViewerRegistry reg;
        reg.add(std::make_unique<SlowFactory>());
        ui::MainWindow window(reg);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QSignalSpy loaded(&window, &ui::MainWindow::loadFinished);
        window.openPaths({dir.path()});
        QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 1, 20000);
        QTreeWidget* tree = browserOf(window);
        QVERIFY(tree != nullptr);
        tree->setFocus();

        auto checkShown = [&](const QString& path, bool statusNamesIt = true) {
            const QStringList& expected = names[path];
            const QString other = path == ecgPath ? srPath : ecgPath;
            QTRY_COMPARE_WITH_TIMEOUT(window.shownInstance(), path, 10000);
            // Title and status bar follow once the view answered (the slow view takes a while).
            QTRY_VERIFY_WITH_TIMEOUT(window.currentView() == nullptr || !window.currentView()->isOpening(),
                                     10000);
            const QString title = window.windowTitle();
            const QString status = window.statusBar()->currentMessage();
            for (const QString& n : expected) {
                QVERIFY2(title.contains(n), qPrintable(title));
                QVERIFY2(!statusNamesIt || status.contains(n), qPrintable(status));
            }
            for (const QString& n : names[other]) {
                QVERIFY2(!title.contains(n), qPrintable(title));
                QVERIFY2(!status.contains(n), qPrintable(status));
            }
            const auto selected = tree->selectedItems();
            QCOMPARE(selected.size(), 1);
            QCOMPARE(selected.first()->data(0, kPathRole).toString(), path);
        };
        checkShown(window.shownInstance(), false); // the status bar reports the finding check now
        // Down through every row and back up: instance rows are shown as the keyboard reaches them; on a
        // patient, study or series row the selection stays on the instance on screen.
        QSet<QString> reached{window.shownInstance()};
        bool keyboardShown = false;
        for (int key : {Qt::Key_Down, Qt::Key_Up}) {
            for (int i = 0; i < 12; ++i) {
                const QString before = window.shownInstance();
                QTest::keyClick(tree, static_cast<Qt::Key>(key));
                const QString path = tree->currentItem()->data(0, kPathRole).toString();
                if (!path.isEmpty()) {
                    // The status bar names an instance when it is shown; a key that stays on the instance
                    // already on screen (the window opens on the recording, wherever its row is) shows nothing
                    // new, and the status keeps the finding check's report.
                    keyboardShown = keyboardShown || path != before;
                    checkShown(path, keyboardShown);
                    reached << path;
                } else {
                    checkShown(window.shownInstance(), keyboardShown);
                }
                if (QTest::currentTestFailed()) {
                    return;
                }
            }
        }
        QCOMPARE(reached.size(), 2);
    }

    void openingAFileThatIsNotDicomKeepsTheStudyAndSaysWhy() {
        VERIDICOR_SHARED_FILE(ecg, "ecg/wave_dfl.dcm");
        QTemporaryDir dir;
        QVERIFY(QFile::copy(ecg, dir.filePath(QStringLiteral("ecg.dcm"))));
        const QString notes = dir.filePath(QStringLiteral("notes.txt"));
        {
            QFile f(notes);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("hello");
        }
        registry::ViewerRegistry reg;
        reg.add(std::make_unique<SlowFactory>());
        ui::MainWindow window(reg);
        window.show();
        QSignalSpy loaded(&window, &ui::MainWindow::loadFinished);
        window.openPaths({dir.filePath(QStringLiteral("ecg.dcm"))});
        QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 1, 20000);
        const QString shown = window.shownInstance();
        QVERIFY(!shown.isEmpty());
        const QString title = window.windowTitle();

        window.openPaths({notes});
        QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 2, 20000);
        // The study on screen stays: index, instance, view and title.
        QCOMPARE(window.studyIndex().instances, std::size_t{1});
        QCOMPARE(window.shownInstance(), shown);
        QVERIFY(window.currentView() != nullptr);
        QCOMPARE(window.windowTitle(), title);
        const QString texts = window.visibleTexts().join(QLatin1Char('\n'));
        QVERIFY2(!texts.contains(QStringLiteral("No DICOM files found")), qPrintable(texts));
        QVERIFY2(texts.contains(QStringLiteral("'%1' is not a DICOM file").arg(notes)), qPrintable(texts));
        QVERIFY2(
            texts.contains(QStringLiteral("Nothing in %1 could be opened (1 file(s) examined); the study on "
                                          "screen stays.")
                               .arg(notes)),
            qPrintable(texts));
    }

    void aMixedFolderListsEveryFileNotOpened() {
        VERIDICOR_SHARED_FILE(ecg, "ecg/wave_dfl.dcm");
        QTemporaryDir dir;
        QVERIFY(QFile::copy(ecg, dir.filePath(QStringLiteral("ecg.dcm"))));
        auto write = [&](const QString& name, const QByteArray& bytes) {
            QFile f(dir.filePath(name));
            return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
        };
        QVERIFY(write(QStringLiteral("notes.txt"), "not dicom"));
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("sub")));
        QVERIFY(write(QStringLiteral("sub/picture.png"),
                      QByteArray("\x89PNG\r\n\x1a\n", 8) + QByteArray(300, 'x')));
        // Read as an AI finding and its attachment (the findings panel reports on them), not as a study.
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("ai")));
        QVERIFY(write(QStringLiteral("ai/ecg.finding.json"), "{}"));
        QVERIFY(write(QStringLiteral("ai/ecg-relevance.u8"), QByteArray(64, '\x01')));
        {
            QFile src(ecg);
            QVERIFY(src.open(QIODevice::ReadOnly));
            QVERIFY(write(QStringLiteral("cut.dcm"), src.read(src.size() / 2)));
        }
        registry::ViewerRegistry reg;
        reg.add(std::make_unique<SlowFactory>());
        ui::MainWindow window(reg);
        window.show();
        QSignalSpy loaded(&window, &ui::MainWindow::loadFinished);
        window.openPaths({dir.path()});
        QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 1, 20000);
        QCOMPARE(window.studyIndex().instances, std::size_t{1});
        auto* dock = window.findChild<QDockWidget*>(QStringLiteral("problemsDock"));
        QVERIFY(dock != nullptr && dock->isVisible());
        auto* list = qobject_cast<QListWidget*>(dock->widget());
        QVERIFY(list != nullptr);
        QStringList items;
        for (int i = 0; i < list->count(); ++i) {
            items << list->item(i)->text();
        }
        const QString all = items.join(QLatin1Char('\n'));
        QCOMPARE(items.size(), 3);
        QVERIFY2(
            all.contains(
                QStringLiteral("'%1' is not a DICOM file").arg(dir.filePath(QStringLiteral("notes.txt")))),
            qPrintable(all));
        QVERIFY2(all.contains(QStringLiteral("'%1' is not a DICOM file")
                                  .arg(dir.filePath(QStringLiteral("sub/picture.png")))),
                 qPrintable(all));
        QVERIFY2(all.contains(QStringLiteral("cut.dcm")) && all.contains(QStringLiteral("truncated")),
                 qPrintable(all));
        QVERIFY2(!all.contains(QStringLiteral("ecg.finding.json")), qPrintable(all));
        QVERIFY2(!all.contains(QStringLiteral("ecg-relevance.u8")), qPrintable(all));
    }

    void aFolderWithoutDicomSaysSo() {
        QTemporaryDir dir;
        QFile f(dir.filePath(QStringLiteral("x.txt")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("hello");
        f.close();
        registry::ViewerRegistry reg;
        ui::MainWindow window(reg);
        window.show();
        QSignalSpy loaded(&window, &ui::MainWindow::loadFinished);
        window.openPaths({dir.path()});
        QVERIFY(loaded.wait(20000));
        const QString texts = window.visibleTexts().join(QLatin1Char('\n'));
        QVERIFY2(texts.contains(QStringLiteral("No DICOM files found")), qPrintable(texts));
    }

    void aClosedDockCanBeOpenedAgainFromTheViewMenu() {
        registry::ViewerRegistry reg;
        ui::MainWindow window(reg);
        window.show();
        QMenu* view = menuNamed(window, QStringLiteral("View"));
        QVERIFY(view != nullptr);
        const auto docks = window.findChildren<QDockWidget*>();
        QCOMPARE(docks.size(), 7); // worklist, studies, files that could not be read, AI findings, reading, adjudication, side by side
        for (QDockWidget* dock : docks) {
            QVERIFY2(view->actions().contains(dock->toggleViewAction()), qPrintable(dock->windowTitle()));
            dock->show();
            dock->close();
            QVERIFY(!dock->isVisible());
            dock->toggleViewAction()->trigger(); // as the View menu does
            QVERIFY2(dock->isVisible(), qPrintable(dock->windowTitle()));
        }
    }

    void fileChoosersAreOpenedNotRun() {
        // Every chooser of the File menu is a window-modal dialog opened with open(): the action returns
        // while it is up (QFileDialog's static getters would wait in a nested event loop). Accepting one
        // opens what was chosen.
        VERIDICOR_SHARED_FILE(sr, "sr/reportsi.dcm");
        QTemporaryDir dir;
        QVERIFY(QFile::copy(sr, dir.filePath(QStringLiteral("report.dcm"))));
        registry::ViewerRegistry reg;
        ui::MainWindow window(reg);
        window.show();
        QMenu* file = menuNamed(window, QStringLiteral("File"));
        QVERIFY(file != nullptr);
        const QStringList choosers{QStringLiteral("Open File…"), QStringLiteral("Open Folder…"),
                                   QStringLiteral("Open Findings…"), QStringLiteral("Open Findings Folder…")};
        for (const QString& name : choosers) {
            QAction* item = nullptr;
            for (QAction* a : file->actions()) {
                if (a->text().remove(QLatin1Char('&')) == name) {
                    item = a;
                }
            }
            QVERIFY2(item != nullptr, qPrintable(name));
            // Should the action wait for an answer, this closes the chooser so that the test fails, not
            // hangs.
            QTimer::singleShot(3000, &window, [&window] {
                for (auto* d : window.findChildren<QFileDialog*>()) {
                    d->reject();
                }
            });
            item->trigger();
            auto* dialog = window.findChild<QFileDialog*>();
            QVERIFY2(dialog != nullptr && dialog->isVisible(),
                     qPrintable(name)); // we are here while it is up
            QCOMPARE(dialog->windowModality(), Qt::WindowModal);
            if (name == QStringLiteral("Open Folder…")) {
                QSignalSpy loaded(&window, &ui::MainWindow::loadFinished);
                dialog->setDirectory(dir.path());
                static_cast<QDialog*>(dialog)->accept(); // QFileDialog::accept() is protected
                QVERIFY(loaded.wait(20000));
                QCOMPARE(window.studyIndex().instances, std::size_t{1});
            } else {
                dialog->reject();
            }
            QTRY_VERIFY(window.findChild<QFileDialog*>() == nullptr); // deleted when closed
        }
    }

    void keyboardShortcutsListEveryKey() {
        registry::ViewerRegistry reg;
        reg.add(std::make_unique<KeysFactory>());
        ui::MainWindow window(reg);
        window.show();
        QMenu* help = menuNamed(window, QStringLiteral("Help"));
        QVERIFY(help != nullptr);
        QAction* item = nullptr;
        for (QAction* a : help->actions()) {
            if (a->text().remove(QLatin1Char('&')) == QStringLiteral("Keyboard Shortcuts…")) {
                item = a;
            }
        }
        QVERIFY(item != nullptr);
        item->trigger();
        auto* dialog = window.findChild<QDialog*>(QStringLiteral("keyboardShortcuts"));
        QVERIFY(dialog != nullptr);
        QTRY_VERIFY(dialog->isVisible()); // opened, not exec()'d: we are here while it is up
        QCOMPARE(dialog->windowModality(), Qt::WindowModal);
        const QString texts = window.visibleTexts().join(QLatin1Char('\n'));
        // Every action of the menus that has a shortcut, and the view's keys.
        std::function<void(const QList<QAction*>&)> walk = [&](const QList<QAction*>& actions) {
            for (QAction* a : actions) {
                if (a->menu() != nullptr) {
                    walk(a->menu()->actions());
                }
                for (const QKeySequence& k : a->shortcuts()) {
                    QVERIFY2(texts.contains(k.toString(QKeySequence::NativeText)), qPrintable(texts));
                }
            }
        };
        walk(window.menuBar()->actions());
        QVERIFY2(texts.contains(QKeySequence(QKeySequence::Open).toString(QKeySequence::NativeText)),
                 qPrintable(texts));
        QVERIFY2(texts.contains(QStringLiteral("Ctrl+Shift+O")), qPrintable(texts));
        QVERIFY2(texts.contains(QStringLiteral("Test view")), qPrintable(texts));
        QVERIFY2(texts.contains(QStringLiteral("Play the test view")), qPrintable(texts));
        dialog->close();
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
