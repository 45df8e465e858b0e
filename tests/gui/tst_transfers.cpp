// The File transfers area against a real embedded server and a real device:
// the device connects in-process through the edge SDK with a virtual
// directory, a file is uploaded into a repository over REST, and transfers
// are started through the real New transfer dialog, followed live until they
// are done (MD5, SHA-256 and every chunk verified), fail, are retried, or
// are cancelled.
#include "RestProbe.h"
#include "models/TransfersModel.h"
#include "ui/ConnectionManager.h"
#include "ui/NewTransferDialog.h"
#include "ui/TransferFileBrowser.h"
#include "ui/TransferProgressDelegate.h"
#include "ui/TransfersPage.h"

#include <BulwarkEdge/EdgeClient.h>

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QRandomGenerator>
#include <QStandardItemModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolBar>
#include <QToolButton>

using namespace Qt::StringLiterals;
using Bulwark::Models::TransfersModel;
using Bulwark::Ui::ConnectionManager;
using Bulwark::Ui::NewTransferDialog;
using Bulwark::Ui::TransferFileBrowser;
using Bulwark::Ui::TransfersPage;
using BulwarkEdge::EdgeClient;

namespace {
constexpr int ServerTimeoutMs = 60000;
constexpr int UiTimeoutMs = 15000;
constexpr int TransferTimeoutMs = 30000;
constexpr int ChunkSize = 4096;
constexpr int ChunkCount = 24;
const QString AdminPassword = u"correct-horse-battery-staple-42"_s;
} // namespace

class TestTransfers final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void emptyStateBeforeFirstTransfer();
    void transferToDeviceThroughDialog();
    void deviceUploadsIntoRepository();
    void existingTargetFailsAndRetryStartsAgain();
    void cancelsWaitingTransfer();
    void filtersByState();
    void progressTextWhileRunning();

private:
    [[nodiscard]] RestAnswer rest(const QByteArray &verb, const QString &path,
                                  const QByteArray &body = {}) const;
    [[nodiscard]] QToolButton *toolButton(const QString &actionName) const;
    // Opens New transfer…, fills it through its widgets and starts it; the
    // id of the new transfer, or empty.
    [[nodiscard]] QString startThroughDialog(const QString &device, const QString &devicePath,
                                             bool browse);
    [[nodiscard]] QString stateOf(const QString &id) const;
    // The open New transfer dialog (a closed one may not be deleted yet).
    [[nodiscard]] NewTransferDialog *visibleDialog() const;
    [[nodiscard]] QModelIndex progressIndex(const QString &id) const;
    [[nodiscard]] QString details() const;

    QTemporaryDir m_dataDir;
    QTemporaryDir m_deviceDir;
    QByteArray m_content;
    std::unique_ptr<ConnectionManager> m_connection;
    std::unique_ptr<TransfersPage> m_page;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
    std::unique_ptr<EdgeClient> m_device;
    QString m_delivered; // the transfer that put fw.bin on the device
};

RestAnswer TestTransfers::rest(const QByteArray &verb, const QString &path,
                               const QByteArray &body) const
{
    QUrl url = m_connection->endpoint().baseUrl;
    const qsizetype query = path.indexOf(u'?');
    url.setPath(path.left(query));
    if (query >= 0)
        url.setQuery(path.mid(query + 1));
    return restCall(verb, url, u"Administrator"_s, AdminPassword,
                    m_connection->endpoint().pinnedFingerprint, body);
}

QToolButton *TestTransfers::toolButton(const QString &actionName) const
{
    auto *toolbar = m_page->findChild<QToolBar *>(u"transfersToolbar"_s);
    auto *action = m_page->findChild<QAction *>(actionName);
    if (!toolbar || !action)
        return nullptr;
    return qobject_cast<QToolButton *>(toolbar->widgetForAction(action));
}

NewTransferDialog *TestTransfers::visibleDialog() const
{
    const auto dialogs = m_page->findChildren<NewTransferDialog *>(u"newTransferDialog"_s);
    for (NewTransferDialog *dialog : dialogs) {
        if (dialog->isVisible())
            return dialog;
    }
    return nullptr;
}

QString TestTransfers::stateOf(const QString &id) const
{
    const int row = m_page->model()->rowOf(id);
    return row < 0 ? QString() : m_page->model()->transferAt(row).state;
}

QModelIndex TestTransfers::progressIndex(const QString &id) const
{
    const int row = m_page->model()->rowOf(id);
    return row < 0 ? QModelIndex() : m_page->model()->index(row, TransfersModel::ProgressColumn);
}

QString TestTransfers::details() const
{
    const auto *label = m_page->findChild<QLabel *>(u"transferDetails"_s);
    return label ? label->text() : QString();
}

void TestTransfers::initTestCase()
{
    QVERIFY(m_dataDir.isValid() && m_deviceDir.isValid());
    qputenv("BULWARK_ADMIN_PASSWORD", AdminPassword.toUtf8());
    m_page = std::make_unique<TransfersPage>();
    // Checks every change the model makes, from before the first load.
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_page->model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    m_page->resize(1300, 700);
    m_page->show();

    m_connection = std::make_unique<ConnectionManager>();
    Bulwark::ServerConfig config;
    config.dataDir = m_dataDir.path();
    config.port = 0;
    config.files.chunkSizeKb = ChunkSize / 1024; // many chunks from a small file
    m_connection->startEmbeddedServer(config);
    QTRY_VERIFY_WITH_TIMEOUT(m_connection->state() == ConnectionManager::State::Connected ||
                                 !m_connection->lastError().isEmpty(),
                             ServerTimeoutMs);
    QVERIFY2(m_connection->lastError().isEmpty(), qPrintable(m_connection->lastError()));
    QTRY_VERIFY_WITH_TIMEOUT(
        m_connection->liveEventsState() == Bulwark::Models::EventStream::State::Live, UiTimeoutMs);

    // A repository holding a file, a device Thing and one whose device never comes.
    const auto create = [this](const QJsonObject &thing) {
        return rest("POST", u"/api/Things"_s, QJsonDocument(thing).toJson()).status;
    };
    QCOMPARE(create({{u"name"_s, u"Repo"_s}, {u"template"_s, u"FileRepository"_s}}), 201);
    QCOMPARE(create({{u"name"_s, u"Pump1"_s}}), 201);
    QCOMPARE(create({{u"name"_s, u"Pump2"_s}}), 201);
    m_content.resize(ChunkSize * ChunkCount);
    QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(m_content.data()),
                                          m_content.size() / 4);
    QCOMPARE(rest("PUT", u"/api/Things/Repo/Files/Content?path=in/fw.bin"_s, m_content).status,
             201);

    // The device: signed in, pinned to the server's certificate, serving "data".
    QVERIFY(QDir().mkpath(m_deviceDir.filePath(u"incoming"_s)));
    m_device = std::make_unique<EdgeClient>();
    QUrl edge = m_connection->endpoint().baseUrl;
    edge.setScheme(u"wss"_s);
    edge.setPath(u"/edge"_s);
    m_device->setServerUrl(edge);
    m_device->setUserCredentials(u"Administrator"_s, AdminPassword);
    m_device->setPinnedFingerprint(m_connection->endpoint().pinnedFingerprint);
    m_device->bindThing(u"Pump1"_s, {{u"data"_s, m_deviceDir.path()}});
    QStringList errors;
    connect(m_device.get(), &EdgeClient::errorOccurred, this,
            [&errors](const BulwarkEdge::Error &error) { errors.append(error.message); });
    m_device->connectToServer();
    QTRY_VERIFY2_WITH_TIMEOUT(m_device->state() == EdgeClient::State::Connected,
                              qPrintable(errors.join(u"; "_s)), UiTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(rest("GET", u"/api/Things/Pump1/Files"_s).status, 200, UiTimeoutMs);

    m_page->setSession({m_connection->client(), m_connection->events(), u"Administrator"_s});
}

void TestTransfers::cleanupTestCase()
{
    if (m_device)
        m_device->disconnectFromServer();
    m_device.reset();
    m_tester.reset();
    m_page.reset();
    m_connection.reset();
}

void TestTransfers::emptyStateBeforeFirstTransfer()
{
    QTRY_VERIFY_WITH_TIMEOUT(m_page->model()->isLoaded(), UiTimeoutMs);
    QCOMPARE(m_page->model()->rowCount(), 0);
    const auto *empty = m_page->findChild<QLabel *>(u"transfersEmptyState"_s);
    QVERIFY(empty);
    QTRY_VERIFY(empty->isVisible());
    QCOMPARE(empty->text(),
             u"No file transfers yet — start one with New transfer…, or let a device upload"_s);
    // Nothing selected: nothing to cancel or retry.
    QVERIFY(!m_page->findChild<QAction *>(u"cancelTransferAction"_s)->isEnabled());
    QVERIFY(!m_page->findChild<QAction *>(u"retryTransferAction"_s)->isEnabled());
}

QString TestTransfers::startThroughDialog(const QString &device, const QString &devicePath,
                                          bool browse)
{
    QToolButton *newTransfer = toolButton(u"newTransferAction"_s);
    if (!newTransfer || !newTransfer->isEnabled())
        return {};
    QTest::mouseClick(newTransfer, Qt::LeftButton);
    // Deletes itself once closed.
    QPointer<NewTransferDialog> dialog = visibleDialog();
    if (!dialog || !dialog->isVisible())
        return {};
    if (!QTest::qWaitFor([dialog] { return dialog->isReady(); }, UiTimeoutMs))
        return {};
    auto *direction = dialog->findChild<QComboBox *>(u"transferDirectionCombo"_s);
    auto *repository = dialog->findChild<QComboBox *>(u"transferRepositoryCombo"_s);
    auto *repositoryPath = dialog->findChild<QLineEdit *>(u"transferRepositoryPathEdit"_s);
    auto *deviceCombo = dialog->findChild<QComboBox *>(u"transferDeviceCombo"_s);
    auto *deviceBrowser = dialog->findChild<TransferFileBrowser *>(u"transferDeviceBrowser"_s);
    auto *pathEdit = dialog->findChild<QLineEdit *>(u"transferDevicePathEdit"_s);
    auto *start = dialog->findChild<QPushButton *>(u"startTransferButton"_s);
    if (!direction || !repository || !repositoryPath || !deviceCombo || !pathEdit || !start)
        return {};
    direction->setCurrentIndex(0); // repository → device
    // Only repositories are offered as repositories, and not as devices.
    if (repository->currentText() != u"Repo"_s || deviceCombo->findText(u"Repo"_s) >= 0)
        return {};
    if (start->isEnabled()) // nothing chosen yet
        return {};

    if (browse) {
        // Pick the file in the repository's tree: open "in", click "fw.bin".
        auto *browser = dialog->findChild<TransferFileBrowser *>(u"transferRepositoryBrowser"_s);
        if (!QTest::qWaitFor([browser] { return browser->itemForPath(u"in"_s); }, UiTimeoutMs))
            return {};
        browser->expandItem(browser->itemForPath(u"in"_s));
        if (!QTest::qWaitFor([browser] { return browser->itemForPath(u"in/fw.bin"_s); },
                             UiTimeoutMs))
            return {};
        QTreeWidgetItem *file = browser->itemForPath(u"in/fw.bin"_s);
        browser->scrollToItem(file);
        QTest::mouseClick(browser->viewport(), Qt::LeftButton, {},
                          browser->visualItemRect(file).center());
        if (repositoryPath->text() != u"in/fw.bin"_s || pathEdit->text() != u"fw.bin"_s)
            return {};
    } else {
        QTest::keyClicks(repositoryPath, u"in/fw.bin"_s);
    }

    deviceCombo->setCurrentIndex(deviceCombo->findText(device));
    if (browse) {
        // The device's declared directory, listed by the device itself; a
        // click on it puts the file into it.
        if (!QTest::qWaitFor([deviceBrowser] { return deviceBrowser->itemForPath(u"data"_s); },
                             UiTimeoutMs))
            return {};
        QTreeWidgetItem *data = deviceBrowser->itemForPath(u"data"_s);
        QTest::mouseClick(deviceBrowser->viewport(), Qt::LeftButton, {},
                          deviceBrowser->visualItemRect(data).center());
        if (pathEdit->text() != u"data/fw.bin"_s)
            return {};
        if (pathEdit->text() != devicePath) {
            pathEdit->clear();
            QTest::keyClicks(pathEdit, devicePath);
        }
    } else {
        pathEdit->clear();
        QTest::keyClicks(pathEdit, devicePath);
    }
    if (!start->isEnabled())
        return {};
    const int before = m_page->model()->rowCount();
    QTest::mouseClick(start, Qt::LeftButton);
    if (!QTest::qWaitFor([&dialog] { return !dialog || !dialog->isVisible(); }, UiTimeoutMs))
        return {};
    if (m_page->model()->rowCount() != before + 1)
        return {};
    // The page selects the transfer it started.
    return m_page->selectedId();
}

void TestTransfers::transferToDeviceThroughDialog()
{
    // Which states the view went through, as the live events brought them.
    QStringList seen;
    connect(m_page->model(), &QAbstractItemModel::dataChanged, this,
            [this, &seen](const QModelIndex &topLeft) {
                const QString state = topLeft.data(TransfersModel::StateRole).toString();
                if (seen.isEmpty() || seen.constLast() != state)
                    seen.append(state);
            });
    m_delivered = startThroughDialog(u"Pump1"_s, u"data/fw.bin"_s, true);
    QVERIFY(!m_delivered.isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(m_delivered), u"done"_s, TransferTimeoutMs);
    disconnect(m_page->model(), &QAbstractItemModel::dataChanged, this, nullptr);
    QVERIFY2(seen.contains(u"done"_s), qPrintable(seen.join(u", "_s)));

    // The file arrived on the device, intact, with no staging file left.
    QFile arrived(m_deviceDir.filePath(u"fw.bin"_s));
    QVERIFY(arrived.open(QIODevice::ReadOnly));
    QVERIFY(arrived.readAll() == m_content);
    const QStringList files =
        QDir(m_deviceDir.path()).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot);
    QCOMPARE(files, QStringList{u"fw.bin"_s});

    // The server says the same as the page.
    const RestAnswer server = rest("GET", u"/api/Transfers/"_s + m_delivered);
    QCOMPARE(server.status, 200);
    QCOMPARE(server.body[u"state"_s].toString(), u"done"_s);
    QCOMPARE(server.body[u"verification"_s][u"md5"_s].toString(), u"ok"_s);
    QCOMPARE(server.body[u"verification"_s][u"sha256"_s].toString(), u"ok"_s);

    // The row: 100 %, a check mark and words; every check in the details.
    QCOMPARE(m_page->selectedId(), m_delivered);
    const QModelIndex progress = progressIndex(m_delivered);
    QCOMPARE(progress.data(TransfersModel::ProgressRole).toInt(), 100);
    QVERIFY2(Bulwark::Ui::TransferProgressDelegate::text(progress).startsWith(u"done — "_s),
             qPrintable(Bulwark::Ui::TransferProgressDelegate::text(progress)));
    QTRY_VERIFY2(details().contains(u"MD5 matches"_s), qPrintable(details()));
    QVERIFY(details().contains(u"SHA-256 matches"_s));
    QVERIFY2(details().contains(u"all 24 chunks authenticated"_s), qPrintable(details()));
    QVERIFY(details().contains(u"size matches"_s));
    const QString sha256 = QString::fromLatin1(
        QCryptographicHash::hash(m_content, QCryptographicHash::Sha256).toHex());
    QVERIFY(details().contains(sha256));
    // A done transfer can be neither cancelled nor retried.
    QVERIFY(!m_page->findChild<QAction *>(u"cancelTransferAction"_s)->isEnabled());
    QVERIFY(!m_page->findChild<QAction *>(u"retryTransferAction"_s)->isEnabled());
}

void TestTransfers::deviceUploadsIntoRepository()
{
    QTest::mouseClick(toolButton(u"newTransferAction"_s), Qt::LeftButton);
    QPointer<NewTransferDialog> dialog = visibleDialog();
    QVERIFY(dialog && dialog->isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(dialog->isReady(), UiTimeoutMs);
    auto *direction = dialog->findChild<QComboBox *>(u"transferDirectionCombo"_s);
    auto *deviceCombo = dialog->findChild<QComboBox *>(u"transferDeviceCombo"_s);
    auto *deviceBrowser = dialog->findChild<TransferFileBrowser *>(u"transferDeviceBrowser"_s);
    auto *repositoryPath = dialog->findChild<QLineEdit *>(u"transferRepositoryPathEdit"_s);
    auto *devicePath = dialog->findChild<QLineEdit *>(u"transferDevicePathEdit"_s);
    auto *start = dialog->findChild<QPushButton *>(u"startTransferButton"_s);
    QVERIFY(direction && deviceCombo && deviceBrowser && repositoryPath && devicePath && start);
    direction->setCurrentIndex(1); // device → repository
    deviceCombo->setCurrentIndex(deviceCombo->findText(u"Pump1"_s));
    // Open the device's directory and pick the file it received before.
    QTRY_VERIFY_WITH_TIMEOUT(deviceBrowser->itemForPath(u"data"_s), UiTimeoutMs);
    deviceBrowser->expandItem(deviceBrowser->itemForPath(u"data"_s));
    QTRY_VERIFY_WITH_TIMEOUT(deviceBrowser->itemForPath(u"data/fw.bin"_s), UiTimeoutMs);
    QTreeWidgetItem *file = deviceBrowser->itemForPath(u"data/fw.bin"_s);
    QTest::mouseClick(deviceBrowser->viewport(), Qt::LeftButton, {},
                      deviceBrowser->visualItemRect(file).center());
    QCOMPARE(devicePath->text(), u"data/fw.bin"_s);
    QCOMPARE(repositoryPath->text(), u"fw.bin"_s); // proposed from the source's name
    repositoryPath->clear();
    QTest::keyClicks(repositoryPath, u"up/fw-copy.bin"_s);
    QVERIFY(start->isEnabled());
    QTest::mouseClick(start, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog || !dialog->isVisible(), UiTimeoutMs);
    const QString upload = m_page->selectedId();
    QVERIFY(!upload.isEmpty() && upload != m_delivered);
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(upload), u"done"_s, TransferTimeoutMs);
    QTRY_VERIFY2(details().contains(u"all 24 chunks authenticated"_s), qPrintable(details()));

    // The repository holds the same bytes now.
    const RestAnswer listing = rest("GET", u"/api/Things/Repo/Files?path=up"_s);
    QCOMPARE(listing.status, 200);
    QCOMPARE(listing.body[u"entries"_s][0][u"name"_s].toString(), u"fw-copy.bin"_s);
    QCOMPARE(listing.body[u"entries"_s][0][u"sha256"_s].toString(),
             QString::fromLatin1(
                 QCryptographicHash::hash(m_content, QCryptographicHash::Sha256).toHex()));
}

void TestTransfers::existingTargetFailsAndRetryStartsAgain()
{
    // Same target, without "replace": the device refuses, the transfer fails.
    const QString failed = startThroughDialog(u"Pump1"_s, u"data/fw.bin"_s, false);
    QVERIFY(!failed.isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(failed), u"failed"_s, TransferTimeoutMs);
    const QModelIndex progress = progressIndex(failed);
    QCOMPARE(Bulwark::Ui::TransferProgressDelegate::text(progress), u"failed: exists"_s);
    QTRY_VERIFY2(details().contains(u"Error (exists)"_s), qPrintable(details()));
    // The file on the device was not touched.
    QFile arrived(m_deviceDir.filePath(u"fw.bin"_s));
    QVERIFY(arrived.open(QIODevice::ReadOnly));
    QVERIFY(arrived.readAll() == m_content);

    // Retry starts it again as a new transfer (and it fails the same way).
    auto *retry = m_page->findChild<QAction *>(u"retryTransferAction"_s);
    QTRY_VERIFY(retry->isEnabled());
    const int before = m_page->model()->rowCount();
    QTest::mouseClick(toolButton(u"retryTransferAction"_s), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(m_page->model()->rowCount(), before + 1, UiTimeoutMs);
    const QString again = m_page->selectedId();
    QVERIFY(!again.isEmpty() && again != failed);
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(again), u"failed"_s, TransferTimeoutMs);
    const RestAnswer server = rest("GET", u"/api/Transfers/"_s + again);
    QCOMPARE(server.body[u"source"_s][u"path"_s].toString(), u"in/fw.bin"_s);
    QCOMPARE(server.body[u"target"_s][u"path"_s].toString(), u"data/fw.bin"_s);
}

void TestTransfers::cancelsWaitingTransfer()
{
    // Pump2's device never connects: the browser says so, the transfer waits.
    const QString waiting = startThroughDialog(u"Pump2"_s, u"data/fw.bin"_s, false);
    QVERIFY(!waiting.isEmpty());
    QCOMPARE(stateOf(waiting), u"queued"_s);
    QTRY_VERIFY2(details().contains(u"device not connected"_s), qPrintable(details()));
    QCOMPARE(Bulwark::Ui::TransferProgressDelegate::text(progressIndex(waiting)), u"queued"_s);

    auto *cancel = m_page->findChild<QAction *>(u"cancelTransferAction"_s);
    QTRY_VERIFY(cancel->isEnabled());
    QTest::mouseClick(toolButton(u"cancelTransferAction"_s), Qt::LeftButton);
    auto *confirm = m_page->findChild<QMessageBox *>(u"confirmCancelTransferDialog"_s);
    QVERIFY(confirm);
    QTRY_VERIFY(confirm->isVisible());
    QVERIFY(confirm->text().contains(u"in/fw.bin"_s) && confirm->text().contains(u"Pump2"_s));
    QTest::mouseClick(confirm->button(QMessageBox::Yes), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(waiting), u"cancelled"_s, UiTimeoutMs);
    QCOMPARE(rest("GET", u"/api/Transfers/"_s + waiting).body[u"state"_s].toString(),
             u"cancelled"_s);
    QCOMPARE(Bulwark::Ui::TransferProgressDelegate::text(progressIndex(waiting)), u"cancelled"_s);
    QTRY_VERIFY2(details().contains(u"Cancelled by Administrator"_s), qPrintable(details()));
    QVERIFY(!cancel->isEnabled());

    // Cancelling it again (as a stale window might) is refused by the server
    // with 409: the page shows the server's message.
    m_page->cancelSelected();
    QPointer<QMessageBox> again;
    const auto boxes = m_page->findChildren<QMessageBox *>(u"confirmCancelTransferDialog"_s);
    for (QMessageBox *box : boxes) {
        if (box->isVisible())
            again = box;
    }
    QVERIFY(again);
    QTest::mouseClick(again->button(QMessageBox::Yes), Qt::LeftButton);
    auto *message = m_page->findChild<QLabel *>(u"transfersMessageLabel"_s);
    QVERIFY(message);
    QTRY_VERIFY_WITH_TIMEOUT(message->isVisible(), UiTimeoutMs);
    QVERIFY2(message->text().startsWith(u"The transfer was not cancelled: "_s),
             qPrintable(message->text()));
    const RestAnswer refused = rest("POST", u"/api/Transfers/"_s + waiting + u"/Cancel"_s);
    QCOMPARE(refused.status, 409);
    QVERIFY2(message->text().endsWith(refused.body[u"error"_s][u"message"_s].toString()),
             qPrintable(message->text()));
    QCOMPARE(stateOf(waiting), u"cancelled"_s);
}

void TestTransfers::filtersByState()
{
    auto *filter = m_page->findChild<QComboBox *>(u"transferStateFilter"_s);
    QVERIFY(filter);
    const QAbstractItemModel *view = m_page->view()->model();
    const int all = view->rowCount();
    QCOMPARE(all, 5);
    filter->setCurrentIndex(filter->findData(u"failed"_s));
    QCOMPARE(view->rowCount(), 2);
    for (int row = 0; row < view->rowCount(); ++row)
        QCOMPARE(view->index(row, 0).data(TransfersModel::StateRole).toString(), u"failed"_s);
    filter->setCurrentIndex(filter->findData(u"done"_s));
    QCOMPARE(view->rowCount(), 2);
    filter->setCurrentIndex(filter->findData(u"running"_s));
    QCOMPARE(view->rowCount(), 0);
    const auto *empty = m_page->findChild<QLabel *>(u"transfersEmptyState"_s);
    QTRY_VERIFY(empty->isVisible());
    QCOMPARE(empty->text(), u"No transfer matches the filter."_s);
    filter->setCurrentIndex(0);
    QCOMPARE(view->rowCount(), all);

    // Text filter on top of it.
    auto *text = m_page->findChild<QLineEdit *>(u"transfersFilterEdit"_s);
    QTest::keyClicks(text, u"Pump2"_s);
    QCOMPARE(view->rowCount(), 1);
    text->clear();

    // A reload after all this shows the same queue as the server.
    QTest::mouseClick(toolButton(u"reloadTransfersAction"_s), Qt::LeftButton);
    const RestAnswer server = rest("GET", u"/api/Transfers"_s);
    QCOMPARE(server.body[u"items"_s].toArray().size(), 5);
    QTRY_COMPARE(m_page->model()->rowCount(), 5);
}

// A running transfer is short-lived in a test; its cell is checked with the
// same roles the model gives, and painted by the real style.
void TestTransfers::progressTextWhileRunning()
{
    QStandardItemModel model(1, 1);
    auto *item = new QStandardItem;
    model.setItem(0, 0, item);
    item->setData(u"running"_s, TransfersModel::StateRole);
    item->setData(42, TransfersModel::ProgressRole);
    item->setData(3.1e6, TransfersModel::SpeedRole);
    item->setData(qint64(10'000'000), TransfersModel::SizeRole);
    const QModelIndex index = model.index(0, 0);
    QCOMPARE(Bulwark::Ui::TransferProgressDelegate::text(index), u"42 % — 3.1 MB/s"_s);
    QTableView view;
    view.setModel(&model);
    view.setItemDelegate(new Bulwark::Ui::TransferProgressDelegate(&view));
    view.resize(400, 100);
    QVERIFY(!view.grab().isNull()); // the style's progress bar
    item->setData(-1, TransfersModel::ProgressRole);
    QCOMPARE(Bulwark::Ui::TransferProgressDelegate::text(index), u"starting — 3.1 MB/s"_s);
    item->setData(u"failed"_s, TransfersModel::StateRole);
    item->setData(u"MD5"_s, TransfersModel::FailedCheckRole);
    QCOMPARE(Bulwark::Ui::TransferProgressDelegate::text(index), u"failed: MD5"_s);
    QCOMPARE(TransfersModel::formatDuration(125), u"2 min 5 s"_s);

    // The page with every ended state paints without trouble.
    QVERIFY(!m_page->grab().isNull());
}

QTEST_MAIN(TestTransfers)
#include "tst_transfers.moc"
