#pragma once
// The display filters of the ECG core, adapted to the view's TraceSet::FilterFunction.

#include <veridicor/ecg/trace_set.h>

namespace veridicor::ecg {

/// The function TraceSet uses to filter a lead for display (empty when this build has no filters).
TraceSet::FilterFunction displayFilterFunction();

} // namespace veridicor::ecg
