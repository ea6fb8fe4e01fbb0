// DICOM text in the real main window: each character-set file pydicom ships, opened on its own, shows the
// patient name pydicom decodes (tests/tools/reference_names.py) in the study browser and in the view's header
// — never the stored bytes, never U+FFFD.
#include "pydicom_names.h"

#include <veridicor/dicom/dicom_env.h>
#include <veridicor/registry/viewer_registry.h>
#include <veridicor/ui/main_window.h>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>

#include <QLabel>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>

using namespace veridicor;

namespace {

/// The visible texts of the widgets of type W in `window`.
template <typename W, typename F> QString textsOf(const ui::MainWindow& window, F text) {
    QStringList out;
    for (W* w : window.findChildren<W*>()) {
        if (w->isVisible()) {
            out << text(w);
        }
    }
    return out.join(QLatin1Char('\n'));
}

QString browserTexts(const ui::MainWindow& window) {
    return textsOf<QTreeWidget>(window, [](QTreeWidget* tree) {
        QStringList rows;
        for (int i = 0; i < tree->topLevelItemCount(); ++i) {
            rows << tree->topLevelItem(i)->text(0);
        }
        return rows.join(QLatin1Char('\n'));
    });
}

} // namespace

class TestDicomText : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QVERIFY(dicom::initializeDicom().hasValue()); }

    void charsetFilesShowPydicomsNames() {
        VERIDICOR_PYDICOM_NAMES(names);
        QVERIFY(names.size() >= 15);
        for (const auto& n : names) {
            // No viewer is registered: these are Secondary Capture, CT and MR images, which the workstation
            // shows by their header (ui/src/header_view.cpp) as it would with every viewer registered.
            registry::ViewerRegistry reg;
            ui::MainWindow window(reg);
            window.show();
            QSignalSpy loaded(&window, &ui::MainWindow::loadFinished);
            window.openPaths({n.file});
            QVERIFY(loaded.wait(20000));
            QCOMPARE(window.studyIndex().instances, std::size_t{1});

            const QString all = window.visibleTexts().join(QLatin1Char('\n'));
            QVERIFY2(!all.contains(QChar::ReplacementCharacter),
                     qPrintable(n.file + QStringLiteral(":\n") + all));
            QVERIFY2(!all.contains(QStringLiteral("undecoded bytes")),
                     qPrintable(n.file + QStringLiteral(":\n") + all));
            const QString listing =
                textsOf<QPlainTextEdit>(window, [](QPlainTextEdit* e) { return e->toPlainText(); });
            QVERIFY2(listing.contains(n.value), qPrintable(n.file + QStringLiteral(":\n") + listing));
            if (n.where != QStringLiteral("dataset")) {
                continue; // the name is inside a sequence item: the listing is where it is shown
            }
            const QString browser = browserTexts(window);
            QVERIFY2(browser.split(QLatin1Char('\n')).contains(n.display),
                     qPrintable(n.file + QStringLiteral(": browser shows\n") + browser +
                                QStringLiteral("\nnot ") + n.display));
            const QString header = textsOf<QLabel>(window, [](QLabel* l) { return l->text(); });
            QVERIFY2(header.contains(QStringLiteral("Patient: ") + n.display),
                     qPrintable(n.file + QStringLiteral(": header shows\n") + header +
                                QStringLiteral("\nnot ") + n.display));
        }
    }

    void anUnknownCharacterSetShowsTheBytesAndSaysSo() {
        // pydicom's chrFren.dcm (Latin-1 "Buc^J\xE9r\xF4me") relabelled with a character set nobody defines:
        // the browser and the header show the stored bytes made visible and say they are not decoded.
        const QString dir = test::pydicomCharsetDir();
        if (dir.isEmpty()) {
            QSKIP("pydicom's charset_files (Debian python3-pydicom) are missing");
        }
        QTemporaryDir tmp;
        const QString file = tmp.filePath(QStringLiteral("unknown-charset.dcm"));
        {
            DcmFileFormat ff;
            QVERIFY(ff.loadFile((dir + QStringLiteral("/chrFren.dcm")).toStdString().c_str()).good());
            QVERIFY(ff.getDataset()->putAndInsertString(DCM_SpecificCharacterSet, "ISO_IR 999").good());
            QVERIFY(ff.saveFile(file.toStdString().c_str()).good());
        }
        registry::ViewerRegistry reg;
        ui::MainWindow window(reg);
        window.show();
        QSignalSpy loaded(&window, &ui::MainWindow::loadFinished);
        window.openPaths({file});
        QVERIFY(loaded.wait(20000));
        const QString expected =
            QStringLiteral("Buc, J\\xE9r\\xF4me (undecoded bytes: character set 'ISO_IR 999'");
        const QString browser = browserTexts(window);
        QVERIFY2(browser.startsWith(expected), qPrintable(browser));
        const QString header = textsOf<QLabel>(window, [](QLabel* l) { return l->text(); });
        QVERIFY2(header.contains(QStringLiteral("Patient: ") + expected), qPrintable(header));
        const QString all = window.visibleTexts().join(QLatin1Char('\n'));
        QVERIFY2(!all.contains(QChar::ReplacementCharacter), qPrintable(all));
        QVERIFY2(!all.contains(QStringLiteral("J\u00E9r\u00F4me")),
                 qPrintable(all)); // not guessed as Latin-1
    }
};

QTEST_MAIN(TestDicomText)
#include "tst_dicom_text.moc"
