#include "SecurityExport.h"

#include <QFile>
#include <QJsonDocument>
#include <QSaveFile>
#include <QUrl>

namespace Bulwark::Ui {

using namespace Qt::StringLiterals;

bool SecurityExport::writeFile(const QString &path, const QJsonObject &document, QString *error)
{
    if (document.value("format"_L1).toString() != Format) {
        *error = tr("The server's answer is not a security document (format %1).")
                     .arg(document.value("format"_L1).toString());
        return false;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = tr("Could not write %1: %2").arg(path, file.errorString());
        return false;
    }
    file.write(QJsonDocument(document).toJson(QJsonDocument::Indented));
    if (!file.commit()) {
        *error = tr("Could not write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

std::optional<QJsonObject> SecurityExport::readFile(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = tr("Could not open %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    // A security document is small; anything far larger is not one.
    constexpr qint64 MaximumSize = 1024 * 1024;
    if (file.size() > MaximumSize) {
        *error = tr("%1 is larger than 1 MiB: it is not a security export.").arg(path);
        return std::nullopt;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        *error = tr("%1 is not valid JSON (%2 at offset %3).")
                     .arg(path, parseError.errorString())
                     .arg(parseError.offset);
        return std::nullopt;
    }
    const QJsonObject object = document.object();
    if (object.value("format"_L1).toString() != Format) {
        *error =
            tr("%1 is not a Bulwark security export (expected the format “%2”).").arg(path, Format);
        return std::nullopt;
    }
    return object;
}

QString SecurityExport::path(const QString &collection, const QString &name,
                             MissingReferences missing)
{
    QString result =
        u"/api/%1/%2/Security"_s.arg(QString::fromLatin1(QUrl::toPercentEncoding(collection)),
                                     QString::fromLatin1(QUrl::toPercentEncoding(name)));
    if (missing == MissingReferences::Skip)
        result += u"?skipMissing=true"_s;
    return result;
}

QStringList SecurityExport::describeReferences(const QJsonArray &references)
{
    QStringList result;
    for (const QJsonValue &value : references) {
        const QJsonObject reference = value.toObject();
        const QString type = reference.value("type"_L1).toString();
        const QString name = reference.value("name"_L1).toString();
        QString text;
        if (type == u"User")
            text = tr("user “%1”").arg(name);
        else if (type == u"Group")
            text = tr("group “%1”").arg(name);
        else if (type == u"Unit")
            text = tr("unit “%1”").arg(name);
        else
            text = tr("%1 “%2”").arg(type.toLower(), name);
        if (reference.contains("rules"_L1))
            text += tr(" (%n rule(s) left out)", nullptr, reference.value("rules"_L1).toInt());
        result.append(text);
    }
    return result;
}

} // namespace Bulwark::Ui
