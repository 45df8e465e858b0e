// The error vocabulary of the REST API: codes, statuses, and the one body
// shape every error has.
#include "ApiTypes.h"

#include "wire/Wire.h"

#include <QLoggingCategory>
#include <QUuid>

Q_DECLARE_LOGGING_CATEGORY(lcHttp)

namespace Bulwark {

namespace W = Wire;

int httpStatus(ErrorCode code)
{
    switch (code) {
    case ErrorCode::BadRequest:
    case ErrorCode::InvalidName:
    case ErrorCode::TypeMismatch:
        return 400;
    case ErrorCode::Unauthorized:
        return 401;
    case ErrorCode::Forbidden:
        return 403;
    case ErrorCode::NotFound:
        return 404;
    case ErrorCode::MethodNotAllowed:
        return 405;
    case ErrorCode::Conflict:
        return 409;
    case ErrorCode::PayloadTooLarge:
        return 413;
    case ErrorCode::UnsupportedMediaType:
        return 415;
    case ErrorCode::TooManyRequests:
        return 429;
    case ErrorCode::Unavailable:
        return 503;
    case ErrorCode::Internal:
        break;
    }
    return 500;
}

QString errorCodeName(ErrorCode code)
{
    switch (code) {
    case ErrorCode::BadRequest:
        return QStringLiteral("bad-request");
    case ErrorCode::InvalidName:
        return QStringLiteral("invalid-name");
    case ErrorCode::TypeMismatch:
        return QStringLiteral("type-mismatch");
    case ErrorCode::Unauthorized:
        return QStringLiteral("unauthorized");
    case ErrorCode::Forbidden:
        return QStringLiteral("forbidden");
    case ErrorCode::NotFound:
        return QStringLiteral("not-found");
    case ErrorCode::MethodNotAllowed:
        return QStringLiteral("method-not-allowed");
    case ErrorCode::Conflict:
        return QStringLiteral("conflict");
    case ErrorCode::PayloadTooLarge:
        return QStringLiteral("payload-too-large");
    case ErrorCode::UnsupportedMediaType:
        return QStringLiteral("unsupported-media-type");
    case ErrorCode::TooManyRequests:
        return QStringLiteral("too-many-requests");
    case ErrorCode::Unavailable:
        return QStringLiteral("unavailable");
    case ErrorCode::Internal:
        break;
    }
    return QStringLiteral("internal");
}

ApiResponse ApiResponse::failure(int status, const QString &code, const QString &message)
{
    return json({{W::Error, QJsonObject{{W::Code, code}, {W::Message, message}}}}, status);
}

ApiResponse ApiResponse::fromError(const Error &error)
{
    QString message = error.message;
    if (error.code == ErrorCode::Internal) {
        // Internal details (driver messages, paths) go to the log, not to
        // the client; the reference ties the two together.
        const QString reference = QUuid::createUuid().toString(QUuid::WithoutBraces).left(8);
        qCWarning(lcHttp).noquote() << "Internal error" << reference << ":" << error.message;
        message = QStringLiteral("The server could not complete the request (reference %1); "
                                 "its log has the details.")
                      .arg(reference);
    }
    ApiResponse r = failure(httpStatus(error.code), errorCodeName(error.code), message);
    if (error.code == ErrorCode::Unavailable)
        r.headers.append({QByteArray("Retry-After"), QByteArray("1")});
    if (error.code == ErrorCode::Unauthorized)
        r.headers.append({QByteArray("WWW-Authenticate"),
                          QByteArray(R"(Basic realm="Bulwark", charset="UTF-8")")});
    return r;
}

} // namespace Bulwark
