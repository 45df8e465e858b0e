#include "FileSettings.h"

#include "core/ConfigFile.h"

#include <QSettings>

namespace Bulwark {

namespace {
// chunk_size_kb: 4 KiB to 768 KiB, the protocol's bounds (docs/protocol.md).
constexpr ConfigFile::IntKey<FileSettings> kKeys[] = {
    {"files/max_file_size_mb", &FileSettings::maxFileSizeMb, 1, 1024 * 1024},
    {"files/repository_quota_mb", &FileSettings::repositoryQuotaMb, 1, 1024 * 1024 * 1024},
    {"files/chunk_size_kb", &FileSettings::chunkSizeKb, 4, 768},
    {"files/rest_upload_limit_mb", &FileSettings::restUploadLimitMb, 1, 1024},
    {"files/running_per_device", &FileSettings::runningPerDevice, 1, 64},
    {"files/running_total", &FileSettings::runningTotal, 1, 4096},
    {"files/resume_window_minutes", &FileSettings::resumeWindowMinutes, 1, 7 * 24 * 60},
};
} // namespace

QStringList FileSettings::keys()
{
    return ConfigFile::keyNames(kKeys);
}

Result<FileSettings> FileSettings::load(QSettings &file)
{
    auto settings = ConfigFile::readInts(file, kKeys);
    if (settings && settings->runningPerDevice > settings->runningTotal)
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("In the configuration file, files/running_per_device must "
                                        "not be larger than files/running_total."));
    return settings;
}

} // namespace Bulwark
