// Logical paths of the edge protocol's files (docs/protocol.md "Path") and
// their resolution to local files under a virtual directory's root, refusing
// anything that escapes the root, through ".." or through symbolic links.
#pragma once

#include "BulwarkEdge/EdgeClient.h"

#include <variant>

namespace BulwarkEdge::FilePaths {

// Empty when the path is well formed; otherwise why not, for a person.
// The empty path is well formed (the root listing).
[[nodiscard]] QString checkLogicalPath(const QString &path);

struct Resolved
{
    QString directory;   // the virtual directory's name
    QString root;        // its canonical local root
    QString local;       // the absolute local path (not canonical: the name may not exist yet)
    bool isRoot = false; // the path names the virtual directory itself
};

enum class Target
{
    Existing, // must exist (listing, deleting, sending)
    NewFile,  // may exist; its parent directories are created as needed when receiving
};

// Errors: bad-request (malformed), not-found (unknown directory or missing
// file), forbidden (resolves outside the root).
[[nodiscard]] std::variant<Resolved, Error> resolve(const QList<VirtualDirectory> &directories,
                                                    const QString &path, Target target);

// True when canonicalPath is root or inside it (both canonical).
[[nodiscard]] bool isInside(const QString &root, const QString &canonicalPath);

} // namespace BulwarkEdge::FilePaths
