#pragma once
// The worklist's "model behaviour changed" banner (issue 12): one strip per alert of the model monitor
// (review::monitorReviewSet), naming the model, its version, the category and the figures. Each strip stays
// until the reader dismisses it — nothing hides it before it was seen — and a dismissed alert stays
// dismissed for the session. Private to ui/.

#include <veridicor/review/monitor.h>

#include <QSet>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <vector>

class QVBoxLayout;

namespace veridicor::ui {

/// The identity of an alert: model, version, category, figure and the reading it fired at.
QString alertKey(const review::Alert& alert);

/// The alert in words, e.g. "stemi-detect 2.1.0 — positive rate, ECG: ischaemia/infarction: 13 % → 27 % over
/// the last 200 readings (its first 200 readings: 13 %)". `window` is the monitor's window.
QString alertText(const review::Alert& alert, std::size_t window);
/// Where and how it was detected: "Detected at reading 512 of this model and category (CUSUM 11.6 ≥ 11.5)."
QString alertDetail(const review::Alert& alert);

class ModelAlertBanner : public QWidget {
    Q_OBJECT
public:
    /// `compact`: one line per alert (the narrow worklist dock), the detail as tooltip; else the detail too.
    explicit ModelAlertBanner(bool compact, QWidget* parent = nullptr);

    /// Shows the alerts not dismissed in this session, one strip per model, version, category and figure: the
    /// latest alert of each (a CUSUM restarts after an alert and fires again while the shift lasts; the strip
    /// says how many times). A later alert of a dismissed strip shows it again. Hidden when none is left.
    void setAlerts(const std::vector<review::Alert>& alerts, std::size_t window);
    /// Dismisses the strip whose latest alert is `key` (alertKey()) for the session; false when none is shown.
    bool dismiss(const QString& key);
    /// The texts of the alerts on the banner now, in order.
    [[nodiscard]] QStringList shownTexts() const;
    [[nodiscard]] QStringList shownKeys() const { return m_shownKeys; }
    /// Hidden while another banner shows the same alerts on screen (the start screen's, while it is shown).
    void setSuppressed(bool suppressed);

signals:
    /// The reader dismissed the alert of `key` (the main window dismisses it on its other banner too).
    void dismissed(const QString& key);

private:
    void rebuild();

    std::vector<review::Alert> m_alerts;
    std::size_t m_window = 200;
    bool m_compact = false;
    bool m_suppressed = false;
    QSet<QString> m_dismissed;
    QStringList m_shownKeys;
    QStringList m_shownTexts;
    QVBoxLayout* m_layout = nullptr;
};

} // namespace veridicor::ui
