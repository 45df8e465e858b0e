#include "FilePaths.h"

#include <QDir>
#include <QFileInfo>

namespace BulwarkEdge::FilePaths {

using namespace Qt::StringLiterals;

QString checkLogicalPath(const QString &path)
{
    if (path.isEmpty())
        return {};
    if (path.toUtf8().size() > 1024)
        return u"The path is longer than 1024 bytes."_s;
    for (const QChar c : path) {
        if (c == u'\\' || c.unicode() < 0x20 || c.unicode() == 0x7f)
            return u"The path '%1' holds a backslash or a control character."_s.arg(path);
    }
    const QStringList segments = path.split(u'/');
    for (const QString &segment : segments) {
        if (segment.isEmpty())
            return u"The path '%1' has an empty segment (leading, trailing or double '/')."_s.arg(
                path);
        if (segment == u"."_s || segment == u".."_s)
            return u"The path '%1' holds '.' or '..'."_s.arg(path);
        if (segment.toUtf8().size() > 255)
            return u"A segment of the path '%1' is longer than 255 bytes."_s.arg(path);
    }
    return {};
}

bool isInside(const QString &root, const QString &canonicalPath)
{
    if (root.isEmpty() || canonicalPath.isEmpty())
        return false;
    if (canonicalPath == root)
        return true;
    const QString prefix = root.endsWith(u'/') ? root : root + u'/';
    return canonicalPath.startsWith(prefix);
}

std::variant<Resolved, Error> resolve(const QList<VirtualDirectory> &directories,
                                      const QString &path, Target target)
{
    if (const QString why = checkLogicalPath(path); !why.isEmpty())
        return Error{ErrorCode::BadRequest, why};
    if (path.isEmpty())
        return Error{ErrorCode::BadRequest, u"The path is empty."_s};
    const qsizetype slash = path.indexOf(u'/');
    const QString name = slash < 0 ? path : path.left(slash);
    const QString rest = slash < 0 ? QString() : path.mid(slash + 1);
    const VirtualDirectory *directory = nullptr;
    for (const VirtualDirectory &candidate : directories) {
        if (candidate.name == name)
            directory = &candidate;
    }
    if (!directory)
        return Error{ErrorCode::NotFound,
                     u"There is no directory '%1' on this device."_s.arg(name)};
    Resolved resolved;
    resolved.directory = name;
    resolved.root = QFileInfo(directory->localRoot).canonicalFilePath();
    if (resolved.root.isEmpty())
        return Error{ErrorCode::NotFound,
                     u"The local root of directory '%1' is missing on the device."_s.arg(name)};
    resolved.isRoot = rest.isEmpty();
    resolved.local = rest.isEmpty() ? resolved.root : resolved.root + u'/' + rest;

    const QString forbidden =
        u"The path '%1' leads outside directory '%2' (through a symbolic link)."_s.arg(path, name);
    const QFileInfo info(resolved.local);
    const bool present = info.exists() || info.isSymLink();
    if (present) {
        const QString canonical = info.canonicalFilePath();
        if (canonical.isEmpty()) // a dangling symbolic link
            return target == Target::Existing
                       ? std::variant<Resolved, Error>(
                             Error{ErrorCode::NotFound, u"'%1' does not exist."_s.arg(path)})
                       : std::variant<Resolved, Error>(Error{ErrorCode::Forbidden, forbidden});
        if (!isInside(resolved.root, canonical))
            return Error{ErrorCode::Forbidden, forbidden};
        return resolved;
    }
    if (target == Target::Existing)
        return Error{ErrorCode::NotFound, u"'%1' does not exist."_s.arg(path)};
    // A new file: its deepest existing ancestor must be inside the root.
    QString ancestor = QFileInfo(resolved.local).absolutePath();
    while (!QFileInfo(ancestor).exists() && ancestor.size() > resolved.root.size())
        ancestor = QFileInfo(ancestor).absolutePath();
    const QFileInfo ancestorInfo(ancestor);
    if (!ancestorInfo.isDir())
        return Error{ErrorCode::Conflict,
                     u"A part of the path '%1' is a file, not a directory."_s.arg(path)};
    if (!isInside(resolved.root, ancestorInfo.canonicalFilePath()))
        return Error{ErrorCode::Forbidden, forbidden};
    return resolved;
}

} // namespace BulwarkEdge::FilePaths
