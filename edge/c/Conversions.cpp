// The C API's shared pieces (ClientPrivate.h): the per-thread last error and
// the conversions between C and SDK codes and JSON text.
#include "ClientPrivate.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <unordered_map>

using namespace Qt::StringLiterals;

namespace BulwarkEdge::C {

namespace {

// The last error of each client (key nullptr: bulwark_edge_create), per thread.
thread_local std::unordered_map<const bulwark_edge_client *, std::string> t_lastErrors;

} // namespace

bulwark_edge_error fail(const bulwark_edge_client *client, bulwark_edge_error code,
                        const QString &message)
{
    t_lastErrors[client] = message.toStdString();
    return code;
}

bulwark_edge_error succeed(const bulwark_edge_client *client)
{
    t_lastErrors.erase(client);
    return BULWARK_EDGE_OK;
}

const char *lastError(const bulwark_edge_client *client)
{
    const auto it = t_lastErrors.find(client);
    return it == t_lastErrors.end() ? "" : it->second.c_str();
}

void forgetErrors(const bulwark_edge_client *client)
{
    t_lastErrors.erase(client);
}

bulwark_edge_error toC(BulwarkEdge::ErrorCode code)
{
    using E = BulwarkEdge::ErrorCode;
    switch (code) {
    case E::BadRequest:
        return BULWARK_EDGE_E_BAD_REQUEST;
    case E::Unauthorized:
        return BULWARK_EDGE_E_UNAUTHORIZED;
    case E::Forbidden:
        return BULWARK_EDGE_E_FORBIDDEN;
    case E::NotFound:
        return BULWARK_EDGE_E_NOT_FOUND;
    case E::NotBound:
        return BULWARK_EDGE_E_NOT_BOUND;
    case E::TypeMismatch:
        return BULWARK_EDGE_E_TYPE_MISMATCH;
    case E::TooManyRequests:
        return BULWARK_EDGE_E_TOO_MANY_REQUESTS;
    case E::Unavailable:
        return BULWARK_EDGE_E_UNAVAILABLE;
    case E::Unsupported:
        return BULWARK_EDGE_E_UNSUPPORTED;
    case E::VerificationFailed:
        return BULWARK_EDGE_E_VERIFICATION_FAILED;
    case E::TooLarge:
        return BULWARK_EDGE_E_TOO_LARGE;
    case E::QuotaExceeded:
        return BULWARK_EDGE_E_QUOTA_EXCEEDED;
    case E::Exists:
        return BULWARK_EDGE_E_EXISTS;
    case E::Cancelled:
        return BULWARK_EDGE_E_CANCELLED;
    case E::Conflict:
        return BULWARK_EDGE_E_CONFLICT;
    case E::InvalidConfiguration:
        return BULWARK_EDGE_E_INVALID_CONFIGURATION;
    case E::ConnectionFailed:
        return BULWARK_EDGE_E_CONNECTION_FAILED;
    case E::TlsFailed:
        return BULWARK_EDGE_E_TLS_FAILED;
    case E::ProtocolViolation:
        return BULWARK_EDGE_E_PROTOCOL_VIOLATION;
    }
    return BULWARK_EDGE_E_INTERNAL;
}

BulwarkEdge::ErrorCode toSdk(bulwark_edge_error code)
{
    using E = BulwarkEdge::ErrorCode;
    switch (code) {
    case BULWARK_EDGE_E_UNAUTHORIZED:
        return E::Unauthorized;
    case BULWARK_EDGE_E_FORBIDDEN:
        return E::Forbidden;
    case BULWARK_EDGE_E_NOT_FOUND:
        return E::NotFound;
    case BULWARK_EDGE_E_NOT_BOUND:
        return E::NotBound;
    case BULWARK_EDGE_E_TYPE_MISMATCH:
        return E::TypeMismatch;
    case BULWARK_EDGE_E_TOO_MANY_REQUESTS:
        return E::TooManyRequests;
    case BULWARK_EDGE_E_UNAVAILABLE:
        return E::Unavailable;
    case BULWARK_EDGE_E_UNSUPPORTED:
        return E::Unsupported;
    case BULWARK_EDGE_E_CONFLICT:
        return E::Conflict;
    case BULWARK_EDGE_E_EXISTS:
        return E::Exists;
    case BULWARK_EDGE_E_TOO_LARGE:
        return E::TooLarge;
    default:
        return E::BadRequest;
    }
}

bulwark_edge_state toC(EdgeClient::State state)
{
    switch (state) {
    case EdgeClient::State::Disconnected:
        return BULWARK_EDGE_STATE_DISCONNECTED;
    case EdgeClient::State::Connecting:
        return BULWARK_EDGE_STATE_CONNECTING;
    case EdgeClient::State::Authenticating:
        return BULWARK_EDGE_STATE_AUTHENTICATING;
    case EdgeClient::State::Connected:
        return BULWARK_EDGE_STATE_CONNECTED;
    case EdgeClient::State::Backoff:
        return BULWARK_EDGE_STATE_BACKOFF;
    }
    return BULWARK_EDGE_STATE_DISCONNECTED;
}

bool parseJsonValue(const char *text, QJsonValue &value, QString &error)
{
    QJsonParseError parseError;
    const QByteArray wrapped = "[" + QByteArray(text) + "]";
    const QJsonDocument document = QJsonDocument::fromJson(wrapped, &parseError);
    if (parseError.error != QJsonParseError::NoError || document.array().size() != 1) {
        error = u"not one JSON value: %1 at offset %2"_s.arg(
            parseError.error != QJsonParseError::NoError ? parseError.errorString()
                                                         : u"more than one value"_s,
            QString::number(std::max(0, parseError.offset - 1)));
        return false;
    }
    value = document.array().first();
    return true;
}

QByteArray toJsonText(const QJsonValue &value)
{
    const QByteArray wrapped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return wrapped.mid(1, wrapped.size() - 2);
}

} // namespace BulwarkEdge::C
