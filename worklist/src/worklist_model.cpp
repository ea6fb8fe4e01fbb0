#include <veridicor/worklist/worklist_model.h>

namespace veridicor::worklist {

namespace {

QString statusText(ReadingStatus status) {
    switch (status) {
    case ReadingStatus::Unread:
        return QStringLiteral("Unread");
    case ReadingStatus::Preliminary:
        return QStringLiteral("Preliminary");
    case ReadingStatus::Signed:
        return QStringLiteral("Signed");
    case ReadingStatus::Amended:
        return QStringLiteral("Amended");
    }
    return {};
}

/// The Reading column: the reading's status, and where the study stands in adjudication.
QString statusText(const StudyRow& row) {
    switch (row.adjudication) {
    case AdjudicationState::None:
        return statusText(row.status);
    case AdjudicationState::Requested:
        return statusText(row.status) + QStringLiteral(" · to adjudicate");
    case AdjudicationState::Adjudicated:
        return QStringLiteral("Adjudicated");
    }
    return statusText(row.status);
}

QString acquiredText(const QDateTime& time) {
    return time.isValid() ? time.toString(QStringLiteral("yyyy-MM-dd HH:mm")) : QString();
}

} // namespace

WorklistModel::WorklistModel(QObject* parent) : QAbstractTableModel(parent) {}

Expected<void, Error> WorklistModel::reload(Database& database) {
    auto rows = database.studies();
    if (!rows) {
        return Unexpected(rows.error());
    }
    setRows(std::move(rows).value());
    return {};
}

void WorklistModel::setRows(std::vector<StudyRow> rows) {
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
}

int WorklistModel::rowOf(const QString& studyUid) const {
    for (std::size_t i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].studyUid == studyUid) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

int WorklistModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int WorklistModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

void WorklistModel::setAiHidden(bool hidden, const QSet<QString>& revealed) {
    if (hidden == m_aiHidden && revealed == m_revealed) {
        return;
    }
    m_aiHidden = hidden;
    m_revealed = revealed;
    if (!m_rows.empty()) {
        emit dataChanged(index(0, AiFindings), index(rowCount() - 1, AiFindings));
    }
}

bool WorklistModel::aiHiddenFor(const QString& studyUid) const {
    return m_aiHidden && !m_revealed.contains(studyUid);
}

QVariant WorklistModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() < 0 || index.row() >= rowCount() || index.column() >= ColumnCount) {
        return {};
    }
    const StudyRow& row = m_rows[static_cast<std::size_t>(index.row())];
    switch (role) {
    case StudyUidRole:
        return row.studyUid;
    case PatientIdRole:
        return row.patientId;
    case SeverityRankRole:
        return row.ai.rank();
    case StatusRole:
        return static_cast<int>(row.status);
    case AcquiredRole:
        return row.acquired;
    case AdjudicationRole:
        return static_cast<int>(row.adjudication);
    default:
        break;
    }
    if (role != Qt::DisplayRole && role != SortRole) {
        return {};
    }
    const bool display = role == Qt::DisplayRole;
    switch (static_cast<Column>(index.column())) {
    case Patient:
        return display ? row.patientName : row.patientName.toCaseFolded();
    case Modality:
        return row.modality;
    case Acquired:
        return display ? QVariant(acquiredText(row.acquired)) : QVariant(row.acquired);
    case AiFindings:
        if (aiHiddenFor(row.studyUid)) {
            return display ? QVariant(QStringLiteral("hidden (blind read)")) : QVariant(0);
        }
        return display ? QVariant(summaryText(row.ai)) : QVariant(row.ai.rank());
    case Status:
        return display ? QVariant(statusText(row)) : QVariant(static_cast<int>(row.status));
    case Reader:
        return display ? row.reader : row.reader.toCaseFolded();
    case ColumnCount:
        break;
    }
    return {};
}

QVariant WorklistModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return {};
    }
    switch (static_cast<Column>(section)) {
    case Patient:
        return QStringLiteral("Patient");
    case Modality:
        return QStringLiteral("Modality");
    case Acquired:
        return QStringLiteral("Acquired");
    case AiFindings:
        return QStringLiteral("AI findings");
    case Status:
        return QStringLiteral("Reading");
    case Reader:
        return QStringLiteral("Reader");
    case ColumnCount:
        break;
    }
    return {};
}

WorklistFilter::WorklistFilter(QObject* parent) : QSortFilterProxyModel(parent) {
    setSortRole(WorklistModel::SortRole);
    setDynamicSortFilter(true);
}

void WorklistFilter::setTextFilter(const QString& text) {
    m_text = text.trimmed();
    invalidateFilter();
}

void WorklistFilter::setStatusFilter(std::optional<ReadingStatus> status) {
    m_status = status;
    invalidateFilter();
}

void WorklistFilter::setToAdjudicateOnly(bool on) {
    m_toAdjudicate = on;
    invalidateFilter();
}

void WorklistFilter::setModalityFilter(const QString& modality) {
    m_modality = modality.trimmed();
    invalidateFilter();
}

void WorklistFilter::setSeverityFirst(bool on) {
    if (on == m_severityFirst) {
        return;
    }
    if (on) {
        m_columnBeforeSeverity = sortColumn();
        m_orderBeforeSeverity = sortOrder();
        m_severityFirst = true;
        // The column only makes sort() run; lessThan() orders by severity whatever the column.
        sort(0, Qt::AscendingOrder);
    } else {
        m_severityFirst = false;
        sort(m_columnBeforeSeverity, m_orderBeforeSeverity);
    }
    invalidate(); // sort() does nothing when the column and order are those it already has
}

int WorklistFilter::nextUnread(int fromRow) const {
    for (int row = std::max(fromRow + 1, 0); row < rowCount(); ++row) {
        if (data(index(row, 0), WorklistModel::StatusRole).toInt() == static_cast<int>(ReadingStatus::Unread)) {
            return row;
        }
    }
    return -1;
}

int WorklistFilter::previous(int fromRow) const {
    return fromRow >= 1 && fromRow < rowCount() ? fromRow - 1 : -1;
}

bool WorklistFilter::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
    const QAbstractItemModel* source = sourceModel();
    const QModelIndex first = source->index(sourceRow, 0, sourceParent);
    if (m_status &&
        source->data(first, WorklistModel::StatusRole).toInt() != static_cast<int>(*m_status)) {
        return false;
    }
    if (m_toAdjudicate && source->data(first, WorklistModel::AdjudicationRole).toInt() !=
                              static_cast<int>(AdjudicationState::Requested)) {
        return false;
    }
    if (!m_modality.isEmpty()) {
        const QString modalities =
            source->data(source->index(sourceRow, WorklistModel::Modality, sourceParent), Qt::DisplayRole).toString();
        if (!modalities.split(QLatin1Char('/')).contains(m_modality, Qt::CaseInsensitive)) {
            return false;
        }
    }
    if (!m_text.isEmpty()) {
        const QString name = source->data(first, Qt::DisplayRole).toString();
        const QString id = source->data(first, WorklistModel::PatientIdRole).toString();
        if (!name.contains(m_text, Qt::CaseInsensitive) && !id.contains(m_text, Qt::CaseInsensitive)) {
            return false;
        }
    }
    return true;
}

bool WorklistFilter::lessThan(const QModelIndex& left, const QModelIndex& right) const {
    const QAbstractItemModel* source = sourceModel();
    const auto at = [&](const QModelIndex& i, int role) { return source->data(i.siblingAtColumn(0), role); };
    const QString leftUid = at(left, WorklistModel::StudyUidRole).toString();
    const QString rightUid = at(right, WorklistModel::StudyUidRole).toString();
    if (m_severityFirst) {
        const int l = at(left, WorklistModel::SeverityRankRole).toInt();
        const int r = at(right, WorklistModel::SeverityRankRole).toInt();
        if (l != r) {
            return l > r;
        }
        const QDateTime lt = at(left, WorklistModel::AcquiredRole).toDateTime();
        const QDateTime rt = at(right, WorklistModel::AcquiredRole).toDateTime();
        if (lt != rt) {
            // A study without a time goes after those with one.
            if (!lt.isValid() || !rt.isValid()) {
                return lt.isValid();
            }
            return lt < rt;
        }
        return leftUid < rightUid;
    }
    const QVariant l = source->data(left, WorklistModel::SortRole);
    const QVariant r = source->data(right, WorklistModel::SortRole);
    if (l != r) {
        switch (l.typeId()) {
        case QMetaType::Int:
            return l.toInt() < r.toInt();
        case QMetaType::QDateTime: {
            const QDateTime lt = l.toDateTime();
            const QDateTime rt = r.toDateTime();
            if (!lt.isValid() || !rt.isValid()) {
                return !lt.isValid() && rt.isValid();
            }
            return lt < rt;
        }
        default:
            return QString::localeAwareCompare(l.toString(), r.toString()) < 0;
        }
    }
    // Equal values keep one order whatever the model's row order: by study UID (reversed with the sort order,
    // which is harmless: the UID only breaks ties).
    return leftUid < rightUid;
}

} // namespace veridicor::worklist
