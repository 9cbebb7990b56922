// Result<T>: the error channel of the core library.
//
// Expected failures (bad input, unknown versions, a store that is not a store) travel as values,
// never as exceptions, so that every caller has to decide what to do with them. Only the CLI's top
// level turns an Error into a one-line message and an exit code (ErrorKind picks the code).
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace guidetrack {

enum class ErrorKind {
    input,   // the user's input or arguments are wrong: exit 2
    runtime, // anything else went wrong (I/O, libgit2, network): exit 3
};

struct Error {
    ErrorKind kind = ErrorKind::runtime;
    std::string message;
};

inline Error input_error(std::string message) {
    return Error{ErrorKind::input, std::move(message)};
}
inline Error runtime_error(std::string message) {
    return Error{ErrorKind::runtime, std::move(message)};
}

template <class T> class [[nodiscard]] Result {
  public:
    Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & {
        assert(ok());
        return std::get<0>(v_);
    }
    const T& value() const& {
        assert(ok());
        return std::get<0>(v_);
    }
    T&& value() && {
        assert(ok());
        return std::get<0>(std::move(v_));
    }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T&& operator*() && { return std::move(*this).value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const Error& error() const {
        assert(!ok());
        return std::get<1>(v_);
    }

  private:
    std::variant<T, Error> v_;
};

template <> class [[nodiscard]] Result<void> {
  public:
    Result() = default;
    Result(Error error) : error_(std::move(error)), ok_(false) {}

    bool ok() const { return ok_; }
    explicit operator bool() const { return ok_; }
    const Error& error() const {
        assert(!ok_);
        return error_;
    }

  private:
    Error error_;
    bool ok_ = true;
};

// Prefix an error's message with context ("snapshot wt2023: " + message), keeping its kind.
inline Error with_context(const Error& error, const std::string& context) {
    return Error{error.kind, context + ": " + error.message};
}

} // namespace guidetrack

// GT_TRY(var, expr): evaluate a Result; on error return it from the enclosing function.
#define GT_CONCAT_INNER(a, b) a##b
#define GT_CONCAT(a, b) GT_CONCAT_INNER(a, b)
#define GT_TRY(var, expr) GT_TRY_IMPL(var, expr, GT_CONCAT(gt_try_result_, __LINE__))
#define GT_TRY_IMPL(var, expr, tmp)                                                                \
    auto tmp = (expr);                                                                             \
    if (!tmp.ok())                                                                                 \
        return tmp.error();                                                                        \
    var = std::move(tmp).value()
// GT_CHECK(expr): for Result<void>.
#define GT_CHECK(expr)                                                                             \
    do {                                                                                           \
        auto gt_check_result = (expr);                                                             \
        if (!gt_check_result.ok())                                                                 \
            return gt_check_result.error();                                                        \
    } while (0)
