// The bulwark-edge agent's configuration file (AgentConfig::parseAgentConfig,
// docs/edge-agent.md). It runs in a scratch directory holding the files a
// configuration names (key.txt, mode 600; ca.pem; a directory logs/), so
// that valid inputs get past the file checks. What is accepted is checked
// against the documented rules.
#include "AgentConfig.h"
#include "FuzzCheck.h"

#include <QDir>
#include <QFile>

#include <sys/stat.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

using namespace BulwarkEdge::Agent;
using namespace Qt::StringLiterals;

namespace {

QString scratch;

void writeFile(const QString &path, const QByteArray &content, int mode)
{
    QFile file(path);
    FUZZ_CHECK(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    FUZZ_CHECK(file.write(content) == content.size());
    file.close();
    FUZZ_CHECK(::chmod(QFile::encodeName(path).constData(), mode_t(mode)) == 0);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    BulwarkFuzz::quietQt();
    QByteArray pattern = QDir::tempPath().toLocal8Bit() + "/bulwark-fuzz-agent-XXXXXX";
    FUZZ_CHECK(::mkdtemp(pattern.data()) != nullptr);
    scratch = QString::fromLocal8Bit(pattern);
    writeFile(scratch + u"/key.txt"_s, "bwk_0123456789abcdef0123456789abcdef\n", 0600);
    writeFile(scratch + u"/open-key.txt"_s, "bwk_0123456789abcdef\n", 0644);
    writeFile(scratch + u"/ca.pem"_s, "-----BEGIN CERTIFICATE-----\n", 0644);
    FUZZ_CHECK(QDir(scratch).mkpath(u"logs"_s));
    std::atexit([] { QDir(scratch).removeRecursively(); });
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray json(reinterpret_cast<const char *>(data), qsizetype(size));
    const ConfigResult result = parseAgentConfig(json, scratch);
    if (!result.config) {
        FUZZ_CHECK(!result.error.isEmpty());
        return 0;
    }
    const AgentConfig &config = *result.config;
    FUZZ_CHECK(config.server.scheme() == u"wss" && !config.server.host().isEmpty());
    FUZZ_CHECK(int(!config.caFile.isEmpty()) + int(!config.fingerprint.isEmpty()) +
                   int(config.insecure) ==
               1);
    FUZZ_CHECK(config.fingerprint.isEmpty() || config.fingerprint.size() == 32);
    FUZZ_CHECK(!config.appKey.isEmpty() && !config.appKey.contains('\n'));
    FUZZ_CHECK(!config.things.isEmpty());
    for (const ThingConfig &thing : config.things) {
        FUZZ_CHECK(!thing.name.isEmpty());
        FUZZ_CHECK(thing.directories.size() <= 32);
    }
    FUZZ_CHECK(config.httpAddress.isLoopback());
    FUZZ_CHECK(config.writeTimeoutSeconds >= 1 && config.writeTimeoutSeconds <= 600);
    FUZZ_CHECK(config.invokeTimeoutSeconds >= 1 && config.invokeTimeoutSeconds <= 600);
    return 0;
}
