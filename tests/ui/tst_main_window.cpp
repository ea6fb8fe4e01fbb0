// The main window: opening a folder fills the study browser; objects without a view show their header;
// files that cannot be read are listed with their reason, never silently dropped.
#include "test_data.h"

#include <veridicor/dicom/dicom_env.h>
#include <veridicor/registry/viewer_registry.h>
#include <veridicor/ui/main_window.h>

#include <QAction>
#include <QDialog>
#include <QDockWidget>
#include <QFile>
#include <QMenu>
#include <QMenuBar>
#include <QSignalSpy>
#include <QTemporaryDir>
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
        QCOMPARE(docks.size(), 3); // studies, files that could not be read, AI findings
        for (QDockWidget* dock : docks) {
            QVERIFY2(view->actions().contains(dock->toggleViewAction()), qPrintable(dock->windowTitle()));
            dock->show();
            dock->close();
            QVERIFY(!dock->isVisible());
            dock->toggleViewAction()->trigger(); // as the View menu does
            QVERIFY2(dock->isVisible(), qPrintable(dock->windowTitle()));
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
