#include "viewers.h"

#include <veridicor/ecg/ecg_view.h>
#include <veridicor/registry/viewer_registry.h>

namespace veridicor::app {

void registerViewers(registry::ViewerRegistry& registry) {
    registry.add(std::make_unique<ecg::EcgViewerFactory>());
}

} // namespace veridicor::app
