#pragma once
/// \file
/// A strict JSON reader for hostile input (RFC 8259 with every leniency removed) and a compact writer.
///
/// Signed bundles are the attack surface of the workstation, so the reader refuses what other parsers let
/// through: invalid UTF-8 anywhere, duplicate object keys (two readers could otherwise disagree about the
/// content), data after the top-level value, nesting deeper than 64, inputs over 64 MiB, lone surrogates,
/// `\u0000`, raw control characters, a byte-order mark, NaN/Infinity, numbers that overflow a double, and
/// more than a bounded number of values. Everything is checked before anything is allocated beyond the
/// bounds.

#include <veridicor/base/expected.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace veridicor::verify::json {

enum class Type { Null, Bool, Number, String, Array, Object };

/// The name of a type for messages ("an object", "a string", …).
const char* typeName(Type type);

struct Member;
class Parser;

/// A JSON value. Objects keep their members in document order (keys are unique after parsing).
class Value {
public:
    Value() = default; ///< null
    static Value boolean(bool b);
    static Value number(double d);
    /// A number written as `text`, which must be a valid JSON number whose value is `d` (the text is kept).
    static Value number(double d, std::string text);
    static Value integer(std::int64_t i);
    static Value string(std::string s);
    static Value array();
    static Value object();

    [[nodiscard]] Type type() const;
    [[nodiscard]] bool isNull() const { return type() == Type::Null; }
    [[nodiscard]] bool isBool() const { return type() == Type::Bool; }
    [[nodiscard]] bool isNumber() const { return type() == Type::Number; }
    [[nodiscard]] bool isString() const { return type() == Type::String; }
    [[nodiscard]] bool isArray() const { return type() == Type::Array; }
    [[nodiscard]] bool isObject() const { return type() == Type::Object; }

    // Accessors: call only after checking the type (they assert).
    [[nodiscard]] bool asBool() const;
    [[nodiscard]] double asDouble() const;
    /// The number as written in the document (or as the writer will write it).
    [[nodiscard]] const std::string& numberText() const;
    /// The number as an integer when it is one exactly (`8`, `8.0`, `8e0`; not `8.5`, not beyond ±2^53).
    [[nodiscard]] std::optional<std::int64_t> asInteger() const;
    [[nodiscard]] const std::string& asString() const;
    [[nodiscard]] const std::vector<Value>& asArray() const;
    [[nodiscard]] std::vector<Value>& asArray();
    [[nodiscard]] const std::vector<Member>& asObject() const;
    [[nodiscard]] std::vector<Member>& asObject();

    /// The member named `key` of an object, or nullptr (also when this is not an object).
    [[nodiscard]] const Value* find(std::string_view key) const;
    [[nodiscard]] Value* find(std::string_view key);
    /// Sets member `key` of an object (replacing an existing one in place, else appending). Returns it.
    Value& set(std::string key, Value value);
    /// Removes member `key` of an object; false when absent.
    bool erase(std::string_view key);
    /// Appends to an array.
    void push(Value value);

    friend bool operator==(const Value& a, const Value& b);

private:
    friend class Parser; // the reader (json.cpp) builds values in place
    struct Number {
        std::string text; ///< a valid JSON number that converts to a finite double (asDouble())
    };
    std::variant<std::monostate, bool, Number, std::string, std::vector<Value>, std::vector<Member>> m_v;
};

struct Member {
    std::string key;
    Value value;
    friend bool operator==(const Member& a, const Member& b) { return a.key == b.key && a.value == b.value; }
};

struct Limits {
    std::size_t maxBytes = std::size_t{64} << 20; ///< 64 MiB
    int maxDepth = 64;                            ///< arrays/objects nested more deeply are refused
    std::size_t maxValues = 2'000'000;            ///< bounds memory use whatever the shape of the input
};

/// Where and why parsing failed. `offset` is the byte offset of the problem.
struct ParseError {
    std::size_t offset = 0;
    std::string message;
};

/// Parses exactly one JSON value spanning all of `text` (whitespace around it allowed).
Expected<Value, ParseError> parse(std::string_view text, const Limits& limits = {});

/// Compact UTF-8 JSON: no whitespace, members in order, numbers as written, only the escapes JSON requires.
/// Always valid UTF-8: a string byte that is not part of a well-formed UTF-8 sequence is written as U+FFFD.
std::string serialize(const Value& value);

/// As serialize(), laid out for people: each member and array item on its own line, indented by `indent`
/// spaces per level, `"key": value`, empty arrays and objects as `[]` and `{}` (the layout of
/// nlohmann::json::dump(indent)). `indent` < 0: serialize(). Numbers are written exactly as they were read.
std::string serializeIndented(const Value& value, int indent);

/// True when `text` is well-formed UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF).
bool isValidUtf8(std::string_view text);

} // namespace veridicor::verify::json
