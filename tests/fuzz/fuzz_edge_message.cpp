// The edge protocol's text messages (docs/protocol.md), as the server decodes
// them: one JSON object, then whatever a hostile device puts in it is run
// through every field decoder ("update" values, times, transfer ids),
// whatever its "type" says.
#include "FuzzCheck.h"
#include "edge/EdgeDecode.h"

#include <QJsonArray>

#include <cstddef>
#include <cstdint>

using namespace Bulwark;
using namespace Qt::StringLiterals;

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    BulwarkFuzz::quietQt();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    // QWebSocket hands the server a text frame as a QString; the endpoint
    // decodes its UTF-8 form.
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto decoded = EdgeDecode::textMessage(text.toUtf8());
    if (!decoded) {
        FUZZ_CHECK(decoded.error().code == ErrorCode::BadRequest);
        FUZZ_CHECK(
            decoded.error().message.startsWith(u"Each text message must be one JSON object"));
        return 0;
    }
    const QJsonObject &message = decoded->message;
    FUZZ_CHECK(decoded->type == message.value("type"_L1).toString());

    static const QDateTime now = QDateTime(QDate(2026, 11, 27), QTime(3, 0), Qt::UTC);
    const auto values = EdgeDecode::updateValues(message, now);
    if (values) {
        FUZZ_CHECK(!values->isEmpty());
        FUZZ_CHECK(values->size() <= EdgeDecode::MaximumValuesPerUpdate);
        FUZZ_CHECK(values->size() == message.value("values"_L1).toArray().size());
        for (const IngestValue &value : *values) {
            FUZZ_CHECK(!value.property.isEmpty());
            FUZZ_CHECK(value.quality == u"good" || value.quality == u"uncertain" ||
                       value.quality == u"bad");
            FUZZ_CHECK(value.time.isValid() && value.time.timeSpec() == Qt::UTC);
            FUZZ_CHECK(now.msecsTo(value.time) <= EdgeDecode::MaximumFutureMs);
        }
    } else {
        FUZZ_CHECK(values.error().code == ErrorCode::BadRequest);
    }

    const auto time = EdgeDecode::deviceTime(message.value("time"_L1), u"The event"_s, now);
    if (time)
        FUZZ_CHECK(time->isValid() && now.msecsTo(*time) <= EdgeDecode::MaximumFutureMs);

    const QJsonValue transferField = message.value("transfer"_L1);
    const QUuid transfer = EdgeDecode::transferId(transferField);
    if (!transfer.isNull())
        FUZZ_CHECK(transfer.toString(QUuid::WithoutBraces) == transferField.toString());
    return 0;
}
