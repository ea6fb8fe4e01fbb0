#pragma once
/// \file
/// Exporting samples as text, exactly. Values are written as exact decimals: the product
/// raw × sensitivity × correction + baseline, times the unit factor, computed in decimal arithmetic on the
/// shortest decimal forms of the recorded numbers (so 186 × 0.00122 mV prints "226.92", never
/// "226.92000000000002"). Only if that product would not fit 128-bit decimal arithmetic (not seen in real
/// files) does a value fall back to the shortest round-trip form of the double result.

#include <veridicor/ecg/recording.h>

#include <ostream>
#include <string>

namespace veridicor::ecg {

/// How a channel's values are exported: "uV" (a calibrated voltage, in microvolts), its own UCUM units (a
/// calibrated non-voltage channel, e.g. "mm[Hg]") or "raw" (uncalibrated: the stored integers).
std::string exportUnits(const Channel& channel);

/// Sample `i` of `channel` as exact decimal text in exportUnits(channel).
std::string exactValueText(const Channel& channel, std::size_t i);

/// Writes `group` as CSV (RFC 4180): a header row of lead labels (non-microvolt columns get their units in
/// brackets, e.g. "ART [mm[Hg]]" or "Ch 3 [raw]"), then one row per sample, one column per channel.
void writeCsv(const WaveformGroup& group, std::ostream& out);

} // namespace veridicor::ecg
