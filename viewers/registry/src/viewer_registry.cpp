#include <veridicor/registry/viewer_registry.h>

#include <algorithm>

namespace veridicor::registry {

void ViewerRegistry::add(std::unique_ptr<ViewerFactory> factory) {
    if (factory) {
        m_factories.push_back(std::move(factory));
    }
}

const ViewerFactory* ViewerRegistry::viewerFor(const std::string& sopClassUID) const {
    for (const auto& f : m_factories) {
        const auto classes = f->sopClasses();
        if (std::find(classes.begin(), classes.end(), sopClassUID) != classes.end()) {
            return f.get();
        }
    }
    return nullptr;
}

} // namespace veridicor::registry
