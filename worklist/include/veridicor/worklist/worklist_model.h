#pragma once
/// \file
/// The worklist as Qt item models (Qt Core only: a view in ui/ shows them). WorklistModel holds the rows of the
/// database; WorklistFilter filters and orders them, and says which row "next unread" and "previous" go to.

#include <veridicor/base/expected.h>
#include <veridicor/worklist/database.h>

#include <QAbstractTableModel>
#include <QSet>
#include <QSortFilterProxyModel>

#include <optional>
#include <vector>

namespace veridicor::worklist {

class WorklistModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Patient, Modality, Acquired, AiFindings, Status, Reader, ColumnCount };
    enum Role {
        /// A typed value to order by: QString (patient, modality, reader; case-folded), QDateTime (acquired),
        /// int (AI: severity rank; status: ReadingStatus).
        SortRole = Qt::UserRole + 1,
        StudyUidRole,     ///< QString
        PatientIdRole,    ///< QString
        SeverityRankRole, ///< int, severity.h (0: no trusted finding)
        StatusRole,       ///< int, ReadingStatus
        AcquiredRole,     ///< QDateTime
        AdjudicationRole, ///< int, AdjudicationState
    };

    explicit WorklistModel(QObject* parent = nullptr);

    /// Replaces the rows with the database's studies.
    Expected<void, Error> reload(Database& database);
    void setRows(std::vector<StudyRow> rows);
    [[nodiscard]] const std::vector<StudyRow>& rows() const { return m_rows; }
    /// The row of `studyUid`, or -1.
    [[nodiscard]] int rowOf(const QString& studyUid) const;
    /// Blind read: with `hidden`, the AI column of every study but those in `revealed` (the studies whose
    /// reading was committed in this session) reads "hidden (blind read)" and sorts as no finding, so that no
    /// AI result of a study is seen before its reading. SeverityRankRole is left as it is: the
    /// severity-first order is the site's triage, and it shows no finding.
    void setAiHidden(bool hidden, const QSet<QString>& revealed);
    [[nodiscard]] bool aiHiddenFor(const QString& studyUid) const;

    [[nodiscard]] int rowCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role = Qt::DisplayRole) const override;

private:
    std::vector<StudyRow> m_rows;
    bool m_aiHidden = false;
    QSet<QString> m_revealed;
};

/// Filters (text, status, modality) and orders the worklist. With severityFirst the order is fixed: the most
/// critical trusted AI finding first, then the earliest acquisition (the study waiting longest), then the
/// study UID; otherwise the column sorted by sort() with WorklistModel::SortRole, ties by study UID.
class WorklistFilter : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit WorklistFilter(QObject* parent = nullptr);

    /// Rows whose patient name or ID contains `text` (case-insensitive); empty: all.
    void setTextFilter(const QString& text);
    /// Rows whose reading status is `status`; nullopt: all.
    void setStatusFilter(std::optional<ReadingStatus> status);
    /// Rows of a study that has this modality (one of "ECG/US"'s parts); empty: all.
    void setModalityFilter(const QString& modality);
    /// Only studies with an open adjudication request (the "to adjudicate" filter) when on.
    void setToAdjudicateOnly(bool on);
    [[nodiscard]] bool toAdjudicateOnly() const { return m_toAdjudicate; }
    /// Severity-first order on or off (off: back to the column order last asked by sort()).
    void setSeverityFirst(bool on);
    [[nodiscard]] bool severityFirst() const { return m_severityFirst; }

    /// The first row after `fromRow` (in this model's order) that is unread; -1 when there is none.
    /// fromRow -1 starts at the top.
    [[nodiscard]] int nextUnread(int fromRow) const;
    /// The row before `fromRow`; -1 at the top or for a row that does not exist.
    [[nodiscard]] int previous(int fromRow) const;

protected:
    [[nodiscard]] bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
    [[nodiscard]] bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

private:
    QString m_text;
    std::optional<ReadingStatus> m_status;
    QString m_modality;
    bool m_toAdjudicate = false;
    bool m_severityFirst = false;
    int m_columnBeforeSeverity = -1;
    Qt::SortOrder m_orderBeforeSeverity = Qt::AscendingOrder;
};

} // namespace veridicor::worklist
