// The HTTP framing guard (server/net/RequestFraming): the bytes a client
// sends before Qt's request parser sees them. Properties: never a crash; the
// verdict does not depend on how the bytes are split into reads (a client
// decides that); a refusal carries a status and a message; requests are
// only counted once their headers are complete.
#include "FuzzCheck.h"

#include "net/RequestFraming.h"

#include <QByteArray>

#include <cstddef>
#include <cstdint>

using Bulwark::RequestFraming;

namespace {
RequestFraming::Limits limits()
{
    RequestFraming::Limits l;
    l.maximumRequestBytes = 4096;
    l.maximumHeaderBytes = 1024;
    l.maximumHeaderLines = 20;
    l.largeMethod = "PUT";
    l.largePath = QRegularExpression(QStringLiteral("^/api/Things/[^/]+/Files/Content$"));
    l.largeMaximumBytes = 1 << 20;
    return l;
}

struct Verdict
{
    bool accepted;
    RequestFraming::State state;
    QByteArray status;
    qint64 requests;
    qint64 bodyRemaining;
};

Verdict feed(const QByteArray &bytes, quint8 split)
{
    RequestFraming framing(limits());
    bool ok = true;
    if (split == 0) {
        ok = framing.feed(bytes);
    } else {
        // Reads of 1..split bytes, the length varying with the position.
        qsizetype at = 0;
        while (ok && at < bytes.size()) {
            const qsizetype length =
                qMin<qsizetype>(bytes.size() - at, 1 + (at * 7 + split) % split);
            if (framing.state() == RequestFraming::State::Body && framing.skipBody(length))
                ok = true;
            else
                ok = framing.feed(QByteArrayView(bytes).sliced(at, length));
            at += length;
        }
    }
    if (!ok) {
        FUZZ_CHECK(framing.state() == RequestFraming::State::Refused);
        FUZZ_CHECK(!framing.refusal().statusLine.isEmpty());
        FUZZ_CHECK(!framing.refusal().message.isEmpty());
        FUZZ_CHECK(!framing.refusal().code.isEmpty());
    }
    return {ok, framing.state(), ok ? QByteArray() : framing.refusal().statusLine,
            framing.requestsSeen(), framing.bodyRemaining()};
}
} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    BulwarkFuzz::quietQt();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size < 1)
        return 0;
    const quint8 split = data[0];
    const QByteArray bytes(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    const Verdict whole = feed(bytes, 0);
    const Verdict pieces = feed(bytes, split == 0 ? 1 : split);
    FUZZ_CHECK(whole.accepted == pieces.accepted);
    FUZZ_CHECK(whole.status == pieces.status);
    FUZZ_CHECK(whole.state == pieces.state);
    FUZZ_CHECK(whole.requests == pieces.requests);
    FUZZ_CHECK(whole.bodyRemaining == pieces.bodyRemaining);
    // A request is counted only at the end of its headers (at least
    // "A / HTTP/1.1\n\n").
    FUZZ_CHECK(whole.requests * 14 <= bytes.size());
    return 0;
}
