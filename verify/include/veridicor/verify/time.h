#pragma once
/// \file
/// Points in time as the formats write them (RFC 3339), at microsecond resolution and with a range wide
/// enough for certificates that end in 9999.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace veridicor::verify {

using TimePoint = std::chrono::sys_time<std::chrono::microseconds>;

/// Parses an RFC 3339 date-time ("2026-11-28T10:15:00Z", "2026-11-28T11:15:00.250+01:00"): a full date, a
/// time with seconds, optional fraction (digits beyond microseconds are dropped), and `Z` or a numeric
/// offset. Returns nullopt for anything else, including impossible dates.
std::optional<TimePoint> parseRfc3339(std::string_view text);

/// "2026-11-28T10:15:00Z", with ".ffffff" only when there is a fraction of a second.
std::string formatRfc3339(TimePoint t);

/// The current time.
TimePoint now();

/// Seconds since 1970 for APIs that take time_t (e.g. OpenSSL's X509_VERIFY_PARAM_set_time), rounded down.
long long toUnixSeconds(TimePoint t);
TimePoint fromUnixSeconds(long long seconds);

} // namespace veridicor::verify
