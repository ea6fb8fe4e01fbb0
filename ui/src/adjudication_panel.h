#pragma once
// The adjudication panel (a dock): for each category in which the AI's verified findings and the clinician's
// signed reading of the study on screen disagree, both sides' codes, a choice of the final label and a
// reason; Sign. The panel only holds and shows the case; MainWindow (main_window_adjudication.cpp) finds the
// discordance, writes and verifies the adjudication SR and records it.

#include <veridicor/reading/adjudication.h>

#include <QString>
#include <QStringList>
#include <QWidget>

#include <optional>
#include <vector>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QVBoxLayout;

namespace veridicor::ui {

/// One discordant category as the adjudicator is shown it.
struct DiscordantCategory {
    QString categoryId;   ///< review::categoryId()
    QString title;        ///< "ECG: ischaemia/infarction — AI only"
    QStringList aiLines;  ///< the AI's verified findings in this category (code meaning, finding id)
    QStringList clinicianLines; ///< the clinician's statements in this category
    std::vector<reading::ChosenCode> aiCodes;        ///< what "Positive, as the AI" records
    std::vector<reading::ChosenCode> clinicianCodes; ///< what "Positive, as the clinician" records
};

enum class AdjudicationChoice { Undecided, PositiveAsAi, PositiveAsClinician, Negative };

class AdjudicationPanel : public QWidget {
    Q_OBJECT
public:
    explicit AdjudicationPanel(QWidget* parent = nullptr);

    /// The case: the reading adjudicated (a line saying whose and which) and its discordant categories.
    void setCase(const QString& readingLine, const std::vector<DiscordantCategory>& categories);
    /// No case (another study, or nothing to adjudicate): `why` says so.
    void clearCase(const QString& why);
    [[nodiscard]] int categoryCount() const { return static_cast<int>(m_rows.size()); }
    /// The choice and reason of category `row` (as the combo box and the reason field would set them);
    /// false when the row does not exist or the choice is not offered (no code on that side).
    bool setDecision(int row, AdjudicationChoice choice, const QString& reason);
    /// The categories as decided, or why not yet (a category undecided or without a reason).
    [[nodiscard]] std::optional<std::vector<reading::AdjudicatedCategory>> decided(QString* why) const;

    void setSigningAvailable(bool available, const QString& why);
    void setStatus(const QString& text, bool problem = false);
    [[nodiscard]] QString status() const;
    [[nodiscard]] QPushButton* signButton() const { return m_sign; }
    /// The first category's label choice (focus goes there when the panel opens).
    void focusFirst();

signals:
    void signRequested();

private:
    struct Row {
        DiscordantCategory category;
        QComboBox* choice = nullptr;
        QLineEdit* reason = nullptr;
    };
    QLabel* m_reading = nullptr;
    QVBoxLayout* m_rowsLayout = nullptr;
    QWidget* m_rowsHost = nullptr;
    std::vector<Row> m_rows;
    QPushButton* m_sign = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_signingNote = nullptr;
};

} // namespace veridicor::ui
