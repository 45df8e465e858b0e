// Edge protocol version 2, the device's side of file transfers: directories
// declared at bind, binary chunk frames, and the file.* messages a device
// sends (docs/protocol.md "Version 2: files"). The transfers themselves are
// TransferManager's; this file only parses, checks who may ask, and routes.
#include "EdgeEndpoint.h"

#include "files/FileRepository.h"
#include "files/TransferManager.h"
#include "wire/Wire.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QPointer>
#include <QUuid>
#include <QWebSocket>

Q_DECLARE_LOGGING_CATEGORY(lcEdge)

namespace Bulwark {

using namespace Qt::StringLiterals;

using EdgeDecode::transferId;

Result<QStringList> EdgeEndpoint::declaredDirectories(const QJsonObject &message)
{
    const QJsonValue field = message.value("directories"_L1);
    if (field.isUndefined() || field.isNull())
        return QStringList();
    const QJsonArray list = field.toArray();
    const auto refuse = [](const QString &why) {
        return makeError(
            ErrorCode::BadRequest,
            u"Declare virtual directories as \"directories\": [\"logs\", "
            "\"firmware\"] (at most %1 names, each one path segment): %2"_s.arg(MaximumDirectories)
                .arg(why));
    };
    if (!field.isArray())
        return refuse(u"'directories' is not an array."_s);
    if (list.size() > MaximumDirectories)
        return refuse(u"%1 names given."_s.arg(list.size()));
    QStringList names;
    for (const QJsonValue &value : list) {
        const QString name = value.toString();
        auto checked = checkRepositoryPath(name, RootPath::Refuse);
        if (!value.isString() || !checked || name.contains(u'/'))
            return refuse(u"'%1' is not a valid directory name%2"_s.arg(
                name.left(64), checked ? u"."_s : u": "_s + checked.error().message));
        if (!names.contains(name))
            names.append(name);
    }
    return names;
}

quint64 EdgeEndpoint::fileSession(const QString &thing,
                                  const std::function<bool(const QString &user)> &userMay) const
{
    quint64 best = 0;
    for (auto it = m_sessions.cbegin(); it != m_sessions.cend(); ++it) {
        const Session &session = *it;
        if (!session.directories.contains(thing) || session.id <= best ||
            it.key()->state() != QAbstractSocket::ConnectedState)
            continue;
        if (userMay && !userMay(session.user))
            continue;
        best = session.id;
    }
    return best;
}

QStringList EdgeEndpoint::directories(const QString &thing) const
{
    const quint64 session = fileSession(thing);
    const auto socket = m_socketsById.value(session);
    return socket ? m_sessions.value(socket).directories.value(thing) : QStringList();
}

bool EdgeEndpoint::sendToSession(quint64 session, const QJsonObject &message)
{
    QWebSocket *socket = m_socketsById.value(session);
    if (!socket || socket->state() != QAbstractSocket::ConnectedState)
        return false;
    send(socket, message);
    return true;
}

bool EdgeEndpoint::sendBinaryToSession(quint64 session, const QByteArray &frame)
{
    QWebSocket *socket = m_socketsById.value(session);
    if (!socket || socket->state() != QAbstractSocket::ConnectedState)
        return false;
    socket->sendBinaryMessage(frame);
    countSent(socket, frame.size());
    return true;
}

void EdgeEndpoint::requestSession(quint64 session, QJsonObject message, int timeoutMs,
                                  std::function<void(DeviceAnswer)> done)
{
    QWebSocket *socket = m_socketsById.value(session);
    if (!socket || socket->state() != QAbstractSocket::ConnectedState) {
        done(DeviceAnswer{
            DeviceAnswer::Outcome::NotConnected, {}, u"The device's session has ended."_s, {}});
        return;
    }
    sendRequest(socket, std::move(message), timeoutMs, std::move(done));
}

void EdgeEndpoint::onBinary(QWebSocket *socket, const QByteArray &frame)
{
    auto session = m_sessions.find(socket);
    if (session == m_sessions.end())
        return;
    session->heardAt = m_clock.elapsed();
    session->traffic->received(frame.size());
    if (!session->user.isEmpty())
        session->traffic->touch(QDateTime::currentDateTimeUtc());
    const auto protocolError = [&](const QString &text) {
        replyError(socket, QJsonValue(), u"bad-request"_s, text);
        if (++session->badFrames >= MaximumBadFrames) {
            qCInfo(lcEdge) << "Closing the edge session of" << session->user << "from"
                           << session->remoteAddress << "after" << MaximumBadFrames
                           << "bad binary frames in a row";
            socket->close(QWebSocketProtocol::CloseCodePolicyViolated,
                          QStringLiteral("bad binary frames"));
        }
    };
    auto decoded = EdgeDecode::chunkFrame(frame);
    if (!decoded) {
        protocolError(decoded.error().message);
        return;
    }
    const QUuid id = decoded->transfer;
    const quint32 index = decoded->index;
    const TransferManager::FrameOutcome outcome =
        m_transfers
            ? m_transfers->chunkArrived(session->id, id, index, decoded->final, decoded->sealed)
            : TransferManager::FrameOutcome::Unknown;
    if (outcome == TransferManager::FrameOutcome::Unknown) {
        protocolError(
            u"Binary frame for transfer %1, chunk %2: this session is not sending "
            "that transfer to the platform; dropped."_s.arg(id.toString(QUuid::WithoutBraces))
                .arg(index));
        return;
    }
    session->badFrames = 0;
    // Frames of a transfer that already ended here are not flow-controlled
    // any more: they count against the rate limit like messages.
    if (outcome == TransferManager::FrameOutcome::Dropped)
        (void)withinRate(socket, *session, QJsonValue());
}

bool EdgeEndpoint::fileMessage(QWebSocket *socket, Session &session, const QJsonValue &id,
                               const QString &type, const QJsonObject &message)
{
    if (!type.startsWith(u"file."))
        return false;
    if (!m_transfers) {
        replyError(socket, id, u"unavailable"_s, u"File transfers are not available."_s);
        return true;
    }
    if (type == u"file.upload" || type == u"file.download") {
        startDeviceTransfer(socket, session, id, message, type == u"file.upload");
        return true;
    }
    const QUuid transfer = transferId(message.value("transfer"_L1));
    if (type == u"file.ack") {
        // ackArrived() said it is not a transfer this session sends (see onMessage).
        if (!id.isUndefined() && !id.isNull())
            replyError(socket, id, u"not-found"_s,
                       u"This session is not sending transfer '%1'."_s.arg(
                           message.value("transfer"_L1).toString().left(64)));
        return true;
    }
    if (type == u"file.cancel") {
        if (!transfer.isNull())
            m_transfers->cancelArrived(session.id, transfer,
                                       message.value("reason"_L1).toString().left(1024));
        return true; // a notification: no reply
    }
    if (transfer.isNull()) {
        replyError(socket, id, u"bad-request"_s,
                   u"Name the transfer as \"transfer\": its 36-character lowercase id."_s);
        return true;
    }
    if (type == u"file.status") {
        auto found = m_transfers->find(session.user, transfer);
        if (!found)
            replyError(socket, id, edgeErrorCode(found.error(), EdgeCodes::Files),
                       found.error().message);
        else
            reply(socket, id, *found);
        return true;
    }
    if (type == u"file.complete") {
        QPointer<QWebSocket> guard(socket);
        m_transfers->completeArrived(
            session.id, transfer, message,
            [this, guard, id](const QJsonObject &result, const QString &code, const QString &text) {
                if (!guard)
                    return;
                if (code.isEmpty())
                    reply(guard, id, result);
                else
                    replyError(guard, id, code, text);
            });
        return true;
    }
    replyError(socket, id, u"unsupported"_s,
               u"Message type '%1' is not part of protocol version %2; a device sends "
               "file.upload, file.download, file.status, file.complete, file.ack and "
               "file.cancel."_s.arg(type.left(64))
                   .arg(Wire::EdgeProtocolVersion));
    return true;
}

void EdgeEndpoint::startDeviceTransfer(QWebSocket *socket, Session &session, const QJsonValue &id,
                                       const QJsonObject &message, bool upload)
{
    const QString thing = message.value(Wire::Thing).toString();
    if (!requireBound(socket, session, id, thing))
        return;
    if (!session.directories.contains(thing)) {
        replyError(socket, id, u"bad-request"_s,
                   u"Thing '%1' was bound without directories: bind it with \"directories\": "
                   "[…] to move files."_s.arg(thing.left(128)));
        return;
    }
    const QString repository = message.value("repository"_L1).toString();
    const QJsonValue overwrite = message.value("overwrite"_L1);
    if (repository.isEmpty() || !message.value("path"_L1).isString() ||
        !message.value("target"_L1).isString() ||
        !(overwrite.isUndefined() || overwrite.isBool())) {
        replyError(socket, id, u"bad-request"_s,
                   upload ? u"Send {\"type\":\"file.upload\",\"thing\",\"path\",\"repository\","
                            "\"target\",\"overwrite\"}."_s
                          : u"Send {\"type\":\"file.download\",\"thing\",\"repository\","
                            "\"path\",\"target\",\"overwrite\"}."_s);
        return;
    }
    const QJsonObject device{{Wire::Thing, thing},
                             {"path"_L1, message.value(upload ? "path"_L1 : "target"_L1)}};
    const QJsonObject stored{{Wire::Thing, repository},
                             {"path"_L1, message.value(upload ? "target"_L1 : "path"_L1)}};
    QPointer<QWebSocket> guard(socket);
    m_transfers->request(session.user, upload ? device : stored, upload ? stored : device,
                         overwrite.toBool(), [this, guard, id](Result<QJsonObject> transfer) {
                             if (!guard)
                                 return;
                             if (!transfer)
                                 replyError(guard, id,
                                            edgeErrorCode(transfer.error(), EdgeCodes::Files),
                                            transfer.error().message);
                             else
                                 reply(guard, id, {{"transfer"_L1, transfer->value("id"_L1)}});
                         });
}

} // namespace Bulwark
