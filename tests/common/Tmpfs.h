// A small file system of a test's own, for the storage fault tests: a tmpfs
// that can be filled up and remounted read-only. Mounting needs root (CI
// runs as root); without it a test is skipped, except under CI.
#pragma once

#include "FaultFixture.h"

#include <QFile>
#include <QTemporaryDir>

namespace BulwarkTest {

// A tmpfs of sizeKb on a new temporary directory, unmounted at the end.
class TmpfsMount final
{
public:
    explicit TmpfsMount(int sizeKb)
    {
        if (!m_dir.isValid()) {
            m_error = u"no temporary directory"_s;
            return;
        }
        m_error =
            runCommand(u"mount"_s, {u"-t"_s, u"tmpfs"_s, u"-o"_s,
                                    u"size=%1k,mode=0700"_s.arg(sizeKb), u"tmpfs"_s, m_dir.path()});
        m_mounted = m_error.isEmpty();
    }
    ~TmpfsMount()
    {
        if (m_mounted)
            (void)runCommand(u"umount"_s, {u"-l"_s, m_dir.path()});
    }
    Q_DISABLE_COPY_MOVE(TmpfsMount)

    [[nodiscard]] bool isMounted() const { return m_mounted; }
    [[nodiscard]] QString error() const { return m_error; }
    [[nodiscard]] QString path() const { return m_dir.path(); }
    [[nodiscard]] QString remount(const QString &mode) const
    {
        return runCommand(u"mount"_s, {u"-o"_s, u"remount,"_s + mode, m_dir.path()});
    }

private:
    QTemporaryDir m_dir;
    QString m_error;
    bool m_mounted = false;
};

// Writes zeros to path until the file system is full; the bytes written.
inline qint64 fillUp(const QString &path)
{
    QFile filler(path);
    if (!filler.open(QIODevice::WriteOnly | QIODevice::Unbuffered))
        return -1;
    const QByteArray chunk(64 * 1024, '\0');
    qint64 total = 0;
    for (;;) {
        const qint64 written = filler.write(chunk);
        if (written <= 0)
            break;
        total += written;
        if (written < chunk.size())
            break;
    }
    // A last small write takes what a partial page may have left.
    while (filler.write(QByteArray(512, '\0')) > 0)
        total += 512;
    return total;
}

// Without the right to mount (not root) the test is skipped, except under
// CI, which runs as root and must run it.
#define SKIP_OR_FAIL_WITHOUT_MOUNT(why)                                                            \
    do {                                                                                           \
        const QString message = u"mounting a tmpfs needs root: "_s + (why);                        \
        if (qEnvironmentVariableIsSet("CI"))                                                       \
            QFAIL(qPrintable(message));                                                            \
        QSKIP(qPrintable(message));                                                                \
    } while (false)

} // namespace BulwarkTest
