#pragma once
/// \file
/// How long a string from outside (a file, a finding payload, a certificate) may be where the workstation keeps
/// or shows it. One pair of bounds for every layer: the display rule (ui/findings/display_text.h) and the
/// worklist database (worklist/) cut at the same lengths, so a name stored is never longer than a name shown.

namespace veridicor {

/// Short names: patient names and IDs, file names, identities, model names and versions, codes.
inline constexpr int kMaxNameChars = 120;
/// Sentences: finding text, verification details, problems.
inline constexpr int kMaxTextChars = 2000;

} // namespace veridicor
