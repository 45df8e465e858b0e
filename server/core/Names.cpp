#include "Names.h"

namespace Bulwark::Names {

namespace {
bool isAsciiLetterOrDigit(QChar c)
{
    const char16_t u = c.unicode();
    return (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || (u >= u'0' && u <= u'9');
}
} // namespace

Status validate(const QString &kind, const QString &name)
{
    const QString rule = QStringLiteral("names are 1 to %1 characters: ASCII letters, digits, '_', "
                                        "'-' and '.', starting with a "
                                        "letter or digit")
                             .arg(MaximumLength);
    if (name.isEmpty())
        return makeError(ErrorCode::InvalidName,
                         QStringLiteral("The %1 name is missing: %2.").arg(kind, rule));
    if (name.size() > MaximumLength)
        return makeError(ErrorCode::InvalidName,
                         QStringLiteral("The %1 name is %2 characters long: %3.")
                             .arg(kind)
                             .arg(name.size())
                             .arg(rule));
    if (!isAsciiLetterOrDigit(name.front()))
        return makeError(
            ErrorCode::InvalidName,
            QStringLiteral("The %1 name must start with a letter or digit: %2.").arg(kind, rule));
    for (qsizetype i = 0; i < name.size(); ++i) {
        const QChar c = name.at(i);
        if (isAsciiLetterOrDigit(c) || c == u'_' || c == u'-' || c == u'.')
            continue;
        const QString shown =
            c.isPrint() ? QStringLiteral("'%1'").arg(c)
                        : QStringLiteral("U+%1").arg(c.unicode(), 4, 16, QLatin1Char('0'));
        return makeError(ErrorCode::InvalidName,
                         QStringLiteral("The %1 name has the character %2 at position %3, which "
                                        "is not allowed: %4.")
                             .arg(kind, shown)
                             .arg(i + 1)
                             .arg(rule));
    }
    return {};
}

} // namespace Bulwark::Names
