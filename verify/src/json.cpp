#include "json_write.h"
#include "safe_text.h"
#include "siphash.h"

#include <veridicor/verify/json.h>

#include <array>
#include <cassert>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>
#include <iterator>
#include <random>
#include <string_view>
#include <unordered_set>

namespace veridicor::verify::json {

using detail::sipHash13;
using detail::SipKey;
using detail::utf8SequenceLength;

const char* typeName(Type type) {
    switch (type) {
    case Type::Null:
        return "null";
    case Type::Bool:
        return "a boolean";
    case Type::Number:
        return "a number";
    case Type::String:
        return "a string";
    case Type::Array:
        return "an array";
    case Type::Object:
        return "an object";
    }
    return "?";
}

// ---- Value
// ---------------------------------------------------------------------------------------------------

Value Value::boolean(bool b) {
    Value v;
    v.m_v = b;
    return v;
}

Value Value::number(double d) {
    Value v;
    Number n;
    std::array<char, 64> buf{};
    // The shortest text that reads back as exactly `d` (asDouble() reads it).
    auto res = std::to_chars(buf.data(), buf.data() + buf.size(), d);
    n.text.assign(buf.data(), res.ptr);
    v.m_v = std::move(n);
    return v;
}

Value Value::number(double /*d*/, std::string text) {
    Value v;
    v.m_v = Number{std::move(text)}; // its value is `d`, as the caller guarantees
    return v;
}

Value Value::integer(std::int64_t i) {
    Value v;
    Number n;
    n.text = std::to_string(i);
    v.m_v = std::move(n);
    return v;
}

Value Value::string(std::string s) {
    Value v;
    v.m_v = std::move(s);
    return v;
}

Value Value::array() {
    Value v;
    v.m_v = std::vector<Value>{};
    return v;
}

Value Value::object() {
    Value v;
    v.m_v = std::vector<Member>{};
    return v;
}

Type Value::type() const {
    switch (m_v.index()) {
    case 0:
        return Type::Null;
    case 1:
        return Type::Bool;
    case 2:
        return Type::Number;
    case 3:
        return Type::String;
    case 4:
        return Type::Array;
    default:
        return Type::Object;
    }
}

bool Value::asBool() const {
    return std::get<bool>(m_v);
}
double Value::asDouble() const {
    // Converted when asked for (most numbers of a document are never read as doubles): the correctly
    // rounded value of the text, which the parser has checked converts.
    const std::string& text = std::get<Number>(m_v).text;
    double d = 0;
    std::from_chars(text.data(), text.data() + text.size(), d);
    return d;
}
const std::string& Value::numberText() const {
    return std::get<Number>(m_v).text;
}
const std::string& Value::asString() const {
    return std::get<std::string>(m_v);
}
const std::vector<Value>& Value::asArray() const {
    return std::get<std::vector<Value>>(m_v);
}
std::vector<Value>& Value::asArray() {
    return std::get<std::vector<Value>>(m_v);
}
const std::vector<Member>& Value::asObject() const {
    return std::get<std::vector<Member>>(m_v);
}
std::vector<Member>& Value::asObject() {
    return std::get<std::vector<Member>>(m_v);
}

std::optional<std::int64_t> Value::asInteger() const {
    if (!isNumber()) {
        return std::nullopt;
    }
    const double d = asDouble();
    constexpr double kLimit = 9007199254740992.0; // 2^53: beyond it doubles skip integers
    if (!std::isfinite(d) || d != std::floor(d) || d > kLimit || d < -kLimit) {
        return std::nullopt;
    }
    return static_cast<std::int64_t>(d);
}

const Value* Value::find(std::string_view key) const {
    if (!isObject()) {
        return nullptr;
    }
    for (const auto& m : asObject()) {
        if (m.key == key) {
            return &m.value;
        }
    }
    return nullptr;
}

Value* Value::find(std::string_view key) {
    // The const overload does the work; *this is not const here, so neither is what it finds.
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-const-cast)
    return const_cast<Value*>(std::as_const(*this).find(key));
}

Value& Value::set(std::string key, Value value) {
    auto& members = asObject();
    for (auto& m : members) {
        if (m.key == key) {
            m.value = std::move(value);
            return m.value;
        }
    }
    members.push_back(Member{std::move(key), std::move(value)});
    return members.back().value;
}

bool Value::erase(std::string_view key) {
    auto& members = asObject();
    for (auto it = members.begin(); it != members.end(); ++it) {
        if (it->key == key) {
            members.erase(it);
            return true;
        }
    }
    return false;
}

void Value::push(Value value) {
    asArray().push_back(std::move(value));
}

bool operator==(const Value& a, const Value& b) {
    if (a.type() != b.type()) {
        return false;
    }
    switch (a.type()) {
    case Type::Null:
        return true;
    case Type::Bool:
        return a.asBool() == b.asBool();
    case Type::Number:
        return a.asDouble() == b.asDouble();
    case Type::String:
        return a.asString() == b.asString();
    case Type::Array:
        return a.asArray() == b.asArray();
    case Type::Object:
        return a.asObject() == b.asObject();
    }
    return false;
}

// ---- UTF-8
// ---------------------------------------------------------------------------------------------------

namespace {

void appendUtf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0U | (cp >> 6)));
        out.push_back(static_cast<char>(0x80U | (cp & 0x3FU)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0U | (cp >> 12)));
        out.push_back(static_cast<char>(0x80U | ((cp >> 6) & 0x3FU)));
        out.push_back(static_cast<char>(0x80U | (cp & 0x3FU)));
    } else {
        out.push_back(static_cast<char>(0xF0U | (cp >> 18)));
        out.push_back(static_cast<char>(0x80U | ((cp >> 12) & 0x3FU)));
        out.push_back(static_cast<char>(0x80U | ((cp >> 6) & 0x3FU)));
        out.push_back(static_cast<char>(0x80U | (cp & 0x3FU)));
    }
}

} // namespace

bool isValidUtf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        // Fast path over ASCII.
        if (static_cast<unsigned char>(text[i]) < 0x80) {
            ++i;
            continue;
        }
        const std::size_t n = utf8SequenceLength(text, i);
        if (n == 0) {
            return false;
        }
        i += n;
    }
    return true;
}

// ---- Parser
// --------------------------------------------------------------------------------------------------

namespace {

// Word-at-a-time scanning: eight bytes per step where nothing needs a look (ASCII outside strings' special
// characters), so a 64 MiB document costs little more than reading it.
constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;

std::uint64_t load8(const char* p) {
    std::uint64_t w = 0;
    std::memcpy(&w, p, sizeof w);
    return w;
}

/// Non-zero when some byte of `w` is zero (exact for "some byte", the classic test).
constexpr std::uint64_t hasZeroByte(std::uint64_t w) {
    return (w - kOnes) & ~w & kHighBits;
}

/// Non-zero when some byte of `w` is '"', '\\' or below 0x20: where a string's plain run stops. Used only as
/// a yes/no, for which each test is exact (a borrow may flag bytes above a match, never a word without one).
constexpr std::uint64_t hasStringSpecial(std::uint64_t w) {
    return hasZeroByte(w ^ (kOnes * '"')) | hasZeroByte(w ^ (kOnes * '\\')) |
           ((w - kOnes * 0x20) & ~w & kHighBits);
}

/// The key of the hash of object keys: random per process, so that nobody can choose keys that collide.
const SipKey& objectKeyHashKey() {
    static const SipKey key = [] {
        SipKey k;
        try {
            std::random_device random;
            const auto word = [&random] {
                return (std::uint64_t{random()} << 32U) ^ std::uint64_t{random()};
            };
            k.k0 = word();
            k.k1 = word();
        } catch (...) { // NOLINT(bugprone-empty-catch): no entropy source; the table is still exact
            k.k0 = static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
            k.k1 =
                reinterpret_cast<std::uintptr_t>(&k); // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
        }
        return k;
    }();
    return key;
}

} // namespace

class Parser {
public:
    Parser(std::string_view text, const Limits& limits) : m_s(text), m_limits(limits) {}

    Expected<Value, ParseError> run() {
        if (m_s.size() > m_limits.maxBytes) {
            return fail(0, "the document is " + std::to_string(m_s.size()) + " bytes, over the limit of " +
                               std::to_string(m_limits.maxBytes));
        }
        if (m_s.size() >= 3 && static_cast<unsigned char>(m_s[0]) == 0xEF &&
            static_cast<unsigned char>(m_s[1]) == 0xBB && static_cast<unsigned char>(m_s[2]) == 0xBF) {
            return fail(0, "the document starts with a byte-order mark");
        }
        for (std::size_t i = 0; i < m_s.size();) {
            if (i + 8 <= m_s.size() && (load8(m_s.data() + i) & kHighBits) == 0) {
                i += 8;
                continue;
            }
            if (static_cast<unsigned char>(m_s[i]) < 0x80) {
                ++i;
                continue;
            }
            const std::size_t n = utf8SequenceLength(m_s, i);
            if (n == 0) {
                return fail(i, "invalid UTF-8");
            }
            i += n;
        }
        // The stacks are reserved for as many members and items as the document could hold (a member takes
        // at least 4 bytes, `"":0,`, an item 2, and each is a value), which costs address space only — the
        // memory of a reservation is touched, and paid for, as it is used.
        m_members.reserve(std::min(m_limits.maxValues, m_s.size() / 4) + 2);
        m_keyOffsets.reserve(m_members.capacity());
        m_items.reserve(std::min(m_limits.maxValues, m_s.size() / 2) + 2);
        skipWs();
        Value v;
        if (!value(v, 0)) {
            return Unexpected{m_error};
        }
        skipWs();
        if (m_pos != m_s.size()) {
            return fail(m_pos, "unexpected data after the JSON value");
        }
        return v;
    }

private:
    /// The first this many keys of an object are compared with each earlier one as they are read; an object
    /// with more is checked as a whole (firstRepeatedKey).
    static constexpr std::size_t kLinearKeys = 16;
    static constexpr std::size_t kNone = static_cast<std::size_t>(-1);

    Unexpected<ParseError> fail(std::size_t offset, std::string message) {
        return Unexpected{ParseError{offset, std::move(message)}};
    }
    bool error(std::string message) {
        if (m_error.message.empty()) {
            m_error = ParseError{m_pos, std::move(message)};
        }
        return false;
    }
    void skipWs() {
        while (m_pos < m_s.size()) {
            const char c = m_s[m_pos];
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                ++m_pos;
            } else {
                break;
            }
        }
    }
    bool countValue() {
        if (++m_values > m_limits.maxValues) {
            return error("more than " + std::to_string(m_limits.maxValues) + " values");
        }
        return true;
    }
    bool literal(std::string_view word) {
        if (m_s.substr(m_pos, word.size()) != word) {
            return error("invalid literal");
        }
        m_pos += word.size();
        return true;
    }

    bool value(Value& out, int depth) {
        if (!countValue()) {
            return false;
        }
        if (m_pos >= m_s.size()) {
            return error("unexpected end of the document");
        }
        switch (m_s[m_pos]) {
        case '{':
            return object(out, depth + 1);
        case '[':
            return array(out, depth + 1);
        case '"':
            return string(out.m_v.emplace<std::string>());
        case 't':
            out.m_v = true;
            return literal("true");
        case 'f':
            out.m_v = false;
            return literal("false");
        case 'n':
            out.m_v = std::monostate{};
            return literal("null");
        default:
            return number(out);
        }
    }

    /// Reads a value into `slot()`, a place on `stack` (m_members or m_items). A string, number or literal
    /// pushes nothing, nor does an object or array when the stack has room for as many more entries as the
    /// document may still have values (each entry is pushed just before its value is counted, so at most
    /// one more): then nothing can move the slot while it is read. Otherwise an object or array is read into
    /// a value of its own first.
    template <typename Stack, typename Slot>
    bool valueOnStack(int depth, const Stack& stack, const Slot& slot) {
        const bool nested = m_pos < m_s.size() && (m_s[m_pos] == '{' || m_s[m_pos] == '[');
        if (nested && stack.capacity() - stack.size() < m_limits.maxValues - m_values + 2) {
            Value v;
            if (!value(v, depth)) {
                return false;
            }
            slot() = std::move(v);
            return true;
        }
        return value(slot(), depth);
    }

    // Members and items of the objects and arrays being parsed are collected on two stacks shared by all
    // levels, and moved into a vector of exactly their number once complete: no vector grows by doubling
    // (each growth moving everything so far) and none keeps twice the memory it needs.

    bool object(Value& out, int depth) {
        if (depth > m_limits.maxDepth) {
            return error("nesting deeper than " + std::to_string(m_limits.maxDepth));
        }
        ++m_pos; // '{'
        out.m_v.emplace<std::vector<Member>>();
        skipWs();
        if (m_pos < m_s.size() && m_s[m_pos] == '}') {
            ++m_pos;
            return true;
        }
        const std::size_t base = m_members.size();
        // A large object's repeated key is looked for when it is complete, or when reading it failed: then a
        // repeated key before the failure is what is reported, as it is for a small object, so the first
        // problem in the document is the one named whatever the object's size.
        const auto failed = [&](std::size_t end) {
            if (end - base > kLinearKeys) {
                const std::size_t repeat = firstRepeatedKey(base, end);
                if (repeat != kNone && m_keyOffsets[repeat] < m_error.offset) {
                    m_error = ParseError{m_keyOffsets[repeat], "duplicate key in an object"};
                }
            }
            return false;
        };
        while (true) {
            const std::size_t index = m_members.size() - base;
            skipWs();
            if (m_pos >= m_s.size() || m_s[m_pos] != '"') {
                error("expected a string key");
                return failed(base + index);
            }
            const std::size_t keyPos = m_pos;
            // On the stack before its value is read (at `base + index`, while nested objects use the stack
            // above it), so that a failure inside the value still finds a repeated key; read in place (a
            // string holds nothing that could move the stack).
            m_members.emplace_back();
            m_keyOffsets.push_back(keyPos);
            const std::string& key = m_members.back().key;
            if (!string(m_members.back().key)) {
                return failed(base + index);
            }
            if (index < kLinearKeys) {
                for (std::size_t i = base; i < base + index; ++i) {
                    if (m_members[i].key == key) {
                        m_pos = keyPos;
                        // Not the key itself: the document may be hostile (the offset says where it is).
                        return error("duplicate key in an object");
                    }
                }
            }
            skipWs();
            if (m_pos >= m_s.size() || m_s[m_pos] != ':') {
                error("expected ':' after a key");
                return failed(base + index + 1);
            }
            ++m_pos;
            skipWs();
            if (!valueOnStack(depth, m_members,
                              [this, at = base + index]() -> Value& { return m_members[at].value; })) {
                return failed(base + index + 1);
            }
            skipWs();
            if (m_pos >= m_s.size()) {
                error("unexpected end of the document inside an object");
                return failed(base + index + 1);
            }
            if (m_s[m_pos] == ',') {
                ++m_pos;
                continue;
            }
            if (m_s[m_pos] != '}') {
                error("expected ',' or '}' in an object");
                return failed(base + index + 1);
            }
            ++m_pos;
            const std::size_t end = m_members.size();
            if (end - base > kLinearKeys) {
                const std::size_t repeat = firstRepeatedKey(base, end);
                if (repeat != kNone) {
                    m_pos = m_keyOffsets[repeat];
                    return error("duplicate key in an object");
                }
            }
            auto& members = out.asObject();
            members.reserve(end - base);
            std::move(m_members.begin() + static_cast<std::ptrdiff_t>(base), m_members.end(),
                      std::back_inserter(members));
            m_members.erase(m_members.begin() + static_cast<std::ptrdiff_t>(base), m_members.end());
            m_keyOffsets.resize(base);
            return true;
        }
    }

    /// The first member of m_members[base, end) (by position) whose key repeats an earlier one's, or kNone.
    /// Keys are grouped by a 32-bit tag of their SipHash, with a stable radix sort of (tag, index) — three
    /// passes over 8 bytes a key, where a hash table would cost a cache miss a key — and only keys with equal
    /// tags are compared.
    std::size_t firstRepeatedKey(std::size_t base, std::size_t end) {
        const std::size_t n = end - base;
        std::vector<std::uint64_t>& a = m_sortA;
        std::vector<std::uint64_t>& b = m_sortB;
        a.resize(n);
        b.resize(n);
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint64_t tag = sipHash13(objectKeyHashKey(), m_members[base + i].key) >> 32U;
            a[i] = (tag << 32U) | i;
        }
        // Least significant digit first, 11 + 11 + 10 bits of the tag: stable, so equal tags stay in
        // document order.
        for (const unsigned shift : {32U, 43U, 54U}) {
            std::array<std::size_t, 2048> counts{};
            for (const std::uint64_t x : a) {
                ++counts[(x >> shift) & 2047U];
            }
            std::size_t sum = 0;
            for (std::size_t& c : counts) {
                const std::size_t here = c;
                c = sum;
                sum += here;
            }
            for (const std::uint64_t x : a) {
                b[counts[(x >> shift) & 2047U]++] = x;
            }
            a.swap(b);
        }
        const auto keyOf = [&](std::uint64_t x) -> std::string_view {
            return m_members[base + static_cast<std::uint32_t>(x)].key;
        };
        std::size_t best = kNone;
        for (std::size_t r = 0; r < n;) {
            std::size_t q = r + 1;
            while (q < n && (a[q] >> 32U) == (a[r] >> 32U)) {
                ++q;
            }
            // a[r, q): equal tags, in document order; the first that repeats an earlier one of them.
            std::size_t repeat = kNone;
            if (q - r == 2) {
                if (keyOf(a[r]) == keyOf(a[r + 1])) {
                    repeat = static_cast<std::uint32_t>(a[r + 1]);
                }
            } else if (q - r > 2) {
                std::unordered_set<std::string_view> seen;
                for (std::size_t k = r; k < q && repeat == kNone; ++k) {
                    if (!seen.insert(keyOf(a[k])).second) {
                        repeat = static_cast<std::uint32_t>(a[k]);
                    }
                }
            }
            best = std::min(best, repeat);
            r = q;
        }
        return best == kNone ? kNone : base + best;
    }

    bool array(Value& out, int depth) {
        if (depth > m_limits.maxDepth) {
            return error("nesting deeper than " + std::to_string(m_limits.maxDepth));
        }
        ++m_pos; // '['
        out.m_v.emplace<std::vector<Value>>();
        skipWs();
        if (m_pos < m_s.size() && m_s[m_pos] == ']') {
            ++m_pos;
            return true;
        }
        const std::size_t base = m_items.size();
        while (true) {
            skipWs();
            m_items.emplace_back();
            if (!valueOnStack(depth, m_items,
                              [this, at = m_items.size() - 1]() -> Value& { return m_items[at]; })) {
                return false;
            }
            skipWs();
            if (m_pos >= m_s.size()) {
                return error("unexpected end of the document inside an array");
            }
            if (m_s[m_pos] == ',') {
                ++m_pos;
                continue;
            }
            if (m_s[m_pos] == ']') {
                ++m_pos;
                auto& items = out.asArray();
                items.reserve(m_items.size() - base);
                std::move(m_items.begin() + static_cast<std::ptrdiff_t>(base), m_items.end(),
                          std::back_inserter(items));
                m_items.erase(m_items.begin() + static_cast<std::ptrdiff_t>(base), m_items.end());
                return true;
            }
            return error("expected ',' or ']' in an array");
        }
    }

    bool hex4(std::uint32_t& out) {
        if (m_pos + 4 > m_s.size()) {
            return error("truncated \\u escape");
        }
        out = 0;
        for (int k = 0; k < 4; ++k) {
            const char c = m_s[m_pos++];
            out <<= 4U;
            if (c >= '0' && c <= '9') {
                out |= static_cast<std::uint32_t>(c - '0');
            } else if (c >= 'a' && c <= 'f') {
                out |= static_cast<std::uint32_t>(c - 'a' + 10);
            } else if (c >= 'A' && c <= 'F') {
                out |= static_cast<std::uint32_t>(c - 'A' + 10);
            } else {
                --m_pos;
                return error("invalid hex digit in a \\u escape");
            }
        }
        return true;
    }

    bool string(std::string& out) {
        ++m_pos; // '"'
        while (true) {
            // Copy the run of plain characters at once, looking at eight bytes at a time once it has begun
            // (a run of escapes, `\\n\\n…`, has none to skip).
            const std::size_t start = m_pos;
            const auto plain = [this](std::size_t i) {
                const auto c = static_cast<unsigned char>(m_s[i]);
                return c != '"' && c != '\\' && c >= 0x20;
            };
            if (m_pos < m_s.size() && plain(m_pos)) {
                ++m_pos;
                while (m_pos + 8 <= m_s.size() && hasStringSpecial(load8(m_s.data() + m_pos)) == 0) {
                    m_pos += 8;
                }
                while (m_pos < m_s.size() && plain(m_pos)) {
                    ++m_pos;
                }
                out.append(m_s.data() + start, m_pos - start);
            }

            if (m_pos >= m_s.size()) {
                return error("unterminated string");
            }
            const char c = m_s[m_pos];
            if (c == '"') {
                ++m_pos;
                return true;
            }
            if (c != '\\') {
                return error("raw control character in a string");
            }
            ++m_pos;
            if (m_pos >= m_s.size()) {
                return error("unterminated escape");
            }
            const char e = m_s[m_pos++];
            switch (e) {
            case '"':
                out.push_back('"');
                break;
            case '\\':
                out.push_back('\\');
                break;
            case '/':
                out.push_back('/');
                break;
            case 'b':
                out.push_back('\b');
                break;
            case 'f':
                out.push_back('\f');
                break;
            case 'n':
                out.push_back('\n');
                break;
            case 'r':
                out.push_back('\r');
                break;
            case 't':
                out.push_back('\t');
                break;
            case 'u': {
                std::uint32_t cp = 0;
                if (!hex4(cp)) {
                    return false;
                }
                if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    return error("lone low surrogate in a \\u escape");
                }
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    if (m_pos + 2 > m_s.size() || m_s[m_pos] != '\\' || m_s[m_pos + 1] != 'u') {
                        return error("lone high surrogate in a \\u escape");
                    }
                    m_pos += 2;
                    std::uint32_t lo = 0;
                    if (!hex4(lo)) {
                        return false;
                    }
                    if (lo < 0xDC00 || lo > 0xDFFF) {
                        return error("high surrogate not followed by a low surrogate");
                    }
                    cp = 0x10000 + ((cp - 0xD800) << 10U) + (lo - 0xDC00);
                }
                if (cp == 0) {
                    return error("\\u0000 is not accepted");
                }
                appendUtf8(out, cp);
                break;
            }
            default:
                --m_pos;
                return error("invalid escape sequence");
            }
        }
    }

    bool number(Value& out) {
        const std::size_t start = m_pos;
        auto digit = [&] {
            return m_pos < m_s.size() && m_s[m_pos] >= '0' && m_s[m_pos] <= '9';
        };
        if (m_pos < m_s.size() && m_s[m_pos] == '-') {
            ++m_pos;
        }
        if (!digit()) {
            return error(m_pos == start ? "unexpected character" : "a number needs digits");
        }
        const std::size_t intStart = m_pos;
        if (m_s[m_pos] == '0') {
            ++m_pos;
            if (digit()) {
                return error("numbers may not have leading zeros");
            }
        } else {
            while (digit()) {
                ++m_pos;
            }
        }
        const std::size_t intEnd = m_pos;
        std::size_t fracStart = m_pos;
        std::size_t fracEnd = m_pos;
        if (m_pos < m_s.size() && m_s[m_pos] == '.') {
            ++m_pos;
            if (!digit()) {
                return error("a decimal point needs digits after it");
            }
            fracStart = m_pos;
            while (digit()) {
                ++m_pos;
            }
            fracEnd = m_pos;
        }
        std::int64_t exponent = 0;
        if (m_pos < m_s.size() && (m_s[m_pos] == 'e' || m_s[m_pos] == 'E')) {
            ++m_pos;
            bool negative = false;
            if (m_pos < m_s.size() && (m_s[m_pos] == '+' || m_s[m_pos] == '-')) {
                negative = m_s[m_pos] == '-';
                ++m_pos;
            }
            if (!digit()) {
                return error("an exponent needs digits");
            }
            while (digit()) {
                exponent = std::min<std::int64_t>(exponent * 10 + (m_s[m_pos] - '0'), 1'000'000);
                ++m_pos;
            }
            exponent = negative ? -exponent : exponent;
        }
        const std::string_view text = m_s.substr(start, m_pos - start);
        if (text.size() > 64) {
            m_pos = start;
            return error("number too long");
        }
        // Whether the text converts to a finite double that is not a rounded-away non-zero value is decided
        // by its magnitude: from 10^-300 to 10^300 it always does, so only numbers near or beyond the
        // double's range are converted here (the value itself is converted when it is read, asDouble()).
        std::int64_t magnitude = 0; // the power of ten of the first significant digit
        bool zero = true;
        for (std::size_t k = intStart; k < intEnd && zero; ++k) {
            if (m_s[k] != '0') {
                zero = false;
                magnitude = static_cast<std::int64_t>(intEnd - 1 - k);
            }
        }
        for (std::size_t k = fracStart; k < fracEnd && zero; ++k) {
            if (m_s[k] != '0') {
                zero = false;
                magnitude = -static_cast<std::int64_t>(k - fracStart + 1);
            }
        }
        magnitude += exponent;
        if (!zero && (magnitude < -300 || magnitude > 300)) {
            double d = 0;
            const auto res = std::from_chars(text.data(), text.data() + text.size(), d);
            if (res.ec != std::errc() || res.ptr != text.data() + text.size() || !std::isfinite(d)) {
                m_pos = start;
                return error("number out of range");
            }
        }
        // Keep the text as written: signed statements are echoed, not re-rounded.
        out.m_v.emplace<Value::Number>(Value::Number{std::string(text)});
        return true;
    }

    std::string_view m_s;
    const Limits& m_limits;
    std::size_t m_pos = 0;
    std::size_t m_values = 0;
    ParseError m_error;
    std::vector<Member> m_members;         ///< members of the objects being parsed, innermost last
    std::vector<Value> m_items;            ///< items of the arrays being parsed, innermost last
    std::vector<std::size_t> m_keyOffsets; ///< where each key of m_members starts
    std::vector<std::uint64_t> m_sortA;    ///< firstRepeatedKey()'s (tag, index) pairs
    std::vector<std::uint64_t> m_sortB;
};

Expected<Value, ParseError> parse(std::string_view text, const Limits& limits) {
    return Parser(text, limits).run();
}

// ---- Writer
// --------------------------------------------------------------------------------------------------

namespace {

void writeString(std::string& out, const std::string& s) {
    static constexpr std::string_view kHex = "0123456789abcdef";
    out.push_back('"');
    for (std::size_t i = 0; i < s.size(); ++i) {
        // A run of ASCII that needs no escape is copied at once, found eight bytes at a time (a signed
        // statement may echo tens of MiB of text).
        std::size_t run = i;
        while (run + 8 <= s.size()) {
            const std::uint64_t w = load8(s.data() + run);
            if ((hasStringSpecial(w) | (w & kHighBits)) != 0) {
                break;
            }
            run += 8;
        }
        if (run > i) {
            out.append(s, i, run - i);
            i = run;
            if (i == s.size()) {
                break;
            }
        }
        const char ch = s[i];
        const auto c = static_cast<unsigned char>(ch);
        if (c >= 0x80) {
            // Valid UTF-8 is copied; any other byte becomes U+FFFD, so the output is always valid JSON.
            const std::size_t n = utf8SequenceLength(s, i);
            if (n == 0) {
                out += "\xEF\xBF\xBD";
            } else {
                out.append(s, i, n);
                i += n - 1;
            }
            continue;
        }
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        default:
            if (c < 0x20) {
                out += "\\u00";
                out.push_back(kHex[c >> 4U]);
                out.push_back(kHex[c & 0xFU]);
            } else {
                out.push_back(ch);
            }
        }
    }
    out.push_back('"');
}

void write(std::string& out, const Value& v) {
    switch (v.type()) {
    case Type::Null:
        out += "null";
        return;
    case Type::Bool:
        out += v.asBool() ? "true" : "false";
        return;
    case Type::Number:
        out += v.numberText();
        return;
    case Type::String:
        writeString(out, v.asString());
        return;
    case Type::Array: {
        out.push_back('[');
        bool first = true;
        for (const auto& item : v.asArray()) {
            if (!first) {
                out.push_back(',');
            }
            first = false;
            write(out, item);
        }
        out.push_back(']');
        return;
    }
    case Type::Object: {
        out.push_back('{');
        bool first = true;
        for (const auto& m : v.asObject()) {
            if (!first) {
                out.push_back(',');
            }
            first = false;
            writeString(out, m.key);
            out.push_back(':');
            write(out, m.value);
        }
        out.push_back('}');
        return;
    }
    }
}

} // namespace

std::string serialize(const Value& value) {
    std::string out;
    write(out, value);
    return out;
}

namespace {

void writeIndented(std::string& out, const Value& v, int indent, int depth) {
    const auto newline = [&](int level) {
        out.push_back('\n');
        out.append(static_cast<std::size_t>(indent) * static_cast<std::size_t>(level), ' ');
    };
    switch (v.type()) {
    case Type::Array: {
        if (v.asArray().empty()) {
            out += "[]";
            return;
        }
        out.push_back('[');
        bool first = true;
        for (const auto& item : v.asArray()) {
            if (!first) {
                out.push_back(',');
            }
            first = false;
            newline(depth + 1);
            writeIndented(out, item, indent, depth + 1);
        }
        newline(depth);
        out.push_back(']');
        return;
    }
    case Type::Object: {
        if (v.asObject().empty()) {
            out += "{}";
            return;
        }
        out.push_back('{');
        bool first = true;
        for (const auto& m : v.asObject()) {
            if (!first) {
                out.push_back(',');
            }
            first = false;
            newline(depth + 1);
            writeString(out, m.key);
            out += ": ";
            writeIndented(out, m.value, indent, depth + 1);
        }
        newline(depth);
        out.push_back('}');
        return;
    }
    case Type::Null:
    case Type::Bool:
    case Type::Number:
    case Type::String:
        write(out, v);
        return;
    }
}

} // namespace

} // namespace veridicor::verify::json

namespace veridicor::verify::detail {

void appendJson(std::string& out, const json::Value& value, int indent, int depth) {
    if (indent < 0) {
        json::write(out, value);
    } else {
        json::writeIndented(out, value, indent, depth);
    }
}

} // namespace veridicor::verify::detail

namespace veridicor::verify::json {

std::string serializeIndented(const Value& value, int indent) {
    if (indent < 0) {
        return serialize(value);
    }
    std::string out;
    writeIndented(out, value, indent, 0);
    return out;
}

} // namespace veridicor::verify::json
