// Decoding what a device sends on /edge (docs/protocol.md), without a session
// or a socket: the shape of a text message, the values of an "update", the
// times a device gives, transfer ids and the header of a binary chunk frame.
// EdgeEndpoint applies these to every message; tests/fuzz feeds them hostile
// bytes. Pure functions, safe on any thread, never crash on any input.
#pragma once

#include "PropertyIngest.h"
#include "core/Result.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QUuid>

namespace Bulwark::EdgeDecode {

inline constexpr int MaximumValuesPerUpdate = 1000;
inline constexpr qint64 MaximumFutureMs = 5 * 60 * 1000;
// Binary chunk frame: transfer id (16), big-endian chunk index (4), flags (1).
inline constexpr qsizetype ChunkHeaderSize = 21;

// One text message: a JSON object, with its "id" and "type".
struct TextMessage
{
    QJsonObject message;
    QJsonValue id;
    QString type;
};
// The error says, for the device, why the text is not one JSON object.
[[nodiscard]] Result<TextMessage> textMessage(const QByteArray &utf8);

// A time a device sent: absent or null is now; otherwise ISO 8601 with a
// zone, not more than 5 minutes ahead of now. what names it in the error.
[[nodiscard]] Result<QDateTime> deviceTime(const QJsonValue &value, const QString &what,
                                           const QDateTime &now);

// The "values" of an "update": 1 to MaximumValuesPerUpdate of
// {"property", "value", "time"?, "quality"?}. All or nothing.
[[nodiscard]] Result<QList<IngestValue>> updateValues(const QJsonObject &message,
                                                      const QDateTime &now);

// A transfer id in its 36-character lowercase form; null for anything else.
[[nodiscard]] QUuid transferId(const QJsonValue &value);

// A binary chunk frame (docs/protocol.md, "Binary chunk frames").
struct ChunkFrame
{
    QUuid transfer;
    quint32 index = 0;
    bool final = false;
    QByteArray sealed; // ciphertext || 16-byte tag
};
// The error says why the frame is refused (too short, unknown flags).
[[nodiscard]] Result<ChunkFrame> chunkFrame(const QByteArray &frame);
// The header chunkFrame() reads: ChunkHeaderSize bytes.
[[nodiscard]] QByteArray chunkFrameHeader(const QUuid &transfer, quint32 index, bool final);

} // namespace Bulwark::EdgeDecode
