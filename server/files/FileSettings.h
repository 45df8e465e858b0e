// The [files] section of the configuration file: limits of file
// repositories and file transfers (docs/operations.md, docs/protocol.md).
#pragma once

#include "core/Result.h"

#include <QStringList>

class QSettings;

namespace Bulwark {

struct FileSettings
{
    int maxFileSizeMb = 1024;      // largest file a repository accepts
    int repositoryQuotaMb = 10240; // per repository
    int chunkSizeKb = 256;         // chunk size of new transfers
    int restUploadLimitMb = 64;    // largest PUT .../Files/Content body
    int runningPerDevice = 2;      // transfers running at once per device Thing
    int runningTotal = 32;         // transfers running at once on the server
    int resumeWindowMinutes = 60;  // a transfer waiting for its device fails after this

    [[nodiscard]] qint64 maxFileSizeBytes() const { return qint64(maxFileSizeMb) * 1024 * 1024; }
    [[nodiscard]] qint64 repositoryQuotaBytes() const
    {
        return qint64(repositoryQuotaMb) * 1024 * 1024;
    }
    [[nodiscard]] int chunkSizeBytes() const { return chunkSizeKb * 1024; }
    [[nodiscard]] qint64 restUploadLimitBytes() const
    {
        return qint64(restUploadLimitMb) * 1024 * 1024;
    }

    // Reads files/* keys; out of range values are refused naming the key.
    [[nodiscard]] static Result<FileSettings> load(QSettings &file);
    // The keys load() knows, for the unknown-key check.
    [[nodiscard]] static QStringList keys();
};

} // namespace Bulwark
