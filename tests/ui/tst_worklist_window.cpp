// The worklist in the main window: the start screen and the dock list every study of the local database (the
// real SQLite file, on its own thread); a study chosen there is opened, from the files the database knows when
// it is not open; Go › Next Unread Study / Previous Study walk the list.
#include "open_wait.h"
#include "test_data.h"

#include <veridicor/dicom/dicom_env.h>
#include <veridicor/registry/viewer_registry.h>
#include <veridicor/ui/main_window.h>
#include <veridicor/worklist/worklist_model.h>

#include <QDir>
#include <QFile>
#include <QSet>
#include <QTableView>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace veridicor;

namespace {

QString joined(const ui::MainWindow& w) {
    return w.visibleTexts().join(QLatin1Char('\n'));
}

/// The study UIDs the window's index holds, with a path of each.
QHash<QString, QString> studiesOf(const ui::MainWindow& w) {
    QHash<QString, QString> out;
    for (const auto* h : w.studyIndex().allInstances()) {
        out.insert(QString::fromStdString(h->studyInstanceUID), QString::fromStdString(h->path.string()));
    }
    return out;
}

/// Points the window at the worklist database `file` and waits for its rows.
bool useDatabase(ui::MainWindow& w, const QString& file) {
    QSignalSpy changed(&w, &ui::MainWindow::worklistChanged);
    w.setWorklistDatabase(file);
    return changed.wait(20000);
}

/// Opens `folder` and waits until it is loaded (its findings checked, the worklist holding it).
bool openAndLoad(ui::MainWindow& w, const QString& folder) {
    QSignalSpy loaded(&w, &ui::MainWindow::loadFinished);
    w.openPaths({folder});
    return loaded.wait(30000);
}

QString studyOfShown(const ui::MainWindow& w) {
    const auto* h = w.studyIndex().find(w.shownInstance().toStdString());
    return h == nullptr ? QString() : QString::fromStdString(h->studyInstanceUID);
}

} // namespace

class TestWorklistWindow : public QObject {
    Q_OBJECT

    QTemporaryDir tmp;
    QString folder; ///< two studies: an ECG and an echo
    QString db;

private slots:
    void initTestCase() {
        QVERIFY(dicom::initializeDicom().hasValue());
        VERIDICOR_SHARED_FILE(ecg, "ecg/wave_dfl.dcm");
        VERIDICOR_SHARED_FILE(echo, "us/IM00001.implicit_little_endian.dcm");
        folder = tmp.filePath(QStringLiteral("studies"));
        QVERIFY(QDir().mkpath(folder));
        QVERIFY(QFile::copy(ecg, folder + QStringLiteral("/ecg.dcm")));
        QVERIFY(QFile::copy(echo, folder + QStringLiteral("/echo.dcm")));
        db = tmp.filePath(QStringLiteral("data/worklist.sqlite"));
    }

    void theStartScreenIsTheWorklist() {
        registry::ViewerRegistry reg;
        ui::MainWindow window(reg);
        window.show();
        QVERIFY(useDatabase(window, tmp.filePath(QStringLiteral("empty/worklist.sqlite"))));
        const QString texts = joined(window);
        QVERIFY2(texts.contains(QStringLiteral("Worklist")), qPrintable(texts));
        QVERIFY2(texts.contains(QStringLiteral("No studies yet")), qPrintable(texts));
        QVERIFY(QFile::exists(tmp.filePath(QStringLiteral("empty/worklist.sqlite"))));
    }

    void openedStudiesAreListedAndStayListed() {
        QHash<QString, QString> studies;
        {
            registry::ViewerRegistry reg;
            ui::MainWindow window(reg);
            window.show();
            QVERIFY(useDatabase(window, db));
            QVERIFY(openAndLoad(window, folder));
            studies = studiesOf(window);
            QCOMPARE(studies.size(), 2);
            // loadFinished comes once the worklist holds what was opened.
            QCOMPARE(window.worklistModel().rowCount(), 2);
            for (const auto& row : window.worklistModel().rows()) {
                QVERIFY(studies.contains(row.studyUid));
                QCOMPARE(row.status, worklist::ReadingStatus::Unread);
            }
        }
        // A new session on the same database lists both studies before anything is opened, on the start screen.
        registry::ViewerRegistry reg;
        ui::MainWindow window(reg);
        window.show();
        QVERIFY(useDatabase(window, db));
        QCOMPARE(window.worklistModel().rowCount(), 2);
        QVERIFY(window.studyIndex().instances == 0);
        QVERIFY2(joined(window).contains(QStringLiteral("2 of 2 studies shown · 2 unread")), qPrintable(joined(window)));
        // Choosing one opens its files (known from the database) and shows it.
        const QString uid = window.worklistModel().rows().back().studyUid;
        QSignalSpy shown(&window, &ui::MainWindow::instanceShown);
        test::LoopDepthProbe probe;
        QVERIFY(window.openStudy(uid));
        QVERIFY(test::pumpUntil([&] { return !shown.isEmpty(); }, 30000));
        QCOMPARE(probe.nestedLevels(), 0);
        QCOMPARE(studyOfShown(window), uid);
        QVERIFY(!window.openStudy(QStringLiteral("1.2.3.999"))); // not in the worklist
    }

    void indexingOpensOnTheWorklistNotOnAStudy() {
        // veridicor --index (scripts/run-demo): the studies are listed, no recording is opened, and the reader
        // then starts with Next Unread.
        registry::ViewerRegistry reg;
        ui::MainWindow window(reg);
        window.show();
        QVERIFY(useDatabase(window, tmp.filePath(QStringLiteral("indexed/worklist.sqlite"))));
        QSignalSpy loaded(&window, &ui::MainWindow::loadFinished);
        QSignalSpy shown(&window, &ui::MainWindow::instanceShown);
        window.indexPaths({folder});
        QVERIFY(loaded.wait(30000));
        QCOMPARE(window.worklistModel().rowCount(), 2);
        QVERIFY(shown.isEmpty());
        QVERIFY(window.shownInstance().isEmpty());
        const QString texts = joined(window);
        QVERIFY2(texts.contains(QStringLiteral("2 of 2 studies shown · 2 unread")), qPrintable(texts));
        QVERIFY2(texts.contains(QStringLiteral("Choose one")), qPrintable(texts)); // the start screen's line
        QVERIFY(window.openNextUnread());
        QVERIFY(test::pumpUntil([&] { return !shown.isEmpty(); }, 30000));
        QVERIFY(!window.shownInstance().isEmpty());
    }

    void nextUnreadAndPreviousWalkTheList() {
        registry::ViewerRegistry reg;
        ui::MainWindow window(reg);
        window.show();
        QVERIFY(useDatabase(window, db));
        QVERIFY(openAndLoad(window, folder));
        const QString first = studyOfShown(window);
        QVERIFY(!first.isEmpty());
        QSignalSpy shown(&window, &ui::MainWindow::instanceShown);
        QVERIFY(window.openNextUnread());
        QVERIFY(test::pumpUntil([&] { return !shown.isEmpty(); }, 30000));
        const QString second = studyOfShown(window);
        QVERIFY(!second.isEmpty() && second != first);
        // Previous goes up the list on screen: to the first study, or (when the next unread went on from the
        // top) there is none above.
        shown.clear();
        const int secondRow = window.findChild<QWidget*>(QStringLiteral("worklistDockPanel"))->findChild<QTableView*>()->currentIndex().row();
        if (secondRow > 0) {
            QVERIFY(window.openPreviousStudy());
            QVERIFY(test::pumpUntil([&] { return !shown.isEmpty(); }, 30000));
            QCOMPARE(studyOfShown(window), first);
        } else {
            QVERIFY(!window.openPreviousStudy());
        }
    }

    void anUnusableDatabaseIsKeptAsideAndRebuilt() {
        const QString bad = tmp.filePath(QStringLiteral("bad/worklist.sqlite"));
        QVERIFY(QDir().mkpath(QFileInfo(bad).absolutePath()));
        {
            QFile f(bad);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QByteArray(4096, 'x'));
        }
        registry::ViewerRegistry reg;
        ui::MainWindow window(reg);
        window.show();
        QVERIFY(useDatabase(window, bad));
        // The reader is told, and the unusable file is still there under another name.
        QVERIFY2(joined(window).contains(QStringLiteral("could not be used because")), qPrintable(joined(window)));
        QVERIFY2(joined(window).contains(QStringLiteral("It was moved aside to")), qPrintable(joined(window)));
        const QStringList aside =
            QDir(QFileInfo(bad).absolutePath()).entryList({QStringLiteral("worklist.sqlite.unusable-*")});
        QCOMPARE(aside.size(), 1);
        QVERIFY(openAndLoad(window, folder));
        QCOMPARE(window.worklistModel().rowCount(), 2);
    }
};

QTEST_MAIN(TestWorklistWindow)
#include "tst_worklist_window.moc"
