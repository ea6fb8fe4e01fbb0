#pragma once
// The side-by-side review of one recording (issue 12): the AI's verified findings beside the clinician's
// committed or signed reading, one row per category (review::sideBySide). Shown only after the reading is
// committed — the main window (main_window_review.cpp) asks FindingPresenter::aiHidden() first and gives this
// panel nothing of the AI before that. Private to ui/.

#include <veridicor/reading/reading.h>
#include <veridicor/review/side_by_side.h>

#include <QStringList>
#include <QWidget>

#include <vector>

class QLabel;
class QListWidget;
class QTableWidget;

namespace veridicor::ui {

struct FindingEntry;

/// The state of a row in words, as the table shows it beside its colour: "agree", "disagree", "AI only",
/// "clinician only".
QString rowStateText(review::RowState state);

/// What the side-by-side counts of the findings of one recording: the displayed, trusted bundles' findings
/// with their codes; every untrusted bundle (shown anyway or not) as not verified, with its reasons and
/// without its content. `notShown` receives the trusted bundles whose content is not on screen (their display
/// could not be recorded, or the view cannot vouch for its data), with why: they are not compared either.
review::StudyInput sideBySideInput(const std::vector<const FindingEntry*>& entries,
                                   const std::vector<reading::CodedStatement>& statements, review::Domain domain,
                                   QStringList* notShown);

class SideBySidePanel : public QWidget {
    Q_OBJECT
public:
    /// Table columns: the category with each side's codes (and the note) under it, then the state — two
    /// columns, so that the panel reads in the narrow column of the reading area.
    enum Column { RowColumn, StateColumn, ColumnCount };

    /// One row as shown, part by part.
    struct ShownRow {
        QString category;
        QString ai;        ///< the AI's codes, or "none stated (negative)"
        QString clinician;
        QString state;     ///< with its symbol: "✓ agree (both negative)", "◐ AI only"
        QString note;
    };

    explicit SideBySidePanel(QWidget* parent = nullptr);

    /// Shows `message` only (blind read before the reveal, no reading yet): every list is emptied.
    void showMessage(const QString& message);
    /// Shows the rows of `s` under `heading` (which reading, which findings); `notShown` lists trusted
    /// bundles whose content is not on screen (sideBySideInput()).
    void setSideBySide(const review::SideBySide& s, const QString& heading, const QStringList& notShown = {});

    [[nodiscard]] QString message() const;
    [[nodiscard]] QTableWidget* table() const { return m_table; }
    [[nodiscard]] const std::vector<ShownRow>& rows() const { return m_rows; }
    [[nodiscard]] QListWidget* notCountedList() const { return m_notCounted; }
    [[nodiscard]] QListWidget* uncategorisedList() const { return m_uncategorised; }

private:
    std::vector<ShownRow> m_rows;
    QLabel* m_heading = nullptr;
    QTableWidget* m_table = nullptr;
    QLabel* m_notCountedTitle = nullptr;
    QListWidget* m_notCounted = nullptr;
    QLabel* m_uncategorisedTitle = nullptr;
    QListWidget* m_uncategorised = nullptr;
};

} // namespace veridicor::ui
