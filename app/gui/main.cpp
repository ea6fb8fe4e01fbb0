// veridicor — the workstation.
#include "viewers.h"

#include <veridicor/dicom/dicom_env.h>
#include <veridicor/registry/viewer_registry.h>
#include <veridicor/ui/main_window.h>
#include <veridicor/worklist/database.h>
#include <veridicor/verify/time.h>

#include <QApplication>
#include <QCoreApplication>
#include <QCommandLineParser>
#include <QFile>
#include <QImage>
#include <QMessageBox>
#include <QScreen>
#include <QSurfaceFormat>
#include <QTimer>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string_view>

namespace {

void prepareGraphics() {
    // Debian's VTK is GLX-only: run on xcb (XWayland under Wayland) unless the user chose a platform.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        qputenv("QT_QPA_PLATFORM", "xcb");
    }
    QSurfaceFormat fmt;
    fmt.setRenderableType(QSurfaceFormat::OpenGL);
    fmt.setVersion(3, 2);
    fmt.setProfile(QSurfaceFormat::CoreProfile);
    fmt.setDepthBufferSize(24);
    fmt.setStencilBufferSize(8);
    fmt.setAlphaBufferSize(8);
    fmt.setSamples(0);
    QSurfaceFormat::setDefaultFormat(fmt);
    QApplication::setAttribute(Qt::AA_ShareOpenGLContexts);
}

void setApplicationNames() {
    QCoreApplication::setApplicationName(QStringLiteral("Veridicor"));
    QCoreApplication::setOrganizationName(QStringLiteral("Veridicor"));
    QCoreApplication::setApplicationVersion(QStringLiteral(VERIDICOR_VERSION));
}

/// --help, -h, -?, --help-all, --version or -v before any "--": QCommandLineParser's own spellings.
bool asksForHelpOrVersion(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "--") {
            return false;
        }
        if (a == "--help" || a == "-h" || a == "-?" || a == "--help-all" || a == "--version" || a == "-v") {
            return true;
        }
    }
    return false;
}

} // namespace

int main(int argc, char* argv[]) {
    // The options are defined before any application object: --help and --version are answered by a
    // QCoreApplication, which needs no display (a QApplication aborts without one).
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Veridicor cardiology workstation"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption indexOpt(
        QStringLiteral("index"),
        QStringLiteral("Add a file or folder to the worklist without opening a study (repeatable); the window "
                       "opens on the worklist."),
        QStringLiteral("PATH"));
    const QCommandLineOption openOpt(QStringLiteral("open"),
                                     QStringLiteral("Open a file or folder (repeatable)."),
                                     QStringLiteral("PATH"));
    const QCommandLineOption shotOpt(QStringLiteral("screenshot"),
                                     QStringLiteral("After loading, save the main window as a PNG."),
                                     QStringLiteral("out.png"));
    const QCommandLineOption textOpt(QStringLiteral("dump-visible-text"),
                                     QStringLiteral("After loading, write the text of every visible widget."),
                                     QStringLiteral("out.txt"));
    const QCommandLineOption quitOpt(
        QStringLiteral("quit-after-load"),
        QStringLiteral("Exit once loaded (and the screenshot/text is written)."));
    const QCommandLineOption sizeOpt(QStringLiteral("window-size"),
                                     QStringLiteral("Window size, e.g. 1600x1000."), QStringLiteral("WxH"));
    const QCommandLineOption findingsOpt(
        QStringLiteral("findings"),
        QStringLiteral(
            "Also verify the AI findings in this file or folder (repeatable), as File › Open findings."),
        QStringLiteral("DIR"));
    const QCommandLineOption trustOpt(
        QStringLiteral("trust"),
        QStringLiteral("Verify findings against this trust store folder (this session "
                       "only; the saved setting is left as it is)."),
        QStringLiteral("DIR"));
    const QCommandLineOption atOpt(
        QStringLiteral("at"), QStringLiteral("Verify findings as of this time instead of now (RFC 3339)."),
        QStringLiteral("RFC3339"));
    const QCommandLineOption auditOpt(
        QStringLiteral("audit-log"),
        QStringLiteral("Append finding displays to this audit log (this session only)."),
        QStringLiteral("FILE"));
    const QCommandLineOption auditKeyOpt(
        QStringLiteral("audit-key"),
        QStringLiteral(
            "Sign the audit log's head with this Ed25519 key, made at first use (mode 0600, public key "
            "beside it as FILE.pub.pem); default $XDG_CONFIG_HOME/veridicor/audit-key.pem, else "
            "~/.config/veridicor/audit-key.pem."),
        QStringLiteral("FILE"));
    const QCommandLineOption anywayOpt(
        QStringLiteral("show-anyway"),
        QStringLiteral(
            "Show this untrusted finding (bundle file name) anyway, marked UNTRUSTED and logged; only for "
            "findings whose signature and chain verified and that were made for the recording on screen "
            "(repeatable)."),
        QStringLiteral("ID"));
    const QCommandLineOption selectOpt(
        QStringLiteral("select-finding"),
        QStringLiteral(
            "Once loaded, select this displayed finding (\"<bundle file name>#<finding id>\"): its "
            "measurements are listed and the view brings it into view."),
        QStringLiteral("KEY"));
    const QCommandLineOption worklistOpt(
        QStringLiteral("worklist-db"),
        QStringLiteral("Use this worklist database (SQLite; made when missing, rebuilt from the study files when "
                       "unusable); default $XDG_DATA_HOME/veridicor/Veridicor/worklist.sqlite."),
        QStringLiteral("FILE"));
    const QCommandLineOption blindOpt(
        QStringLiteral("blind-read"),
        QStringLiteral("Blind read on or off for this session (the site setting, on by default, is left as it "
                       "is): while on, AI results are hidden until the reading is committed."),
        QStringLiteral("on|off"));
    const QCommandLineOption readerKeyOpt(
        QStringLiteral("reader-key"),
        QStringLiteral("Sign readings with this private key (PEM; ECDSA P-256/P-384 or RSA >= 2048) for this "
                       "session."),
        QStringLiteral("FILE"));
    const QCommandLineOption readerChainOpt(
        QStringLiteral("reader-chain"),
        QStringLiteral("The certificate chain (PEM, the reader's certificate first) that goes with --reader-key."),
        QStringLiteral("FILE"));
    parser.addOptions({indexOpt, openOpt, shotOpt, textOpt, quitOpt, sizeOpt, findingsOpt, trustOpt, atOpt, auditOpt,
                       auditKeyOpt, anywayOpt, selectOpt, worklistOpt, blindOpt, readerKeyOpt, readerChainOpt});
    parser.addPositionalArgument(QStringLiteral("paths"), QStringLiteral("Files or folders to open."),
                                 QStringLiteral("[paths...]"));
    if (asksForHelpOrVersion(argc, argv)) {
        QCoreApplication core(argc, argv);
        setApplicationNames();
        parser.process(core); // prints the usage or the version and exits 0
        return 0;
    }

    prepareGraphics();
    QApplication app(argc, argv);
    setApplicationNames();
    parser.process(app);

    if (auto env = veridicor::dicom::initializeDicom(); !env) {
        static_cast<void>(std::fprintf(stderr, "veridicor: %s\n", env.error().message.c_str()));
        if (!parser.isSet(quitOpt)) { // unattended runs (tests, screenshots) must not wait on a dialog
            QMessageBox::critical(nullptr, QStringLiteral("Veridicor cannot start"),
                                  QString::fromStdString(env.error().message));
        }
        return 2;
    }

    std::optional<veridicor::verify::TimePoint> at;
    if (parser.isSet(atOpt)) {
        at = veridicor::verify::parseRfc3339(parser.value(atOpt).toStdString());
        if (!at) {
            static_cast<void>(std::fprintf(
                stderr, "veridicor: --at %s is not an RFC 3339 time (e.g. 2026-11-28T10:15:00Z)\n",
                qPrintable(parser.value(atOpt))));
            return 2;
        }
    }

    std::optional<bool> blind;
    if (parser.isSet(blindOpt)) {
        const QString v = parser.value(blindOpt);
        if (v != QStringLiteral("on") && v != QStringLiteral("off")) {
            static_cast<void>(
                std::fprintf(stderr, "veridicor: --blind-read takes on or off, not %s\n", qPrintable(v)));
            return 2;
        }
        blind = v == QStringLiteral("on");
    }
    if (parser.isSet(readerKeyOpt) != parser.isSet(readerChainOpt)) {
        static_cast<void>(std::fprintf(stderr, "veridicor: --reader-key and --reader-chain go together\n"));
        return 2;
    }

    veridicor::registry::ViewerRegistry registry;
    veridicor::app::registerViewers(registry);
    veridicor::ui::MainWindow window(registry);
    if (parser.isSet(trustOpt)) {
        window.setTrustStoreFolder(parser.value(trustOpt));
    }
    if (parser.isSet(auditOpt)) {
        window.setAuditLogFile(parser.value(auditOpt));
    }
    if (parser.isSet(auditKeyOpt)) {
        window.setAuditKeyFile(parser.value(auditKeyOpt));
    }
    if (blind) {
        window.setBlindRead(*blind);
    }
    if (parser.isSet(readerKeyOpt)) {
        window.setReaderKeyFiles(parser.value(readerKeyOpt), parser.value(readerChainOpt));
    }
    window.setWorklistDatabase(parser.isSet(worklistOpt) ? parser.value(worklistOpt)
                                                         : veridicor::worklist::Database::defaultPath());
    window.setVerificationTime(at);
    window.setPreconfirmedShowAnyway(parser.values(anywayOpt));
    if (parser.isSet(sizeOpt)) {
        const QStringList wh = parser.value(sizeOpt).split(QLatin1Char('x'));
        if (wh.size() == 2 && wh[0].toInt() > 0 && wh[1].toInt() > 0) {
            window.resize(wh[0].toInt(), wh[1].toInt());
        }
        window.show();
    } else {
        // A reading workstation uses the whole screen: the ECG page is drawn at true millimetres and needs
        // the width. Resize as well as maximise, since a bare X server (no window manager) ignores the
        // latter.
        if (const QScreen* screen = QGuiApplication::primaryScreen()) {
            window.resize(screen->availableGeometry().size());
        }
        window.showMaximized();
    }

    QStringList paths = parser.values(openOpt) + parser.positionalArguments();
    const QString shot = parser.value(shotOpt);
    const QString textOut = parser.value(textOpt);
    const bool quitAfter = parser.isSet(quitOpt);
    int exitCode = 0;
    const QString selectFinding = parser.value(selectOpt);
    QObject::connect(&window, &veridicor::ui::MainWindow::loadFinished, &window, [&] {
        if (!selectFinding.isEmpty() && !window.selectFinding(selectFinding)) {
            static_cast<void>(
                std::fprintf(stderr, "veridicor: --select-finding %s: no displayed finding has that key\n",
                             qPrintable(selectFinding)));
        }
        // Let views finish their first paint (GL views render on the next frame) before capturing.
        QTimer::singleShot(400, &window, [&] {
            if (!shot.isEmpty()) {
                const QImage img = window.grab().toImage();
                if (!img.save(shot)) {
                    static_cast<void>(
                        std::fprintf(stderr, "veridicor: could not write %s\n", qPrintable(shot)));
                    exitCode = 2;
                }
            }
            if (!textOut.isEmpty()) {
                QFile f(textOut);
                if (f.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
                    f.write(window.visibleTexts().join(QLatin1Char('\n')).toUtf8());
                    f.write("\n");
                } else {
                    static_cast<void>(
                        std::fprintf(stderr, "veridicor: could not write %s\n", qPrintable(textOut)));
                    exitCode = 2;
                }
            }
            if (quitAfter) {
                QApplication::exit(exitCode);
            }
        });
    });
    const QStringList findings = parser.values(findingsOpt);
    const QStringList toIndex = parser.values(indexOpt);
    if (!toIndex.isEmpty() && paths.isEmpty()) {
        window.indexPaths(toIndex);
        if (!findings.isEmpty()) {
            window.openFindings(findings);
        }
    } else if (!paths.isEmpty()) {
        window.openPaths(toIndex + paths);
        if (!findings.isEmpty()) {
            window.openFindings(findings); // joins the load: loadFinished waits for their verification
        }
    } else if (!findings.isEmpty()) {
        auto once = std::make_shared<QMetaObject::Connection>();
        *once =
            QObject::connect(&window, &veridicor::ui::MainWindow::findingsChecked, &window, [&window, once] {
                QObject::disconnect(*once);
                emit window.loadFinished();
            });
        window.openFindings(findings);
    } else if (quitAfter) {
        // Nothing to open: the start screen (the worklist) is ready once the database's rows are in.
        auto once = std::make_shared<QMetaObject::Connection>();
        *once = QObject::connect(&window, &veridicor::ui::MainWindow::worklistChanged, &window, [&window, once] {
            QObject::disconnect(*once);
            emit window.loadFinished();
        });
    }
    const int rc = QApplication::exec();
    return rc != 0 ? rc : exitCode;
}
