#pragma once

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;

namespace veridicor::worklist {
class WorklistFilter;
class WorklistModel;
} // namespace veridicor::worklist

namespace veridicor::ui {

/// The worklist: every study of the local database (the opened folders and those opened before) with its
/// patient, modality, time, AI summary and reading status; filters, sorting and the severity-first order. Used
/// twice over one model: as a dock and as the start screen (nothing open yet). Choosing a row (double-click,
/// Enter) emits studyChosen().
class WorklistPanel : public QWidget {
    Q_OBJECT
public:
    explicit WorklistPanel(worklist::WorklistModel* model, QWidget* parent = nullptr);

    [[nodiscard]] worklist::WorklistFilter* filter() const { return m_filter; }
    [[nodiscard]] QTableView* table() const { return m_table; }
    /// The study UID of the selected row, or empty.
    [[nodiscard]] QString currentStudy() const;
    /// Selects the row of `studyUid` (when it passes the filters); false when it is not listed.
    bool selectStudy(const QString& studyUid);
    /// The next unread study after the selected one in the order on screen, going on from the top past the
    /// last row (from the top when none is selected); empty when no other study is unread.
    [[nodiscard]] QString nextUnreadStudy() const;
    /// The study above the selected one; empty at the top.
    [[nodiscard]] QString previousStudy() const;
    /// A line under the table (the database's state, e.g. that it was rebuilt).
    void setNote(const QString& text);

signals:
    void studyChosen(const QString& studyUid);

private:
    void updateCount();

    worklist::WorklistModel* m_model;
    worklist::WorklistFilter* m_filter;
    QLineEdit* m_text = nullptr;
    QComboBox* m_status = nullptr;
    QComboBox* m_modality = nullptr;
    QCheckBox* m_severity = nullptr;
    QTableView* m_table = nullptr;
    QLabel* m_count = nullptr;
    QLabel* m_note = nullptr;
};

} // namespace veridicor::ui
