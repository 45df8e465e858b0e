// The Audit area against a real embedded server: records of changes made
// through REST appear (live), the server-side filter and the local text
// filter narrow the table, "Verify chain" reports the server's finding, and
// a user who is not an administrator sees the server's refusal.
#include "RestProbe.h"
#include "models/AuditModel.h"
#include "ui/AuditPage.h"
#include "ui/ConnectionManager.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolBar>
#include <QToolButton>

using namespace Qt::StringLiterals;
using Bulwark::Models::AuditModel;
using Bulwark::Ui::AuditPage;
using Bulwark::Ui::ConnectionManager;

namespace {
constexpr int ServerTimeoutMs = 60000;
constexpr int UiTimeoutMs = 15000;
const QString AdminPassword = u"correct-horse-battery-staple-42"_s;
const QString ViewerPassword = u"tangerine-orbit-quilt-93"_s;
} // namespace

class TestAudit final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void changesThroughRestAppear();
    void serverFilterNarrowsTable();
    void textFilterNarrowsTable();
    void loadMorePagesThroughOlderRecords();
    void verifyChainReportsIntact();
    void nonAdministratorSeesRefusal();

private:
    [[nodiscard]] RestAnswer rest(const QByteArray &verb, const QString &path,
                                  const QByteArray &body = {}) const;
    [[nodiscard]] QStringList column(int column) const;
    [[nodiscard]] QToolButton *toolButton(const QString &actionName) const;

    QTemporaryDir m_dataDir;
    std::unique_ptr<ConnectionManager> m_connection;
    std::unique_ptr<AuditPage> m_page;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

RestAnswer TestAudit::rest(const QByteArray &verb, const QString &path,
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

QStringList TestAudit::column(int column) const
{
    QStringList values;
    const QAbstractItemModel *model = m_page->view()->model();
    for (int row = 0; row < model->rowCount(); ++row)
        values.append(model->index(row, column).data().toString());
    return values;
}

QToolButton *TestAudit::toolButton(const QString &actionName) const
{
    auto *toolbar = m_page->findChild<QToolBar *>(u"auditToolbar"_s);
    auto *action = m_page->findChild<QAction *>(actionName);
    if (!toolbar || !action)
        return nullptr;
    return qobject_cast<QToolButton *>(toolbar->widgetForAction(action));
}

void TestAudit::initTestCase()
{
    QVERIFY(m_dataDir.isValid());
    qputenv("BULWARK_ADMIN_PASSWORD", AdminPassword.toUtf8());
    m_page = std::make_unique<AuditPage>();
    // Checks every change the model makes, from before the first load.
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_page->model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    m_page->resize(1200, 700);
    m_page->show();

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
    m_page->setSession({m_connection->client(), m_connection->events(), u"Administrator"_s});
    QTRY_VERIFY_WITH_TIMEOUT(m_page->model()->isLoaded(), UiTimeoutMs);
    // Every start writes system/start.
    QVERIFY(column(AuditModel::ActionColumn).contains(u"start"_s));
}

void TestAudit::cleanupTestCase()
{
    m_tester.reset();
    m_page.reset();
    m_connection.reset();
}

void TestAudit::changesThroughRestAppear()
{
    const int before = m_page->model()->rowCount();
    // A creation is recorded against the collection, a change against the Thing.
    for (int i = 1; i <= 3; ++i) {
        const QString name = u"AuditPump%1"_s.arg(i);
        QCOMPARE(
            rest("POST", u"/api/Things"_s, QJsonDocument(QJsonObject{{u"name"_s, name}}).toJson())
                .status,
            201);
        QCOMPARE(
            rest("PUT", u"/api/Things/"_s + name,
                 QJsonDocument(QJsonObject{{u"name"_s, name}, {u"description"_s, u"audited"_s}})
                     .toJson())
                .status,
            200);
    }
    // No click: the live events bring the new records in.
    QTRY_VERIFY2_WITH_TIMEOUT(column(AuditModel::EntityColumn).contains(u"Things/AuditPump3"_s),
                              qPrintable(column(AuditModel::EntityColumn).join(u", "_s)),
                              UiTimeoutMs);
    QVERIFY(m_page->model()->rowCount() >= before + 6);
    // The table agrees with the server, record for record.
    const RestAnswer server = rest("GET", u"/api/Audit?limit=1000"_s);
    QCOMPARE(server.status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(qint64(m_page->model()->rowCount()),
                              qint64(server.body[u"total"_s].toDouble()), UiTimeoutMs);

    // Details of a record spell out its fields.
    auto *view = m_page->view();
    const QStringList entities = column(AuditModel::EntityColumn);
    const int row = int(entities.indexOf(u"Things/AuditPump2"_s));
    QVERIFY(row >= 0);
    view->selectRow(row);
    auto *details = m_page->findChild<QLabel *>(u"auditDetails"_s);
    QVERIFY(details);
    QVERIFY2(details->text().contains(u"Things/AuditPump2"_s), qPrintable(details->text()));
    QVERIFY(details->text().contains(u"Administrator"_s));
    QVERIFY(details->text().contains(u"Hash"_s));
}

void TestAudit::serverFilterNarrowsTable()
{
    auto *entity = m_page->findChild<QLineEdit *>(u"auditEntityEdit"_s);
    auto *category = m_page->findChild<QComboBox *>(u"auditCategoryCombo"_s);
    auto *apply = m_page->findChild<QPushButton *>(u"applyAuditFilterButton"_s);
    QVERIFY(entity && category && apply);
    const int unfiltered = m_page->model()->rowCount();

    QTest::keyClicks(entity, u"Things/AuditPump1"_s);
    QTest::mouseClick(apply, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(
        m_page->model()->rowCount() > 0 && m_page->model()->rowCount() < unfiltered, UiTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(column(AuditModel::EntityColumn), QStringList{u"Things/AuditPump1"_s},
                              UiTimeoutMs);
    const auto *count = m_page->findChild<QLabel *>(u"auditCountLabel"_s);
    QVERIFY(count);
    QCOMPARE(count->text(), u"Showing 1 of 1 records matching the filter."_s);

    // A category instead: only its records, the creations and the changes.
    entity->clear();
    category->setCurrentIndex(category->findData(u"thing"_s));
    QTest::mouseClick(apply, Qt::LeftButton);
    const auto onlyThings = [this] {
        const QStringList categories = column(AuditModel::CategoryColumn);
        return !categories.isEmpty() &&
               std::all_of(categories.cbegin(), categories.cend(),
                           [](const QString &c) { return c == u"thing"_s; });
    };
    QTRY_VERIFY_WITH_TIMEOUT(onlyThings() && column(AuditModel::EntityColumn).size() >= 6,
                             UiTimeoutMs);
    const QStringList entities = column(AuditModel::EntityColumn);
    QCOMPARE(entities.count(u"Things"_s), 3);
    QVERIFY(!entities.contains(u"Server"_s));

    // An unknown entity: the empty state explains, no rows.
    category->setCurrentIndex(0);
    QTest::keyClicks(entity, u"Things/NoSuchThing"_s);
    QTest::mouseClick(apply, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(m_page->model()->rowCount(), 0, UiTimeoutMs);
    auto *empty = m_page->findChild<QLabel *>(u"auditEmptyState"_s);
    QVERIFY(empty);
    QTRY_VERIFY(empty->isVisible());
    QVERIFY(empty->text().startsWith(u"No audit records match the filter."_s));

    // A time range that ends before the first record: nothing.
    entity->clear();
    auto *toCheck = m_page->findChild<QCheckBox *>(u"auditToCheck"_s);
    auto *toEdit = m_page->findChild<QDateTimeEdit *>(u"auditToEdit"_s);
    QVERIFY(toCheck && toEdit);
    QTest::mouseClick(toCheck, Qt::LeftButton);
    QVERIFY(toEdit->isEnabled());
    toEdit->setDateTime(QDateTime::currentDateTime().addDays(-1));
    QTest::mouseClick(apply, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(m_page->model()->rowCount(), 0, UiTimeoutMs);
    QVERIFY(!m_page->findChild<QLabel *>(u"auditMessageLabel"_s)->isVisible());
    // And one that includes now: everything again.
    toEdit->setDateTime(QDateTime::currentDateTime().addDays(1));
    QTest::mouseClick(apply, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(m_page->model()->rowCount() >= unfiltered, UiTimeoutMs);

    QTest::mouseClick(m_page->findChild<QPushButton *>(u"clearAuditFilterButton"_s),
                      Qt::LeftButton);
    QVERIFY(!toCheck->isChecked());
    QTRY_VERIFY_WITH_TIMEOUT(m_page->model()->rowCount() >= unfiltered, UiTimeoutMs);
}

void TestAudit::textFilterNarrowsTable()
{
    auto *text = m_page->findChild<QLineEdit *>(u"auditTextFilterEdit"_s);
    QVERIFY(text);
    const int all = m_page->view()->model()->rowCount();
    QTest::keyClicks(text, u"AuditPump2"_s);
    QCOMPARE(column(AuditModel::EntityColumn), QStringList{u"Things/AuditPump2"_s});
    QVERIFY(m_page->view()->model()->rowCount() < all);
    text->clear();
    QCOMPARE(m_page->view()->model()->rowCount(), all);
}

void TestAudit::loadMorePagesThroughOlderRecords()
{
    // Small pages: the table starts with one page and grows on "Load more".
    m_page->model()->setPageSize(5);
    m_page->model()->reload();
    QTRY_COMPARE_WITH_TIMEOUT(m_page->model()->rowCount(), 5, UiTimeoutMs);
    const qint64 total = m_page->model()->total();
    QVERIFY(total > 5);
    auto *more = m_page->findChild<QPushButton *>(u"loadMoreAuditButton"_s);
    QVERIFY(more);
    QTRY_VERIFY(more->isVisible() && more->isEnabled());
    QTest::mouseClick(more, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(m_page->model()->rowCount(), qMin<qint64>(10, total), UiTimeoutMs);
    // Newest first and no record twice.
    QList<qint64> ids;
    for (int row = 0; row < m_page->model()->rowCount(); ++row)
        ids.append(m_page->model()->recordAt(row).id);
    for (int i = 1; i < ids.size(); ++i)
        QVERIFY(ids.at(i) < ids.at(i - 1));
    m_page->model()->setPageSize(100);
    m_page->model()->reload();
    QTRY_COMPARE_WITH_TIMEOUT(qint64(m_page->model()->rowCount()), m_page->model()->total(),
                              UiTimeoutMs);
}

void TestAudit::verifyChainReportsIntact()
{
    QToolButton *verify = toolButton(u"verifyAuditChainAction"_s);
    QVERIFY(verify);
    QTest::mouseClick(verify, Qt::LeftButton);
    auto *result = m_page->findChild<QLabel *>(u"auditVerifyResult"_s);
    auto *icon = m_page->findChild<QLabel *>(u"auditVerifyIcon"_s);
    QVERIFY(result && icon);
    QTRY_VERIFY_WITH_TIMEOUT(result->text().startsWith(u"The audit chain is intact"_s) ||
                                 result->text().contains(u"broken"_s),
                             UiTimeoutMs);
    // The count is the server's, as the independent probe sees it.
    const RestAnswer verified = rest("GET", u"/api/Audit/Verify"_s);
    QCOMPARE(verified.status, 200);
    QVERIFY(verified.body[u"intact"_s].toBool());
    const qint64 checked = qint64(verified.body[u"checked"_s].toDouble());
    // Records may have been added by the probe's own request; the page's
    // count is from its earlier check.
    QVERIFY2(result->text().startsWith(u"The audit chain is intact: "_s),
             qPrintable(result->text()));
    const QString number = result->text().section(u": "_s, 1).section(u' ', 0, 0);
    const qint64 shown = QLocale().toLongLong(number);
    QVERIFY2(shown > 0 && shown <= checked, qPrintable(result->text()));
    QVERIFY(icon->isVisible());
    QCOMPARE(icon->toolTip(), u"Intact"_s);
}

void TestAudit::nonAdministratorSeesRefusal()
{
    QCOMPARE(
        rest("POST", u"/api/Users"_s,
             QJsonDocument(QJsonObject{{u"name"_s, u"viewer"_s}, {u"password"_s, ViewerPassword}})
                 .toJson())
            .status,
        201);
    Bulwark::Models::ServerEndpoint endpoint = m_connection->endpoint();
    endpoint.user = u"viewer"_s;
    endpoint.password = ViewerPassword;
    Bulwark::Models::ApiClient client(endpoint);
    AuditPage page;
    QAbstractItemModelTester tester(page.model(),
                                    QAbstractItemModelTester::FailureReportingMode::Fatal);
    page.show();
    page.setSession({&client, nullptr, u"viewer"_s});
    auto *message = page.findChild<QLabel *>(u"auditMessageLabel"_s);
    QVERIFY(message);
    QTRY_VERIFY_WITH_TIMEOUT(message->isVisible(), UiTimeoutMs);
    // The server's own words, after what the console tried to do.
    QVERIFY2(message->text().startsWith(u"Could not load the audit log: "_s),
             qPrintable(message->text()));
    QVERIFY2(message->text().contains(u"dministrator"_s), qPrintable(message->text()));
    QCOMPARE(page.model()->rowCount(), 0);
    auto *empty = page.findChild<QLabel *>(u"auditEmptyState"_s);
    QVERIFY(empty && empty->isVisible());
    QVERIFY(empty->text().contains(u"Only administrators may read it."_s));

    // Disconnecting clears everything and says so.
    page.setSession({});
    QTRY_VERIFY(empty->text().startsWith(u"Not connected"_s));
}

QTEST_MAIN(TestAudit)
#include "tst_auditpage.moc"
