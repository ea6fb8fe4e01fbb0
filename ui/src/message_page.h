#pragma once

#include <QWidget>

class QLabel;

namespace veridicor::ui {

/// A full-page message in place of a view: the welcome text, or why a file cannot be shown.
class MessagePage : public QWidget {
    Q_OBJECT
public:
    explicit MessagePage(QWidget* parent = nullptr);
    void showWelcome();
    void showError(const QString& title, const QString& detail);

private:
    QLabel* m_title = nullptr;
    QLabel* m_detail = nullptr;
};

} // namespace veridicor::ui
