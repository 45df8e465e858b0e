#include "EdgeDecode.h"

#include "core/EntityJson.h"
#include "security/FileCipher.h"
#include "wire/Wire.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QtEndian>

namespace Bulwark::EdgeDecode {

using namespace Qt::StringLiterals;
namespace W = Wire;

Result<TextMessage> textMessage(const QByteArray &utf8)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(utf8, &parseError);
    if (!doc.isObject()) {
        const QString why =
            parseError.error != QJsonParseError::NoError
                ? u"%1 at offset %2"_s.arg(parseError.errorString()).arg(parseError.offset)
                : u"got a JSON value that is not an object"_s;
        return makeError(ErrorCode::BadRequest,
                         u"Each text message must be one JSON object: %1."_s.arg(why));
    }
    TextMessage decoded{doc.object(), {}, {}};
    decoded.id = decoded.message.value("id"_L1);
    decoded.type = decoded.message.value("type"_L1).toString();
    return decoded;
}

Result<QDateTime> deviceTime(const QJsonValue &value, const QString &what, const QDateTime &now)
{
    if (value.isUndefined() || value.isNull())
        return now;
    const QDateTime time = QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
    if (!value.isString() || !time.isValid() || time.timeSpec() == Qt::LocalTime)
        return makeError(ErrorCode::BadRequest, u"%1: 'time' must be ISO 8601 with a zone, such as "
                                                "\"2026-11-27T03:00:00.000Z\"."_s.arg(what));
    if (now.msecsTo(time) > MaximumFutureMs)
        return makeError(ErrorCode::BadRequest,
                         u"%1: 'time' %2 is more than 5 minutes ahead of the server's clock "
                         "(%3); check the device's clock."_s.arg(what, value.toString(),
                                                                 EntityJson::timestamp(now)));
    return time.toUTC();
}

Result<QList<IngestValue>> updateValues(const QJsonObject &message, const QDateTime &now)
{
    const QJsonValue valuesField = message.value(W::Values);
    const QJsonArray values = valuesField.toArray();
    if (!valuesField.isArray() || values.isEmpty() || values.size() > MaximumValuesPerUpdate)
        return makeError(ErrorCode::BadRequest,
                         u"Send 1 to %1 values as \"values\": [{\"property\": \"temperature\", "
                         "\"value\": 21.5}, …]."_s.arg(MaximumValuesPerUpdate));
    QList<IngestValue> decoded;
    decoded.reserve(values.size());
    for (qsizetype i = 0; i < values.size(); ++i) {
        const QJsonObject v = values.at(i).toObject();
        const QString property = v.value(W::Property).toString();
        const QString what = u"Value %1 (property '%2')"_s.arg(i).arg(property.left(128));
        if (!values.at(i).isObject() || property.isEmpty() || !v.contains(W::Value))
            return makeError(ErrorCode::BadRequest,
                             u"Value %1: each value must be {\"property\": \"…\", \"value\": …}; "
                             "nothing was stored."_s.arg(i));
        auto time = deviceTime(v.value(W::Time), what, now);
        if (!time)
            return makeError(ErrorCode::BadRequest,
                             time.error().message + u" Nothing was stored."_s);
        const QString quality =
            v.contains(W::Quality) ? v.value(W::Quality).toString() : QString(W::QualityGood);
        if (quality != W::QualityGood && quality != W::QualityUncertain && quality != W::QualityBad)
            return makeError(ErrorCode::BadRequest,
                             u"%1: 'quality' must be \"good\", \"uncertain\" or \"bad\"; nothing "
                             "was stored."_s.arg(what));
        decoded.append(IngestValue{property, v.value(W::Value), *time, quality});
    }
    return decoded;
}

QUuid transferId(const QJsonValue &value)
{
    const QString text = value.toString();
    if (text.size() != 36 || text != text.toLower())
        return {};
    return QUuid::fromString(text);
}

Result<ChunkFrame> chunkFrame(const QByteArray &frame)
{
    if (frame.size() < ChunkHeaderSize + FileChunkTagSize)
        return makeError(ErrorCode::BadRequest,
                         u"A binary frame of %1 bytes is too short: a chunk frame is the transfer "
                         "id (16 bytes), the chunk index (4), flags (1) and the sealed chunk "
                         "(at least its 16-byte tag); dropped."_s.arg(frame.size()));
    ChunkFrame decoded;
    decoded.transfer = QUuid::fromRfc4122(QByteArrayView(frame).first(16));
    decoded.index = qFromBigEndian<quint32>(frame.constData() + 16);
    const quint8 flags = quint8(frame.at(20));
    if ((flags & ~quint8(1)) != 0)
        return makeError(
            ErrorCode::BadRequest,
            u"Binary frame for transfer %1, chunk %2: flags 0x%3 set bits other than "
            "bit 0 (final); dropped."_s.arg(decoded.transfer.toString(QUuid::WithoutBraces))
                .arg(decoded.index)
                .arg(flags, 2, 16, QLatin1Char('0')));
    decoded.final = (flags & 1) != 0;
    decoded.sealed = frame.mid(ChunkHeaderSize);
    return decoded;
}

QByteArray chunkFrameHeader(const QUuid &transfer, quint32 index, bool final)
{
    QByteArray header = transfer.toRfc4122();
    char counter[4];
    qToBigEndian(index, counter);
    header.append(counter, 4);
    header.append(char(final ? 1 : 0));
    return header;
}

} // namespace Bulwark::EdgeDecode
