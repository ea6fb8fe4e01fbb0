#pragma once

namespace veridicor::registry {
class ViewerRegistry;
}

namespace veridicor::app {

/// Registers every view this build has with the registry (the one place that knows them all).
void registerViewers(registry::ViewerRegistry& registry);

} // namespace veridicor::app
