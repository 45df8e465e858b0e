// The C API's event loop thread, shared by every client of the process and
// started with the first one. A host without Qt gets a thread that creates
// its own QCoreApplication (so that thread is Qt's main thread: the host
// thread never touches Qt); a Qt host gets a QThread of its application.
#pragma once

#include <QMetaObject>
#include <QObject>
#include <QString>

#include <thread>
#include <utility>

namespace BulwarkEdge::C {

class EventLoop final
{
public:
    // Starts the loop if it is not running; false (and why) if it cannot.
    [[nodiscard]] static bool acquire(QString &error);
    // Stops the loop when the last client lets go. Not from the loop thread.
    static void release();

    [[nodiscard]] static bool isLoopThread();

    // Runs function on the loop thread and waits for it (at once when
    // called on the loop thread).
    template <typename Function> static void run(Function &&function)
    {
        if (isLoopThread()) {
            std::forward<Function>(function)();
            return;
        }
        QMetaObject::invokeMethod(context(), std::forward<Function>(function),
                                  Qt::BlockingQueuedConnection);
    }

private:
    [[nodiscard]] static QObject *context();
};

} // namespace BulwarkEdge::C
