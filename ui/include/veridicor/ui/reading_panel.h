#pragma once
// The reading panel (a dock): where the clinician writes their own reading of the recording on screen — coded
// statements (searched by typing), free text, the measurements made on the view, a review of the recording's
// own device statements, and an assessment of each AI finding shown — and commits or signs it. The panel only
// holds and shows the content; MainWindow writes the SR, records it and decides what the panel may show (the
// blind read, the verdicts of existing readings).

#include <veridicor/reading/reading.h>
#include <veridicor/registry/study_view.h>

#include <QString>
#include <QStringList>
#include <QWidget>

#include <optional>
#include <vector>

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QVBoxLayout;

namespace veridicor::ui {

/// An AI finding the reader may assess: one finding of a bundle whose content is displayed now.
struct AssessableFinding {
    QString key;          ///< overlay key "<bundle id>#<finding id>"
    QString label;        ///< what the card calls it (code meaning), bounded
    std::string bundleSha256;
    std::string findingId;
    std::string verdict; ///< "trusted", or "untrusted" for one shown anyway
};

/// An existing reading of the study as verification found it. `content` is set only when it is trusted.
struct ShownReading {
    QString path;
    bool trusted = false;
    QString headline;                        ///< "Signed by …, verified" or "untrusted: …"
    std::optional<reading::Reading> content; ///< only when trusted
};

class ReadingPanel : public QWidget {
    Q_OBJECT
public:
    explicit ReadingPanel(QWidget* parent = nullptr);

    /// A new recording: the reading starts empty (statements, text, reviews, assessments, status).
    void clearReading();
    /// Fills the panel with a reading's content (an amendment starts from the reading it amends).
    void setReading(const reading::Reading& content);
    /// The reading as the panel holds it (`blind` and `amends` are the window's to set).
    [[nodiscard]] reading::Reading reading() const;

    /// The measurements the reader made on the view (StudyView::readerMeasurements()).
    void setMeasurements(const std::vector<registry::ReaderMeasurement>& measurements);
    /// The recording's own statements; reviews already chosen for the same texts are kept.
    void setDeviceStatements(const std::vector<registry::DeviceStatement>& statements);
    /// The AI findings that may be assessed; with `hiddenReason` set (blind read), none is listed and the
    /// section says only that. Assessments already chosen for the same keys are kept.
    void setAssessableFindings(const std::vector<AssessableFinding>& findings, const QString& hiddenReason);
    /// The study's existing readings as verified; `aiHidden`: their AI assessments are not shown either.
    void setExistingReadings(const std::vector<ShownReading>& readings, bool aiHidden);

    /// Whether Sign can be used, and why not ("" when it can).
    void setSigningAvailable(bool available, const QString& whyNot);
    /// Whether a signed reading exists that Amend would reference, and what the panel calls it.
    void setAmendable(bool available);
    /// The reading under way amends `what` (empty: a new reading).
    void setAmending(const QString& what);
    /// A recording the reading can be about is on screen (Commit and Sign need one).
    void setRecordingAvailable(bool available);
    /// The line under the buttons: what was saved, or why it could not be (`problem`: shown in red).
    void setStatus(const QString& text, bool problem = false);
    [[nodiscard]] QString status() const;

    // ---- what the keyboard and mouse do, callable by tests
    /// Filters the statement list as typing in the search field does; returns how many statements match.
    int search(const QString& text);
    /// Adds the highlighted statement of the filtered list (Enter in the search field); false when none.
    bool addHighlightedStatement();
    /// Adds the statement with SNOMED CT id `sctId` from the coded list, at the site `siteId` when given (a
    /// regional wall motion statement: reading::statementSites()); false when either is not in its list, or a
    /// site is given for a statement that is not regional.
    bool addStatement(const QString& sctId, const QString& siteId = {});
    void setFreeText(const QString& text);
    /// Review of device statement `index`: true confirmed, false rejected, nullopt not reviewed.
    bool setDeviceReview(int index, std::optional<bool> confirmed);
    /// Assessment of the finding `key`; nullopt: not assessed.
    bool setAssessment(const QString& key, std::optional<reading::Assessment> assessment,
                       const QString& reason = {});
    /// Focuses the statement search field (Reading › Find statement).
    void focusSearch();

    [[nodiscard]] QPushButton* commitButton() const { return m_commit; }
    [[nodiscard]] QPushButton* signButton() const { return m_sign; }
    [[nodiscard]] QPushButton* amendButton() const { return m_amend; }

signals:
    void commitRequested();
    void signRequested();
    void amendRequested();

private:
    void refilter();
    void updateButtons();
    void rebuildDevice();
    void rebuildAssessments();

    QLabel* m_existing = nullptr;
    QLineEdit* m_search = nullptr;
    QListWidget* m_codes = nullptr;    ///< the coded list, filtered by m_search
    QListWidget* m_chosen = nullptr;   ///< statements in the reading (Delete removes)
    QPlainTextEdit* m_text = nullptr;
    QListWidget* m_measurements = nullptr;
    QWidget* m_device = nullptr;
    QVBoxLayout* m_deviceLayout = nullptr;
    QWidget* m_ai = nullptr;
    QVBoxLayout* m_aiLayout = nullptr;
    QLabel* m_amending = nullptr;
    QLabel* m_signWhyNot = nullptr;
    QLabel* m_status = nullptr;
    QPushButton* m_commit = nullptr;
    QPushButton* m_sign = nullptr;
    QPushButton* m_amend = nullptr;

    std::vector<reading::CodedStatement> m_statements;
    std::vector<reading::Measurement> m_measured;
    struct DeviceRow {
        QString text;
        std::optional<bool> confirmed;
        QComboBox* combo = nullptr;
    };
    std::vector<DeviceRow> m_deviceRows;
    struct AiRow {
        AssessableFinding finding;
        std::optional<reading::Assessment> assessment;
        QString reason;
        QComboBox* combo = nullptr;
        QLineEdit* reasonEdit = nullptr;
    };
    std::vector<AiRow> m_aiRows;
    QString m_aiHiddenReason;
    bool m_signAvailable = false;
    bool m_amendAvailable = false;
    bool m_recordingAvailable = false;
};

} // namespace veridicor::ui
