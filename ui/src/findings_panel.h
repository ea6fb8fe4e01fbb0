#pragma once

#include "finding_presenter.h"

#include <QString>
#include <QWidget>

#include <vector>

class QLabel;
class QVBoxLayout;
class QWidget;

namespace veridicor::ui {

/// What the panel needs to know besides the entries.
struct FindingsPanelContext {
    QString recordingPath;          ///< the recording on screen (empty: none)
    QString trustStore;             ///< the trust store folder in use
    bool checking = false;          ///< a verification round is running
    bool overlaysSupported = false; ///< the view on screen can draw overlays
    QString selectedKey;            ///< the selected finding (overlay key)
    struct Other {
        QString path;
        int trusted = 0;
        int untrusted = 0;
    };
    std::vector<Other> others; ///< other open recordings that have findings
};

/// The findings panel (a dock): per bundle a card, drawn as FindingPresenter decided it (CardPresentation:
/// badge, reasons, message, whether the content is shown and "Show anyway" offered). Shown content is model,
/// signer, time, and per finding code, text, confidence, a visibility toggle and (when selected) its
/// measurements; no widget ever holds the content of a card that does not show it, hidden or not.
class FindingsPanel : public QWidget {
    Q_OBJECT
public:
    explicit FindingsPanel(QWidget* parent = nullptr);

    /// Rebuilds the panel for the cards of the recording on screen.
    void setEntries(const std::vector<CardPresentation>& cards, const FindingSession& session,
                    const FindingsPanelContext& context);
    /// Blind read: the panel says only `message` — no card, count, trust store line or footer.
    void showHidden(const QString& message);

signals:
    void showAnywayRequested(const QString& id);
    void detailsRequested(const QString& id);
    void visibilityChanged(const QString& key, bool visible);
    void findingSelected(const QString& key);
    void recordingRequested(const QString& path);

private:
    void clearCards();
    QWidget* makeCard(const CardPresentation& card, const FindingSession& session,
                      const FindingsPanelContext& context);
    void addFindingContent(QVBoxLayout* layout, QWidget* card, const CardPresentation& presentation,
                           const FindingSession& session, const FindingsPanelContext& context);

    QLabel* m_summary = nullptr;
    QLabel* m_trust = nullptr;
    QWidget* m_cards = nullptr;
    QVBoxLayout* m_cardsLayout = nullptr;
    QWidget* m_footer = nullptr;
    QVBoxLayout* m_footerLayout = nullptr;
};

} // namespace veridicor::ui
