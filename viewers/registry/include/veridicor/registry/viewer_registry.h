#pragma once

#include <veridicor/registry/study_view.h>

#include <QString>

#include <memory>
#include <string>
#include <vector>

namespace veridicor::registry {

/// One key (or key and mouse gesture) a view reacts to, as Help › Keyboard shortcuts lists it.
struct KeyHelp {
    QString keys;   ///< as the reader presses them ("PgUp", "Ctrl+wheel")
    QString action; ///< what happens
};

/// Builds the view for one family of SOP classes. Each view target provides one; app/ registers them.
class ViewerFactory {
public:
    ViewerFactory() = default;
    ViewerFactory(const ViewerFactory&) = default;
    ViewerFactory& operator=(const ViewerFactory&) = default;
    ViewerFactory(ViewerFactory&&) = default;
    ViewerFactory& operator=(ViewerFactory&&) = default;
    virtual ~ViewerFactory() = default;
    /// A stable identifier ("ecg", "cine").
    [[nodiscard]] virtual QString id() const = 0;
    /// A name for menus and messages ("ECG").
    [[nodiscard]] virtual QString displayName() const = 0;
    /// The SOP Class UIDs this view shows.
    [[nodiscard]] virtual std::vector<std::string> sopClasses() const = 0;
    [[nodiscard]] virtual StudyView* create(QWidget* parent) const = 0;
    /// Every key the view reacts to (its keyPressEvent handlers), for Help › Keyboard shortcuts; asked of
    /// the factory so that the list is complete before any view of the kind was made.
    [[nodiscard]] virtual std::vector<KeyHelp> keyboardShortcuts() const { return {}; }
};

class ViewerRegistry {
public:
    /// Adds a factory. A SOP class already claimed by an earlier factory stays with it.
    void add(std::unique_ptr<ViewerFactory> factory);
    /// The factory for `sopClassUID`, or nullptr when no view handles it.
    [[nodiscard]] const ViewerFactory* viewerFor(const std::string& sopClassUID) const;
    [[nodiscard]] const std::vector<std::unique_ptr<ViewerFactory>>& factories() const { return m_factories; }

private:
    std::vector<std::unique_ptr<ViewerFactory>> m_factories;
};

} // namespace veridicor::registry
