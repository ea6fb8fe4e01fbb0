#pragma once
// Type-checked reading of JSON objects with messages that name the field
// ("predicate.findings[0].confidence"). The first problem found is kept; every accessor is harmless after a
// problem. Messages name field paths and never copy a value of the document: the documents read here are
// hostile (bundles, statements) and their messages reach people before anything is trusted. An unknown
// member is named by its position, unless the reader was told the document is the site's own (policy.json).

#include "safe_text.h"

#include <veridicor/verify/json.h>

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace veridicor::verify::detail {

class Problem {
public:
    void set(std::string message) {
        if (m_message.empty()) {
            m_message = std::move(message);
        }
    }
    [[nodiscard]] bool any() const { return !m_message.empty(); }
    [[nodiscard]] const std::string& message() const { return m_message; }

private:
    std::string m_message;
};

/// The keys a reader was asked for: a few per object, so kept inline and compared one by one (a reader is
/// made for every object of a statement, up to hundreds of thousands of them; a std::set allocated a node per
/// key). Views: the keys are the callers' field names, string literals.
class KnownKeys {
public:
    void add(std::string_view key) {
        if (contains(key)) {
            return;
        }
        if (m_count < m_inline.size()) {
            m_inline[m_count++] = key;
        } else {
            m_more.push_back(key);
        }
    }
    [[nodiscard]] bool contains(std::string_view key) const {
        for (std::size_t i = 0; i < m_count; ++i) {
            if (m_inline[i] == key) {
                return true;
            }
        }
        return std::find(m_more.begin(), m_more.end(), key) != m_more.end();
    }

private:
    std::array<std::string_view, 16> m_inline;
    std::size_t m_count = 0;
    std::vector<std::string_view> m_more;
};

/// Field names (`key` below) are string literals: a reader keeps views of them.
class ObjectReader {
public:
    /// `nameUnknownKeys`: name an unknown member by its key (quoted, escaped, bounded) rather than by its
    /// position; only for documents the site wrote itself.
    ObjectReader(const json::Value* value, std::string path, Problem& problem, bool nameUnknownKeys = false)
        : m_value(value), m_path(std::move(path)), m_problem(problem), m_nameUnknownKeys(nameUnknownKeys) {
        checkObject();
    }

    /// A reader of the member `key` of what `parent` reads (which outlives it): its path is made only when a
    /// message needs it (a statement has hundreds of thousands of such objects).
    ObjectReader(const json::Value* value, const ObjectReader& parent, std::string_view key, Problem& problem)
        : m_value(value), m_parent(&parent), m_key(key), m_problem(problem) {
        checkObject();
    }

    /// "statement.predicate.findings[3].code"
    [[nodiscard]] std::string fullPath() const {
        return m_parent != nullptr ? m_parent->path(m_key) : m_path;
    }
    [[nodiscard]] std::string path(std::string_view key) const { return fullPath() + "." + std::string(key); }

    /// The member `key` of type `type`; nullptr (and a problem when `required`) when absent or of another
    /// type.
    const json::Value* get(std::string_view key, json::Type type, bool required = true) {
        if (m_value == nullptr) {
            return nullptr;
        }
        m_known.add(key);
        const json::Value* v = m_value->find(key);
        if (v == nullptr) {
            if (required) {
                m_problem.set(path(key) + " is missing");
            }
            return nullptr;
        }
        if (v->type() != type) {
            m_problem.set(path(key) + " must be " + json::typeName(type) + ", not " +
                          json::typeName(v->type()));
            return nullptr;
        }
        return v;
    }

    std::optional<std::string> string(std::string_view key, bool required = true, bool nonEmpty = true) {
        const std::string* s = stringRef(key, required, nonEmpty);
        return s != nullptr ? std::optional<std::string>(*s) : std::nullopt;
    }

    /// As string(), without a copy: the document's own string (a bundle's payload is up to 64 MiB).
    const std::string* stringRef(std::string_view key, bool required = true, bool nonEmpty = true) {
        const json::Value* v = get(key, json::Type::String, required);
        if (v == nullptr) {
            return nullptr;
        }
        if (nonEmpty && v->asString().empty()) {
            m_problem.set(path(key) + " must not be empty");
            return nullptr;
        }
        return &v->asString();
    }

    std::optional<double> number(std::string_view key, bool required = true) {
        const json::Value* v = get(key, json::Type::Number, required);
        return v != nullptr ? std::optional<double>(v->asDouble()) : std::nullopt;
    }

    /// A non-negative integer (written as an integer or an integral number such as 8.0) no larger than `max`.
    std::optional<std::int64_t> count(std::string_view key, std::int64_t max, bool required = true) {
        const json::Value* v = get(key, json::Type::Number, required);
        if (v == nullptr) {
            return std::nullopt;
        }
        const auto i = v->asInteger();
        if (!i || *i < 0 || *i > max) {
            m_problem.set(path(key) + " must be a whole number from 0 to " + std::to_string(max));
            return std::nullopt;
        }
        return i;
    }

    std::optional<bool> boolean(std::string_view key, bool required = true) {
        const json::Value* v = get(key, json::Type::Bool, required);
        return v != nullptr ? std::optional<bool>(v->asBool()) : std::nullopt;
    }

    /// An array of non-empty strings, at most `maxItems` of them.
    std::optional<std::vector<std::string>> strings(std::string_view key, bool required = true,
                                                    bool nonEmpty = false,
                                                    std::size_t maxItems = static_cast<std::size_t>(-1)) {
        const json::Value* v = get(key, json::Type::Array, required);
        if (v == nullptr) {
            return std::nullopt;
        }
        if (v->asArray().size() > maxItems) {
            m_problem.set(path(key) + " holds " + std::to_string(v->asArray().size()) +
                          " entries, more than the " + std::to_string(maxItems) + " accepted");
            return std::nullopt;
        }
        std::vector<std::string> out;
        std::size_t i = 0;
        for (const auto& item : v->asArray()) {
            if (!item.isString() || item.asString().empty()) {
                m_problem.set(path(key) + "[" + std::to_string(i) + "] must be a non-empty string");
                return std::nullopt;
            }
            out.push_back(item.asString());
            ++i;
        }
        if (nonEmpty && out.empty()) {
            m_problem.set(path(key) + " must not be empty");
            return std::nullopt;
        }
        return out;
    }

    /// Marks `key` as allowed without reading it.
    void allow(std::string_view key) { m_known.add(key); }

    /// Refuses members that were never asked for.
    void rejectUnknown() {
        if (m_value == nullptr) {
            return;
        }
        std::size_t position = 0;
        for (const auto& m : m_value->asObject()) {
            ++position;
            if (!m_known.contains(m.key)) {
                m_problem.set(m_nameUnknownKeys
                                  ? fullPath() + "." + safeText(m.key, 64) + " is not a known field"
                                  : fullPath() + " holds a field that is not part of the format (member " +
                                        std::to_string(position) + ")");
                return;
            }
        }
    }

    [[nodiscard]] bool valid() const { return m_value != nullptr; }
    [[nodiscard]] const json::Value* value() const { return m_value; }

private:
    void checkObject() {
        if (m_value == nullptr || !m_value->isObject()) {
            m_problem.set(fullPath() + " must be an object");
            m_value = nullptr;
        }
    }

    const json::Value* m_value;
    const ObjectReader* m_parent = nullptr; ///< with m_key, instead of m_path
    std::string_view m_key;
    std::string m_path;
    Problem& m_problem;
    bool m_nameUnknownKeys = false;
    KnownKeys m_known;
};

} // namespace veridicor::verify::detail
