// Export and import of one entity's security configuration (its rules,
// visibility and, for a template, its instance ones) as a JSON file in the
// server's "bulwark-security/1" format. The file side is kept apart from the
// dialogs so that it can be used (and tested) with a plain path.
#pragma once

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace Bulwark::Ui {

class SecurityExport final
{
    Q_DECLARE_TR_FUNCTIONS(Bulwark::Ui::SecurityExport)

public:
    static constexpr QLatin1StringView Format{"bulwark-security/1"};

    // Writes `document` (the body of GET …/Security) to `path`, atomically.
    [[nodiscard]] static bool writeFile(const QString &path, const QJsonObject &document,
                                        QString *error);
    // Reads a file written by writeFile (or by hand); refuses anything that
    // is not a security document.
    [[nodiscard]] static std::optional<QJsonObject> readFile(const QString &path, QString *error);

    // "/api/Things/Boiler1/Security", with "?skipMissing=true" when asked.
    enum class MissingReferences
    {
        Refuse,
        Skip
    };
    [[nodiscard]] static QString path(const QString &collection, const QString &name,
                                      MissingReferences missing = MissingReferences::Refuse);

    // "Group 'Operators'", "unit 'Acme/Line1'" for each entry of a refusal's
    // `missing` array, or of a skipMissing answer's `skipped` array.
    [[nodiscard]] static QStringList describeReferences(const QJsonArray &references);
};

} // namespace Bulwark::Ui
