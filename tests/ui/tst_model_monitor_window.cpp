// The model monitor in the main window: a simulated model whose positive rate doubles after 300 readings
// raises the worklist's "model behaviour changed" banner, naming the model, version, category and figures,
// and writes one "model-alert" entry per alert to the audit log (once: not again when the same set is given
// again); a stable model raises nothing. Dismissing holds for the session; the window setting is the site's.
#include <veridicor/registry/viewer_registry.h>
#include <veridicor/review/review_monitor.h>
#include <veridicor/ui/main_window.h>

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QSettings>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <cstdint>
#include <random>
#include <set>

using namespace veridicor;

namespace {

/// A uniform draw in [0, 1) from the 32-bit Mersenne Twister's raw output (std::mt19937 is the same
/// sequence everywhere; the standard distributions are not).
double uniform(std::mt19937& g) {
    return static_cast<double>(g() >> 8) / static_cast<double>(1U << 24);
}

/// 1500 readings of one model version on the ischaemia category: clinician prevalence 0.10, AI sensitivity
/// 0.85 and false-positive rate 0.05 (a positive rate of 0.13, as tst_review_monitor's simulation). With
/// `shiftAt` > 0 the false-positive rate rises from that reading so that the positive rate doubles to 0.26
/// (0.085 + 0.9 · fpr = 0.26: fpr = 0.1944).
review::ReviewSet simulate(std::uint32_t seed, int shiftAt) {
    std::mt19937 g(seed);
    review::ReviewSet set;
    const std::int64_t start = 1767225600; // 2026-01-01 00:00 UTC
    for (int i = 0; i < 1500; ++i) {
        const bool clinician = uniform(g) < 0.10;
        const double fpr = shiftAt > 0 && i >= shiftAt ? (0.26 - 0.085) / 0.9 : 0.05;
        const bool ai = clinician ? uniform(g) < 0.85 : uniform(g) < fpr;
        review::ReviewedStudy s;
        s.studyUid = "1.2.826.0.1." + std::to_string(i);
        s.modelName = "stemi-detect";
        s.modelVersion = "2.1.0";
        s.reader = "Dr Monitor";
        s.readingUid = "2.25." + std::to_string(i);
        s.readingTime = start + static_cast<std::int64_t>(i) * 3600;
        review::Row r;
        r.category = review::Category::EcgIschaemia;
        r.aiPositive = ai;
        r.clinicianPositive = clinician;
        s.sideBySide.rows.push_back(r);
        set.studies.push_back(s);
    }
    // Given out of order: the monitor sorts by signing time.
    std::reverse(set.studies.begin(), set.studies.end());
    return set;
}

int auditEvents(const QString& file, const QByteArray& event) {
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) {
        return 0;
    }
    int n = 0;
    for (const QByteArray& line : f.readAll().split('\n')) {
        n += QJsonDocument::fromJson(line).object().value(QStringLiteral("event")).toString().toUtf8() == event ? 1 : 0;
    }
    return n;
}

} // namespace

class TstModelMonitorWindow : public QObject {
    Q_OBJECT

    QTemporaryDir tmp;

private slots:
    void init() {
        // Alerts recorded by an earlier run must not count as recorded for this one.
        QSettings().remove(QStringLiteral("review/auditedModelAlerts"));
        QSettings().remove(QStringLiteral("review/modelMonitorWindow"));
    }

    void aDoubledPositiveRateRaisesTheBannerAndAnAuditEntry() {
        registry::ViewerRegistry reg;
        ui::MainWindow window(reg);
        const QString log = tmp.filePath(QStringLiteral("shift-audit.log"));
        window.setAuditLogFile(log);
        window.setAuditKeyFile(tmp.filePath(QStringLiteral("audit-key.pem")));
        window.setWorklistDatabase(tmp.filePath(QStringLiteral("worklist.sqlite")));
        QSignalSpy changed(&window, &ui::MainWindow::worklistChanged);
        QVERIFY(changed.wait(10000)); // the (empty) worklist: the start screen
        window.resize(1400, 900);
        window.show();
        QCOMPARE(window.modelMonitorWindow(), 200);
        const review::ReviewSet set = simulate(20261202, 300);
        window.setReviewSet(set);
        const auto& alerts = window.modelAlerts();
        QVERIFY(!alerts.empty());
        // The positive rate went up on that model and category, after the shift (reading 300).
        bool rateUp = false;
        for (const auto& a : alerts) {
            QCOMPARE(a.modelName, std::string("stemi-detect"));
            QCOMPARE(a.modelVersion, std::string("2.1.0"));
            QCOMPARE(a.category, review::Category::EcgIschaemia);
            if (a.figure == review::MonitorFigure::PositiveRateUp) {
                rateUp = true;
                QVERIFY(a.reading > 300);
                QVERIFY(a.current > a.baseline);
            }
        }
        QVERIFY(rateUp);
        // The same alerts as the review's function gives on the set (the window's setting: 200).
        QCOMPARE(alerts.size(), review::monitorReviewSet(set, review::MonitorSettings{}).size());
        // One strip per model, version, category and figure (a CUSUM restarts and fires again while the shift
        // lasts): the latest alert of each.
        std::set<review::MonitorFigure> figures;
        for (const auto& a : alerts) {
            figures.insert(a.figure);
        }
        const QStringList texts = window.modelAlertTexts();
        QCOMPARE(static_cast<std::size_t>(texts.size()), figures.size());
        const QString text = texts.join(QLatin1Char('\n'));
        QVERIFY2(text.contains(QStringLiteral("stemi-detect 2.1.0")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("positive rate, ECG: ischaemia/infarction")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral(" % → ")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("over the last 200 readings")), qPrintable(text));
        // One audit entry per alert, with the figures.
        QCOMPARE(auditEvents(log, "model-alert"), static_cast<int>(alerts.size()));
        QFile f(log);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray content = f.readAll();
        QVERIFY(content.contains("positive rate up; baseline 0."));
        f.close();
        // Given again (the database read again): no second entry; the banner still shows them.
        window.setReviewSet(set);
        QCOMPARE(auditEvents(log, "model-alert"), static_cast<int>(alerts.size()));
        QCOMPARE(window.modelAlertTexts().size(), texts.size());
        if (qEnvironmentVariableIsSet("VERIDICOR_UPDATE_SCREENSHOTS")) {
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            QTest::qWait(100);
            QVERIFY(window.grab().save(QStringLiteral(VERIDICOR_SOURCE_DIR "/docs/screenshots/model-alert.png")));
        }
        // Dismissed for the session with the strips' own buttons: gone, and they stay gone when the same set
        // comes again.
        // The start screen (nothing open) shows them in full; the dock's banner would repeat them meanwhile.
        QWidget* dockBanner = nullptr;
        int visibleBanners = 0;
        for (auto* b : window.findChildren<QWidget*>(QStringLiteral("modelAlertBanner"))) {
            if (b->isVisible()) {
                dockBanner = b;
                ++visibleBanners;
            }
        }
        QCOMPARE(visibleBanners, 1);
        QVERIFY(dockBanner != nullptr);
        for (int i = 0; i < texts.size(); ++i) {
            QPushButton* button = nullptr;
            for (auto* b : dockBanner->findChildren<QPushButton*>(QStringLiteral("dismissModelAlert"))) {
                button = b->isVisible() ? b : button;
            }
            QVERIFY(button != nullptr);
            button->click();
            QCOMPARE(window.modelAlertTexts().size(), texts.size() - i - 1);
        }
        QVERIFY(window.modelAlertTexts().isEmpty());
        window.setReviewSet(set);
        QVERIFY(window.modelAlertTexts().isEmpty());
        QCOMPARE(auditEvents(log, "model-alert"), static_cast<int>(alerts.size()));
    }

    void aStableModelRaisesNothing() {
        registry::ViewerRegistry reg;
        ui::MainWindow window(reg);
        const QString log = tmp.filePath(QStringLiteral("stable-audit.log"));
        window.setAuditLogFile(log);
        window.setAuditKeyFile(tmp.filePath(QStringLiteral("audit-key.pem")));
        window.show();
        window.setReviewSet(simulate(20261202, 0));
        QVERIFY(window.modelAlerts().empty());
        QVERIFY(window.modelAlertTexts().isEmpty());
        QCOMPARE(auditEvents(log, "model-alert"), 0);
        auto* banner = window.findChild<QWidget*>(QStringLiteral("modelAlertBanner"));
        QVERIFY(banner != nullptr && !banner->isVisible());
    }

    // View › Agreement Statistics… opens the window over the set given to the main window; the export
    // functions the integrator connects are what its buttons call.
    void agreementStatisticsFromTheViewMenu() {
        registry::ViewerRegistry reg;
        ui::MainWindow window(reg);
        window.setAuditLogFile(tmp.filePath(QStringLiteral("menu-audit.log")));
        window.setAuditKeyFile(tmp.filePath(QStringLiteral("audit-key.pem")));
        window.show();
        window.setReviewSet(simulate(7, 0));
        QAction* action = nullptr;
        for (QAction* menu : window.menuBar()->actions()) {
            if (menu->menu() != nullptr && menu->text().remove(QLatin1Char('&')) == QStringLiteral("View")) {
                for (QAction* a : menu->menu()->actions()) {
                    action = a->text().remove(QLatin1Char('&')) == QStringLiteral("Agreement Statistics…") ? a : action;
                }
            }
        }
        QVERIFY(action != nullptr);
        action->trigger();
        auto* stats = window.findChild<QWidget*>(QStringLiteral("agreementWindow"));
        QVERIFY(stats != nullptr && stats->isVisible());
        auto* table = stats->findChild<QTableWidget*>(QStringLiteral("agreementTable"));
        QVERIFY(table != nullptr);
        QCOMPARE(table->rowCount(), 1); // one model version, one category
        QCOMPARE(table->item(0, 4)->text(), QStringLiteral("1500")); // n
        QPushButton* json = nullptr;
        for (auto* b : stats->findChildren<QPushButton*>()) {
            json = b->text() == QStringLiteral("Export JSON…") ? b : json;
        }
        // The window's own export (a file dialog, then review/'s agreementToJson) is connected from the start.
        QVERIFY(json != nullptr && json->isEnabled());
        std::size_t exported = 0;
        window.setAgreementExport({}, [&exported](const review::ReviewSet& shown, QWidget*) { exported = shown.studies.size(); });
        QVERIFY(json->isEnabled());
        json->click();
        QCOMPARE(exported, std::size_t{1500});
        QCOMPARE(window.openAgreementStatistics(), stats); // the same window, raised
    }

    void theWindowIsTheSiteSetting() {
        registry::ViewerRegistry reg;
        ui::MainWindow window(reg);
        window.setAuditLogFile(tmp.filePath(QStringLiteral("setting-audit.log")));
        window.setAuditKeyFile(tmp.filePath(QStringLiteral("audit-key.pem")));
        window.setModelMonitorWindow(400);
        QCOMPARE(window.modelMonitorWindow(), 400);
        QCOMPARE(QSettings().value(QStringLiteral("review/modelMonitorWindow")).toInt(), 400);
        const review::ReviewSet set = simulate(20261202, 300);
        window.setReviewSet(set);
        review::MonitorSettings s;
        s.window = 400;
        QCOMPARE(window.modelAlerts().size(), review::monitorReviewSet(set, s).size());
        for (const QString& t : window.modelAlertTexts()) {
            QVERIFY2(t.contains(QStringLiteral("last 400 readings")), qPrintable(t));
        }
    }
};

QTEST_MAIN(TstModelMonitorWindow)
#include "tst_model_monitor_window.moc"
