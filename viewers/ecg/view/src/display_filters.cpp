#include "display_filters.h"

namespace veridicor::ecg {

TraceSet::FilterFunction displayFilterFunction() {
    return {}; // wired to the ECG core's filters (filters.h) once they exist
}

} // namespace veridicor::ecg
