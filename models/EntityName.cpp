#include "EntityName.h"

namespace Bulwark::Models {

namespace {

bool isAsciiLetterOrDigit(QChar c)
{
    const char16_t u = c.unicode();
    return (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || (u >= u'0' && u <= u'9');
}

bool isAllowedAfterFirst(QChar c)
{
    return isAsciiLetterOrDigit(c) || c == u'_' || c == u'-' || c == u'.';
}

} // namespace

bool EntityName::isValid(QStringView name)
{
    return problem(name).isEmpty();
}

QString EntityName::problem(QStringView name)
{
    if (name.isEmpty())
        return tr("Enter a name.");
    if (name.size() > MaximumLength)
        return tr("A name can have at most %1 characters.").arg(MaximumLength);
    if (!isAsciiLetterOrDigit(name.front()))
        return tr("A name must start with a letter (A–Z, a–z) or a digit.");
    for (const QChar c : name.mid(1)) {
        if (!isAllowedAfterFirst(c))
            return tr("“%1” is not allowed in a name: use letters (A–Z, a–z), digits, '_', '-' "
                      "or '.'.")
                .arg(c);
    }
    return {};
}

} // namespace Bulwark::Models
