// What every fuzz target shares: a property check that stops the run with a
// message (libFuzzer then saves the input as a crash), and silence for Qt's
// warnings so that the fuzzer's output stays readable.
#pragma once

#include <QtGlobal>

#include <cstdio>
#include <cstdlib>

namespace BulwarkFuzz {

[[noreturn]] inline void fail(const char *what, const char *file, int line)
{
    std::fprintf(stderr, "%s:%d: property violated: %s\n", file, line, what);
    std::abort();
}

inline void quietQt()
{
    qInstallMessageHandler([](QtMsgType, const QMessageLogContext &, const QString &) {});
}

} // namespace BulwarkFuzz

#define FUZZ_CHECK(condition)                                                                      \
    do {                                                                                           \
        if (!(condition))                                                                          \
            BulwarkFuzz::fail(#condition, __FILE__, __LINE__);                                     \
    } while (false)
