#pragma once

#include <veridicor/dicom/study_index.h>

#include <QTreeWidget>

namespace veridicor::ui {

/// Patient → study → series → instance tree. Instances carry their path; activating one emits instanceChosen.
class StudyBrowser : public QTreeWidget {
    Q_OBJECT
public:
    explicit StudyBrowser(QWidget* parent = nullptr);
    void setIndex(const dicom::StudyIndex& index);
    /// Selects the instance item for `path` without emitting instanceChosen.
    void selectPath(const QString& path);

    static constexpr int PathRole = Qt::UserRole + 1;

signals:
    void instanceChosen(const QString& path);
};

} // namespace veridicor::ui
