#include "viewers.h"

#include <veridicor/registry/viewer_registry.h>

namespace veridicor::app {

void registerViewers(registry::ViewerRegistry& registry) {
    (void)registry;
}

} // namespace veridicor::app
