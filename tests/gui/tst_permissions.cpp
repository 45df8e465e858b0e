// The Permissions area against a real embedded server over TLS: cells set by
// clicks and keys on the real views, changes applied through the summary
// dialog, a conflict with a change made elsewhere, the effective mode's
// explanation of a denied cell, and an export/import round trip. What the
// server holds is always checked with an independent REST client.
#include "RestProbe.h"
#include "models/ApiClient.h"
#include "models/PermissionEffectiveModel.h"
#include "models/PermissionMatrixModel.h"
#include "ui/ConnectionManager.h"
#include "ui/ExplainPane.h"
#include "ui/PermissionPrincipalPicker.h"
#include "ui/PermissionsPage.h"
#include "ui/SecurityExport.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace Qt::StringLiterals;
using Bulwark::Models::CellState;
using Bulwark::Models::Permission;
using Bulwark::Models::PermissionMatrixModel;
using Bulwark::Models::PermissionPrincipal;
using Bulwark::Models::PermissionScope;
using Bulwark::Models::PrincipalType;
using Bulwark::Ui::ConnectionManager;
using Bulwark::Ui::PermissionsPage;
using Bulwark::Ui::SecurityExport;

namespace {
constexpr int ServerTimeoutMs = 60000;
constexpr int UiTimeoutMs = 10000;
const QString AdminPassword = u"correct-horse-battery-staple-42"_s;
const QString BobPassword = u"tulip-anchor-violet-17"_s;

// A rule as "Group/Operators/Read/Allow[/member]", for comparing sets.
QStringList ruleKeys(const QJsonArray &rules)
{
    QStringList keys;
    for (const QJsonValue &value : rules) {
        const QJsonObject rule = value.toObject();
        const QJsonObject principal = rule.value("principal"_L1).toObject();
        QString key = principal.value("type"_L1).toString() + u'/' +
                      principal.value("name"_L1).toString() + u'/' +
                      rule.value("permission"_L1).toString() + u'/' +
                      rule.value("effect"_L1).toString();
        if (rule.contains("member"_L1))
            key += u'/' + rule.value("member"_L1).toString();
        keys.append(key);
    }
    keys.sort();
    return keys;
}

QJsonObject rule(const QString &type, const QString &name, const QString &permission,
                 const QString &effect)
{
    return QJsonObject{{"principal"_L1, QJsonObject{{"type"_L1, type}, {"name"_L1, name}}},
                       {"permission"_L1, permission},
                       {"effect"_L1, effect}};
}
} // namespace

class TestPermissions final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void emptyEntityExplainsItself();
    void addsPrincipalsThroughPicker();
    void searchFiltersPrincipals();
    void setsAllowAndDenyByDrivingTheViews();
    void memberOverrideWithKeyboard();
    void conflictIsShownNotOverwritten();
    void discardRestoresLoadedRules();
    void effectiveModeExplainsDeniedCell();
    void exportImportRoundTrip();
    void importWithMissingReferencesIsRefusedThenSkips();
    void scopeSelectorLoadsEachLevel();
    void followsEntitiesCreatedAndDeletedElsewhere();
    void nonAdministratorSeesTheRefusal();

private:
    [[nodiscard]] RestAnswer rest(const QByteArray &verb, const QString &path,
                                  const QJsonObject &body = {}) const;
    [[nodiscard]] QStringList serverRules(const QString &path) const;
    [[nodiscard]] QModelIndex cellIndex(QTableView *view, const PermissionPrincipal &principal,
                                        Permission permission) const;
    void clickCell(QTableView *view, const QModelIndex &index);
    [[nodiscard]] bool loadScope(const PermissionScope &scope);
    [[nodiscard]] bool applyThroughDialog();

    QTemporaryDir m_dataDir;
    std::unique_ptr<ConnectionManager> m_connection;
    std::unique_ptr<PermissionsPage> m_page;
    std::vector<std::unique_ptr<QAbstractItemModelTester>> m_testers;
    const PermissionPrincipal m_operators{PrincipalType::Group, u"Operators"_s};
    const PermissionPrincipal m_nightShift{PrincipalType::Group, u"NightShift"_s};
    const PermissionPrincipal m_bob{PrincipalType::User, u"bob"_s};
    PermissionScope m_boiler;
};

RestAnswer TestPermissions::rest(const QByteArray &verb, const QString &path,
                                 const QJsonObject &body) const
{
    QUrl url;
    url.setScheme(u"https"_s);
    url.setHost(u"127.0.0.1"_s);
    url.setPort(m_connection->embeddedServerPort());
    const qsizetype query = path.indexOf(u'?');
    url.setPath(query < 0 ? path : path.left(query));
    if (query >= 0)
        url.setQuery(path.mid(query + 1));
    return restCall(verb, url, u"Administrator"_s, AdminPassword,
                    m_connection->endpoint().pinnedFingerprint,
                    body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson());
}

QStringList TestPermissions::serverRules(const QString &path) const
{
    const RestAnswer answer = rest("GET", path);
    if (answer.status != 200)
        return {u"HTTP %1"_s.arg(answer.status)};
    return ruleKeys(answer.body.object().value("rules"_L1).toArray());
}

QModelIndex TestPermissions::cellIndex(QTableView *view, const PermissionPrincipal &principal,
                                       Permission permission) const
{
    auto *proxy = qobject_cast<QSortFilterProxyModel *>(view->model());
    PermissionMatrixModel *matrix = m_page->matrixModel();
    const int row = matrix->rowOf(principal);
    if (!proxy || row < 0)
        return {};
    return proxy->mapFromSource(matrix->index(row, PermissionMatrixModel::columnOf(permission)));
}

void TestPermissions::clickCell(QTableView *view, const QModelIndex &index)
{
    view->scrollTo(index);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(index).center());
}

bool TestPermissions::loadScope(const PermissionScope &scope)
{
    QSignalSpy loaded(m_page.get(), &PermissionsPage::rulesLoaded);
    if (!m_page->setScope(scope))
        return false;
    return loaded.wait(UiTimeoutMs) && m_page->matrixModel()->isLoaded();
}

bool TestPermissions::applyThroughDialog()
{
    auto *apply = m_page->findChild<QToolButton *>(u"applyPermissionsButton"_s);
    if (!apply || !apply->isEnabled())
        return false;
    QTest::mouseClick(apply, Qt::LeftButton);
    auto *dialog = m_page->findChild<QDialog *>(u"permissionApplyDialog"_s);
    if (!dialog || !dialog->isVisible())
        return false;
    auto *confirm = dialog->findChild<QPushButton *>(u"permissionApplyConfirmButton"_s);
    if (!confirm)
        return false;
    QTest::mouseClick(confirm, Qt::LeftButton);
    return true;
}

void TestPermissions::initTestCase()
{
    QVERIFY(m_dataDir.isValid());
    qputenv("BULWARK_ADMIN_PASSWORD", AdminPassword.toUtf8());
    Bulwark::ServerConfig config;
    config.dataDir = m_dataDir.path();
    config.port = 0;
    m_connection = std::make_unique<ConnectionManager>();
    m_connection->startEmbeddedServer(config);
    QTRY_VERIFY_WITH_TIMEOUT(m_connection->state() == ConnectionManager::State::Connected ||
                                 !m_connection->lastError().isEmpty(),
                             ServerTimeoutMs);
    QVERIFY2(m_connection->lastError().isEmpty(), qPrintable(m_connection->lastError()));

    // A Thing with one member of each kind, bob in NightShift and Operators,
    // and an organization whose unit Ops (members: Operators) sees Boiler1.
    QCOMPARE(
        rest("POST", u"/api/Things"_s,
             QJsonObject{{"name"_L1, u"Boiler1"_s},
                         {"properties"_L1, QJsonArray{QJsonObject{{"name"_L1, u"temperature"_s},
                                                                  {"baseType"_L1, u"NUMBER"_s}}}},
                         {"services"_L1, QJsonArray{QJsonObject{{"name"_L1, u"Reset"_s}}}},
                         {"events"_L1, QJsonArray{QJsonObject{{"name"_L1, u"Overheat"_s}}}}})
            .status,
        201);
    QCOMPARE(rest("POST", u"/api/Users"_s,
                  QJsonObject{{"name"_L1, u"bob"_s}, {"password"_L1, BobPassword}})
                 .status,
             201);
    const QJsonArray bobOnly{QJsonObject{{"type"_L1, u"User"_s}, {"name"_L1, u"bob"_s}}};
    QCOMPARE(rest("POST", u"/api/Groups"_s,
                  QJsonObject{{"name"_L1, u"NightShift"_s}, {"members"_L1, bobOnly}})
                 .status,
             201);
    QCOMPARE(rest("POST", u"/api/Groups"_s,
                  QJsonObject{{"name"_L1, u"Operators"_s}, {"members"_L1, bobOnly}})
                 .status,
             201);
    QCOMPARE(rest("POST", u"/api/Organizations"_s,
                  QJsonObject{{"name"_L1, u"Works"_s},
                              {"units"_L1, QJsonArray{QJsonObject{{"name"_L1, u"Ops"_s},
                                                                  {"parent"_L1, u"Works"_s}}}}})
                 .status,
             201);
    QCOMPARE(rest("PUT", u"/api/Organizations/Works/Units/Ops/Members"_s,
                  QJsonObject{{"members"_L1, QJsonArray{QJsonObject{{"type"_L1, u"Group"_s},
                                                                    {"name"_L1, u"Operators"_s}}}}})
                 .status,
             200);
    QCOMPARE(rest("PUT", u"/api/Things/Boiler1/Visibility"_s,
                  QJsonObject{{"units"_L1, QJsonArray{u"Works/Ops"_s}}})
                 .status,
             200);

    m_boiler.level = PermissionScope::Level::Entity;
    m_boiler.collection = u"Things"_s;
    m_boiler.name = u"Boiler1"_s;

    m_page = std::make_unique<PermissionsPage>();
    // Every model the page shows is checked from before it is filled.
    for (QAbstractItemModel *model :
         {static_cast<QAbstractItemModel *>(m_page->matrixModel()),
          static_cast<QAbstractItemModel *>(m_page->effectiveModel()),
          m_page->designTimeView()->model(), m_page->runTimeView()->model()})
        m_testers.push_back(std::make_unique<QAbstractItemModelTester>(
            model, QAbstractItemModelTester::FailureReportingMode::Fatal));
    m_page->resize(1200, 700);
    m_page->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
    QSignalSpy loaded(m_page.get(), &PermissionsPage::rulesLoaded);
    m_page->setSession({m_connection->client(), m_connection->events(), u"Administrator"_s});
    // The default scope is the Things collection.
    QVERIFY(loaded.wait(UiTimeoutMs));
    QCOMPARE(m_page->matrixModel()->scope().level, PermissionScope::Level::Collection);
}

void TestPermissions::cleanupTestCase()
{
    if (m_page)
        m_page->setSession({});
    m_testers.clear();
    m_page.reset();
    m_connection.reset();
}

void TestPermissions::emptyEntityExplainsItself()
{
    QVERIFY(loadScope(m_boiler));
    QCOMPARE(m_page->matrixModel()->rowCount(), 0);
    const auto *empty = m_page->findChild<QLabel *>(u"permissionsEmptyState"_s);
    QVERIFY(empty);
    QTRY_VERIFY(empty->isVisible());
    QVERIFY2(empty->text().contains(u"Add principal"_s), qPrintable(empty->text()));
}

void TestPermissions::addsPrincipalsThroughPicker()
{
    auto *add = m_page->findChild<QToolButton *>(u"addPrincipalButton"_s);
    QVERIFY(add && add->isEnabled());
    QTest::mouseClick(add, Qt::LeftButton);
    auto *picker = m_page->findChild<Bulwark::Ui::PermissionPrincipalPicker *>();
    QVERIFY(picker && picker->isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(picker->isLoaded(), UiTimeoutMs);
    auto *list = picker->findChild<QListWidget *>(u"principalPickerList"_s);
    auto *filter = picker->findChild<QLineEdit *>(u"principalPickerFilter"_s);
    QVERIFY(list && filter);
    // Searching narrows the list; pick NightShift, then Operators and bob.
    QTest::keyClicks(filter, u"night"_s);
    int visible = 0;
    QListWidgetItem *nightShift = nullptr;
    for (int row = 0; row < list->count(); ++row) {
        if (!list->item(row)->isHidden()) {
            ++visible;
            nightShift = list->item(row);
        }
    }
    QCOMPARE(visible, 1);
    QVERIFY(nightShift->text().contains(u"NightShift"_s));
    filter->clear();
    for (int row = 0; row < list->count(); ++row) {
        const QString text = list->item(row)->text();
        if (text.startsWith(u"NightShift"_s) || text.startsWith(u"Operators"_s) ||
            text == u"bob (user)"_s)
            list->item(row)->setSelected(true);
    }
    QCOMPARE(picker->selectedPrincipals().size(), 3);
    QTest::mouseClick(picker->findChild<QPushButton *>(u"principalPickerAddButton"_s),
                      Qt::LeftButton);
    PermissionMatrixModel *matrix = m_page->matrixModel();
    QCOMPARE(matrix->rowCount(), 3);
    QVERIFY(matrix->rowOf(m_operators) >= 0);
    QVERIFY(matrix->rowOf(m_nightShift) >= 0);
    QVERIFY(matrix->rowOf(m_bob) >= 0);
    QVERIFY(!matrix->hasChanges()); // a row alone is no rule
    // Create cannot be set on an existing entity: its cell is not enabled,
    // and a click on it changes nothing.
    const QModelIndex create = cellIndex(m_page->designTimeView(), m_operators, Permission::Create);
    QVERIFY(!(create.flags() & Qt::ItemIsEnabled));
    clickCell(m_page->designTimeView(), create);
    QVERIFY(!matrix->hasChanges());
    QVERIFY(m_page->designTimeView()->isVisible());
}

void TestPermissions::searchFiltersPrincipals()
{
    auto *search = m_page->findChild<QLineEdit *>(u"permissionSearchEdit"_s);
    QVERIFY(search);
    QCOMPARE(m_page->designTimeView()->model()->rowCount(), 3);
    QTest::keyClicks(search, u"OPER"_s);
    QCOMPARE(m_page->designTimeView()->model()->rowCount(), 1);
    QCOMPARE(m_page->runTimeView()->model()->rowCount(), 1);
    QCOMPARE(m_page->designTimeView()->model()->index(0, 0).data().toString(), u"Operators"_s);
    search->clear();
    QCOMPARE(m_page->designTimeView()->model()->rowCount(), 3);
    // Design-time shows CRUD, run-time the five run-time permissions.
    QCOMPARE(m_page->designTimeView()->model()->columnCount(), 5);
    QCOMPARE(m_page->runTimeView()->model()->columnCount(), 6);
}

void TestPermissions::setsAllowAndDenyByDrivingTheViews()
{
    PermissionMatrixModel *matrix = m_page->matrixModel();
    QTableView *design = m_page->designTimeView();
    const QModelIndex read = cellIndex(design, m_operators, Permission::Read);
    QVERIFY(read.isValid());
    clickCell(design, read); // Inherit → Allow
    QCOMPARE(matrix->cell(matrix->rowOf(m_operators), Permission::Read), CellState::Allow);
    QVERIFY(read.data(PermissionMatrixModel::ChangedRole).toBool());

    auto *tabs = m_page->findChild<QTabWidget *>(u"permissionTabs"_s);
    tabs->setCurrentIndex(1);
    QTableView *runTime = m_page->runTimeView();
    QTRY_VERIFY(runTime->isVisible());
    const QModelIndex write = cellIndex(runTime, m_nightShift, Permission::PropertyWrite);
    clickCell(runTime, write); // Allow
    clickCell(runTime, write); // Deny
    QCOMPARE(matrix->cell(matrix->rowOf(m_nightShift), Permission::PropertyWrite), CellState::Deny);
    QCOMPARE(write.data().toString(), u"Deny"_s);
    QCOMPARE(matrix->changeCount(), 2);

    // The summary lists the changes in words before anything is written.
    auto *apply = m_page->findChild<QToolButton *>(u"applyPermissionsButton"_s);
    QTest::mouseClick(apply, Qt::LeftButton);
    auto *dialog = m_page->findChild<QDialog *>(u"permissionApplyDialog"_s);
    QVERIFY(dialog && dialog->isVisible());
    auto *list = dialog->findChild<QListWidget *>(u"permissionChangesList"_s);
    QStringList lines;
    for (int row = 0; row < list->count(); ++row)
        lines.append(list->item(row)->text());
    lines.sort();
    QCOMPARE(lines, (QStringList{u"Allow Read to group Operators"_s,
                                 u"Deny PropertyWrite to group NightShift"_s}));
    QCOMPARE(serverRules(m_boiler.rulesPath()), QStringList());
    QSignalSpy applied(m_page.get(), &PermissionsPage::rulesApplied);
    QTest::mouseClick(dialog->findChild<QPushButton *>(u"permissionApplyConfirmButton"_s),
                      Qt::LeftButton);
    QVERIFY(applied.wait(UiTimeoutMs));
    QCOMPARE(
        serverRules(m_boiler.rulesPath()),
        (QStringList{u"Group/NightShift/PropertyWrite/Deny"_s, u"Group/Operators/Read/Allow"_s}));
    QVERIFY(!matrix->hasChanges());
    // bob's row had no rule and was not part of the answer.
    QCOMPARE(matrix->rowCount(), 2);
    tabs->setCurrentIndex(0);
}

void TestPermissions::memberOverrideWithKeyboard()
{
    PermissionScope scope = m_boiler;
    scope.level = PermissionScope::Level::Member;
    scope.member = u"temperature"_s;
    scope.memberKind = PermissionScope::MemberKind::Property;
    QVERIFY(loadScope(scope));
    auto *tabs = m_page->findChild<QTabWidget *>(u"permissionTabs"_s);
    // A property has no design-time permissions: that tab is off.
    QVERIFY(!tabs->isTabEnabled(0));
    QCOMPARE(tabs->currentIndex(), 1);
    m_page->addPrincipal(m_operators);
    QTableView *view = m_page->runTimeView();
    const QModelIndex read = cellIndex(view, m_operators, Permission::PropertyRead);
    const QModelIndex invoke = cellIndex(view, m_operators, Permission::ServiceInvoke);
    QVERIFY(!(invoke.flags() & Qt::ItemIsEnabled)); // a property cannot be invoked
    view->setFocus();
    view->setCurrentIndex(read);
    QTest::keyClick(view, Qt::Key_Space); // Allow
    QTest::keyClick(view, Qt::Key_Space); // Deny
    QCOMPARE(read.data(PermissionMatrixModel::CellStateRole).toInt(), int(CellState::Deny));
    QVERIFY(applyThroughDialog());
    QSignalSpy applied(m_page.get(), &PermissionsPage::rulesApplied);
    QVERIFY(applied.wait(UiTimeoutMs));
    // The override joins the entity's rules, which stay as they were.
    QCOMPARE(serverRules(m_boiler.rulesPath()),
             (QStringList{u"Group/NightShift/PropertyWrite/Deny"_s,
                          u"Group/Operators/PropertyRead/Deny/temperature"_s,
                          u"Group/Operators/Read/Allow"_s}));
    QVERIFY(loadScope(m_boiler));
    QCOMPARE(m_page->matrixModel()->rowCount(), 2);
}

void TestPermissions::conflictIsShownNotOverwritten()
{
    PermissionMatrixModel *matrix = m_page->matrixModel();
    QTableView *design = m_page->designTimeView();
    // Stage: Operators Read Allow → Deny, and Operators Update → Allow.
    clickCell(design, cellIndex(design, m_operators, Permission::Read));
    clickCell(design, cellIndex(design, m_operators, Permission::Update));
    QCOMPARE(matrix->cell(matrix->rowOf(m_operators), Permission::Read), CellState::Deny);
    QCOMPARE(matrix->cell(matrix->rowOf(m_operators), Permission::Update), CellState::Allow);

    // Meanwhile another administrator removes Operators' Read and lets
    // NightShift delete (the member override is kept).
    QJsonObject overrideRule = rule(u"Group"_s, u"Operators"_s, u"PropertyRead"_s, u"Deny"_s);
    overrideRule.insert("member"_L1, u"temperature"_s);
    const QJsonArray elsewhere{rule(u"Group"_s, u"NightShift"_s, u"PropertyWrite"_s, u"Deny"_s),
                               rule(u"Group"_s, u"NightShift"_s, u"Delete"_s, u"Allow"_s),
                               overrideRule};
    QCOMPARE(rest("PUT", m_boiler.rulesPath(), QJsonObject{{"rules"_L1, elsewhere}}).status, 200);
    const QStringList afterElsewhere = ruleKeys(elsewhere);
    QCOMPARE(serverRules(m_boiler.rulesPath()), afterElsewhere);

    QSignalSpy conflict(m_page.get(), &PermissionsPage::conflictShown);
    QVERIFY(applyThroughDialog());
    QVERIFY(conflict.wait(UiTimeoutMs));
    QCOMPARE(conflict.first().first().toInt(), 1);
    // Nothing was overwritten.
    QCOMPARE(serverRules(m_boiler.rulesPath()), afterElsewhere);
    // The message names the conflicting change; the staged changes are kept
    // on top of the server's rules.
    QVERIFY2(m_page->messageText().contains(u"Deny Read to group Operators"_s),
             qPrintable(m_page->messageText()));
    const int operators = matrix->rowOf(m_operators);
    QCOMPARE(matrix->cell(operators, Permission::Read), CellState::Deny);
    QCOMPARE(matrix->loadedCell(operators, Permission::Read), CellState::Inherit);
    QVERIFY(cellIndex(design, m_operators, Permission::Read)
                .data(PermissionMatrixModel::ConflictRole)
                .toBool());
    QVERIFY(!cellIndex(design, m_operators, Permission::Update)
                 .data(PermissionMatrixModel::ConflictRole)
                 .toBool());
    QCOMPARE(matrix->loadedCell(matrix->rowOf(m_nightShift), Permission::Delete), CellState::Allow);

    // After review, applying again writes the user's changes on the new rules.
    QSignalSpy applied(m_page.get(), &PermissionsPage::rulesApplied);
    QVERIFY(applyThroughDialog());
    QVERIFY(applied.wait(UiTimeoutMs));
    QCOMPARE(
        serverRules(m_boiler.rulesPath()),
        (QStringList{u"Group/NightShift/Delete/Allow"_s, u"Group/NightShift/PropertyWrite/Deny"_s,
                     u"Group/Operators/PropertyRead/Deny/temperature"_s,
                     u"Group/Operators/Read/Deny"_s, u"Group/Operators/Update/Allow"_s}));
}

void TestPermissions::discardRestoresLoadedRules()
{
    PermissionMatrixModel *matrix = m_page->matrixModel();
    QTableView *design = m_page->designTimeView();
    clickCell(design, cellIndex(design, m_nightShift, Permission::Read));
    QVERIFY(matrix->hasChanges());
    // The scope cannot change under staged changes.
    QVERIFY(!m_page->findChild<QComboBox *>(u"permissionLevelCombo"_s)->isEnabled());
    QVERIFY(!m_page->setScope(m_boiler));
    QTest::mouseClick(m_page->findChild<QToolButton *>(u"discardPermissionsButton"_s),
                      Qt::LeftButton);
    auto *box = m_page->findChild<QMessageBox *>(u"confirmDiscardDialog"_s);
    QVERIFY(box && box->isVisible());
    QTest::mouseClick(box->button(QMessageBox::Discard), Qt::LeftButton);
    QTRY_VERIFY(!matrix->hasChanges());
    QCOMPARE(matrix->cell(matrix->rowOf(m_nightShift), Permission::Read), CellState::Inherit);
}

void TestPermissions::effectiveModeExplainsDeniedCell()
{
    QVERIFY(loadScope(m_boiler));
    auto *check = m_page->findChild<QCheckBox *>(u"effectiveModeCheck"_s);
    auto *user = m_page->findChild<QComboBox *>(u"effectiveUserCombo"_s);
    QVERIFY(check && user && check->isEnabled());
    QSignalSpy effective(m_page.get(), &PermissionsPage::effectiveLoaded);
    user->setEditText(u"bob"_s);
    QTest::mouseClick(check, Qt::LeftButton);
    QVERIFY(effective.wait(UiTimeoutMs));
    QVERIFY(m_page->isEffectiveMode());

    auto *tabs = m_page->findChild<QTabWidget *>(u"permissionTabs"_s);
    tabs->setCurrentIndex(1);
    QTableView *view = m_page->runTimeView();
    QTRY_VERIFY(view->isVisible());
    QCOMPARE(view->model()->rowCount(), 1);
    // Find PropertyWrite among the run-time columns by its header.
    int column = -1;
    for (int c = 0; c < view->model()->columnCount(); ++c) {
        if (view->model()->headerData(c, Qt::Horizontal).toString() == u"PropertyWrite"_s)
            column = c;
    }
    QVERIFY(column > 0);
    const QModelIndex write = view->model()->index(0, column);
    QCOMPARE(write.data(PermissionMatrixModel::CellStateRole).toInt(), int(CellState::Deny));
    QCOMPARE(write.data().toString(), u"Denied"_s);
    // Without any rule the server denies by default, and the cell says so.
    int invokeColumn = -1;
    for (int c = 0; c < view->model()->columnCount(); ++c) {
        if (view->model()->headerData(c, Qt::Horizontal).toString() == u"ServiceInvoke"_s)
            invokeColumn = c;
    }
    QCOMPARE(view->model()->index(0, invokeColumn).data().toString(), u"Denied (no rule)"_s);

    QSignalSpy explained(m_page.get(), &PermissionsPage::explanationShown);
    clickCell(view, write);
    QVERIFY(explained.wait(UiTimeoutMs));
    const QString text = m_page->explainPane()->text();
    QVERIFY2(text.startsWith(u"Denied"_s), qPrintable(text));
    QVERIFY2(text.contains(u"Deny PropertyWrite for group NightShift"_s), qPrintable(text));
    QVERIFY2(text.contains(u"bob → NightShift"_s), qPrintable(text));
    QVERIFY2(text.contains(u"level 2"_s), qPrintable(text));
    QVERIFY2(text.contains(u"through the unit Ops of the organization Works"_s), qPrintable(text));
    QVERIFY2(!text.contains(u'{'), qPrintable(text)); // sentences, not JSON

    // Turning it off shows the editable matrix again.
    QTest::mouseClick(check, Qt::LeftButton);
    QVERIFY(!m_page->isEffectiveMode());
    QCOMPARE(view->model()->rowCount(), 2);
    tabs->setCurrentIndex(0);
}

void TestPermissions::exportImportRoundTrip()
{
    QVERIFY(loadScope(m_boiler));
    QTemporaryDir files;
    const QString path = files.filePath(u"boiler.json"_s);
    QSignalSpy exported(m_page.get(), &PermissionsPage::securityExported);
    m_page->exportSecurity(path);
    QVERIFY(exported.wait(UiTimeoutMs));
    QString error;
    const std::optional<QJsonObject> document = SecurityExport::readFile(path, &error);
    QVERIFY2(document, qPrintable(error));
    const QStringList before = serverRules(m_boiler.rulesPath());
    QCOMPARE(ruleKeys(document->value("rules"_L1).toArray()), before);
    QCOMPARE(document->value("visibility"_L1).toArray(), QJsonArray{u"Works/Ops"_s});

    // Wipe rules and visibility elsewhere, then import the file back.
    QCOMPARE(rest("PUT", m_boiler.rulesPath(), QJsonObject{{"rules"_L1, QJsonArray{}}}).status,
             200);
    QCOMPARE(
        rest("PUT", u"/api/Things/Boiler1/Visibility"_s, QJsonObject{{"units"_L1, QJsonArray{}}})
            .status,
        200);
    QCOMPARE(serverRules(m_boiler.rulesPath()), QStringList());
    QVERIFY(loadScope(m_boiler));
    QSignalSpy imported(m_page.get(), &PermissionsPage::securityImported);
    QSignalSpy loaded(m_page.get(), &PermissionsPage::rulesLoaded);
    m_page->importSecurity(path);
    QVERIFY(imported.wait(UiTimeoutMs));
    QCOMPARE(serverRules(m_boiler.rulesPath()), before);
    QCOMPARE(
        rest("GET", u"/api/Things/Boiler1/Visibility"_s).body.object().value("units"_L1).toArray(),
        QJsonArray{u"Works/Ops"_s});
    // The matrix shows what was imported.
    QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), UiTimeoutMs);
    QCOMPARE(m_page->matrixModel()->rowCount(), 2);
}

void TestPermissions::importWithMissingReferencesIsRefusedThenSkips()
{
    QTemporaryDir files;
    const QString path = files.filePath(u"ghosts.json"_s);
    const RestAnswer exported = rest("GET", u"/api/Things/Boiler1/Security"_s);
    QCOMPARE(exported.status, 200);
    QJsonObject document = exported.body.object();
    const QStringList before = serverRules(m_boiler.rulesPath());
    QJsonArray rules = document.value("rules"_L1).toArray();
    rules.append(rule(u"Group"_s, u"Ghosts"_s, u"Read"_s, u"Allow"_s));
    document.insert("rules"_L1, rules);
    QJsonArray principals = document.value("principals"_L1).toArray();
    principals.append(QJsonObject{{"type"_L1, u"Group"_s}, {"name"_L1, u"Ghosts"_s}});
    document.insert("principals"_L1, principals);
    QString error;
    QVERIFY2(SecurityExport::writeFile(path, document, &error), qPrintable(error));

    // Remove a rule so that a successful import is visible.
    QCOMPARE(rest("PUT", m_boiler.rulesPath(), QJsonObject{{"rules"_L1, QJsonArray{}}}).status,
             200);
    QVERIFY(loadScope(m_boiler));
    QSignalSpy refused(m_page.get(), &PermissionsPage::importRefused);
    m_page->importSecurity(path);
    QVERIFY(refused.wait(UiTimeoutMs));
    const QStringList missing = refused.first().first().toStringList();
    QCOMPARE(missing, QStringList{u"group “Ghosts”"_s});
    QCOMPARE(serverRules(m_boiler.rulesPath()), QStringList()); // nothing written
    QVERIFY2(m_page->messageText().contains(u"Ghosts"_s), qPrintable(m_page->messageText()));

    auto *box = m_page->findChild<QMessageBox *>(u"importRefusedDialog"_s);
    QVERIFY(box && box->isVisible());
    QVERIFY(box->informativeText().contains(u"Ghosts"_s));
    QSignalSpy imported(m_page.get(), &PermissionsPage::securityImported);
    QTest::mouseClick(box->findChild<QPushButton *>(u"importSkippingMissingButton"_s),
                      Qt::LeftButton);
    QVERIFY(imported.wait(UiTimeoutMs));
    QCOMPARE(serverRules(m_boiler.rulesPath()), before);
    QVERIFY2(m_page->messageText().contains(u"Ghosts"_s), qPrintable(m_page->messageText()));
}

void TestPermissions::scopeSelectorLoadsEachLevel()
{
    auto *level = m_page->findChild<QComboBox *>(u"permissionLevelCombo"_s);
    auto *collection = m_page->findChild<QComboBox *>(u"permissionCollectionCombo"_s);
    auto *entity = m_page->findChild<QComboBox *>(u"permissionEntityCombo"_s);
    auto *member = m_page->findChild<QComboBox *>(u"permissionMemberCombo"_s);
    auto *tabs = m_page->findChild<QTabWidget *>(u"permissionTabs"_s);
    QVERIFY(level && collection && entity && member && tabs);
    QVERIFY(level->isEnabled());

    // Entity level on Groups: the names are listed and the first one loads.
    QSignalSpy loaded(m_page.get(), &PermissionsPage::rulesLoaded);
    collection->setCurrentIndex(collection->findText(u"Groups"_s));
    QTRY_VERIFY_WITH_TIMEOUT(m_page->matrixModel()->scope().collection == u"Groups"_s &&
                                 m_page->matrixModel()->isLoaded(),
                             UiTimeoutMs);
    QCOMPARE(m_page->matrixModel()->scope().name, u"Administrators"_s);
    QCOMPARE(entity->count(), 3);
    QVERIFY(!tabs->isTabEnabled(1)); // no run-time permissions on a group

    // Member level: Boiler1's members are offered, the first property loads.
    level->setCurrentIndex(level->findData(int(PermissionScope::Level::Member)));
    QTRY_VERIFY_WITH_TIMEOUT(m_page->matrixModel()->scope().level ==
                                     PermissionScope::Level::Member &&
                                 m_page->matrixModel()->isLoaded(),
                             UiTimeoutMs);
    QCOMPARE(member->count(), 3);
    QCOMPARE(m_page->matrixModel()->scope().member, u"temperature"_s);
    QCOMPARE(m_page->matrixModel()->rowCount(), 1); // the override of earlier tests

    // Collection level: the Things collection, where Create lives.
    level->setCurrentIndex(level->findData(int(PermissionScope::Level::Collection)));
    collection->setCurrentIndex(collection->findText(u"Things"_s));
    QTRY_VERIFY_WITH_TIMEOUT(m_page->matrixModel()->scope().level ==
                                     PermissionScope::Level::Collection &&
                                 m_page->matrixModel()->scope().collection == u"Things"_s &&
                                 m_page->matrixModel()->isLoaded(),
                             UiTimeoutMs);
    m_page->addPrincipal(m_operators);
    const QModelIndex create = cellIndex(m_page->designTimeView(), m_operators, Permission::Create);
    QVERIFY(create.flags() & Qt::ItemIsEnabled);
    m_page->discardChanges();
}

void TestPermissions::followsEntitiesCreatedAndDeletedElsewhere()
{
    QTRY_VERIFY_WITH_TIMEOUT(
        m_connection->liveEventsState() == Bulwark::Models::EventStream::State::Live, UiTimeoutMs);
    auto *entity = m_page->findChild<QComboBox *>(u"permissionEntityCombo"_s);
    QVERIFY(loadScope(m_boiler));
    QTRY_COMPARE_WITH_TIMEOUT(entity->count(), 1, UiTimeoutMs);
    QCOMPARE(rest("POST", u"/api/Things"_s, QJsonObject{{"name"_L1, u"Boiler2"_s}}).status, 201);
    // A Thing created elsewhere appears in the picker.
    QTRY_VERIFY_WITH_TIMEOUT(entity->findText(u"Boiler2"_s) >= 0, UiTimeoutMs);
    PermissionScope boiler2 = m_boiler;
    boiler2.name = u"Boiler2"_s;
    QVERIFY(loadScope(boiler2));
    QCOMPARE(rest("DELETE", u"/api/Things/Boiler2"_s).status, 204);
    // Deleted while shown: the page says so and shows nothing stale.
    QTRY_VERIFY_WITH_TIMEOUT(m_page->messageText().contains(u"was deleted"_s), UiTimeoutMs);
    QVERIFY(!m_page->matrixModel()->isLoaded());
    QTRY_VERIFY_WITH_TIMEOUT(entity->findText(u"Boiler2"_s) < 0, UiTimeoutMs);
}

void TestPermissions::nonAdministratorSeesTheRefusal()
{
    // bob's own console: rules are for administrators only.
    Bulwark::Models::ServerEndpoint endpoint = m_connection->endpoint();
    endpoint.user = u"bob"_s;
    endpoint.password = BobPassword;
    Bulwark::Models::ApiClient client(endpoint);
    PermissionsPage page;
    QAbstractItemModelTester tester(page.matrixModel(),
                                    QAbstractItemModelTester::FailureReportingMode::Fatal);
    page.show();
    QSignalSpy error(&page, &PermissionsPage::errorShown);
    page.setSession({&client, nullptr, u"bob"_s});
    QVERIFY(error.wait(UiTimeoutMs));
    const QString message = page.messageText();
    QVERIFY2(message.contains(u"could not be loaded"_s), qPrintable(message));
    QVERIFY2(message.contains(u"administrator"_s, Qt::CaseInsensitive), qPrintable(message));
    QVERIFY(!page.matrixModel()->isLoaded());
    QVERIFY(!page.findChild<QToolButton *>(u"addPrincipalButton"_s)->isEnabled());

    // Disconnected: nothing from the server stays, and the page says so.
    page.setSession({});
    const auto *empty = page.findChild<QLabel *>(u"permissionsEmptyState"_s);
    QVERIFY(empty->text().contains(u"Not connected"_s));
}

QTEST_MAIN(TestPermissions)
#include "tst_permissions.moc"
