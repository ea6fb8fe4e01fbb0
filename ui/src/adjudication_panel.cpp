#include "adjudication_panel.h"

#include "display_text.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

namespace veridicor::ui {

namespace {

QString joinedOrNone(const QStringList& lines) {
    return lines.isEmpty() ? AdjudicationPanel::tr("— (states nothing abnormal here)") : lines.join(QStringLiteral("; "));
}

} // namespace

AdjudicationPanel::AdjudicationPanel(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    m_reading = new QLabel(this);
    m_reading->setWordWrap(true);
    m_reading->setTextFormat(Qt::PlainText);
    layout->addWidget(m_reading);
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    m_rowsHost = new QWidget(scroll);
    m_rowsLayout = new QVBoxLayout(m_rowsHost);
    m_rowsLayout->setContentsMargins(0, 0, 0, 0);
    m_rowsLayout->addStretch(1);
    scroll->setWidget(m_rowsHost);
    layout->addWidget(scroll, 1);
    m_signingNote = new QLabel(this);
    m_signingNote->setWordWrap(true);
    m_signingNote->setTextFormat(Qt::PlainText);
    m_signingNote->hide();
    layout->addWidget(m_signingNote);
    m_sign = new QPushButton(tr("&Sign Adjudication"), this);
    m_sign->setToolTip(tr("Sign the adjudication with your key (Adjudication › Sign Adjudication, Ctrl+Alt+Return)"));
    layout->addWidget(m_sign);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_status->setTextFormat(Qt::PlainText);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_status);
    connect(m_sign, &QPushButton::clicked, this, &AdjudicationPanel::signRequested);
    clearCase(tr("Open a study whose reading disagrees with the AI, then Adjudication › Adjudicate."));
}

void AdjudicationPanel::clearCase(const QString& why) {
    for (Row& r : m_rows) {
        delete r.choice->parentWidget(); // the row's group box
    }
    m_rows.clear();
    m_reading->setText(why);
    m_sign->setEnabled(false);
    m_status->clear();
}

void AdjudicationPanel::setCase(const QString& readingLine, const std::vector<DiscordantCategory>& categories) {
    clearCase(readingLine);
    QWidget* previous = nullptr;
    for (const DiscordantCategory& c : categories) {
        auto* box = new QGroupBox(boundedText(c.title, kMaxNameChars), m_rowsHost);
        auto* form = new QFormLayout(box);
        auto* ai = new QLabel(joinedOrNone(c.aiLines), box);
        ai->setWordWrap(true);
        ai->setTextFormat(Qt::PlainText);
        auto* clinician = new QLabel(joinedOrNone(c.clinicianLines), box);
        clinician->setWordWrap(true);
        clinician->setTextFormat(Qt::PlainText);
        form->addRow(tr("AI (verified):"), ai);
        form->addRow(tr("Clinician:"), clinician);
        Row row;
        row.category = c;
        row.choice = new QComboBox(box);
        row.choice->addItem(tr("Choose the final label…"), static_cast<int>(AdjudicationChoice::Undecided));
        if (!c.aiCodes.empty()) {
            row.choice->addItem(tr("Positive — as the AI states it"), static_cast<int>(AdjudicationChoice::PositiveAsAi));
        }
        if (!c.clinicianCodes.empty()) {
            row.choice->addItem(tr("Positive — as the clinician states it"),
                                static_cast<int>(AdjudicationChoice::PositiveAsClinician));
        }
        row.choice->addItem(tr("Negative"), static_cast<int>(AdjudicationChoice::Negative));
        row.reason = new QLineEdit(box);
        row.reason->setMaxLength(static_cast<int>(reading::kMaxReasonBytes / 4)); // UTF-8: at most 4 bytes each
        row.reason->setPlaceholderText(tr("Why (required)"));
        auto* labelLabel = new QLabel(tr("Final &label:"), box);
        labelLabel->setBuddy(row.choice);
        auto* reasonLabel = new QLabel(tr("&Reason:"), box);
        reasonLabel->setBuddy(row.reason);
        form->addRow(labelLabel, row.choice);
        form->addRow(reasonLabel, row.reason);
        m_rowsLayout->insertWidget(m_rowsLayout->count() - 1, box);
        if (previous != nullptr) {
            setTabOrder(previous, row.choice);
        }
        setTabOrder(row.choice, row.reason);
        previous = row.reason;
        m_rows.push_back(row);
    }
    if (previous != nullptr) {
        setTabOrder(previous, m_sign);
    }
    m_sign->setEnabled(!m_rows.empty() && m_signingNote->isHidden());
}

bool AdjudicationPanel::setDecision(int row, AdjudicationChoice choice, const QString& reason) {
    if (row < 0 || row >= categoryCount()) {
        return false;
    }
    const Row& r = m_rows[static_cast<std::size_t>(row)];
    const int index = r.choice->findData(static_cast<int>(choice));
    if (index < 0) {
        return false;
    }
    r.choice->setCurrentIndex(index);
    r.reason->setText(reason);
    return true;
}

std::optional<std::vector<reading::AdjudicatedCategory>> AdjudicationPanel::decided(QString* why) const {
    std::vector<reading::AdjudicatedCategory> out;
    for (const Row& r : m_rows) {
        const auto choice = static_cast<AdjudicationChoice>(r.choice->currentData().toInt());
        const QString reason = r.reason->text().trimmed();
        if (choice == AdjudicationChoice::Undecided) {
            *why = tr("Choose the final label of \"%1\".").arg(r.category.title);
            return std::nullopt;
        }
        if (reason.isEmpty()) {
            *why = tr("Give the reason for the label of \"%1\".").arg(r.category.title);
            return std::nullopt;
        }
        reading::AdjudicatedCategory c;
        c.category = r.category.categoryId.toStdString();
        c.positive = choice != AdjudicationChoice::Negative;
        if (choice == AdjudicationChoice::PositiveAsAi) {
            c.codes = r.category.aiCodes;
        } else if (choice == AdjudicationChoice::PositiveAsClinician) {
            c.codes = r.category.clinicianCodes;
        }
        c.reason = reason.toStdString();
        out.push_back(std::move(c));
    }
    if (out.empty()) {
        *why = tr("There is nothing to adjudicate.");
        return std::nullopt;
    }
    return out;
}

void AdjudicationPanel::setSigningAvailable(bool available, const QString& why) {
    m_signingNote->setText(why);
    m_signingNote->setVisible(!available);
    m_sign->setEnabled(available && !m_rows.empty());
}

void AdjudicationPanel::setStatus(const QString& text, bool problem) {
    m_status->setText(text);
    m_status->setStyleSheet(problem ? QStringLiteral("color: #b00020;") : QString());
}

QString AdjudicationPanel::status() const {
    return m_status->text();
}

void AdjudicationPanel::focusFirst() {
    if (!m_rows.empty()) {
        m_rows.front().choice->setFocus(Qt::OtherFocusReason);
    }
}

} // namespace veridicor::ui
