// A value or an error a user can act on. Every fallible call in the server
// returns one; the API layer turns the error code into an HTTP status.
#pragma once

#include <QString>

#include <utility>
#include <variant>

namespace Bulwark {

enum class ErrorCode
{
    BadRequest,
    InvalidName,
    TypeMismatch,
    Unauthorized,
    Forbidden, // signed in, but not allowed (only where existence is not secret)
    NotFound,
    MethodNotAllowed,
    Conflict,
    PayloadTooLarge,
    UnsupportedMediaType,
    TooManyRequests, // throttled: the message says when to try again
    Unavailable,     // busy or shutting down: try again shortly
    Internal,
};

struct Error
{
    ErrorCode code = ErrorCode::Internal;
    QString message;
};

template <typename T = std::monostate> class [[nodiscard]] Result
{
public:
    Result() requires std::is_same_v<T, std::monostate> : m_value(std::monostate{}) {}
    Result(T value)
        : m_value(std::move(value))
    {}
    Result(Error error)
        : m_value(std::move(error))
    {}

    [[nodiscard]] bool ok() const { return std::holds_alternative<T>(m_value); }
    explicit operator bool() const { return ok(); }

    [[nodiscard]] const T &value() const & { return std::get<T>(m_value); }
    [[nodiscard]] T &value() & { return std::get<T>(m_value); }
    [[nodiscard]] T &&value() && { return std::get<T>(std::move(m_value)); }
    const T &operator*() const & { return value(); }
    T &operator*() & { return value(); }
    const T *operator->() const { return &value(); }
    T *operator->() { return &value(); }

    [[nodiscard]] const Error &error() const { return std::get<Error>(m_value); }

private:
    std::variant<T, Error> m_value;
};

using Status = Result<>;

inline Error makeError(ErrorCode code, QString message)
{
    return Error{code, std::move(message)};
}

} // namespace Bulwark
