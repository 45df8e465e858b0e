// The Organizations page against a real embedded server over TLS: creating
// an organization and units through the page's dialogs, moving a unit by
// drag and drop (the model's mimeData/dropMimeData, as the tree view calls
// them), undo through the REST API, a cycle refused by the server, unit
// members, deletion with its confirmation, the user view, and what a
// non-administrator is told. RestProbe checks what the server really holds.
#include "RestProbe.h"
#include "models/OrganizationsModel.h"
#include "models/PrincipalsModel.h"
#include "ui/ConnectionManager.h"
#include "ui/OrganizationNameDialog.h"
#include "ui/OrganizationVisiblePanel.h"
#include "ui/OrganizationsPage.h"
#include "ui/PrincipalPickerDialog.h"
#include "ui/UnitMembersPanel.h"

#include "models/ApiClient.h"
#include <QAbstractItemModelTester>

#include <QAction>
#include <QApplication>
#include <QBrush>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFont>
#include <QIcon>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QTreeView>

using namespace Qt::StringLiterals;
using Bulwark::Models::OrganizationsModel;
using Bulwark::Models::PrincipalEntry;
using Bulwark::Ui::ConnectionManager;
using Bulwark::Ui::OrganizationNameDialog;
using Bulwark::Ui::OrganizationsPage;

namespace {
constexpr int ServerTimeoutMs = 60000;
constexpr int UiTimeoutMs = 10000;
const QString AdminPassword = u"correct-horse-battery-staple-42"_s;
const QString ViewerPassword = u"lantern-orchid-basalt-97"_s;
} // namespace

class TestOrganizations final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void notConnectedAndEmptyStates();
    void createsOrganizationAndUnitsThroughDialogs();
    void movesUnitByDragAndDrop();
    void undoOfMoveGoesThroughServer();
    void cycleIsRefusedByServer();
    void renameAddAndTheirUndo();
    void changesMadeElsewhereShowLive();
    void addsAndRemovesMembers();
    void memberConflictReloadsAndSays();
    void canSeeListsGrantsBelow();
    void userViewHighlightsUnits();
    void treeFilterKeepsParents();
    void deleteSaysWhatGoesAndUndoRestores();
    void deletesOrganizationAndUndoRestoresIt();
    void nonAdministratorIsTold();

private:
    [[nodiscard]] RestAnswer rest(const QByteArray &verb, const QString &path,
                                  const QByteArray &body = {}) const;
    [[nodiscard]] RestAnswer restAs(const QString &user, const QString &password,
                                    const QByteArray &verb, const QString &path,
                                    const QByteArray &body = {}) const;
    [[nodiscard]] QString serverParentOf(const QString &organization, const QString &unit) const;
    [[nodiscard]] QStringList serverMembersOf(const QString &organization,
                                              const QString &unit) const;
    [[nodiscard]] OrganizationNameDialog *openDialog(QAction *action);
    bool dragUnitOnto(const QString &organization, const QString &unit, const QString &target);
    [[nodiscard]] QModelIndex viewIndex(const QModelIndex &sourceIndex) const;
    [[nodiscard]] OrganizationsModel *model() const { return m_page->model(); }

    QTemporaryDir m_dataDir;
    std::unique_ptr<ConnectionManager> m_connection;
    std::unique_ptr<OrganizationsPage> m_page;
    std::vector<std::unique_ptr<QAbstractItemModelTester>> m_testers;
};

RestAnswer TestOrganizations::rest(const QByteArray &verb, const QString &path,
                                   const QByteArray &body) const
{
    return restAs(u"Administrator"_s, AdminPassword, verb, path, body);
}

RestAnswer TestOrganizations::restAs(const QString &user, const QString &password,
                                     const QByteArray &verb, const QString &path,
                                     const QByteArray &body) const
{
    QUrl url = m_connection->endpoint().baseUrl;
    url.setPath(path);
    return restCall(verb, url, user, password, m_connection->endpoint().pinnedFingerprint, body);
}

QString TestOrganizations::serverParentOf(const QString &organization, const QString &unit) const
{
    const RestAnswer answer =
        rest("GET", u"/api/Organizations/%1/Units/%2"_s.arg(organization, unit));
    if (answer.status != 200)
        return u"<status %1>"_s.arg(answer.status);
    return answer.body.object().value(u"parent"_s).toString();
}

QStringList TestOrganizations::serverMembersOf(const QString &organization,
                                               const QString &unit) const
{
    const RestAnswer answer =
        rest("GET", u"/api/Organizations/%1/Units/%2/Members"_s.arg(organization, unit));
    QStringList members;
    for (const QJsonValue &m : answer.body.object().value(u"members"_s).toArray())
        members << m.toObject().value(u"type"_s).toString() + u':' +
                       m.toObject().value(u"name"_s).toString();
    return members;
}

void TestOrganizations::initTestCase()
{
    QVERIFY(m_dataDir.isValid());
    qputenv("BULWARK_ADMIN_PASSWORD", AdminPassword.toUtf8());
    m_connection = std::make_unique<ConnectionManager>();
    m_page = std::make_unique<OrganizationsPage>();
    // Every model of the page is checked from its first row on.
    using Tester = QAbstractItemModelTester;
    for (QAbstractItemModel *m :
         {static_cast<QAbstractItemModel *>(m_page->model()),
          static_cast<QAbstractItemModel *>(m_page->membersPanel()->model()),
          static_cast<QAbstractItemModel *>(m_page->usersModel()), m_page->visiblePanel()->model(),
          static_cast<QAbstractItemModel *>(m_page->visiblePanel()->proxy()),
          static_cast<QAbstractItemModel *>(m_page->treeProxy())})
        m_testers.push_back(std::make_unique<Tester>(m, Tester::FailureReportingMode::Fatal));
    m_page->resize(1100, 700);
    m_page->show();

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
}

void TestOrganizations::cleanupTestCase()
{
    m_testers.clear();
    m_page.reset();
    m_connection.reset();
}

void TestOrganizations::notConnectedAndEmptyStates()
{
    QVERIFY(m_page->emptyStateText().contains(u"Not connected"_s));
    QVERIFY(!m_page->findChild<QAction *>(u"addOrganizationAction"_s)->isEnabled());

    m_page->setSession({m_connection->client(), m_connection->events(), u"Administrator"_s});
    QTRY_VERIFY_WITH_TIMEOUT(m_page->model()->isLoaded(), UiTimeoutMs);
    QVERIFY2(m_page->emptyStateText().contains(u"Create an organization to decide who sees"_s),
             qPrintable(m_page->emptyStateText()));
    QVERIFY(m_page->findChild<QAction *>(u"addOrganizationAction"_s)->isEnabled());
    QVERIFY(!m_page->findChild<QAction *>(u"addUnitAction"_s)->isEnabled());
    const auto *noUnit = m_page->findChild<QLabel *>(u"noUnitSelectedLabel"_s);
    QVERIFY(noUnit && noUnit->isVisible());
    QVERIFY(noUnit->text().contains(u"Select a unit"_s));
}

OrganizationNameDialog *TestOrganizations::openDialog(QAction *action)
{
    if (!action || !action->isEnabled())
        return nullptr;
    action->trigger();
    auto *dialog = m_page->findChild<OrganizationNameDialog *>();
    return dialog && dialog->isVisible() ? dialog : nullptr;
}

void TestOrganizations::createsOrganizationAndUnitsThroughDialogs()
{
    // Add organization… → type a name → Create.
    OrganizationNameDialog *dialog =
        openDialog(m_page->findChild<QAction *>(u"addOrganizationAction"_s));
    QVERIFY(dialog);
    auto *ok = dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
    QTest::keyClicks(dialog->nameEdit(), u"Acme Corp"_s);
    QVERIFY(!ok->isEnabled()); // a space is not allowed: said before sending
    QVERIFY(dialog->findChild<QLabel *>(u"organizationNameProblem"_s)
                ->text()
                .contains(u"“ ” is not allowed"_s));
    dialog->nameEdit()->clear();
    QTest::keyClicks(dialog->nameEdit(), u"Acme"_s);
    QTest::keyClicks(dialog->descriptionEdit(), u"Acme Corp"_s);
    QVERIFY(ok->isEnabled());
    QTest::mouseClick(ok, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(rest("GET", u"/api/Organizations/Acme"_s).status == 200, UiTimeoutMs);
    QCOMPARE(rest("GET", u"/api/Organizations/Acme"_s).body.object().value(u"description"_s),
             u"Acme Corp"_s);
    // The new organization is selected once the tree shows it.
    QTRY_COMPARE_WITH_TIMEOUT(m_page->selectedUnit(), u"Acme"_s, UiTimeoutMs);
    QTRY_VERIFY(!m_page->findChild<OrganizationNameDialog *>());

    // Add unit… below the selected root.
    dialog = openDialog(m_page->findChild<QAction *>(u"addUnitAction"_s));
    QVERIFY(dialog);
    QTest::keyClicks(dialog->nameEdit(), u"Plant1"_s);
    QTest::mouseClick(dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok),
                      Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(serverParentOf(u"Acme"_s, u"Plant1"_s), u"Acme"_s, UiTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(m_page->selectedUnit(), u"Plant1"_s, UiTimeoutMs);
    QTRY_VERIFY(!m_page->findChild<OrganizationNameDialog *>());

    // The page's slots, as the dialogs call them.
    m_page->createUnit(u"Line1"_s, u"Assembly line"_s);
    QTRY_VERIFY_WITH_TIMEOUT(!m_page->isBusy(), UiTimeoutMs);
    QCOMPARE(serverParentOf(u"Acme"_s, u"Line1"_s), u"Plant1"_s);
    m_page->selectUnit(u"Acme"_s, u"Acme"_s);
    QCOMPARE(m_page->selectedUnit(), u"Acme"_s);
    m_page->createUnit(u"Plant2"_s, {});
    QTRY_VERIFY_WITH_TIMEOUT(!m_page->isBusy(), UiTimeoutMs);
    QCOMPARE(serverParentOf(u"Acme"_s, u"Plant2"_s), u"Acme"_s);

    // The tree follows: Acme ▸ Plant1 ▸ Line1, Acme ▸ Plant2.
    QTRY_VERIFY_WITH_TIMEOUT(model()->indexOf(u"Acme"_s, u"Plant2"_s).isValid(), UiTimeoutMs);
    QCOMPARE(model()->parentOf(u"Acme"_s, u"Line1"_s), u"Plant1"_s);
    QCOMPARE(model()->rowCount(model()->indexOf(u"Acme"_s, u"Acme"_s)), 2);
    QVERIFY(m_page->emptyStateText().isEmpty());
    QCOMPARE(m_page->undoStack()->count(), 4);
}

bool TestOrganizations::dragUnitOnto(const QString &organization, const QString &unit,
                                     const QString &target)
{
    // What QTreeView does on a drop, on its own model (the page's sorting,
    // filtering proxy over OrganizationsModel): mimeData() for the dragged
    // row, canDropMimeData() while hovering, dropMimeData() on release.
    QAbstractItemModel *viewModel = m_page->treeView()->model();
    const QModelIndex dragged = viewIndex(model()->indexOf(organization, unit));
    const QModelIndex onto = viewIndex(model()->indexOf(organization, target));
    if (!dragged.isValid() || !onto.isValid() ||
        !(viewModel->flags(dragged) & Qt::ItemIsDragEnabled) ||
        !(viewModel->flags(onto) & Qt::ItemIsDropEnabled) ||
        !(viewModel->supportedDropActions() & Qt::MoveAction))
        return false;
    std::unique_ptr<QMimeData> data(viewModel->mimeData({dragged}));
    if (!data || !data->hasFormat(QString::fromLatin1(OrganizationsModel::UnitMimeType)))
        return false;
    if (!viewModel->canDropMimeData(data.get(), Qt::MoveAction, -1, -1, onto))
        return false;
    return viewModel->dropMimeData(data.get(), Qt::MoveAction, -1, -1, onto);
}

QModelIndex TestOrganizations::viewIndex(const QModelIndex &sourceIndex) const
{
    return m_page->treeProxy()->mapFromSource(sourceIndex);
}

void TestOrganizations::movesUnitByDragAndDrop()
{
    QCOMPARE(m_page->treeView()->dragDropMode(), QAbstractItemView::InternalMove);
    QVERIFY(model()->mimeTypes().contains(QString::fromLatin1(OrganizationsModel::UnitMimeType)));
    // The root unit cannot be dragged; a unit cannot go to another organization.
    QVERIFY(!(model()->flags(model()->indexOf(u"Acme"_s, u"Acme"_s)) & Qt::ItemIsDragEnabled));
    std::unique_ptr<QMimeData> data(model()->mimeData({model()->indexOf(u"Acme"_s, u"Line1"_s)}));
    QVERIFY(!model()->canDropMimeData(data.get(), Qt::MoveAction, -1, -1, {}));
    // Onto its own parent: nothing to do.
    QVERIFY(!model()->canDropMimeData(data.get(), Qt::MoveAction, -1, -1,
                                      model()->indexOf(u"Acme"_s, u"Plant1"_s)));

    QVERIFY(dragUnitOnto(u"Acme"_s, u"Line1"_s, u"Plant2"_s));
    QTRY_COMPARE_WITH_TIMEOUT(serverParentOf(u"Acme"_s, u"Line1"_s), u"Plant2"_s, UiTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(model()->parentOf(u"Acme"_s, u"Line1"_s), u"Plant2"_s, UiTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(m_page->undoStack()->undoText(), u"Move Line1 below Plant2"_s,
                              UiTimeoutMs);
    // The moved unit is selected again, and its new parent expanded.
    QTRY_COMPARE_WITH_TIMEOUT(m_page->selectedUnit(), u"Line1"_s, UiTimeoutMs);
    QVERIFY(m_page->treeView()->isExpanded(viewIndex(model()->indexOf(u"Acme"_s, u"Plant2"_s))));
}

void TestOrganizations::undoOfMoveGoesThroughServer()
{
    const int before = m_page->undoStack()->count();
    auto *undo = m_page->findChild<QAction *>(u"undoOrganizationsAction"_s);
    QVERIFY(undo && undo->isEnabled());
    QVERIFY(undo->text().contains(u"Move Line1 below Plant2"_s));
    undo->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(!m_page->isBusy(), UiTimeoutMs);
    QVERIFY2(m_page->message().isEmpty(), qPrintable(m_page->message()));
    QCOMPARE(serverParentOf(u"Acme"_s, u"Line1"_s), u"Plant1"_s);
    QTRY_COMPARE_WITH_TIMEOUT(model()->parentOf(u"Acme"_s, u"Line1"_s), u"Plant1"_s, UiTimeoutMs);
    QCOMPARE(m_page->undoStack()->index(), before - 1);
    QCOMPARE(m_page->undoStack()->undoText(), u"Add unit Plant2"_s);
}

void TestOrganizations::cycleIsRefusedByServer()
{
    const int commands = m_page->undoStack()->index();
    // Plant1 onto Line1 (its own child): the tree lets the server decide.
    QVERIFY(dragUnitOnto(u"Acme"_s, u"Plant1"_s, u"Line1"_s));
    QTRY_VERIFY_WITH_TIMEOUT(m_page->message().contains(u"cycle"_s), UiTimeoutMs);
    QVERIFY2(m_page->message().contains(u"The server refused the move"_s),
             qPrintable(m_page->message()));
    QVERIFY(m_page->message().contains(u"cannot move under 'Line1'"_s));
    QCOMPARE(serverParentOf(u"Acme"_s, u"Plant1"_s), u"Acme"_s);
    QCOMPARE(serverParentOf(u"Acme"_s, u"Line1"_s), u"Plant1"_s);
    QCOMPARE(m_page->undoStack()->index(), commands);
    QCOMPARE(model()->parentOf(u"Acme"_s, u"Plant1"_s), u"Acme"_s);
}

void TestOrganizations::renameAddAndTheirUndo()
{
    // Rename (F2's dialog calls this slot) and undo it.
    m_page->selectUnit(u"Acme"_s, u"Plant2"_s);
    m_page->renameSelectedUnit(u"Warehouse"_s);
    QTRY_VERIFY_WITH_TIMEOUT(!m_page->isBusy(), UiTimeoutMs);
    QCOMPARE(serverParentOf(u"Acme"_s, u"Warehouse"_s), u"Acme"_s);
    QCOMPARE(rest("GET", u"/api/Organizations/Acme/Units/Plant2"_s).status, 404);
    QTRY_COMPARE_WITH_TIMEOUT(m_page->selectedUnit(), u"Warehouse"_s, UiTimeoutMs);
    QCOMPARE(m_page->undoStack()->undoText(), u"Rename Plant2 to Warehouse"_s);
    m_page->undo();
    QTRY_VERIFY_WITH_TIMEOUT(!m_page->isBusy(), UiTimeoutMs);
    QVERIFY2(m_page->message().isEmpty(), qPrintable(m_page->message()));
    QCOMPARE(serverParentOf(u"Acme"_s, u"Plant2"_s), u"Acme"_s);
    QCOMPARE(rest("GET", u"/api/Organizations/Acme/Units/Warehouse"_s).status, 404);
    QTRY_VERIFY_WITH_TIMEOUT(model()->indexOf(u"Acme"_s, u"Plant2"_s).isValid(), UiTimeoutMs);

    // Add a unit and undo it: the server deletes it again.
    m_page->selectUnit(u"Acme"_s, u"Plant2"_s);
    m_page->createUnit(u"Temp"_s, {});
    QTRY_VERIFY_WITH_TIMEOUT(!m_page->isBusy(), UiTimeoutMs);
    QCOMPARE(serverParentOf(u"Acme"_s, u"Temp"_s), u"Plant2"_s);
    m_page->undo();
    QTRY_VERIFY_WITH_TIMEOUT(!m_page->isBusy(), UiTimeoutMs);
    QCOMPARE(rest("GET", u"/api/Organizations/Acme/Units/Temp"_s).status, 404);
    QTRY_VERIFY_WITH_TIMEOUT(!model()->indexOf(u"Acme"_s, u"Temp"_s).isValid(), UiTimeoutMs);

    // An undo the server's state no longer allows says so and changes
    // nothing: a unit was added to the new organization meanwhile.
    m_page->createOrganization(u"Scratch"_s, {});
    QTRY_VERIFY_WITH_TIMEOUT(!m_page->isBusy(), UiTimeoutMs);
    QCOMPARE(
        rest("POST", u"/api/Organizations/Scratch/Units"_s, R"({"name":"Desk","parent":"Scratch"})")
            .status,
        201);
    m_page->undo(); // "Add organization Scratch": refused, it has a unit now
    QTRY_VERIFY_WITH_TIMEOUT(!m_page->isBusy(), UiTimeoutMs);
    QVERIFY2(m_page->message().contains(u"Could not undo"_s), qPrintable(m_page->message()));
    QCOMPARE(rest("GET", u"/api/Organizations/Scratch"_s).status, 200);
    QCOMPARE(m_page->undoStack()->count(), 0);
    QCOMPARE(rest("DELETE", u"/api/Organizations/Scratch"_s).status, 204);
    QTRY_VERIFY_WITH_TIMEOUT(!model()->indexOf(u"Scratch"_s, u"Scratch"_s).isValid(), UiTimeoutMs);
}

void TestOrganizations::changesMadeElsewhereShowLive()
{
    // Another administrator moves and adds units: the tree follows the
    // organization's entityUpdated events.
    QCOMPARE(rest("POST", u"/api/Organizations/Acme/Units"_s, R"({"name":"Dock","parent":"Acme"})")
                 .status,
             201);
    QTRY_VERIFY_WITH_TIMEOUT(model()->indexOf(u"Acme"_s, u"Dock"_s).isValid(), UiTimeoutMs);
    QCOMPARE(rest("PUT", u"/api/Organizations/Acme/Units/Dock"_s, R"({"parent":"Plant2"})").status,
             200);
    QTRY_COMPARE_WITH_TIMEOUT(model()->parentOf(u"Acme"_s, u"Dock"_s), u"Plant2"_s, UiTimeoutMs);
    QCOMPARE(rest("DELETE", u"/api/Organizations/Acme/Units/Dock"_s).status, 204);
    QTRY_VERIFY_WITH_TIMEOUT(!model()->indexOf(u"Acme"_s, u"Dock"_s).isValid(), UiTimeoutMs);
}

void TestOrganizations::addsAndRemovesMembers()
{
    QCOMPARE(rest("POST", u"/api/Users"_s, R"({"name":"alice","password":"tulip-anchor-violet-3"})")
                 .status,
             201);
    QCOMPARE(rest("POST", u"/api/Groups"_s, R"({"name":"Operators","members":[]})").status, 201);

    m_page->selectUnit(u"Acme"_s, u"Plant1"_s);
    Bulwark::Ui::UnitMembersPanel *panel = m_page->membersPanel();
    QTRY_VERIFY_WITH_TIMEOUT(panel->isLoaded(), UiTimeoutMs);
    QCOMPARE(panel->model()->rowCount(), 0);

    // Add… → picker → filter → choose alice → Add.
    auto *add = panel->findChild<QPushButton *>(u"addUnitMembersButton"_s);
    QVERIFY(add && add->isEnabled());
    QTest::mouseClick(add, Qt::LeftButton);
    auto *picker = panel->findChild<Bulwark::Ui::PrincipalPickerDialog *>();
    QVERIFY(picker);
    // Its list arrives asynchronously: checked from the first row on.
    auto pickerTester = std::make_unique<QAbstractItemModelTester>(
        picker->model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    QTRY_VERIFY_WITH_TIMEOUT(picker->isLoaded(), UiTimeoutMs);
    QCOMPARE(picker->model()->rowCount(), 4); // Administrator, alice, Administrators, Operators
    QTest::keyClicks(picker->filterEdit(), u"ali"_s);
    auto *pickerView = picker->findChild<QTableView *>(u"principalPickerView"_s);
    QCOMPARE(pickerView->model()->rowCount(), 1); // the filter leaves alice only
    QVERIFY(picker->selectPrincipal(PrincipalEntry::Kind::User, u"alice"_s));
    pickerTester.reset();
    QTest::mouseClick(picker->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok),
                      Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(serverMembersOf(u"Acme"_s, u"Plant1"_s), QStringList{u"User:alice"_s},
                              UiTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(panel->model()->rowCount(), 1, UiTimeoutMs);

    // And the group, through the panel's slot.
    PrincipalEntry operators;
    operators.kind = PrincipalEntry::Kind::Group;
    operators.name = u"Operators"_s;
    panel->addMembers({operators});
    QTRY_COMPARE_WITH_TIMEOUT(serverMembersOf(u"Acme"_s, u"Plant1"_s),
                              (QStringList{u"User:alice"_s, u"Group:Operators"_s}), UiTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(panel->model()->rowCount(), 2, UiTimeoutMs);

    // Select alice, Remove.
    auto *view = panel->findChild<QTableView *>(u"unitMembersView"_s);
    const QModelIndexList alice = view->model()->match(
        view->model()->index(0, 0), Bulwark::Models::PrincipalsModel::NameRole, u"alice"_s);
    QCOMPARE(alice.size(), 1);
    view->selectionModel()->select(alice.first(),
                                   QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    auto *remove = panel->findChild<QPushButton *>(u"removeUnitMembersButton"_s);
    QVERIFY(remove->isEnabled());
    QTest::mouseClick(remove, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(serverMembersOf(u"Acme"_s, u"Plant1"_s),
                              QStringList{u"Group:Operators"_s}, UiTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(panel->model()->rowCount(), 1, UiTimeoutMs);
    QVERIFY(panel->message().isEmpty());
}

void TestOrganizations::memberConflictReloadsAndSays()
{
    // A panel without live events keeps its version until it writes.
    Bulwark::Ui::UnitMembersPanel panel;
    QAbstractItemModelTester tester(panel.model(),
                                    QAbstractItemModelTester::FailureReportingMode::Fatal);
    panel.setSession(m_connection->client(), nullptr);
    panel.setUnit(u"Acme"_s, u"Line1"_s);
    QTRY_VERIFY_WITH_TIMEOUT(panel.isLoaded(), UiTimeoutMs);
    QCOMPARE(panel.model()->rowCount(), 0);

    // Someone else changes the members meanwhile.
    QCOMPARE(rest("PUT", u"/api/Organizations/Acme/Units/Line1/Members"_s,
                  R"({"members":[{"type":"Group","name":"Operators"}]})")
                 .status,
             200);
    QSignalSpy conflicts(&panel, &Bulwark::Ui::UnitMembersPanel::conflictDetected);
    PrincipalEntry alice;
    alice.name = u"alice"_s;
    panel.addMembers({alice});
    QTRY_COMPARE_WITH_TIMEOUT(conflicts.size(), 1, UiTimeoutMs);
    QVERIFY2(panel.message().contains(u"changed elsewhere"_s), qPrintable(panel.message()));
    // Nothing was overwritten, and the panel shows the server's list.
    QCOMPARE(serverMembersOf(u"Acme"_s, u"Line1"_s), QStringList{u"Group:Operators"_s});
    QTRY_COMPARE_WITH_TIMEOUT(panel.model()->rowCount(), 1, UiTimeoutMs);
    QCOMPARE(panel.model()->principalAt(0).name, u"Operators"_s);

    // After the reload, the same change goes through.
    QTRY_VERIFY(panel.isLoaded());
    panel.addMembers({alice});
    QTRY_COMPARE_WITH_TIMEOUT(serverMembersOf(u"Acme"_s, u"Line1"_s),
                              (QStringList{u"User:alice"_s, u"Group:Operators"_s}), UiTimeoutMs);
}

void TestOrganizations::canSeeListsGrantsBelow()
{
    QCOMPARE(rest("POST", u"/api/Things"_s, R"({"name":"Boiler1"})").status, 201);
    QCOMPARE(rest("POST", u"/api/Things"_s, R"({"name":"Pump7"})").status, 201);
    QCOMPARE(rest("PUT", u"/api/Things/Boiler1/Visibility"_s, R"({"units":["Acme/Line1"]})").status,
             200);
    QCOMPARE(rest("PUT", u"/api/Things/Pump7/Visibility"_s, R"({"units":["Acme/Plant2"]})").status,
             200);

    // Plant1 sees what is granted to Line1 below it, not Plant2's.
    m_page->selectUnit(u"Acme"_s, u"Plant1"_s);
    Bulwark::Ui::OrganizationVisiblePanel *panel = m_page->visiblePanel();
    QTRY_COMPARE_WITH_TIMEOUT(panel->proxy()->rowCount(), 1, UiTimeoutMs);
    QCOMPARE(panel->proxy()->index(0, 0).data().toString(), u"Things/Boiler1"_s);
    QCOMPARE(panel->proxy()->index(0, 2).data().toString(), u"Acme/Line1"_s);

    // The root sees both; the filter narrows them.
    m_page->selectUnit(u"Acme"_s, u"Acme"_s);
    QTRY_COMPARE_WITH_TIMEOUT(panel->proxy()->rowCount(), 2, UiTimeoutMs);
    QTest::keyClicks(panel->filterEdit(), u"pump"_s);
    QCOMPARE(panel->proxy()->rowCount(), 1);
    QCOMPARE(panel->proxy()->index(0, 0).data().toString(), u"Things/Pump7"_s);
    panel->filterEdit()->clear();
    QCOMPARE(panel->proxy()->rowCount(), 2);
}

void TestOrganizations::userViewHighlightsUnits()
{
    // alice: directly in Acme/Line1 (from the previous test), and in
    // Globex/Lab through Chemists ⊂ NightShift; bob in none.
    QCOMPARE(rest("POST", u"/api/Users"_s, R"({"name":"bob","password":"quartz-meadow-falcon-8"})")
                 .status,
             201);
    QCOMPARE(rest("POST", u"/api/Groups"_s,
                  R"({"name":"Chemists","members":[{"type":"User","name":"alice"}]})")
                 .status,
             201);
    QCOMPARE(rest("POST", u"/api/Groups"_s,
                  R"({"name":"NightShift","members":[{"type":"Group","name":"Chemists"}]})")
                 .status,
             201);
    QCOMPARE(rest("POST", u"/api/Organizations"_s,
                  R"({"name":"Globex","units":[{"name":"Lab","parent":"Globex"},)"
                  R"({"name":"Office","parent":"Globex"}]})")
                 .status,
             201);
    QCOMPARE(rest("PUT", u"/api/Organizations/Globex/Units/Lab/Members"_s,
                  R"({"members":[{"type":"Group","name":"NightShift"}]})")
                 .status,
             200);
    // Made elsewhere: the live events bring Globex into the tree.
    QTRY_VERIFY_WITH_TIMEOUT(model()->indexOf(u"Globex"_s, u"Lab"_s).isValid(), UiTimeoutMs);
    m_page->treeView()->collapseAll();

    m_page->usersModel()->load(m_connection->client(),
                               Bulwark::Models::PrincipalsModel::Which::UsersOnly);
    QTRY_COMPARE_WITH_TIMEOUT(m_page->usersModel()->rowCount(), 3, UiTimeoutMs);
    auto *combo = m_page->findChild<QComboBox *>(u"userViewCombo"_s);
    QVERIFY(combo);
    combo->setFocus();
    QTest::keyClicks(combo->lineEdit(), u"alice"_s);
    QTest::mouseClick(m_page->findChild<QPushButton *>(u"showUserUnitsButton"_s), Qt::LeftButton);

    const QSet<QString> expected{u"Acme/Line1"_s, u"Globex/Lab"_s};
    QTRY_COMPARE_WITH_TIMEOUT(model()->highlightedUnits(), expected, UiTimeoutMs);
    for (const QString &path : expected) {
        const QModelIndex index = model()->indexOf(path.section(u'/', 0, 0), path.section(u'/', 1));
        QVERIFY(index.data(OrganizationsModel::HighlightedRole).toBool());
        // Not colour alone: bold, a background and its own icon.
        QVERIFY(index.data(Qt::FontRole).value<QFont>().bold());
        QVERIFY(index.data(Qt::BackgroundRole).canConvert<QBrush>());
        QVERIFY(!index.data(Qt::DecorationRole).value<QIcon>().isNull());
        QVERIFY(m_page->treeView()->isExpanded(viewIndex(index.parent())));
    }
    const QModelIndex lab = model()->indexOf(u"Globex"_s, u"Lab"_s);
    QVERIFY(lab.data(Qt::ToolTipRole).toString().contains(u"NightShift"_s));
    const QModelIndex plant2 = model()->indexOf(u"Acme"_s, u"Plant2"_s);
    QVERIFY(!plant2.data(OrganizationsModel::HighlightedRole).toBool());
    QVERIFY(!plant2.data(Qt::FontRole).value<QFont>().bold());
    QVERIFY(!plant2.data(Qt::BackgroundRole).isValid());
    QVERIFY(m_page->findChild<QLabel *>(u"userViewStatus"_s)
                ->text()
                .contains(u"Units alice belongs to: 2, in organizations: 2"_s));

    // bob belongs nowhere; Clear removes every mark.
    m_page->showUnitsOfUser(u"bob"_s);
    QTRY_VERIFY_WITH_TIMEOUT(model()->highlightedUnits().isEmpty(), UiTimeoutMs);
    QTRY_VERIFY(m_page->findChild<QLabel *>(u"userViewStatus"_s)
                    ->text()
                    .contains(u"not a member of any unit"_s));
    m_page->showUnitsOfUser(u"alice"_s);
    QTRY_COMPARE_WITH_TIMEOUT(model()->highlightedUnits(), expected, UiTimeoutMs);
    QTest::mouseClick(m_page->findChild<QToolButton *>(u"clearUserViewButton"_s), Qt::LeftButton);
    QVERIFY(model()->highlightedUnits().isEmpty());
}

void TestOrganizations::treeFilterKeepsParents()
{
    QSortFilterProxyModel *proxy = m_page->treeProxy();
    QCOMPARE(proxy->rowCount(), 2); // Acme, Globex
    QTest::keyClicks(m_page->treeFilterEdit(), u"lab"_s);
    QCOMPARE(proxy->rowCount(), 1);
    const QModelIndex globex = proxy->index(0, 0);
    QCOMPARE(globex.data().toString(), u"Globex"_s);
    QCOMPARE(proxy->rowCount(globex), 1);
    QCOMPARE(proxy->index(0, 0, globex).data().toString(), u"Lab"_s);
    QVERIFY(m_page->treeView()->isExpanded(globex));
    // Selecting a unit the filter hides shows everything again.
    m_page->selectUnit(u"Acme"_s, u"Plant1"_s);
    QVERIFY(m_page->treeFilterEdit()->text().isEmpty());
    QCOMPARE(proxy->rowCount(), 2);
    QCOMPARE(m_page->selectedUnit(), u"Plant1"_s);
}

void TestOrganizations::deleteSaysWhatGoesAndUndoRestores()
{
    // Plant1 holds Line1; members: Operators (Plant1), alice + Operators
    // (Line1); one grant (Boiler1 → Line1).
    m_page->selectUnit(u"Acme"_s, u"Plant1"_s);
    QCOMPARE(m_page->selectedUnit(), u"Plant1"_s);
    // Del, as an operator presses it in the tree.
    m_page->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_page.get()));
    m_page->treeView()->setFocus();
    QTest::keyClick(m_page->treeView(), Qt::Key_Delete);
    QMessageBox *box = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT(
        (box = m_page->findChild<QMessageBox *>(u"confirmDeleteUnitDialog"_s)) != nullptr,
        UiTimeoutMs);
    const QString details = box->informativeText();
    QVERIFY2(details.contains(u"Units below it that go too (1): Line1."_s), qPrintable(details));
    QVERIFY2(details.contains(u"Memberships of users and groups that end: 3."_s),
             qPrintable(details));
    QVERIFY2(details.contains(u"Visibility grants to these units that are removed: 1."_s),
             qPrintable(details));
    QTest::mouseClick(box->button(QMessageBox::Yes), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!m_page->isBusy() &&
                                 m_page->undoStack()->undoText() == u"Delete unit Plant1"_s,
                             UiTimeoutMs);
    QCOMPARE(rest("GET", u"/api/Organizations/Acme/Units/Plant1"_s).status, 404);
    QCOMPARE(rest("GET", u"/api/Organizations/Acme/Units/Line1"_s).status, 404);
    QCOMPARE(rest("GET", u"/api/Things/Boiler1/Visibility"_s)
                 .body.object()
                 .value(u"units"_s)
                 .toArray()
                 .size(),
             0);
    QTRY_VERIFY_WITH_TIMEOUT(!model()->indexOf(u"Acme"_s, u"Plant1"_s).isValid(), UiTimeoutMs);

    // Undo puts the units, their members and the grant back.
    m_page->undo();
    QTRY_VERIFY_WITH_TIMEOUT(!m_page->isBusy(), UiTimeoutMs);
    QVERIFY2(m_page->message().isEmpty(), qPrintable(m_page->message()));
    QCOMPARE(serverParentOf(u"Acme"_s, u"Line1"_s), u"Plant1"_s);
    QCOMPARE(serverMembersOf(u"Acme"_s, u"Plant1"_s), QStringList{u"Group:Operators"_s});
    QCOMPARE(serverMembersOf(u"Acme"_s, u"Line1"_s),
             (QStringList{u"User:alice"_s, u"Group:Operators"_s}));
    QCOMPARE(rest("GET", u"/api/Things/Boiler1/Visibility"_s).body.object().value(u"units"_s),
             QJsonArray{u"Acme/Line1"_s});
    QTRY_COMPARE_WITH_TIMEOUT(model()->parentOf(u"Acme"_s, u"Line1"_s), u"Plant1"_s, UiTimeoutMs);
}

void TestOrganizations::deletesOrganizationAndUndoRestoresIt()
{
    m_page->selectUnit(u"Globex"_s, u"Globex"_s);
    QCOMPARE(m_page->selectedUnit(), u"Globex"_s);
    m_page->deleteSelected();
    QMessageBox *box = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT(
        (box = m_page->findChild<QMessageBox *>(u"confirmDeleteUnitDialog"_s)) != nullptr,
        UiTimeoutMs);
    QVERIFY(box->text().contains(u"organization “Globex” with all its units"_s));
    QVERIFY2(box->informativeText().contains(u"(2): Lab, Office."_s),
             qPrintable(box->informativeText()));
    QVERIFY(box->informativeText().contains(u"that end: 1."_s));
    // Cancel changes nothing.
    QTest::mouseClick(box->button(QMessageBox::Cancel), Qt::LeftButton);
    QTRY_VERIFY(!m_page->findChild<QMessageBox *>(u"confirmDeleteUnitDialog"_s));
    QCOMPARE(rest("GET", u"/api/Organizations/Globex"_s).status, 200);

    m_page->deleteSelected();
    QTRY_VERIFY_WITH_TIMEOUT(
        (box = m_page->findChild<QMessageBox *>(u"confirmDeleteUnitDialog"_s)) != nullptr,
        UiTimeoutMs);
    QTest::mouseClick(box->button(QMessageBox::Yes), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(m_page->undoStack()->undoText(), u"Delete organization Globex"_s,
                              UiTimeoutMs);
    QCOMPARE(rest("GET", u"/api/Organizations/Globex"_s).status, 404);
    QTRY_VERIFY_WITH_TIMEOUT(!model()->indexOf(u"Globex"_s, u"Globex"_s).isValid(), UiTimeoutMs);

    m_page->undo();
    QTRY_VERIFY_WITH_TIMEOUT(!m_page->isBusy(), UiTimeoutMs);
    QVERIFY2(m_page->message().isEmpty(), qPrintable(m_page->message()));
    QCOMPARE(serverParentOf(u"Globex"_s, u"Lab"_s), u"Globex"_s);
    QCOMPARE(serverParentOf(u"Globex"_s, u"Office"_s), u"Globex"_s);
    QCOMPARE(serverMembersOf(u"Globex"_s, u"Lab"_s), QStringList{u"Group:NightShift"_s});
    QTRY_VERIFY_WITH_TIMEOUT(model()->indexOf(u"Globex"_s, u"Lab"_s).isValid(), UiTimeoutMs);
}

void TestOrganizations::nonAdministratorIsTold()
{
    // viewer may read organizations and sees Acme (a member of its root),
    // but units and members are for administrators.
    QCOMPARE(rest("POST", u"/api/Users"_s,
                  u"{\"name\":\"viewer\",\"password\":\"%1\"}"_s.arg(ViewerPassword).toUtf8())
                 .status,
             201);
    QCOMPARE(rest("PUT", u"/api/Collections/Organizations/Permissions"_s,
                  R"({"rules":[{"principal":{"type":"User","name":"viewer"},)"
                  R"("permission":"Read","effect":"Allow"}]})")
                 .status,
             200);
    QCOMPARE(
        rest("PUT", u"/api/Organizations/Acme/Visibility"_s, R"({"units":["Acme/Acme"]})").status,
        200);
    QCOMPARE(rest("PUT", u"/api/Organizations/Acme/Units/Acme/Members"_s,
                  R"({"members":[{"type":"User","name":"viewer"}]})")
                 .status,
             200);
    QCOMPARE(restAs(u"viewer"_s, ViewerPassword, "GET", u"/api/Organizations/Acme"_s).status, 200);

    Bulwark::Models::ServerEndpoint endpoint = m_connection->endpoint();
    endpoint.user = u"viewer"_s;
    endpoint.password = ViewerPassword;
    Bulwark::Models::ApiClient client(endpoint);
    OrganizationsPage page;
    QAbstractItemModelTester tester(page.model(),
                                    QAbstractItemModelTester::FailureReportingMode::Fatal);
    page.setSession({&client, nullptr, u"viewer"_s});
    QTRY_VERIFY_WITH_TIMEOUT(page.model()->indexOf(u"Acme"_s, u"Acme"_s).isValid(), UiTimeoutMs);
    page.selectUnit(u"Acme"_s, u"Acme"_s);
    QTRY_VERIFY_WITH_TIMEOUT(page.membersPanel()->message().contains(u"Only administrators"_s),
                             UiTimeoutMs);
    QVERIFY(!page.membersPanel()->findChild<QPushButton *>(u"addUnitMembersButton"_s)->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(page.visiblePanel()->stateText().contains(u"Only administrators"_s),
                             UiTimeoutMs);
    // A change is refused by the server, and the page says so.
    page.createOrganization(u"Rogue"_s, {});
    QTRY_VERIFY_WITH_TIMEOUT(!page.message().isEmpty(), UiTimeoutMs);
    QVERIFY2(page.message().contains(u"Could not create the organization"_s),
             qPrintable(page.message()));
    QCOMPARE(rest("GET", u"/api/Organizations/Rogue"_s).status, 404);
}

QTEST_MAIN(TestOrganizations)
#include "tst_organizations.moc"
