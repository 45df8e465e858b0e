// The live device monitor end to end: a real embedded server over real TLS,
// a real device connected in-process through the edge SDK, and the Devices
// page driven offscreen. The page lists the device with its address, shows
// its property changes live, writes a property the device's handler receives
// (and shows its refusal), calls a service, explains to a user without the
// right why writing is off (and shows the server's 403), and drops the row
// when the device disconnects. A model-level test feeds 10,000 synthetic
// events through the model's entry point and checks the applied batch.
#include "RestProbe.h"
#include "models/ApiClient.h"
#include "models/DeviceMonitorModel.h"
#include "models/EventStream.h"
#include "models/LivePropertiesModel.h"
#include "ui/ConnectionManager.h"
#include "ui/DevicesPage.h"
#include "ui/DevicesValueEditor.h"
#include "ui/InvokeServiceDialog.h"
#include "ui/WritePropertyDialog.h"

#include <BulwarkEdge/EdgeClient.h>

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace Qt::StringLiterals;
using Bulwark::Models::DeviceConnection;
using Bulwark::Models::DeviceMonitorModel;
using Bulwark::Models::LiveEvent;
using Bulwark::Models::LivePropertiesModel;
using Bulwark::Ui::ConnectionManager;
using Bulwark::Ui::DevicesPage;
using BulwarkEdge::EdgeClient;

namespace {
constexpr int ServerTimeoutMs = 60000;
constexpr int UiTimeoutMs = 15000;
const QString AdminPassword = u"correct-horse-battery-staple-42"_s;
const QString ViewerPassword = u"copper-lantern-meadow-58"_s;
const QString Pump = u"Pump1"_s;
const QString NoDevices = u"No devices connected yet — see Help → Connect a device"_s;

QJsonObject typed(const QString &name, const QString &baseType)
{
    return {{"name"_L1, name}, {"baseType"_L1, baseType}};
}

QJsonObject rule(const QString &user, const QString &permission)
{
    return {{"principal"_L1, QJsonObject{{"type"_L1, "User"_L1}, {"name"_L1, user}}},
            {"permission"_L1, permission},
            {"effect"_L1, "Allow"_L1}};
}

// The value a model shows for a property, or undefined.
QJsonValue propertyValue(const LivePropertiesModel &model, const QString &property)
{
    const int row = model.rowOf(property);
    return row < 0 ? QJsonValue(QJsonValue::Undefined) : model.propertyAt(row).value;
}
} // namespace

class TestDeviceMonitor final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void emptyStateBeforeAnyDevice();
    void connectedDeviceIsListedWithItsAddress();
    void propertyChangeShowsLiveInDetailPane();
    void countersAndRateFromTheServer();
    void writePropertyReachesTheDevice();
    void deviceRefusalIsShown();
    void invokeServiceShowsTheOutput();
    void userWithoutRightSeesWhy();
    void filterWithoutMatchSaysSo();
    void disconnectRemovesTheRow();
    void valueEditorsCheckLikeTheServer();
    void tenThousandEventsAreAppliedInOneBatch();

private:
    [[nodiscard]] RestAnswer rest(const QByteArray &verb, const QString &path,
                                  const QJsonObject &body = {}) const;
    [[nodiscard]] QUrl serverUrl(const QString &scheme = u"https"_s) const;
    [[nodiscard]] QString displayed(int column) const;

    QTemporaryDir m_dataDir;
    std::unique_ptr<ConnectionManager> m_connection;
    std::unique_ptr<DevicesPage> m_page;
    std::unique_ptr<QAbstractItemModelTester> m_monitorTester;
    std::unique_ptr<QAbstractItemModelTester> m_propertiesTester;
    std::unique_ptr<EdgeClient> m_device;
    QList<QJsonValue> m_writesReceived;
};

RestAnswer TestDeviceMonitor::rest(const QByteArray &verb, const QString &path,
                                   const QJsonObject &body) const
{
    QUrl url = serverUrl();
    url.setPath(path);
    return restCall(verb, url, u"Administrator"_s, AdminPassword,
                    m_connection->endpoint().pinnedFingerprint,
                    body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson());
}

QUrl TestDeviceMonitor::serverUrl(const QString &scheme) const
{
    QUrl url;
    url.setScheme(scheme);
    url.setHost(u"127.0.0.1"_s);
    url.setPort(m_connection->embeddedServerPort());
    return url;
}

// What the devices table shows in the Pump's row.
QString TestDeviceMonitor::displayed(int column) const
{
    const int row = m_page->model()->rowOf(Pump);
    if (row < 0)
        return {};
    const QModelIndex index = m_page->proxy()->mapFromSource(m_page->model()->index(row, column));
    return m_page->view()->model()->data(index).toString();
}

void TestDeviceMonitor::initTestCase()
{
    QVERIFY(m_dataDir.isValid());
    qputenv("BULWARK_ADMIN_PASSWORD", AdminPassword.toUtf8());
    m_connection = std::make_unique<ConnectionManager>();
    Bulwark::ServerConfig config;
    config.dataDir = m_dataDir.path();
    config.port = 0;
    m_connection->startEmbeddedServer(config);
    QTRY_VERIFY_WITH_TIMEOUT(m_connection->state() == ConnectionManager::State::Connected ||
                                 !m_connection->lastError().isEmpty(),
                             ServerTimeoutMs);
    QVERIFY2(m_connection->lastError().isEmpty(), qPrintable(m_connection->lastError()));
    QTRY_VERIFY_WITH_TIMEOUT(
        m_connection->liveEventsState() == Bulwark::Models::EventStream::State::Live, UiTimeoutMs);

    // Pump1: a number pushed by the device, a setpoint it accepts up to 90,
    // and Reset(level) answered by the device.
    const QJsonObject reset{{"name"_L1, "Reset"_L1},
                            {"inputs"_L1, QJsonArray{typed(u"level"_s, u"INTEGER"_s)}},
                            {"output"_L1, "STRING"_L1}};
    const RestAnswer created =
        rest("POST", u"/api/Things"_s,
             {{"name"_L1, Pump},
              {"properties"_L1, QJsonArray{typed(u"temperature"_s, u"NUMBER"_s),
                                           typed(u"setpoint"_s, u"INTEGER"_s)}},
              {"services"_L1, QJsonArray{reset}}});
    QCOMPARE(created.status, 201);

    // Checked from the first signal on: attached before anything is loaded.
    m_page = std::make_unique<DevicesPage>();
    m_monitorTester = std::make_unique<QAbstractItemModelTester>(
        m_page->model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    m_propertiesTester = std::make_unique<QAbstractItemModelTester>(
        m_page->propertiesModel(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    m_page->model()->setRefreshInterval(400);
    m_page->resize(1200, 700);
    m_page->show();
    Bulwark::Ui::ConsoleSession session;
    session.client = m_connection->client();
    session.events = m_connection->events();
    session.user = m_connection->endpoint().user;
    m_page->setSession(session);
}

void TestDeviceMonitor::cleanupTestCase()
{
    m_device.reset();
    m_monitorTester.reset();
    m_propertiesTester.reset();
    m_page.reset();
    m_connection.reset();
}

void TestDeviceMonitor::emptyStateBeforeAnyDevice()
{
    QTRY_VERIFY_WITH_TIMEOUT(m_page->model()->isLoaded() || !m_page->model()->lastError().isEmpty(),
                             UiTimeoutMs);
    QVERIFY2(m_page->model()->lastError().isEmpty(), qPrintable(m_page->model()->lastError()));
    QCOMPARE(m_page->model()->rowCount(), 0);
    auto *empty = m_page->findChild<QLabel *>(u"devicesEmptyState"_s);
    QVERIFY(empty);
    QTRY_VERIFY(empty->isVisible());
    QCOMPARE(empty->text(), NoDevices);
    // And a way to the instructions.
    auto *help = m_page->findChild<QPushButton *>(u"connectDeviceHelpButton"_s);
    QVERIFY(help && help->isVisible());
    QSignalSpy asked(m_page.get(), &DevicesPage::connectDeviceHelpRequested);
    QTest::mouseClick(help, Qt::LeftButton);
    QCOMPARE(asked.size(), 1);
}

void TestDeviceMonitor::connectedDeviceIsListedWithItsAddress()
{
    m_device = std::make_unique<EdgeClient>();
    m_device->setServerUrl(serverUrl(u"wss"_s).resolved(QUrl(u"/edge"_s)));
    m_device->setUserCredentials(u"Administrator"_s, AdminPassword);
    m_device->setPinnedFingerprint(m_connection->endpoint().pinnedFingerprint);
    m_device->setReconnectDelays(100, 1000);
    m_device->bindThing(Pump);
    m_device->setWriteHandler(
        Pump, u"setpoint"_s,
        [this](const BulwarkEdge::WriteRequest &request, const BulwarkEdge::Reply &reply) {
            m_writesReceived.append(request.value);
            if (request.value.toInteger() > 90)
                reply.fail(BulwarkEdge::ErrorCode::BadRequest, u"The highest setpoint is 90."_s);
            else
                reply.succeed();
        });
    m_device->setServiceHandler(
        Pump, u"Reset"_s,
        [](const BulwarkEdge::ServiceRequest &request, const BulwarkEdge::Reply &reply) {
            reply.succeed(u"reset to %1"_s.arg(request.parameters.value("level"_L1).toInt()));
        });
    m_device->connectToServer();
    QTRY_COMPARE_WITH_TIMEOUT(m_device->state(), EdgeClient::State::Connected, UiTimeoutMs);

    // connectionChanged adds the row; the periodic refresh fills in the rest.
    QTRY_VERIFY_WITH_TIMEOUT(m_page->model()->rowOf(Pump) >= 0, UiTimeoutMs);
    QCOMPARE(m_page->model()->rowCount(), 1);
    QCOMPARE(displayed(DeviceMonitorModel::ThingColumn), Pump);
    QCOMPARE(displayed(DeviceMonitorModel::RemoteAddressColumn), u"127.0.0.1"_s);
    QTRY_COMPARE_WITH_TIMEOUT(displayed(DeviceMonitorModel::UserColumn), u"Administrator"_s,
                              UiTimeoutMs);
    const DeviceConnection &connection =
        m_page->model()->connectionAt(m_page->model()->rowOf(Pump));
    QVERIFY(connection.since.isValid());
    QVERIFY(qAbs(connection.since.secsTo(QDateTime::currentDateTimeUtc())) < 60);
    QTRY_VERIFY(m_page->view()->isVisible());
    QCOMPARE(m_page->findChild<QLabel *>(u"devicesCountLabel"_s)->text(), u"1 device connected"_s);
}

void TestDeviceMonitor::propertyChangeShowsLiveInDetailPane()
{
    QVERIFY(m_page->selectThing(Pump));
    QCOMPARE(m_page->selectedThing(), Pump);
    auto *title = m_page->findChild<QLabel *>(u"deviceTitleLabel"_s);
    QVERIFY(title && title->isVisible());
    QCOMPARE(title->text(), Pump);
    LivePropertiesModel *properties = m_page->propertiesModel();
    QTRY_VERIFY_WITH_TIMEOUT(properties->isLoaded(), UiTimeoutMs);
    QCOMPARE(properties->rowCount(), 2);

    const QDateTime before =
        m_page->model()->connectionAt(m_page->model()->rowOf(Pump)).lastMessage;
    m_device->setPropertyValue(Pump, u"temperature"_s, 42.5);
    QTRY_COMPARE_WITH_TIMEOUT(propertyValue(*properties, u"temperature"_s), QJsonValue(42.5),
                              UiTimeoutMs);
    // The detail pane's table shows it.
    QTableView *view = m_page->propertiesView();
    bool shown = false;
    for (int row = 0; row < view->model()->rowCount(); ++row) {
        if (view->model()->index(row, LivePropertiesModel::NameColumn).data() == u"temperature"_s)
            shown = view->model()->index(row, LivePropertiesModel::ValueColumn).data() == u"42.5"_s;
    }
    QVERIFY(shown);
    const int row = properties->rowOf(u"temperature"_s);
    QVERIFY(properties->propertyAt(row).time.isValid());
    QCOMPARE(properties->propertyAt(row).quality, u"good"_s);

    // The monitor saw the message.
    QTRY_VERIFY_WITH_TIMEOUT(
        m_page->model()->connectionAt(m_page->model()->rowOf(Pump)).lastMessage.isValid(),
        UiTimeoutMs);
    const QDateTime after = m_page->model()->connectionAt(m_page->model()->rowOf(Pump)).lastMessage;
    QVERIFY(!before.isValid() || after >= before);
}

void TestDeviceMonitor::countersAndRateFromTheServer()
{
    // The server counts the session's traffic; the refresh brings it in.
    QTRY_VERIFY_WITH_TIMEOUT(
        m_page->model()->connectionAt(m_page->model()->rowOf(Pump)).messagesIn >= 2, UiTimeoutMs);
    const DeviceConnection &connection =
        m_page->model()->connectionAt(m_page->model()->rowOf(Pump));
    QVERIFY(connection.messagesOut >= 1);
    QVERIFY(connection.bytesIn > 0);
    QVERIFY(connection.bytesOut > 0);
    QVERIFY(connection.session != 0);
    // Ten messages in quick succession: the rate becomes positive.
    for (int i = 0; i < 10; ++i)
        m_device->setPropertyValue(Pump, u"temperature"_s, 50.0 + i);
    QTRY_VERIFY_WITH_TIMEOUT(m_page->model()->messagesPerSecondAt(m_page->model()->rowOf(Pump)) > 0,
                             UiTimeoutMs);
    QVERIFY(!displayed(DeviceMonitorModel::MessagesPerSecondColumn).isEmpty());
    QVERIFY(displayed(DeviceMonitorModel::BytesInColumn) != u"—"_s);
}

void TestDeviceMonitor::writePropertyReachesTheDevice()
{
    QVERIFY(m_page->selectProperty(u"setpoint"_s));
    auto *button = m_page->findChild<QToolButton *>(u"writePropertyButton"_s);
    QVERIFY(button);
    QTRY_VERIFY(button->isEnabled());
    QTest::mouseClick(button, Qt::LeftButton);
    auto *dialog = m_page->findChild<Bulwark::Ui::WritePropertyDialog *>(u"writePropertyDialog"_s);
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    auto *input = dialog->findChild<QLineEdit *>(u"valueInput"_s);
    QVERIFY(input);
    auto *write = dialog->findChild<QPushButton *>(u"writePropertyButton"_s);
    QVERIFY(write);

    // Not a whole number: refused before sending.
    input->clear();
    QTest::keyClicks(input, u"5.5"_s);
    QVERIFY(!write->isEnabled());
    input->clear();
    QTest::keyClicks(input, u"55"_s);
    QVERIFY(write->isEnabled());
    QTest::mouseClick(write, Qt::LeftButton);

    QTRY_COMPARE_WITH_TIMEOUT(m_writesReceived.size(), 1, UiTimeoutMs);
    QCOMPARE(m_writesReceived.constFirst().toInteger(), 55);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->isBusy(), UiTimeoutMs);
    QVERIFY2(dialog->resultText().startsWith(u"Written"_s), qPrintable(dialog->resultText()));
    const RestAnswer stored = rest("GET", u"/api/Things/Pump1/Properties/setpoint"_s);
    QCOMPARE(stored.body.object().value("value"_L1).toInteger(), 55);
    // The detail pane follows the stored value live.
    QTRY_COMPARE_WITH_TIMEOUT(propertyValue(*m_page->propertiesModel(), u"setpoint"_s).toInteger(),
                              55, UiTimeoutMs);
}

void TestDeviceMonitor::deviceRefusalIsShown()
{
    auto *dialog = m_page->findChild<Bulwark::Ui::WritePropertyDialog *>(u"writePropertyDialog"_s);
    QVERIFY(dialog);
    auto *input = dialog->findChild<QLineEdit *>(u"valueInput"_s);
    input->clear();
    QTest::keyClicks(input, u"95"_s);
    QTest::mouseClick(dialog->findChild<QPushButton *>(u"writePropertyButton"_s), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(m_writesReceived.size(), 2, UiTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(dialog->resultText().contains(u"The highest setpoint is 90."_s),
                             UiTimeoutMs);
    QVERIFY(!dialog->resultText().startsWith(u"Written"_s));
    // Nothing stored.
    const RestAnswer stored = rest("GET", u"/api/Things/Pump1/Properties/setpoint"_s);
    QCOMPARE(stored.body.object().value("value"_L1).toInteger(), 55);
    dialog->close();
    QTRY_VERIFY(!m_page->findChild<Bulwark::Ui::WritePropertyDialog *>());
}

void TestDeviceMonitor::invokeServiceShowsTheOutput()
{
    auto *button = m_page->findChild<QToolButton *>(u"invokeServiceButton"_s);
    QVERIFY(button);
    QTRY_VERIFY_WITH_TIMEOUT(button->isEnabled(), UiTimeoutMs);
    QTest::mouseClick(button, Qt::LeftButton);
    auto *dialog = m_page->findChild<Bulwark::Ui::InvokeServiceDialog *>(u"invokeServiceDialog"_s);
    QVERIFY(dialog);
    QCOMPARE(dialog->currentService(), u"Reset"_s);
    Bulwark::Ui::ValueEditor *level = dialog->fieldEditor(u"level"_s);
    QVERIFY(level);
    auto *input = qobject_cast<QLineEdit *>(level->input());
    QVERIFY(input);
    QTest::keyClicks(input, u"2"_s);
    auto *invoke = dialog->findChild<QPushButton *>(u"invokeServiceButton"_s);
    QVERIFY(invoke && invoke->isEnabled());
    QTest::mouseClick(invoke, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(dialog->outputText(), u"reset to 2"_s, UiTimeoutMs);
    QVERIFY(dialog->resultText().contains(u"Reset"_s));

    // The JSON tab starts from the fields, and is sent as typed.
    auto *tabs = dialog->findChild<QTabWidget *>(u"parameterTabs"_s);
    auto *json = dialog->findChild<QPlainTextEdit *>(u"parametersJsonEdit"_s);
    QVERIFY(tabs && json);
    tabs->setCurrentWidget(json);
    QCOMPARE(QJsonDocument::fromJson(json->toPlainText().toUtf8()).object(),
             (QJsonObject{{"level"_L1, 2}}));
    json->setPlainText(u"{\"level\": "_s);
    QVERIFY(!invoke->isEnabled()); // not JSON yet
    json->setPlainText(u"{\"level\": 7}"_s);
    QVERIFY(invoke->isEnabled());
    QTest::mouseClick(invoke, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(dialog->outputText(), u"reset to 7"_s, UiTimeoutMs);
    dialog->close();
}

void TestDeviceMonitor::userWithoutRightSeesWhy()
{
    // viewer sees Pump1 and may read it and its values, nothing more.
    QCOMPARE(
        rest("POST", u"/api/Users"_s, {{"name"_L1, "viewer"_L1}, {"password"_L1, ViewerPassword}})
            .status,
        201);
    QCOMPARE(rest("POST", u"/api/Organizations"_s,
                  {{"name"_L1, "Plant"_L1},
                   {"units"_L1,
                    QJsonArray{QJsonObject{{"name"_L1, "Hall"_L1}, {"parent"_L1, "Plant"_L1}}}}})
                 .status,
             201);
    QCOMPARE(rest("PUT", u"/api/Organizations/Plant/Units/Hall/Members"_s,
                  {{"members"_L1,
                    QJsonArray{QJsonObject{{"type"_L1, "User"_L1}, {"name"_L1, "viewer"_L1}}}}})
                 .status,
             200);
    QCOMPARE(
        rest("PUT", u"/api/Things/Pump1/Visibility"_s, {{"units"_L1, QJsonArray{"Plant/Hall"_L1}}})
            .status,
        200);
    QCOMPARE(rest("PUT", u"/api/Things/Pump1/Permissions"_s,
                  {{"rules"_L1, QJsonArray{rule(u"viewer"_s, u"Read"_s),
                                           rule(u"viewer"_s, u"PropertyRead"_s)}}})
                 .status,
             200);

    Bulwark::Models::ServerEndpoint endpoint = m_connection->endpoint();
    endpoint.user = u"viewer"_s;
    endpoint.password = ViewerPassword;
    Bulwark::Models::ApiClient client(endpoint);
    Bulwark::Models::EventStream events(endpoint);
    events.start();
    DevicesPage page;
    QAbstractItemModelTester tester(page.model(),
                                    QAbstractItemModelTester::FailureReportingMode::Fatal);
    page.show();
    Bulwark::Ui::ConsoleSession session;
    session.client = &client;
    session.events = &events;
    session.user = endpoint.user;
    page.setSession(session);

    QTRY_VERIFY_WITH_TIMEOUT(page.model()->rowOf(Pump) >= 0 || !page.model()->lastError().isEmpty(),
                             UiTimeoutMs);
    QVERIFY2(page.model()->lastError().isEmpty(), qPrintable(page.model()->lastError()));
    QVERIFY(page.selectThing(Pump));
    QTRY_VERIFY_WITH_TIMEOUT(page.propertiesModel()->isLoaded(), UiTimeoutMs);
    QVERIFY(page.selectProperty(u"setpoint"_s));
    auto *rights = page.findChild<QLabel *>(u"deviceRightsLabel"_s);
    QVERIFY(rights);
    // The effective permissions arrive: writing is off, and the page says why.
    QTRY_VERIFY_WITH_TIMEOUT(rights->isVisible(), UiTimeoutMs);
    QVERIFY2(rights->text().contains(u"PropertyWrite"_s), qPrintable(rights->text()));
    QVERIFY(!page.findChild<QToolButton *>(u"writePropertyButton"_s)->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(rights->text().contains(u"ServiceInvoke"_s), UiTimeoutMs);
    QVERIFY(!page.findChild<QToolButton *>(u"invokeServiceButton"_s)->isEnabled());

    // Asked anyway, the server refuses with 403: its message is shown.
    const int row = page.propertiesModel()->rowOf(u"setpoint"_s);
    Bulwark::Ui::WritePropertyDialog dialog(&client, Pump, page.propertiesModel()->propertyAt(row));
    auto *input = dialog.findChild<QLineEdit *>(u"valueInput"_s);
    input->clear();
    QTest::keyClicks(input, u"60"_s);
    dialog.submit();
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.isBusy() && !dialog.resultText().isEmpty(), UiTimeoutMs);
    QVERIFY2(dialog.resultText().startsWith(u"You may not write this property."_s),
             qPrintable(dialog.resultText()));
    QVERIFY2(dialog.resultText().contains(u"PropertyWrite"_s), qPrintable(dialog.resultText()));
    QCOMPARE(m_writesReceived.size(), 2); // the device never saw it
    const RestAnswer stored = rest("GET", u"/api/Things/Pump1/Properties/setpoint"_s);
    QCOMPARE(stored.body.object().value("value"_L1).toInteger(), 55);
    page.setSession({});
    events.stop();
}

void TestDeviceMonitor::filterWithoutMatchSaysSo()
{
    auto *filter = m_page->findChild<QLineEdit *>(u"devicesFilterEdit"_s);
    QVERIFY(filter);
    QTest::keyClicks(filter, u"no-such-device"_s);
    QCOMPARE(m_page->proxy()->rowCount(), 0);
    QCOMPARE(m_page->emptyStateText(),
             u"No connected device matches “no-such-device” — change or clear the filter."_s);
    filter->clear();
    QTest::keyClicks(filter, u"127.0.0"_s); // by address
    QCOMPARE(m_page->proxy()->rowCount(), 1);
    filter->clear();
    QCOMPARE(m_page->proxy()->rowCount(), 1);
    QVERIFY(m_page->view()->isVisible());
}

void TestDeviceMonitor::disconnectRemovesTheRow()
{
    m_device->disconnectFromServer();
    QTRY_VERIFY_WITH_TIMEOUT(m_page->model()->rowOf(Pump) < 0, UiTimeoutMs);
    QCOMPARE(m_page->model()->rowCount(), 0);
    QTRY_COMPARE(m_page->emptyStateText(), NoDevices);
    // The server agrees.
    const RestAnswer connection = rest("GET", u"/api/Things/Pump1/Connection"_s);
    QCOMPARE(connection.body.object().value("connected"_L1).toBool(true), false);
    // Later snapshots of the server do not bring it back.
    QSignalSpy loaded(m_page->model(), &DeviceMonitorModel::loaded);
    QTRY_VERIFY_WITH_TIMEOUT(loaded.size() >= 2, UiTimeoutMs);
    QCOMPARE(m_page->model()->rowCount(), 0);
}

void TestDeviceMonitor::valueEditorsCheckLikeTheServer()
{
    using Bulwark::Ui::ValueEditor;
    const auto typed = [](ValueEditor &editor, const QString &text) {
        auto *line = qobject_cast<QLineEdit *>(editor.input());
        if (line) {
            line->clear();
            QTest::keyClicks(line, text);
        } else if (auto *plain = qobject_cast<QPlainTextEdit *>(editor.input())) {
            plain->setPlainText(text);
        }
        return editor.value();
    };
    ValueEditor integer(u"INTEGER"_s, ValueEditor::NullChoice::Offer);
    QCOMPARE(typed(integer, u"42"_s), std::optional(QJsonValue(42)));
    QCOMPARE(typed(integer, u"9007199254740992"_s), std::nullopt); // beyond 2^53 - 1
    QVERIFY(integer.problem().contains(u"whole number"_s));
    integer.findChild<QCheckBox *>(u"valueNullCheck"_s)->setChecked(true);
    QCOMPARE(integer.value(), std::optional(QJsonValue(QJsonValue::Null)));

    ValueEditor number(u"NUMBER"_s, ValueEditor::NullChoice::Hide);
    QCOMPARE(typed(number, u"21.5"_s), std::optional(QJsonValue(21.5)));
    QCOMPARE(typed(number, u"warm"_s), std::nullopt);

    ValueEditor json(u"JSON"_s, ValueEditor::NullChoice::Hide);
    QCOMPARE(typed(json, u"{\"mode\": 2}"_s),
             std::optional(QJsonValue(QJsonObject{{"mode"_L1, 2}})));
    QCOMPARE(typed(json, u"5"_s), std::nullopt); // an object or array only
    QCOMPARE(typed(json, u"{\"mode\": "_s), std::nullopt);

    ValueEditor password(u"PASSWORD"_s, ValueEditor::NullChoice::Offer);
    password.setValue(u"********"_s); // what reads show: never put in the field
    QCOMPARE(qobject_cast<QLineEdit *>(password.input())->text(), QString());
    QCOMPARE(typed(password, u"********"_s), std::nullopt);
    QCOMPARE(typed(password, u"new-secret"_s), std::optional(QJsonValue(u"new-secret"_s)));

    ValueEditor time(u"DATETIME"_s, ValueEditor::NullChoice::Hide);
    time.setValue(u"2026-11-26T13:30:00.000Z"_s);
    QCOMPARE(time.value(), std::optional(QJsonValue(u"2026-11-26T13:30:00.000Z"_s)));

    ValueEditor flag(u"BOOLEAN"_s, ValueEditor::NullChoice::Hide);
    flag.setValue(false);
    QCOMPARE(flag.value(), std::optional(QJsonValue(false)));
}

void TestDeviceMonitor::tenThousandEventsAreAppliedInOneBatch()
{
    constexpr int Devices = 10000;
    DeviceMonitorModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    const QDateTime start = QDateTime::fromString(u"2026-11-27T08:00:00.000Z"_s, Qt::ISODateWithMs);
    QList<DeviceConnection> connections;
    for (int i = 0; i < Devices; ++i) {
        DeviceConnection connection;
        connection.thing = u"Device%1"_s.arg(i, 5, 10, QLatin1Char('0'));
        connection.remoteAddress = u"10.0.%1.%2"_s.arg(i / 250).arg(i % 250);
        connection.user = u"gateway"_s;
        connection.since = start;
        connection.lastMessage = start;
        connection.messagesIn = 100;
        connection.messagesOut = 10;
        connection.bytesIn = 10000;
        connection.bytesOut = 1000;
        connection.session = quint64(i + 1);
        connections.append(connection);
    }
    model.applySnapshot(connections);
    QCOMPARE(model.rowCount(), Devices);

    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    // One second's worth: every device changes once (in a shuffled order).
    QList<int> order(Devices);
    for (int i = 0; i < Devices; ++i)
        order[i] = int((qint64(i) * 7919) % Devices);
    const auto event = [](const QJsonObject &object) { return LiveEvent::fromJson(object); };
    for (const int i : order) {
        const QString time = start.addSecs(1).addMSecs(i % 1000).toString(Qt::ISODateWithMs);
        model.handleEvent(event({{"type"_L1, "propertyChanged"_L1},
                                 {"thing"_L1, u"Device%1"_s.arg(i, 5, 10, QLatin1Char('0'))},
                                 {"property"_L1, "temperature"_L1},
                                 {"value"_L1, i},
                                 {"time"_L1, time},
                                 {"quality"_L1, "good"_L1},
                                 {"source"_L1, "edge"_L1}}));
    }
    // And in the same second: 100 devices leave and 50 new ones arrive.
    for (int i = 0; i < 100; ++i)
        model.handleEvent(event({{"type"_L1, "connectionChanged"_L1},
                                 {"thing"_L1, u"Device%1"_s.arg(i * 37, 5, 10, QLatin1Char('0'))},
                                 {"connected"_L1, false}}));
    for (int i = 0; i < 50; ++i)
        model.handleEvent(event({{"type"_L1, "connectionChanged"_L1},
                                 {"thing"_L1, u"New%1"_s.arg(i)},
                                 {"connected"_L1, true},
                                 {"since"_L1, "2026-11-27T08:00:01.000Z"_L1},
                                 {"remoteAddress"_L1, "192.0.2.7"_L1}}));
    // Nothing is applied yet: the events wait for the batch.
    QCOMPARE(changed.size(), 0);
    QCOMPARE(model.pendingCount(), Devices + 50);

    QTRY_COMPARE(model.pendingCount(), 0);
    QCOMPARE(model.rowCount(), Devices - 100 + 50);
    // One dataChanged per contiguous run of changed rows, not one per event:
    // the 100 removed rows split the 10,000 into at most 101 runs.
    QVERIFY2(changed.size() >= 1 && changed.size() <= 101,
             qPrintable(QString::number(changed.size())));
    QCOMPARE(inserted.size(), 1);
    QVERIFY(removed.size() <= 100);
    for (int i = 0; i < Devices; ++i) {
        const QString thing = u"Device%1"_s.arg(i, 5, 10, QLatin1Char('0'));
        const int row = model.rowOf(thing);
        if (i % 37 == 0 && i / 37 < 100) {
            QVERIFY2(row < 0, qPrintable(thing));
            continue;
        }
        QVERIFY2(row >= 0, qPrintable(thing));
        const DeviceConnection &connection = model.connectionAt(row);
        QCOMPARE(connection.thing, thing);
        QCOMPARE(connection.lastMessage, start.addSecs(1).addMSecs(i % 1000));
        QCOMPARE(connection.messagesIn, 101);
    }
    for (int i = 0; i < 50; ++i) {
        const int row = model.rowOf(u"New%1"_s.arg(i));
        QVERIFY(row >= 0);
        QCOMPARE(
            model.data(model.index(row, DeviceMonitorModel::RemoteAddressColumn), Qt::DisplayRole),
            QVariant(u"192.0.2.7"_s));
    }
}

QTEST_MAIN(TestDeviceMonitor)
#include "tst_devicemonitor.moc"
