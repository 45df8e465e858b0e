// The naming rule for entities (Things, templates, users…), the same rule the
// server enforces, so dialogs can explain a bad name before sending it.
#pragma once

#include <QCoreApplication>
#include <QString>

namespace Bulwark::Models {

class EntityName final
{
    Q_DECLARE_TR_FUNCTIONS(Bulwark::Models::EntityName)

public:
    static constexpr qsizetype MaximumLength = 128;

    // 1–128 characters: an ASCII letter or digit, then ASCII letters, digits,
    // '_', '-' or '.'.
    [[nodiscard]] static bool isValid(QStringView name);

    // Why `name` is not valid, in words a user can act on; empty when valid.
    [[nodiscard]] static QString problem(QStringView name);
};

} // namespace Bulwark::Models
