#include "viewers.h"

#include <veridicor/ecg_view/ecg_view.h>
#include <veridicor/cine_view/cine_view.h>
#include <veridicor/registry/viewer_registry.h>

#include <memory>

namespace veridicor::app {

void registerViewers(registry::ViewerRegistry& registry) {
    registry.add(std::make_unique<ecg::EcgViewerFactory>());
    registry.add(std::make_unique<cine::CineViewerFactory>());
}

} // namespace veridicor::app
