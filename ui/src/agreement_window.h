#pragma once
// View › Agreement statistics (issue 12): the AI against the clinician over a set of reviewed studies
// (review::ReviewSet, built elsewhere from a folder or the worklist database) — one table row per group with
// every figure of review::agreement (κ alone misleads at skewed prevalence), undefined figures as "—" with
// their reason, a chart of κ with its 95 % interval per category, agreement over time per model version, the
// studies left out and why, and Export CSV / JSON through functions the integrator connects. Private to ui/.

#include <veridicor/review/agreement.h>
#include <veridicor/review/reviewed_study.h>

#include <QDate>
#include <QWidget>

#include <functional>
#include <optional>
#include <vector>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QLabel;
class QListWidget;
class QPushButton;
class QTabWidget;
class QTableWidget;

QT_BEGIN_NAMESPACE
class QChartView;
QT_END_NAMESPACE

namespace veridicor::ui {

/// One row of the table: the group's key (parts not grouped by are empty / nullopt: "all") and its figures.
struct AgreementRow {
    QString modelName;   ///< empty: all models
    QString modelVersion;
    std::optional<review::Category> category; ///< nullopt: all categories pooled
    QString reader;      ///< empty: all readers (not grouped by reader)
    review::Table table;
    std::uint64_t disagreements = 0;
    review::Agreement figures;
};

/// The groups of `set` (studies signed within [from, to] when given; both inclusive, UTC days), grouped by
/// model (name and version), category and reader as asked; every table summed from review::addReviewedStudy.
std::vector<AgreementRow> agreementRows(const review::ReviewSet& set, bool byModel, bool byCategory, bool byReader,
                                        std::optional<QDate> from = {}, std::optional<QDate> to = {});

class AgreementWindow : public QWidget {
    Q_OBJECT
public:
    /// Export CSV… / Export JSON…: called with the studies the window shows now (after the date filter) and
    /// the window, as the parent of any dialog it opens.
    using ExportHandler = std::function<void(const review::ReviewSet& shown, QWidget* parent)>;

    /// Table columns.
    enum Column {
        ModelColumn, VersionColumn, CategoryColumn, ReaderColumn, NColumn, TpColumn, FpColumn, FnColumn, TnColumn,
        DisagreeColumn, AgreementColumn, KappaColumn, PabakColumn, Ac1Column, PpaColumn, NpaColumn, PpvColumn,
        NpvColumn, ColumnCount
    };

    /// What the window counts (the "Count" box): chosen by the reader, provided by the main window.
    enum Source { WholeWorklist, WorklistShown, Folder };
    explicit AgreementWindow(QWidget* parent = nullptr);
    [[nodiscard]] Source source() const;
    /// Shown above the table: what is counted ("the worklist", "the studies the worklist shows", a folder).
    void setSourceText(const QString& text);

    void setReviewSet(review::ReviewSet set);
    [[nodiscard]] const review::ReviewSet& reviewSet() const { return m_set; }
    /// The studies within the date filter (leftOut kept whole).
    [[nodiscard]] review::ReviewSet shownSet() const;
    void setExportCsv(ExportHandler handler);
    void setExportJson(ExportHandler handler);
    void setGrouping(bool byModel, bool byCategory, bool byReader);
    /// Only readings signed within [from, to] (UTC days, inclusive); nullopt: no limit on that side.
    void setDateRange(std::optional<QDate> from, std::optional<QDate> to);

    [[nodiscard]] const std::vector<AgreementRow>& rows() const { return m_rows; }
    [[nodiscard]] QTableWidget* table() const { return m_table; }
    [[nodiscard]] QLabel* footnotes() const { return m_footnotes; }
    [[nodiscard]] QListWidget* leftOutList() const { return m_leftOut; }
    [[nodiscard]] QChartView* categoryChart() const { return m_categoryChart; }
    [[nodiscard]] QChartView* timeChart() const { return m_timeChart; }
    [[nodiscard]] QPushButton* exportCsvButton() const { return m_exportCsv; }
    [[nodiscard]] QPushButton* exportJsonButton() const { return m_exportJson; }

signals:
    /// The reader chose another source in the "Count" box (Folder: the main window asks which folder).
    void sourceRequested(veridicor::ui::AgreementWindow::Source source);

private:
    void refresh();
    void fillTable();
    void fillCategoryChart();
    void fillTimeChart();
    void fillLeftOut();
    [[nodiscard]] std::optional<QDate> fromDate() const;
    [[nodiscard]] std::optional<QDate> toDate() const;

    review::ReviewSet m_set;
    std::vector<AgreementRow> m_rows;
    ExportHandler m_csv;
    ExportHandler m_json;
    QComboBox* m_source = nullptr;
    QLabel* m_sourceText = nullptr;
    QCheckBox* m_byModel = nullptr;
    QCheckBox* m_byCategory = nullptr;
    QCheckBox* m_byReader = nullptr;
    QCheckBox* m_useFrom = nullptr;
    QCheckBox* m_useTo = nullptr;
    QDateEdit* m_from = nullptr;
    QDateEdit* m_to = nullptr;
    QLabel* m_summary = nullptr;
    QTableWidget* m_table = nullptr;
    QLabel* m_footnotes = nullptr;
    QChartView* m_categoryChart = nullptr;
    QChartView* m_timeChart = nullptr;
    QListWidget* m_leftOut = nullptr;
    QTabWidget* m_tabs = nullptr;
    QPushButton* m_exportCsv = nullptr;
    QPushButton* m_exportJson = nullptr;
};

} // namespace veridicor::ui
