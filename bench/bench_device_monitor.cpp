// The console's device monitor under a full fleet: 10,000 connected devices,
// then one second's worth of updates (one propertyChanged per device, in a
// shuffled order) fed through DeviceMonitorModel::handleEvent, the entry
// point the live-event stream uses. Measured per run: taking the events in,
// applying the batch (the model's signals and the proxy's reaction), the
// proxy's re-sort by last message, and an offscreen repaint of the table, as
// the Devices page does them. Prints medians and the events per second the
// model absorbs; asserts nothing about time.
//
//   bench_device_monitor [devices (10000)] [runs (9)]
#include "models/DeviceMonitorModel.h"
#include "models/EventStream.h"
#include "ui/DevicesPage.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QTableView>

#include <algorithm>
#include <cstdio>

using namespace Qt::StringLiterals;
using Bulwark::Models::DeviceConnection;
using Bulwark::Models::DeviceMonitorModel;
using Bulwark::Models::LiveEvent;

namespace {

QString deviceName(int i)
{
    return u"Device%1"_s.arg(i, 5, 10, QLatin1Char('0'));
}

double median(QList<double> values)
{
    std::sort(values.begin(), values.end());
    const qsizetype middle = values.size() / 2;
    return values.size() % 2 ? values.at(middle)
                             : (values.at(middle - 1) + values.at(middle)) / 2.0;
}

double millisecondsOf(const QElapsedTimer &timer)
{
    return double(timer.nsecsElapsed()) / 1e6;
}

// One second's worth of events: every device once, shuffled, each with its
// own time within that second (as a device's update would carry).
QList<LiveEvent> secondOfEvents(int devices, const QDateTime &second)
{
    QList<LiveEvent> events;
    events.reserve(devices);
    for (int k = 0; k < devices; ++k) {
        const int i = int((qint64(k) * 7919) % devices);
        events.append(LiveEvent::fromJson(
            {{"type"_L1, "propertyChanged"_L1},
             {"thing"_L1, deviceName(i)},
             {"property"_L1, "temperature"_L1},
             {"value"_L1, 20.0 + (i % 100) / 10.0},
             {"time"_L1, second.addMSecs((k * 1000LL) / devices).toString(Qt::ISODateWithMs)},
             {"quality"_L1, "good"_L1},
             {"source"_L1, "edge"_L1}}));
    }
    return events;
}

} // namespace

int main(int argc, char *argv[])
{
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const QStringList arguments = app.arguments();
    const int devices = arguments.size() > 1 ? arguments.at(1).toInt() : 10000;
    const int runs = arguments.size() > 2 ? arguments.at(2).toInt() : 9;
    if (devices <= 0 || runs <= 0) {
        std::fprintf(stderr, "usage: bench_device_monitor [devices] [runs]\n");
        return 2;
    }

    // The real page: its proxy (dynamic sorting off, re-sorted on demand) and
    // its table, sorted by last message, newest first.
    Bulwark::Ui::DevicesPage page;
    page.resize(1400, 900);
    page.show();
    page.view()->sortByColumn(DeviceMonitorModel::LastMessageColumn, Qt::DescendingOrder);
    DeviceMonitorModel *model = page.model();

    const QDateTime start = QDateTime::currentDateTimeUtc().addSecs(-3600);
    QList<DeviceConnection> connections;
    connections.reserve(devices);
    for (int i = 0; i < devices; ++i) {
        DeviceConnection connection;
        connection.thing = deviceName(i);
        connection.remoteAddress =
            u"10.%1.%2.%3"_s.arg(i / 65536).arg((i / 256) % 256).arg(i % 256);
        connection.user = u"gateway%1"_s.arg(i % 20);
        connection.since = start;
        connection.lastMessage = start;
        connection.messagesIn = connection.messagesOut = 0;
        connection.bytesIn = connection.bytesOut = 0;
        connection.session = quint64(i + 1);
        connections.append(connection);
    }
    QElapsedTimer load;
    load.start();
    model->applySnapshot(connections);
    page.resortNow();
    app.processEvents();
    const double loadMs = millisecondsOf(load);

    // The model alone (no proxy, no view) beside it: what the batching itself
    // costs. Runs alternate between the two so that a busy machine slows both.
    DeviceMonitorModel bare;
    bare.applySnapshot(connections);

    QList<double> ingest, apply, resort, repaint, total, bareIngest, bareApply;
    for (int run = 0; run < runs; ++run) {
        const QList<LiveEvent> events = secondOfEvents(devices, start.addSecs(run + 1));
        QElapsedTimer timer;
        timer.start();
        for (const LiveEvent &event : events)
            bare.handleEvent(event);
        bareIngest.append(millisecondsOf(timer));
        timer.restart();
        bare.applyPending();
        bareApply.append(millisecondsOf(timer));

        timer.restart();
        for (const LiveEvent &event : events)
            model->handleEvent(event);
        ingest.append(millisecondsOf(timer));
        timer.restart();
        model->applyPending();
        apply.append(millisecondsOf(timer));
        timer.restart();
        page.resortNow();
        resort.append(millisecondsOf(timer));
        timer.restart();
        page.view()->viewport()->repaint();
        repaint.append(millisecondsOf(timer));
        total.append(ingest.constLast() + apply.constLast() + resort.constLast() +
                     repaint.constLast());
        app.processEvents();
    }

    // The newest message is on top after the re-sort: the view shows it.
    const QModelIndex top = page.view()->model()->index(0, DeviceMonitorModel::LastMessageColumn);
    const qint64 newest = top.data(DeviceMonitorModel::SortRole).toLongLong();
    const bool sorted = newest >= start.addSecs(runs).toMSecsSinceEpoch();

    const double absorbMs = median(ingest) + median(apply);
    const double bareMs = median(bareIngest) + median(bareApply);
    const auto line = [](const QString &label, const QString &figure) {
        std::printf("  %-44s %s\n", qPrintable(label), qPrintable(figure));
    };
    const auto ms = [](double value) { return u"%1 ms"_s.arg(value, 8, 'f', 2); };
    const auto perSecond = [devices](double milliseconds) {
        return u"%1 events/s"_s.arg(milliseconds > 0 ? devices / (milliseconds / 1000.0) : 0.0, 8,
                                    'f', 0);
    };
    std::printf("Device monitor: %d devices, %d runs of one update per device (medians)\n", devices,
                runs);
    line(u"load the devices (snapshot + sort)"_s, ms(loadMs));
    line(u"take in the events (handleEvent)"_s, ms(median(ingest)));
    line(u"apply the batch (model + proxy)"_s, ms(median(apply)));
    line(u"re-sort by last message (proxy)"_s, ms(median(resort)));
    line(u"repaint the table (offscreen)"_s, ms(median(repaint)));
    line(u"one second's updates, end to end"_s,
         ms(median(total)) + u"  (%1% of that second)"_s.arg(median(total) / 10.0, 0, 'f', 1));
    line(u"model alone: take in + apply"_s,
         ms(bareMs) +
             u"  (%1 + %2)"_s.arg(median(bareIngest), 0, 'f', 2).arg(median(bareApply), 0, 'f', 2));
    line(u"events/s the model absorbs (alone)"_s, perSecond(bareMs));
    line(u"events/s with the proxy"_s, perSecond(absorbMs));
    line(u"events/s end to end (+ re-sort, repaint)"_s, perSecond(median(total)));
    line(u"top row is the newest message"_s, sorted ? u"yes"_s : u"NO"_s);
    return sorted ? 0 : 1;
}
