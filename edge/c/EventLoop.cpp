#include "EventLoop.h"

#include <QCoreApplication>
#include <QThread>

#include <future>
#include <memory>
#include <mutex>

namespace BulwarkEdge::C {

namespace {

struct LoopState
{
    std::mutex mutex;
    int clients = 0;
    QObject *context = nullptr;           // lives on the loop thread
    std::thread ownThread;                // a host without Qt: runs its own QCoreApplication
    std::unique_ptr<QThread> hostThread;  // a Qt host: a thread of its application
    std::unique_ptr<QObject> hostContext; // the context on hostThread
    std::thread::id loopThreadId{};       // read without the mutex only while clients > 0
};

LoopState &state()
{
    // Never destroyed: it must outlive every static a host may use at exit.
    static auto *loopState = new LoopState;
    return *loopState;
}

} // namespace

bool EventLoop::acquire(QString &error)
{
    LoopState &s = state();
    const std::lock_guard lock(s.mutex);
    if (s.clients > 0) {
        ++s.clients;
        return true;
    }
    if (QCoreApplication::instance()) {
        auto thread = std::make_unique<QThread>();
        thread->setObjectName(QStringLiteral("bulwark-edge"));
        thread->start();
        if (!thread->isRunning()) {
            error = QStringLiteral("Cannot start the bulwark-edge event loop thread.");
            return false;
        }
        auto *context = new QObject;
        context->moveToThread(thread.get());
        std::promise<std::thread::id> started;
        QMetaObject::invokeMethod(
            context, [&started] { started.set_value(std::this_thread::get_id()); },
            Qt::QueuedConnection);
        s.loopThreadId = started.get_future().get();
        s.context = context;
        s.hostContext.reset(context);
        s.hostThread = std::move(thread);
    } else {
        std::promise<QObject *> ready;
        try {
            s.ownThread = std::thread([&ready] {
                // QCoreApplication keeps references to these for its lifetime.
                static int argc = 1;
                static char name[] = "bulwark-edge";
                static char *argv[] = {name, nullptr};
                QCoreApplication application(argc, argv);
                QObject context;
                ready.set_value(&context);
                QCoreApplication::exec();
            });
        } catch (const std::system_error &e) {
            error = QStringLiteral("Cannot start the bulwark-edge event loop thread: %1")
                        .arg(QString::fromLocal8Bit(e.what()));
            return false;
        }
        s.context = ready.get_future().get();
        s.loopThreadId = s.ownThread.get_id();
    }
    s.clients = 1;
    return true;
}

void EventLoop::release()
{
    LoopState &s = state();
    const std::lock_guard lock(s.mutex);
    if (s.clients == 0 || --s.clients > 0)
        return;
    if (s.hostThread) {
        s.hostThread->quit();
        s.hostThread->wait();
        s.hostContext.reset(); // its thread has finished
        s.hostThread.reset();
    } else {
        QMetaObject::invokeMethod(
            s.context, [] { QCoreApplication::quit(); }, Qt::QueuedConnection);
        s.ownThread.join();
    }
    s.context = nullptr;
    s.loopThreadId = {};
}

bool EventLoop::isLoopThread()
{
    return state().loopThreadId == std::this_thread::get_id();
}

QObject *EventLoop::context()
{
    return state().context;
}

} // namespace BulwarkEdge::C
