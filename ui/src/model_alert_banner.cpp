#include "model_alert_banner.h"

#include "display_text.h"

#include <veridicor/review/categories.h>

#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace veridicor::ui {

namespace {

QString qs(std::string_view s) {
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

QString percent(double v) {
    return QStringLiteral("%1 %").arg(std::lround(v * 100));
}

} // namespace

QString alertKey(const review::Alert& alert) {
    return QStringLiteral("%1|%2|%3|%4|%5")
        .arg(qs(alert.modelName), qs(alert.modelVersion), qs(review::categoryId(alert.category)),
             qs(review::monitorFigureName(alert.figure)))
        .arg(alert.reading);
}

QString alertText(const review::Alert& alert, std::size_t window) {
    const QString model = boundedText(alert.modelName, kMaxNameChars);
    const QString version = boundedText(alert.modelVersion, kMaxNameChars);
    const QString category = qs(review::categoryName(alert.category));
    QString figure;
    QString over;
    switch (alert.figure) {
    case review::MonitorFigure::PositiveRateUp:
    case review::MonitorFigure::PositiveRateDown:
        figure = ModelAlertBanner::tr("positive rate");
        over = ModelAlertBanner::tr("readings");
        break;
    case review::MonitorFigure::PpaDown:
        figure = ModelAlertBanner::tr("PPA (AI positive when the clinician was)");
        over = ModelAlertBanner::tr("readings the clinician called positive");
        break;
    case review::MonitorFigure::NpaDown:
        figure = ModelAlertBanner::tr("NPA (AI negative when the clinician was)");
        over = ModelAlertBanner::tr("readings the clinician called negative");
        break;
    }
    // One arg() call: a model name that holds "%1" is inserted as it is, never scanned again.
    return ModelAlertBanner::tr("%1 %2 — %3, %4: %5 → %6 over the last %7 %8 (its first %7 %8: %5)")
        .arg(model, version, figure, category, percent(alert.baseline), percent(alert.current),
             QString::number(window), over);
}

QString alertDetail(const review::Alert& alert) {
    return ModelAlertBanner::tr("Detected at reading %1 of this model and category (CUSUM %2 ≥ %3).")
        .arg(QString::number(alert.reading), QString::number(alert.statistic, 'f', 1),
             QString::number(alert.threshold, 'f', 1));
}

ModelAlertBanner::ModelAlertBanner(bool compact, QWidget* parent) : QWidget(parent), m_compact(compact) {
    setObjectName(QStringLiteral("modelAlertBanner"));
    m_layout = new QVBoxLayout(this);
    m_layout->setContentsMargins(0, 0, 0, 0);
    hide();
}

void ModelAlertBanner::setAlerts(const std::vector<review::Alert>& alerts, std::size_t window) {
    m_alerts = alerts;
    m_window = window;
    rebuild();
}

void ModelAlertBanner::setSuppressed(bool suppressed) {
    m_suppressed = suppressed;
    setVisible(!m_suppressed && !m_shownKeys.isEmpty());
}

bool ModelAlertBanner::dismiss(const QString& key) {
    if (!m_shownKeys.contains(key)) {
        return false;
    }
    m_dismissed.insert(key);
    rebuild();
    emit dismissed(key);
    return true;
}

QStringList ModelAlertBanner::shownTexts() const {
    return m_shownTexts;
}

void ModelAlertBanner::rebuild() {
    while (QLayoutItem* item = m_layout->takeAt(0)) {
        if (QWidget* w = item->widget()) {
            // Later: this may run inside the strip's own Dismiss button's clicked().
            w->hide();
            w->deleteLater();
        }
        delete item;
    }
    m_shownKeys.clear();
    m_shownTexts.clear();
    // The latest alert of each model, version, category and figure, and how many fired.
    struct Strip {
        const review::Alert* latest = nullptr;
        std::uint64_t firstReading = 0;
        int count = 0;
    };
    std::vector<std::pair<QString, Strip>> strips;
    for (const review::Alert& a : m_alerts) {
        const QString stream = alertKey(a).section(QLatin1Char('|'), 0, 3);
        auto it = std::find_if(strips.begin(), strips.end(), [&](const auto& p) { return p.first == stream; });
        if (it == strips.end()) {
            strips.emplace_back(stream, Strip{&a, a.reading, 1});
        } else {
            it->second.latest = &a;
            ++it->second.count;
        }
    }
    for (const auto& [stream, strip] : strips) {
        const review::Alert& a = *strip.latest;
        const QString key = alertKey(a);
        if (m_dismissed.contains(key)) {
            continue;
        }
        const QString text = alertText(a, m_window);
        QString detail = alertDetail(a);
        if (strip.count > 1) {
            detail += tr(" It has fired %1 times since reading %2: the change persists.")
                          .arg(strip.count)
                          .arg(strip.firstReading);
        }
        detail += tr(" Check the model's installation and version before relying on its findings.");
        m_shownKeys << key;
        m_shownTexts << text + QLatin1Char(' ') + detail;
        auto* frame = new QFrame(this);
        frame->setObjectName(QStringLiteral("modelAlert"));
        frame->setFrameShape(QFrame::StyledPanel);
        // Amber with dark text; the heading says what it is (never colour alone).
        frame->setStyleSheet(QStringLiteral("QFrame#modelAlert { background: #fff1c2; border: 1px solid #b07800; }"
                                            "QFrame#modelAlert QLabel { color: #000000; }"));
        auto* v = new QVBoxLayout(frame);
        v->setContentsMargins(6, 4, 6, 4);
        auto* label = new QLabel(m_compact ? tr("<b>\u26A0 Model behaviour changed</b><br>%1").arg(text.toHtmlEscaped())
                                           : tr("<b>\u26A0 Model behaviour changed</b><br>%1<br><small>%2</small>")
                                                 .arg(text.toHtmlEscaped(), detail.toHtmlEscaped()),
                                 frame);
        label->setWordWrap(true);
        label->setTextFormat(Qt::RichText);
        label->setToolTip(text + QLatin1Char('\n') + detail);
        // Never squeezed below its text: the layout above gives way instead.
        label->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Minimum);
        frame->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Minimum);
        v->addWidget(label);
        auto* dismissButton = new QPushButton(m_compact ? tr("Dismiss") : tr("Dismiss for this session"), frame);
        dismissButton->setObjectName(QStringLiteral("dismissModelAlert"));
        dismissButton->setToolTip(tr("Hide this alert until the next start or the next alert (it is in the audit log)"));
        connect(dismissButton, &QPushButton::clicked, this, [this, key] { dismiss(key); });
        v->addWidget(dismissButton, 0, Qt::AlignRight);
        m_layout->addWidget(frame);
        frame->show(); // at once, not when the layout gets to it: a shown banner shows every alert
    }
    setVisible(!m_suppressed && !m_shownKeys.isEmpty());
}

} // namespace veridicor::ui
