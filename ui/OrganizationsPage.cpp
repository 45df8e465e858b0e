#include "OrganizationsPage.h"

#include "OrganizationNameDialog.h"
#include "OrganizationVisiblePanel.h"
#include "UnitMembersPanel.h"
#include "models/ApiClient.h"

#include <QAction>
#include <QComboBox>
#include <QCompleter>
#include <QCoreApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QTabWidget>
#include <QToolBar>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

#include <algorithm>

namespace Bulwark::Ui {

using namespace Qt::StringLiterals;
using Models::OrganizationsModel;
using Models::PrincipalsModel;
using Done = OrganizationOperations::Done;
using Step = std::function<void(const Done &)>;

namespace {

// One change already made on the server: redo() at push time does nothing
// (the change is done); later undo/redo run their REST steps through the page.
class OrganizationCommand final : public QUndoCommand
{
public:
    OrganizationCommand(const QString &text, std::function<void()> undo, std::function<void()> redo)
        : QUndoCommand(text)
        , m_undo(std::move(undo))
        , m_redo(std::move(redo))
    {}

    void undo() override { m_undo(); }
    void redo() override
    {
        if (m_done) {
            m_done = false;
            return;
        }
        m_redo();
    }

private:
    std::function<void()> m_undo;
    std::function<void()> m_redo;
    bool m_done = true;
};

QString listOf(const QStringList &names)
{
    constexpr qsizetype Shown = 8;
    if (names.size() <= Shown)
        return names.join(u", "_s);
    return QCoreApplication::translate("Bulwark::Ui::OrganizationsPage", "%1 and %n more", "",
                                       int(names.size() - Shown))
        .arg(names.first(Shown).join(u", "_s));
}

} // namespace

// What a deletion takes: the units (deepest first) and their snapshots.
struct OrganizationsPage::DeletePlan
{
    QString organization;
    QString unit; // equal to `organization`: the whole organization
    QString organizationDescription;
    QStringList deletionOrder;     // children before parents
    QList<UnitSnapshot> snapshots; // parents before children

    [[nodiscard]] bool isOrganization() const { return unit == organization; }
};

OrganizationsPage::OrganizationsPage(QWidget *parent)
    : ConsolePage(parent)
    , m_toolBar(new QToolBar(this))
    , m_userCombo(new QComboBox(this))
    , m_showUserButton(new QPushButton(tr("Show &units"), this))
    , m_clearUserButton(new QToolButton(this))
    , m_userStatus(new QLabel(this))
    , m_message(new QLabel(this))
    , m_treeFilter(new QLineEdit(this))
    , m_treeStack(new QStackedWidget(this))
    , m_tree(new QTreeView(this))
    , m_treeEmpty(new QLabel(this))
    , m_detailsStack(new QStackedWidget(this))
    , m_noUnit(new QLabel(this))
    , m_detailsTabs(new QTabWidget(this))
    , m_members(new UnitMembersPanel(this))
    , m_visible(new OrganizationVisiblePanel(this))
{
    setObjectName(u"organizationsPage"_s);
    m_model.setIcons(QIcon(u":/icons/org-organization.svg"_s), QIcon(u":/icons/unit.svg"_s),
                     QIcon(u":/icons/unit-member.svg"_s));

    buildToolBar();
    buildUserView();

    m_message->setObjectName(u"organizationsMessageLabel"_s);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();

    // Filtering keeps the parents of a match, so a unit is found in place.
    m_treeProxy.setSourceModel(&m_model);
    m_treeProxy.setRecursiveFilteringEnabled(true);
    m_treeProxy.setAutoAcceptChildRows(true);
    m_treeProxy.setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_treeProxy.setSortCaseSensitivity(Qt::CaseInsensitive);
    m_treeProxy.setFilterKeyColumn(-1);
    m_treeFilter->setObjectName(u"organizationsFilterEdit"_s);
    m_treeFilter->setPlaceholderText(tr("Filter organizations and units by name or description"));
    m_treeFilter->setClearButtonEnabled(true);
    connect(m_treeFilter, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_treeProxy.setFilterFixedString(text);
        if (!text.isEmpty())
            m_tree->expandAll();
    });

    m_tree->setObjectName(u"organizationsTree"_s);
    m_tree->setModel(&m_treeProxy);
    m_tree->setSortingEnabled(true);
    m_tree->sortByColumn(OrganizationsModel::NameColumn, Qt::AscendingOrder);
    m_tree->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tree->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tree->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_tree->setDragEnabled(true);
    m_tree->setAcceptDrops(true);
    m_tree->setDropIndicatorShown(true);
    m_tree->setDragDropMode(QAbstractItemView::InternalMove);
    m_tree->setDefaultDropAction(Qt::MoveAction);
    m_tree->setUniformRowHeights(true);
    m_tree->header()->setSectionResizeMode(OrganizationsModel::NameColumn,
                                           QHeaderView::ResizeToContents);
    m_tree->header()->setStretchLastSection(true);
    m_tree->setToolTip(tr("Drag a unit onto another unit of the same organization to move it."));

    m_treeEmpty->setObjectName(u"organizationsEmptyState"_s);
    m_treeEmpty->setAlignment(Qt::AlignCenter);
    m_treeEmpty->setWordWrap(true);
    m_treeEmpty->setMargin(24);
    m_treeStack->addWidget(m_tree);
    m_treeStack->addWidget(m_treeEmpty);

    m_noUnit->setObjectName(u"noUnitSelectedLabel"_s);
    m_noUnit->setAlignment(Qt::AlignCenter);
    m_noUnit->setWordWrap(true);
    m_noUnit->setMargin(24);
    m_detailsTabs->setObjectName(u"unitDetailsTabs"_s);
    m_detailsTabs->addTab(m_members, QIcon(u":/icons/unit-group.svg"_s), tr("Members"));
    m_detailsTabs->addTab(m_visible, tr("Can see"));
    m_detailsStack->addWidget(m_noUnit);
    m_detailsStack->addWidget(m_detailsTabs);

    auto *treeSide = new QWidget(this);
    auto *treeLayout = new QVBoxLayout(treeSide);
    treeLayout->setContentsMargins(0, 0, 0, 0);
    treeLayout->addWidget(m_treeFilter);
    treeLayout->addWidget(m_treeStack, 1);
    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setObjectName(u"organizationsSplitter"_s);
    splitter->addWidget(treeSide);
    splitter->addWidget(m_detailsStack);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);

    auto *userRow = new QHBoxLayout;
    auto *userLabel = new QLabel(tr("Show units of &user:"), this);
    userLabel->setBuddy(m_userCombo);
    userRow->addWidget(userLabel);
    userRow->addWidget(m_userCombo, 1);
    userRow->addWidget(m_showUserButton);
    userRow->addWidget(m_clearUserButton);
    userRow->addWidget(m_userStatus, 2);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_toolBar);
    layout->addLayout(userRow);
    layout->addWidget(m_message);
    layout->addWidget(splitter, 1);

    connect(m_tree->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &OrganizationsPage::updateDetails);
    connect(&m_model, &QAbstractItemModel::rowsInserted, this, &OrganizationsPage::updateState);
    connect(&m_model, &QAbstractItemModel::rowsRemoved, this, [this] {
        updateState();
        updateDetails();
    });
    connect(&m_model, &OrganizationsModel::loaded, this, [this] {
        m_forbidden = false;
        m_loadError.clear();
        trySelectPending();
        updateState();
        if (!m_userViewUser.isEmpty())
            m_userViewTimer.start();
    });
    connect(&m_model, &OrganizationsModel::loadFailed, this,
            [this](const QString &message, int status) {
                m_forbidden = status == 403;
                m_loadError = message;
                if (!m_forbidden && m_model.isLoaded())
                    showMessage(tr("Could not reload the organizations: %1").arg(message));
                updateState();
            });
    connect(&m_model, &OrganizationsModel::unitDropped, this,
            [this](const QString &organization, const QString &unit, const QString &from,
                   const QString &to) {
                m_message->hide();
                pushCommand(
                    tr("Move %1 below %2").arg(unit, to), organization,
                    [this, organization, unit, from](const Done &done) {
                        m_operations.moveUnit(organization, unit, from, done);
                    },
                    [this, organization, unit, to](const Done &done) {
                        m_operations.moveUnit(organization, unit, to, done);
                    });
                m_pendingOrganization = organization;
                m_pendingUnit = unit;
                Q_EMIT operationFinished({});
            });
    connect(&m_model, &OrganizationsModel::dropRefused, this, [this](const QString &message) {
        showMessage(tr("The server refused the move: %1").arg(message));
        Q_EMIT operationFinished(message);
    });
    connect(&m_undoStack, &QUndoStack::canUndoChanged, this, &OrganizationsPage::updateState);
    connect(&m_undoStack, &QUndoStack::undoTextChanged, this, &OrganizationsPage::updateState);

    m_userViewTimer.setSingleShot(true);
    m_userViewTimer.setInterval(300);
    connect(&m_userViewTimer, &QTimer::timeout, this, [this] {
        if (!m_userViewUser.isEmpty() && m_session.client)
            m_membership.find(m_session.client, m_userViewUser, m_model.allUnitPaths());
    });
    connect(&m_membership, &Models::OrganizationsMembership::found, this,
            &OrganizationsPage::applyUserView);
    connect(&m_membership, &Models::OrganizationsMembership::failed, this,
            [this](const QString &user, const QString &message) {
                m_userStatus->setText(
                    tr("Could not look up the units of %1: %2").arg(user, message));
            });
    connect(m_members, &UnitMembersPanel::membersChanged, this, [this] {
        if (!m_userViewUser.isEmpty())
            m_userViewTimer.start();
    });

    updateState();
    updateDetails();
}

OrganizationsPage::~OrganizationsPage() = default;

void OrganizationsPage::buildToolBar()
{
    m_toolBar->setObjectName(u"organizationsToolBar"_s);
    m_toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_addOrganizationAction =
        m_toolBar->addAction(QIcon(u":/icons/org-organization.svg"_s), tr("Add &organization…"),
                             this, &OrganizationsPage::addOrganization);
    m_addOrganizationAction->setObjectName(u"addOrganizationAction"_s);
    m_addOrganizationAction->setShortcut(QKeySequence::New);
    m_addOrganizationAction->setToolTip(
        tr("Create an organization (%1)")
            .arg(QKeySequence(QKeySequence::New).toString(QKeySequence::NativeText)));
    m_addUnitAction = m_toolBar->addAction(QIcon(u":/icons/unit.svg"_s), tr("Add u&nit…"), this,
                                           &OrganizationsPage::addUnit);
    m_addUnitAction->setObjectName(u"addUnitAction"_s);
    m_addUnitAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N));
    m_addUnitAction->setToolTip(tr("Add a unit below the selected one (Ctrl+Shift+N)"));
    m_renameAction = m_toolBar->addAction(QIcon(u":/icons/org-rename.svg"_s), tr("&Rename…"), this,
                                          &OrganizationsPage::renameUnit);
    m_renameAction->setObjectName(u"renameUnitAction"_s);
    m_renameAction->setShortcut(Qt::Key_F2);
    m_renameAction->setToolTip(tr("Rename the selected unit (F2); members and grants follow"));
    m_deleteAction = m_toolBar->addAction(QIcon(u":/icons/org-delete.svg"_s), tr("&Delete…"), this,
                                          &OrganizationsPage::deleteSelected);
    m_deleteAction->setObjectName(u"deleteUnitAction"_s);
    m_deleteAction->setShortcut(QKeySequence::Delete);
    m_deleteAction->setToolTip(tr("Delete the selected unit or organization (Del)"));
    m_toolBar->addSeparator();
    m_undoAction = m_toolBar->addAction(QIcon(u":/icons/org-undo.svg"_s), tr("&Undo"), this,
                                        &OrganizationsPage::undo);
    m_undoAction->setObjectName(u"undoOrganizationsAction"_s);
    m_undoAction->setShortcut(QKeySequence::Undo);
    m_refreshAction = m_toolBar->addAction(QIcon(u":/icons/org-reload.svg"_s), tr("Re&load"), this,
                                           [this] { m_model.refresh(); });
    m_refreshAction->setObjectName(u"reloadOrganizationsAction"_s);
    // F5 is the window's Reload (which hands every page its session again).
    m_refreshAction->setToolTip(tr("Load the organizations from the server again"));
    // Shortcuts work while the page (not only the toolbar) has focus; those
    // that act on the selected unit only while the tree has it, so that Del
    // in a members list or a filter field never deletes a unit.
    for (QAction *action : m_toolBar->actions())
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addActions({m_addOrganizationAction, m_undoAction});
    for (QAction *action : {m_addUnitAction, m_renameAction, m_deleteAction}) {
        action->setShortcutContext(Qt::WidgetShortcut);
        m_tree->addAction(action);
    }
}

void OrganizationsPage::buildUserView()
{
    m_users.setIcons(QIcon(u":/icons/unit-user.svg"_s), {});
    m_userCombo->setObjectName(u"userViewCombo"_s);
    m_userCombo->setEditable(true);
    m_userCombo->setInsertPolicy(QComboBox::NoInsert);
    m_userCombo->setModel(&m_users);
    m_userCombo->setModelColumn(PrincipalsModel::NameColumn);
    m_userCombo->setCurrentIndex(-1);
    m_userCombo->lineEdit()->setPlaceholderText(tr("Type a user name"));
    m_userCombo->lineEdit()->setClearButtonEnabled(true);
    // Not a "…SearchField": the window's Find (Ctrl+F) goes to the tree filter.
    m_userCombo->lineEdit()->setObjectName(u"userViewNameEdit"_s);
    auto *completer = new QCompleter(&m_users, m_userCombo);
    completer->setCompletionColumn(PrincipalsModel::NameColumn);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    completer->setFilterMode(Qt::MatchContains);
    m_userCombo->setCompleter(completer);
    m_showUserButton->setObjectName(u"showUserUnitsButton"_s);
    m_showUserButton->setIcon(QIcon(u":/icons/unit-member.svg"_s));
    m_showUserButton->setToolTip(
        tr("Mark the units this user belongs to, directly or through groups, in every "
           "organization"));
    m_clearUserButton->setObjectName(u"clearUserViewButton"_s);
    m_clearUserButton->setText(tr("Clear"));
    m_clearUserButton->setToolTip(tr("Stop marking the units of a user"));
    m_userStatus->setObjectName(u"userViewStatus"_s);
    m_userStatus->setWordWrap(true);
    connect(m_showUserButton, &QPushButton::clicked, this,
            [this] { showUnitsOfUser(m_userCombo->currentText().trimmed()); });
    connect(m_userCombo->lineEdit(), &QLineEdit::returnPressed, this,
            [this] { showUnitsOfUser(m_userCombo->currentText().trimmed()); });
    connect(m_clearUserButton, &QToolButton::clicked, this, &OrganizationsPage::clearUserView);
}

void OrganizationsPage::setSession(const ConsoleSession &session)
{
    // The same session handed again (the window's Reload) keeps the undo
    // history: it still describes that server.
    if (session.client != m_session.client || !session.client)
        m_undoStack.clear();
    m_session = session;
    m_busy = 0;
    m_forbidden = false;
    m_loadError.clear();
    m_pendingOrganization.clear();
    m_pendingUnit.clear();
    m_message->hide();
    m_operations.setClient(session.client);
    clearUserView();
    m_model.setSource(session.client, session.events);
    m_members->setSession(session.client, session.events);
    m_visible->setSession(session.client, session.events);
    m_users.load(session.client, PrincipalsModel::Which::UsersOnly);
    m_userCombo->setCurrentIndex(-1);
    updateState();
    updateDetails();
}

QString OrganizationsPage::message() const
{
    return m_message->isHidden() ? QString() : m_message->text();
}

QString OrganizationsPage::emptyStateText() const
{
    return m_treeStack->currentWidget() == m_treeEmpty ? m_treeEmpty->text() : QString();
}

QString OrganizationsPage::selectedOrganization() const
{
    const QModelIndexList rows = m_tree->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString()
                          : rows.constFirst().data(OrganizationsModel::OrganizationRole).toString();
}

QString OrganizationsPage::selectedUnit() const
{
    const QModelIndexList rows = m_tree->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString()
                          : rows.constFirst().data(OrganizationsModel::UnitRole).toString();
}

void OrganizationsPage::updateState()
{
    const bool connected = m_session.isActive();
    const QString organization = selectedOrganization();
    const QString unit = selectedUnit();
    const bool idle = connected && m_busy == 0;
    m_addOrganizationAction->setEnabled(idle);
    m_addUnitAction->setEnabled(idle && !unit.isEmpty());
    m_renameAction->setEnabled(idle && !unit.isEmpty() && unit != organization);
    m_deleteAction->setEnabled(idle && !unit.isEmpty());
    m_undoAction->setEnabled(idle && m_undoStack.canUndo());
    m_undoAction->setText(m_undoStack.canUndo() ? tr("&Undo %1").arg(m_undoStack.undoText())
                                                : tr("&Undo"));
    m_refreshAction->setEnabled(connected);
    m_userCombo->setEnabled(connected);
    m_showUserButton->setEnabled(connected);

    if (connected && m_model.rowCount() > 0) {
        m_treeStack->setCurrentWidget(m_tree);
        return;
    }
    if (!connected)
        m_treeEmpty->setText(tr("Not connected to a server. Organizations appear here once the "
                                "console is connected."));
    else if (m_forbidden)
        m_treeEmpty->setText(tr("Only administrators can manage organizations and units. Sign "
                                "in as a member of the Administrators group.\n\nThe server "
                                "said: %1")
                                 .arg(m_loadError));
    else if (!m_loadError.isEmpty() && !m_model.isLoaded())
        m_treeEmpty->setText(tr("Could not load the organizations: %1").arg(m_loadError));
    else if (!m_model.isLoaded())
        m_treeEmpty->setText(tr("Loading organizations…"));
    else
        m_treeEmpty->setText(
            tr("No organizations yet.\n\nCreate an organization to decide who sees which "
               "Things: give it units (sites, departments, teams), add users and groups to "
               "them, and make entities visible to the units that should see them.\n\nStart "
               "with Add organization…"));
    m_treeStack->setCurrentWidget(m_treeEmpty);
}

void OrganizationsPage::updateDetails()
{
    const QString organization = selectedOrganization();
    const QString unit = selectedUnit();
    m_members->setUnit(organization, unit);
    m_visible->setUnit(organization, unit);
    if (unit.isEmpty()) {
        m_noUnit->setText(m_session.isActive()
                              ? tr("Select a unit to see its members and what it can see.")
                              : tr("Not connected to a server."));
        m_detailsStack->setCurrentWidget(m_noUnit);
    } else {
        m_detailsStack->setCurrentWidget(m_detailsTabs);
    }
    updateState();
}

void OrganizationsPage::showMessage(const QString &message)
{
    m_message->setText(message);
    m_message->show();
}

void OrganizationsPage::selectUnit(const QString &organization, const QString &unit)
{
    m_pendingOrganization = organization;
    m_pendingUnit = unit;
    trySelectPending();
}

void OrganizationsPage::trySelectPending()
{
    if (m_pendingUnit.isEmpty())
        return;
    const QModelIndex source = m_model.indexOf(m_pendingOrganization, m_pendingUnit);
    if (!source.isValid())
        return;
    if (!m_treeProxy.mapFromSource(source).isValid())
        m_treeFilter->clear(); // a filter hides it: show everything
    const QModelIndex index = m_treeProxy.mapFromSource(source);
    if (!index.isValid())
        return;
    m_pendingOrganization.clear();
    m_pendingUnit.clear();
    expandTo(source);
    m_tree->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                         QItemSelectionModel::Rows);
    m_tree->scrollTo(index);
}

void OrganizationsPage::expandTo(const QModelIndex &sourceIndex)
{
    for (QModelIndex parent = sourceIndex.parent(); parent.isValid(); parent = parent.parent())
        m_tree->expand(m_treeProxy.mapFromSource(parent));
}

// ---- Changes ------------------------------------------------------------------

void OrganizationsPage::begin()
{
    ++m_busy;
    m_message->hide();
    updateState();
}

void OrganizationsPage::finish(const QString &organization, const QString &error,
                               const QString &context)
{
    m_busy = std::max(0, m_busy - 1);
    if (!organization.isEmpty())
        m_model.reloadOrganization(organization);
    if (!error.isEmpty())
        showMessage(context.isEmpty() ? error : context.arg(error));
    updateState();
    Q_EMIT operationFinished(error);
}

void OrganizationsPage::pushCommand(const QString &text, const QString &organization,
                                    std::function<void(const Done &)> undoStep,
                                    std::function<void(const Done &)> redoStep)
{
    m_undoStack.push(new OrganizationCommand(
        text, [this, text, organization, undoStep] { runUndoStep(text, organization, undoStep); },
        [this, text, organization, redoStep] { runUndoStep(text, organization, redoStep); }));
    updateState();
}

// Undo (and redo) go through the REST API like any change; when the server
// refuses (the tree changed elsewhere meanwhile), the stack no longer
// matches the server and is cleared.
void OrganizationsPage::runUndoStep(const QString &text, const QString &organization,
                                    const std::function<void(const Done &)> &step)
{
    begin();
    step([this, text, organization](const QString &error) {
        if (!error.isEmpty())
            m_undoStack.clear();
        finish(organization, error,
               tr("Could not undo “%1”: %2 The tree shows what the server holds now; earlier "
                  "changes can no longer be undone here.")
                   .arg(text, u"%1"_s));
    });
}

void OrganizationsPage::undo()
{
    if (m_busy == 0 && m_undoStack.canUndo())
        m_undoStack.undo();
}

void OrganizationsPage::addOrganization()
{
    if (!m_session.isActive())
        return;
    auto *dialog = new OrganizationNameDialog(
        tr("Add organization"),
        tr("An organization is a tree of units; its root unit bears its name. Users and groups "
           "in its units see the entities made visible to them."),
        tr("Create"), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &OrganizationNameDialog::submitted, this,
            &OrganizationsPage::createOrganization);
    dialog->open();
}

void OrganizationsPage::createOrganization(const QString &name, const QString &description)
{
    if (!m_session.isActive())
        return;
    begin();
    m_operations.createOrganization(
        name, description, [this, name, description](const QString &error) {
            if (error.isEmpty()) {
                pushCommand(
                    tr("Add organization %1").arg(name), name,
                    [this, name](const Done &done) {
                        m_operations.deleteEmptyOrganization(name, done);
                    },
                    [this, name, description](const Done &done) {
                        m_operations.createOrganization(name, description, done);
                    });
                m_pendingOrganization = name;
                m_pendingUnit = name;
            }
            finish(name, error,
                   tr("Could not create the organization “%1”: %2").arg(name, u"%1"_s));
        });
}

void OrganizationsPage::addUnit()
{
    const QString organization = selectedOrganization();
    const QString parent = selectedUnit();
    if (!m_session.isActive() || parent.isEmpty())
        return;
    auto *dialog = new OrganizationNameDialog(
        tr("Add unit"),
        tr("The new unit goes below %1/%2. Its members see what is granted to it or to a unit "
           "below it.")
            .arg(organization, parent),
        tr("Add"), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &OrganizationNameDialog::submitted, this, &OrganizationsPage::createUnit);
    dialog->open();
}

void OrganizationsPage::createUnit(const QString &name, const QString &description)
{
    const QString organization = selectedOrganization();
    const QString parent = selectedUnit();
    if (!m_session.isActive() || parent.isEmpty())
        return;
    begin();
    m_operations.createUnit(
        organization, name, parent, description,
        [this, organization, name, parent, description](const QString &error) {
            if (error.isEmpty()) {
                pushCommand(
                    tr("Add unit %1").arg(name), organization,
                    [this, organization, name](const Done &done) {
                        m_operations.deleteUnits(organization, {name}, done);
                    },
                    [this, organization, name, parent, description](const Done &done) {
                        m_operations.createUnit(organization, name, parent, description, done);
                    });
                m_pendingOrganization = organization;
                m_pendingUnit = name;
            }
            finish(organization, error, tr("Could not add the unit “%1”: %2").arg(name, u"%1"_s));
        });
}

void OrganizationsPage::renameUnit()
{
    const QString organization = selectedOrganization();
    const QString unit = selectedUnit();
    if (!m_session.isActive() || unit.isEmpty() || unit == organization)
        return;
    auto *dialog = new OrganizationNameDialog(
        tr("Rename unit"),
        tr("Rename %1/%2. Its members stay, and every grant to it follows the new name.")
            .arg(organization, unit),
        tr("Rename"), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setDescriptionVisible(false);
    dialog->setName(unit);
    connect(dialog, &OrganizationNameDialog::submitted, this,
            [this](const QString &name) { renameSelectedUnit(name); });
    dialog->open();
}

void OrganizationsPage::renameSelectedUnit(const QString &newName)
{
    const QString organization = selectedOrganization();
    const QString unit = selectedUnit();
    if (!m_session.isActive() || unit.isEmpty() || unit == organization || newName == unit)
        return;
    begin();
    m_operations.renameUnit(
        organization, unit, newName, [this, organization, unit, newName](const QString &error) {
            if (error.isEmpty()) {
                pushCommand(
                    tr("Rename %1 to %2").arg(unit, newName), organization,
                    [this, organization, unit, newName](const Done &done) {
                        m_operations.renameUnit(organization, newName, unit, done);
                    },
                    [this, organization, unit, newName](const Done &done) {
                        m_operations.renameUnit(organization, unit, newName, done);
                    });
                m_pendingOrganization = organization;
                m_pendingUnit = newName;
            }
            finish(organization, error, tr("Could not rename “%1”: %2").arg(unit, u"%1"_s));
        });
}

void OrganizationsPage::deleteSelected()
{
    const QString organization = selectedOrganization();
    const QString unit = selectedUnit();
    if (!m_session.isActive() || unit.isEmpty() || m_busy > 0)
        return;
    DeletePlan plan;
    plan.organization = organization;
    plan.unit = unit;
    plan.organizationDescription = m_model.descriptionOf(organization, organization);
    plan.deletionOrder = m_model.unitsBelow(organization, unit) << unit;
    QStringList creationOrder = plan.deletionOrder;
    std::reverse(creationOrder.begin(), creationOrder.end());
    QList<UnitSnapshot> units;
    for (const QString &name : std::as_const(creationOrder))
        units.append({name,
                      m_model.parentOf(organization, name),
                      m_model.descriptionOf(organization, name),
                      {},
                      {}});
    // What goes with the units is read first, so that the confirmation can
    // say it and the deletion can be undone.
    begin();
    m_operations.snapshot(organization, units,
                          [this, plan](const QString &error, const QList<UnitSnapshot> &taken) {
                              m_busy = std::max(0, m_busy - 1);
                              updateState();
                              if (!error.isEmpty()) {
                                  showMessage(tr("Could not read what the deletion would "
                                                 "affect: %1")
                                                  .arg(error));
                                  return;
                              }
                              DeletePlan complete = plan;
                              complete.snapshots = taken;
                              confirmDelete(complete);
                          });
}

void OrganizationsPage::confirmDelete(const DeletePlan &plan)
{
    int memberships = 0;
    int grants = 0;
    for (const UnitSnapshot &unit : plan.snapshots) {
        memberships += int(unit.members.size());
        grants += int(unit.grantHolders.size());
    }
    QStringList below = plan.deletionOrder;
    below.removeLast();
    std::sort(below.begin(), below.end());
    QString text = plan.isOrganization()
                       ? tr("Delete the organization “%1” with all its units?").arg(plan.unit)
                       : tr("Delete the unit “%1/%2”?").arg(plan.organization, plan.unit);
    QStringList details;
    if (!below.isEmpty())
        details
            << tr("Units below it that go too (%n): %1.", "", int(below.size())).arg(listOf(below));
    details << tr("Memberships of users and groups that end: %n.", "", memberships);
    details << tr("Visibility grants to these units that are removed: %n. Their members no "
                  "longer see those entities through them.",
                  "", grants);
    details << tr("Undo restores the units, their members and the grants.");
    auto *box = new QMessageBox(
        QMessageBox::Warning, plan.isOrganization() ? tr("Delete organization") : tr("Delete unit"),
        text, QMessageBox::Yes | QMessageBox::Cancel, this);
    box->setObjectName(u"confirmDeleteUnitDialog"_s);
    box->setInformativeText(details.join(u"\n\n"_s));
    box->setDefaultButton(QMessageBox::Cancel);
    box->button(QMessageBox::Yes)->setText(tr("Delete"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::buttonClicked, this, [this, box, plan](QAbstractButton *button) {
        if (box->standardButton(button) == QMessageBox::Yes)
            performDelete(plan);
    });
    box->open();
}

void OrganizationsPage::performDelete(const DeletePlan &plan)
{
    begin();
    const auto deleteStep = [this, plan](const Done &done) {
        if (plan.isOrganization())
            m_operations.deleteOrganization(plan.organization, done);
        else
            m_operations.deleteUnits(plan.organization, plan.deletionOrder, done);
    };
    deleteStep([this, plan, deleteStep](const QString &error) {
        if (error.isEmpty()) {
            pushCommand(
                plan.isOrganization() ? tr("Delete organization %1").arg(plan.organization)
                                      : tr("Delete unit %1").arg(plan.unit),
                plan.organization,
                [this, plan](const Done &done) {
                    m_operations.restore(plan.organization, plan.organizationDescription,
                                         plan.snapshots, plan.isOrganization(), done);
                },
                deleteStep);
        }
        finish(plan.organization, error, tr("Could not delete “%1”: %2").arg(plan.unit, u"%1"_s));
    });
}

// ---- User view ----------------------------------------------------------------

void OrganizationsPage::showUnitsOfUser(const QString &user)
{
    if (!m_session.client || user.isEmpty())
        return;
    m_userViewUser = user;
    m_userStatus->setText(tr("Looking up the units of %1…").arg(user));
    m_membership.find(m_session.client, user, m_model.allUnitPaths());
}

void OrganizationsPage::applyUserView(const QString &user, const QHash<QString, QString> &units)
{
    if (user != m_userViewUser)
        return;
    m_model.setHighlightedUnits(units);
    QSet<QString> organizations;
    for (auto it = units.cbegin(); it != units.cend(); ++it) {
        const QString organization = it.key().section(u'/', 0, 0);
        organizations.insert(organization);
        expandTo(m_model.indexOf(organization, it.key().section(u'/', 1)));
    }
    if (units.isEmpty())
        m_userStatus->setText(
            tr("%1 is not a member of any unit, directly or through groups.").arg(user));
    else
        m_userStatus->setText(tr("Units %1 belongs to: %n, in organizations: %2. They are "
                                 "marked in bold with a person icon.",
                                 "", int(units.size()))
                                  .arg(user)
                                  .arg(organizations.size()));
}

void OrganizationsPage::clearUserView()
{
    m_userViewUser.clear();
    m_membership.cancel();
    m_userViewTimer.stop();
    m_model.setHighlightedUnits({});
    m_userStatus->clear();
    m_userCombo->setCurrentIndex(-1);
    m_userCombo->clearEditText();
}

} // namespace Bulwark::Ui
