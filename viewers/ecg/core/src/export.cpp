#include <veridicor/ecg/export.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdlib>
#include <optional>

namespace veridicor::ecg {

namespace {

__extension__ using Int128 = __int128; // GCC/Clang extension; -pedantic would otherwise warn

/// value = m × 10^e
struct Decimal {
    Int128 m = 0;
    int e = 0;
};

std::string shortestText(double v) {
    std::array<char, 64> buf{};
    const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v);
    return ec == std::errc{} ? std::string(buf.data(), end) : std::string("nan");
}

/// The shortest decimal that round-trips to `v` (the recorded DS text for any value of ≤ 15 digits).
std::optional<Decimal> fromDouble(double v) {
    const std::string s = shortestText(v);
    Decimal d;
    bool negative = false;
    std::size_t i = 0;
    if (i < s.size() && s[i] == '-') {
        negative = true;
        ++i;
    }
    bool seenPoint = false;
    int digits = 0;
    for (; i < s.size() && s[i] != 'e'; ++i) {
        if (s[i] == '.') {
            seenPoint = true;
            continue;
        }
        if (s[i] < '0' || s[i] > '9' || ++digits > 30) {
            return std::nullopt;
        }
        d.m = d.m * 10 + (s[i] - '0');
        if (seenPoint) {
            --d.e;
        }
    }
    if (i < s.size()) { // exponent
        int exp = 0;
        const auto [end, ec] = std::from_chars(s.data() + i + 1, s.data() + s.size(), exp);
        if (ec != std::errc{} || end != s.data() + s.size()) {
            return std::nullopt;
        }
        d.e += exp;
    }
    if (negative) {
        d.m = -d.m;
    }
    return d;
}

std::optional<Int128> scaleUp(Int128 m, int powerOfTen) {
    for (int k = 0; k < powerOfTen; ++k) {
        if (__builtin_mul_overflow(m, Int128{10}, &m)) {
            return std::nullopt;
        }
    }
    return m;
}

std::optional<Decimal> multiply(const Decimal& a, const Decimal& b) {
    Decimal r;
    if (__builtin_mul_overflow(a.m, b.m, &r.m)) {
        return std::nullopt;
    }
    r.e = a.e + b.e;
    return r;
}

std::string format(Int128 m, int e) {
    if (m == 0) {
        return "0";
    }
    const bool negative = m < 0;
    // Strip trailing zeros into the exponent.
    while (m % 10 == 0) {
        m /= 10;
        ++e;
    }
    std::string digits;
    for (Int128 v = negative ? -m : m; v > 0; v /= 10) {
        digits.push_back(static_cast<char>('0' + static_cast<int>(v % 10)));
    }
    std::reverse(digits.begin(), digits.end());
    std::string out = negative ? "-" : "";
    if (e >= 0) {
        out += digits;
        out.append(static_cast<std::size_t>(e), '0');
    } else {
        const auto fraction = static_cast<std::size_t>(-e);
        if (digits.size() > fraction) {
            out += digits.substr(0, digits.size() - fraction) + "." + digits.substr(digits.size() - fraction);
        } else {
            out += "0." + std::string(fraction - digits.size(), '0') + digits;
        }
    }
    return out;
}

/// Per-channel constants: value = raw × k + b, both with exponent e (nullopt: fall back to doubles).
struct ChannelScale {
    std::optional<Int128> k;
    std::optional<Int128> b;
    int e = 0;
    double kDouble = 1.0;
    double bDouble = 0.0;
};

ChannelScale channelScale(const Channel& ch) {
    ChannelScale s;
    if (!ch.calibrated) {
        s.k = 1;
        s.b = 0;
        return s;
    }
    const double factor = ch.unitsToMicrovolts > 0 ? ch.unitsToMicrovolts : 1.0;
    s.kDouble = ch.sensitivity * ch.correction * factor;
    s.bDouble = ch.baseline * factor;
    const auto sens = fromDouble(ch.sensitivity);
    const auto corr = fromDouble(ch.correction);
    const auto base = fromDouble(ch.baseline);
    const auto fac = fromDouble(factor);
    if (!sens || !corr || !base || !fac) {
        return s;
    }
    const auto sc = multiply(*sens, *corr);
    const auto k = sc ? multiply(*sc, *fac) : std::nullopt;
    const auto b = multiply(*base, *fac);
    if (!k || !b) {
        return s;
    }
    s.e = std::min(k->e, b->e);
    s.k = scaleUp(k->m, k->e - s.e);
    s.b = scaleUp(b->m, b->e - s.e);
    if (!s.k || !s.b) {
        s.k.reset();
    }
    return s;
}

std::string valueText(const Channel& ch, const ChannelScale& s, std::size_t i) {
    const Int128 raw = ch.raw[i];
    if (s.k && s.b) {
        Int128 m = 0;
        if (!__builtin_mul_overflow(raw, *s.k, &m) && !__builtin_add_overflow(m, *s.b, &m)) {
            return format(m, s.e);
        }
    }
    return shortestText(static_cast<double>(ch.raw[i]) * s.kDouble + s.bDouble);
}

std::string csvField(const std::string& s) {
    if (s.find_first_of(",\"\r\n") == std::string::npos) {
        return s;
    }
    std::string out = "\"";
    for (const char c : s) {
        if (c == '"') {
            out += '"';
        }
        out += c;
    }
    return out + "\"";
}

} // namespace

std::string exportUnits(const Channel& channel) {
    if (!channel.calibrated) {
        return "raw";
    }
    return channel.unitsToMicrovolts > 0 ? std::string("uV") : channel.units;
}

std::string exactValueText(const Channel& channel, std::size_t i) {
    return valueText(channel, channelScale(channel), i);
}

void writeCsv(const WaveformGroup& group, std::ostream& out) {
    std::vector<ChannelScale> scales;
    scales.reserve(group.channels.size());
    std::string line;
    for (std::size_t c = 0; c < group.channels.size(); ++c) {
        const auto& ch = group.channels[c];
        scales.push_back(channelScale(ch));
        std::string name = ch.label;
        if (const std::string u = exportUnits(ch); u != "uV") {
            name += " [" + u + "]";
        }
        line += (c == 0 ? "" : ",") + csvField(name);
    }
    out << line << '\n';
    for (std::size_t i = 0; i < group.samples; ++i) {
        line.clear();
        for (std::size_t c = 0; c < group.channels.size(); ++c) {
            if (c != 0) {
                line += ',';
            }
            if (i < group.channels[c].raw.size()) {
                line += valueText(group.channels[c], scales[c], i);
            }
        }
        line += '\n';
        out << line;
    }
}

} // namespace veridicor::ecg
