#pragma once
/// \file
/// A minimal `Expected<T, E>` (C++23's std::expected is not in GCC 12's C++20 mode).
/// Errors cross module boundaries as values: each module defines an error type with a domain
/// `enum class` code and a human-readable message; exceptions stay inside a module.

#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

namespace veridicor {

template <class E> class Unexpected {
public:
    explicit Unexpected(E e) : m_error(std::move(e)) {}
    [[nodiscard]] const E& error() const& { return m_error; }
    [[nodiscard]] E&& error() && { return std::move(m_error); }

private:
    E m_error;
};

template <class E> Unexpected(E) -> Unexpected<E>;

template <class T, class E> class [[nodiscard]] Expected {
public:
    using value_type = T;
    using error_type = E;

    // Implicit by design, like std::expected: `return value;` and `return Unexpected{err};`.
    Expected(T value)
        : m_v(std::in_place_index<0>, std::move(value)) {} // NOLINT(google-explicit-constructor)
    template <class G>
    Expected(Unexpected<G> u) // NOLINT(google-explicit-constructor)
        : m_v(std::in_place_index<1>, E(std::move(u).error())) {}

    [[nodiscard]] bool hasValue() const noexcept { return m_v.index() == 0; }
    explicit operator bool() const noexcept { return hasValue(); }

    [[nodiscard]] T& value() & {
        assert(hasValue());
        return std::get<0>(m_v);
    }
    [[nodiscard]] const T& value() const& {
        assert(hasValue());
        return std::get<0>(m_v);
    }
    [[nodiscard]] T&& value() && {
        assert(hasValue());
        return std::get<0>(std::move(m_v));
    }
    [[nodiscard]] const E& error() const& {
        assert(!hasValue());
        return std::get<1>(m_v);
    }
    [[nodiscard]] E&& error() && {
        assert(!hasValue());
        return std::get<1>(std::move(m_v));
    }

    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

private:
    std::variant<T, E> m_v;
};

/// Expected<void, E>: success carries no value.
template <class E> class [[nodiscard]] Expected<void, E> {
public:
    Expected() = default;
    template <class G> Expected(Unexpected<G> u) : m_error(E(std::move(u).error())), m_ok(false) {} // NOLINT

    [[nodiscard]] bool hasValue() const noexcept { return m_ok; }
    explicit operator bool() const noexcept { return m_ok; }
    [[nodiscard]] const E& error() const& {
        assert(!m_ok);
        return m_error;
    }

private:
    E m_error{};
    bool m_ok = true;
};

} // namespace veridicor
