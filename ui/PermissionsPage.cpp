#include "PermissionsPage.h"

#include "ExplainPane.h"
#include "PermissionApplyDialog.h"
#include "PermissionCellDelegate.h"
#include "PermissionMatrixProxy.h"
#include "PermissionPrincipalPicker.h"
#include "models/ApiClient.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QStyle>
#include <QTabWidget>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace Bulwark::Ui {

using namespace Qt::StringLiterals;
using Models::ApiResult;
using Models::CellState;
using Models::Permission;
using Models::PermissionChange;
using Models::PermissionKind;
using Models::PermissionMatrixModel;
using Models::PermissionPrincipal;
using Models::PermissionScope;
using Level = Models::PermissionScope::Level;
using MemberKind = Models::PermissionScope::MemberKind;

namespace {

const QStringList Collections{u"Things"_s, u"ThingTemplates"_s, u"Users"_s, u"Groups"_s,
                              u"Organizations"_s};
constexpr int MemberKindRole = Qt::UserRole + 1;

QToolButton *toolButton(QWidget *parent, const QString &objectName, const QString &text,
                        QStyle::StandardPixmap icon)
{
    auto *button = new QToolButton(parent);
    button->setObjectName(objectName);
    button->setText(text);
    button->setIcon(parent->style()->standardIcon(icon));
    button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    button->setAutoRaise(true);
    return button;
}

Models::PermissionMask kindMask(PermissionKind kind)
{
    Models::PermissionMask mask = 0;
    for (int p = 0; p < Models::PermissionCount; ++p) {
        if (Models::kindOf(Permission(p)) == kind)
            mask |= Models::PermissionMask(1U << p);
    }
    return mask;
}

} // namespace

PermissionsPage::PermissionsPage(QWidget *parent)
    : ConsolePage(parent)
{
    setObjectName(u"permissionsPage"_s);
    buildScopeBar();
    buildMatrix();

    connect(&m_matrix, &PermissionMatrixModel::changesChanged, this, &PermissionsPage::updateState);
    connect(&m_matrix, &QAbstractItemModel::rowsInserted, this, &PermissionsPage::updateState);
    connect(&m_matrix, &QAbstractItemModel::modelReset, this, &PermissionsPage::updateState);
    updateScopeControls();
    updateState();
}

PermissionsPage::~PermissionsPage() = default;

void PermissionsPage::buildScopeBar()
{
    m_levelCombo = new QComboBox(this);
    m_levelCombo->setObjectName(u"permissionLevelCombo"_s);
    m_levelCombo->addItem(tr("Collection"), int(Level::Collection));
    m_levelCombo->addItem(tr("Template instances"), int(Level::TemplateInstance));
    m_levelCombo->addItem(tr("Entity"), int(Level::Entity));
    m_levelCombo->addItem(tr("Property, service or event"), int(Level::Member));
    m_levelCombo->setToolTip(tr("Where the rules are set: a whole collection, every Thing built "
                                "from a template, one entity, or one member of a Thing"));

    m_collectionCombo = new QComboBox(this);
    m_collectionCombo->setObjectName(u"permissionCollectionCombo"_s);
    m_collectionCombo->addItems(Collections);

    m_entityLabel = new QLabel(tr("&Entity:"), this);
    m_entityCombo = new QComboBox(this);
    m_entityCombo->setObjectName(u"permissionEntityCombo"_s);
    m_entityCombo->setEditable(true);
    m_entityCombo->setInsertPolicy(QComboBox::NoInsert);
    m_entityCombo->setMinimumContentsLength(18);
    m_entityCombo->lineEdit()->setPlaceholderText(tr("Type or pick a name"));
    m_entityLabel->setBuddy(m_entityCombo);

    m_memberLabel = new QLabel(tr("&Member:"), this);
    m_memberCombo = new QComboBox(this);
    m_memberCombo->setObjectName(u"permissionMemberCombo"_s);
    m_memberCombo->setMinimumContentsLength(16);
    m_memberLabel->setBuddy(m_memberCombo);

    m_reloadButton =
        toolButton(this, u"permissionReloadButton"_s, tr("&Reload"), QStyle::SP_BrowserReload);
    m_reloadButton->setToolTip(tr("Load the rules again from the server (F5)"));

    connect(m_levelCombo, &QComboBox::currentIndexChanged, this, [this] {
        if (m_updatingControls)
            return;
        updateScopeControls();
        if (Level(m_levelCombo->currentData().toInt()) == Level::Collection)
            scopeControlsChanged();
        else
            loadEntityNames();
    });
    connect(m_collectionCombo, &QComboBox::currentIndexChanged, this, [this] {
        if (m_updatingControls)
            return;
        if (Level(m_levelCombo->currentData().toInt()) == Level::Collection)
            scopeControlsChanged();
        else
            loadEntityNames();
    });
    auto entityChosen = [this] {
        if (m_updatingControls)
            return;
        if (Level(m_levelCombo->currentData().toInt()) == Level::Member)
            loadMembers();
        else
            scopeControlsChanged();
    };
    connect(m_entityCombo, &QComboBox::activated, this, entityChosen);
    connect(m_entityCombo->lineEdit(), &QLineEdit::returnPressed, this, entityChosen);
    connect(m_memberCombo, &QComboBox::activated, this, [this] {
        if (!m_updatingControls)
            scopeControlsChanged();
    });
    connect(m_reloadButton, &QToolButton::clicked, this, &PermissionsPage::reload);
}

QTableView *PermissionsPage::createView(PermissionMatrixProxy *proxy)
{
    auto *view = new QTableView(this);
    view->setModel(proxy);
    view->setItemDelegate(new PermissionCellDelegate(view));
    view->setSortingEnabled(true);
    view->sortByColumn(PermissionMatrixModel::PrincipalColumn, Qt::AscendingOrder);
    view->setSelectionBehavior(QAbstractItemView::SelectItems);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setAlternatingRowColors(false);
    view->setWordWrap(false);
    view->verticalHeader()->hide();
    view->verticalHeader()->setDefaultSectionSize(26);
    view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    view->horizontalHeader()->setDefaultSectionSize(120);
    view->horizontalHeader()->setMinimumSectionSize(90);
    view->setColumnWidth(0, 200);
    connect(view->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex &current) {
                if (m_effectiveMode)
                    explain(current);
            });
    return view;
}

void PermissionsPage::buildMatrix()
{
    m_search = new QLineEdit(this);
    m_search->setObjectName(u"permissionSearchEdit"_s);
    m_search->setPlaceholderText(tr("Search users and groups"));
    m_search->setClearButtonEnabled(true);

    m_addPrincipalButton = toolButton(this, u"addPrincipalButton"_s, tr("&Add principal…"),
                                      QStyle::SP_FileDialogNewFolder);
    m_addPrincipalButton->setToolTip(tr("Add a user or group as a row of the matrix"));

    m_effectiveCheck = new QCheckBox(tr("E&ffective for"), this);
    m_effectiveCheck->setObjectName(u"effectiveModeCheck"_s);
    m_effectiveCheck->setToolTip(tr("Show what the server decides for one user on this entity, "
                                    "and why"));
    m_effectiveUserCombo = new QComboBox(this);
    m_effectiveUserCombo->setObjectName(u"effectiveUserCombo"_s);
    m_effectiveUserCombo->setEditable(true);
    m_effectiveUserCombo->setInsertPolicy(QComboBox::NoInsert);
    m_effectiveUserCombo->setMinimumContentsLength(12);
    m_effectiveUserCombo->lineEdit()->setPlaceholderText(tr("User"));

    m_exportButton =
        toolButton(this, u"exportSecurityButton"_s, tr("E&xport…"), QStyle::SP_DialogSaveButton);
    m_exportButton->setToolTip(tr("Save this entity's rules and visibility to a file"));
    m_importButton =
        toolButton(this, u"importSecurityButton"_s, tr("&Import…"), QStyle::SP_DialogOpenButton);
    m_importButton->setToolTip(
        tr("Replace this entity's rules and visibility with those of a file"));

    m_message = new QLabel(this);
    m_message->setObjectName(u"permissionsMessageLabel"_s);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->setFrameShape(QFrame::StyledPanel);
    m_message->setMargin(6);
    m_message->hide();

    m_designProxy = new PermissionMatrixProxy(PermissionKind::DesignTime, this);
    m_runTimeProxy = new PermissionMatrixProxy(PermissionKind::RunTime, this);
    m_designProxy->setSourceModel(&m_matrix);
    m_runTimeProxy->setSourceModel(&m_matrix);
    m_designView = createView(m_designProxy);
    m_designView->setObjectName(u"designTimeView"_s);
    m_runTimeView = createView(m_runTimeProxy);
    m_runTimeView->setObjectName(u"runTimeView"_s);
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(u"permissionTabs"_s);
    m_tabs->addTab(m_designView, tr("&Design-time"));
    m_tabs->addTab(m_runTimeView, tr("R&un-time"));

    m_emptyState = new QLabel(this);
    m_emptyState->setObjectName(u"permissionsEmptyState"_s);
    m_emptyState->setAlignment(Qt::AlignCenter);
    m_emptyState->setWordWrap(true);
    m_stack = new QStackedWidget(this);
    m_stack->addWidget(m_tabs);
    m_stack->addWidget(m_emptyState);

    m_explain = new ExplainPane(this);
    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setObjectName(u"permissionsSplitter"_s);
    splitter->addWidget(m_stack);
    splitter->addWidget(m_explain);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    splitter->setChildrenCollapsible(false);

    m_changesLabel = new QLabel(this);
    m_changesLabel->setObjectName(u"permissionChangesLabel"_s);
    m_discardButton = toolButton(this, u"discardPermissionsButton"_s, tr("D&iscard"),
                                 QStyle::SP_DialogDiscardButton);
    m_discardButton->setToolTip(tr("Forget the changes not applied yet"));
    m_applyButton =
        toolButton(this, u"applyPermissionsButton"_s, tr("&Apply…"), QStyle::SP_DialogApplyButton);
    m_applyButton->setToolTip(
        tr("Review the changes and write them to the server (%1)")
            .arg(QKeySequence(QKeySequence::Save).toString(QKeySequence::NativeText)));

    auto *scopeBar = new QHBoxLayout;
    auto *levelLabel = new QLabel(tr("&Level:"), this);
    levelLabel->setBuddy(m_levelCombo);
    scopeBar->addWidget(levelLabel);
    scopeBar->addWidget(m_levelCombo);
    scopeBar->addWidget(m_collectionCombo);
    scopeBar->addWidget(m_entityLabel);
    scopeBar->addWidget(m_entityCombo, 1);
    scopeBar->addWidget(m_memberLabel);
    scopeBar->addWidget(m_memberCombo, 1);
    scopeBar->addWidget(m_reloadButton);

    auto *toolBar = new QHBoxLayout;
    toolBar->addWidget(m_search, 1);
    toolBar->addWidget(m_addPrincipalButton);
    toolBar->addSpacing(12);
    toolBar->addWidget(m_effectiveCheck);
    toolBar->addWidget(m_effectiveUserCombo);
    toolBar->addSpacing(12);
    toolBar->addWidget(m_exportButton);
    toolBar->addWidget(m_importButton);

    auto *bottomBar = new QHBoxLayout;
    bottomBar->addWidget(m_changesLabel, 1);
    bottomBar->addWidget(m_discardButton);
    bottomBar->addWidget(m_applyButton);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(scopeBar);
    layout->addLayout(toolBar);
    layout->addWidget(m_message);
    layout->addWidget(splitter, 1);
    layout->addLayout(bottomBar);

    connect(m_search, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_designProxy->setSearchText(text);
        m_runTimeProxy->setSearchText(text);
    });
    connect(m_addPrincipalButton, &QToolButton::clicked, this,
            &PermissionsPage::openPrincipalPicker);
    connect(m_effectiveCheck, &QCheckBox::toggled, this, &PermissionsPage::setEffectiveMode);
    connect(m_effectiveUserCombo, &QComboBox::activated, this,
            [this] { setEffectiveUser(m_effectiveUserCombo->currentText()); });
    connect(m_effectiveUserCombo->lineEdit(), &QLineEdit::returnPressed, this,
            [this] { setEffectiveUser(m_effectiveUserCombo->currentText()); });
    connect(m_exportButton, &QToolButton::clicked, this, &PermissionsPage::startExport);
    connect(m_importButton, &QToolButton::clicked, this, &PermissionsPage::startImport);
    connect(m_discardButton, &QToolButton::clicked, this, [this] {
        auto *box = new QMessageBox(
            QMessageBox::Question, tr("Discard changes"),
            tr("Discard %n change(s) not applied to %1? The matrix goes back to the rules as "
               "loaded from the server.",
               nullptr, m_matrix.changeCount())
                .arg(m_matrix.scope().describe()),
            QMessageBox::Discard | QMessageBox::Cancel, this);
        box->setObjectName(u"confirmDiscardDialog"_s);
        box->setDefaultButton(QMessageBox::Cancel);
        box->setAttribute(Qt::WA_DeleteOnClose);
        connect(box, &QMessageBox::finished, this, [this](int result) {
            if (result == QMessageBox::Discard)
                discardChanges();
        });
        box->open();
    });
    connect(m_applyButton, &QToolButton::clicked, this, &PermissionsPage::openApplyDialog);

    // Keyboard: Save applies, Refresh reloads, Find searches.
    auto addShortcut = [this](const QKeySequence &keys, auto slot) {
        auto *action = new QAction(this);
        action->setShortcut(keys);
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        connect(action, &QAction::triggered, this, slot);
        addAction(action);
    };
    addShortcut(QKeySequence::Save, [this] {
        if (m_applyButton->isEnabled())
            openApplyDialog();
    });
    addShortcut(QKeySequence::Refresh, [this] {
        if (m_reloadButton->isEnabled())
            reload();
    });
    addShortcut(QKeySequence::Find, [this] {
        m_search->setFocus();
        m_search->selectAll();
    });
}

// --- session and scope -------------------------------------------------------

void PermissionsPage::setSession(const ConsoleSession &session)
{
    m_client = session.client;
    m_sessionUser = session.user;
    disconnect(m_eventsConnection);
    m_events = session.events;
    if (m_events)
        m_eventsConnection = connect(m_events, &Models::EventStream::eventReceived, this,
                                     &PermissionsPage::handleLiveEvent);
    ++m_generation;
    m_loading = false;
    m_applying = false;
    m_matrix.clear();
    m_effective.clear();
    hideMessage();
    m_explain->setPlaceholder(tr("Turn on “Effective for” and select a cell to see why the "
                                 "server decides as it does."));
    m_hasWantedScope = false;
    if (!m_client) {
        m_entityCombo->clear();
        m_memberCombo->clear();
        m_effectiveUserCombo->clear();
        updateState();
        return;
    }
    loadScopeLists();
    const Level level = Level(m_levelCombo->currentData().toInt());
    if (level == Level::Collection)
        scopeControlsChanged();
    else
        loadEntityNames();
    updateState();
}

bool PermissionsPage::setScope(const PermissionScope &scope)
{
    if (m_matrix.hasChanges())
        return false;
    m_updatingControls = true;
    m_levelCombo->setCurrentIndex(m_levelCombo->findData(int(scope.level)));
    if (scope.level == Level::Collection || scope.level == Level::Entity)
        m_collectionCombo->setCurrentText(scope.collection);
    m_entityCombo->setEditText(scope.name);
    if (scope.level == Level::Member) {
        int row = -1;
        for (int i = 0; i < m_memberCombo->count(); ++i) {
            if (m_memberCombo->itemData(i).toString() == scope.member &&
                m_memberCombo->itemData(i, MemberKindRole).toInt() == int(scope.memberKind))
                row = i;
        }
        if (row < 0) {
            m_memberCombo->addItem(scope.member, scope.member);
            row = m_memberCombo->count() - 1;
            m_memberCombo->setItemData(row, int(scope.memberKind), MemberKindRole);
        }
        m_memberCombo->setCurrentIndex(row);
    }
    m_updatingControls = false;
    updateScopeControls();
    loadRules(scope);
    loadEntityNames(NamesRefresh::KeepCurrent);
    return true;
}

void PermissionsPage::loadScopeLists()
{
    if (!m_client)
        return;
    const quint64 generation = m_generation;
    m_client->get(u"/api/Users"_s, this, [this, generation](const ApiResult &result) {
        if (generation != m_generation || !result.isOk())
            return;
        const QString current = m_effectiveUserCombo->currentText();
        m_effectiveUserCombo->clear();
        const QJsonArray items = result.body.object().value("items"_L1).toArray();
        for (const QJsonValue &value : items)
            m_effectiveUserCombo->addItem(value.toObject().value("name"_L1).toString());
        m_effectiveUserCombo->setEditText(current);
    });
}

QString PermissionsPage::namesCollection() const
{
    switch (Level(m_levelCombo->currentData().toInt())) {
    case Level::Collection:
        return {};
    case Level::TemplateInstance:
        return u"ThingTemplates"_s;
    case Level::Member:
        return u"Things"_s;
    case Level::Entity:
        break;
    }
    return m_collectionCombo->currentText();
}

void PermissionsPage::loadEntityNames(NamesRefresh refresh)
{
    const Level level = Level(m_levelCombo->currentData().toInt());
    if (!m_client || level == Level::Collection)
        return;
    const QString collection = namesCollection();
    const quint64 generation = m_generation;
    m_client->get(
        u"/api/"_s + collection, this,
        [this, generation, level, collection, refresh](const ApiResult &result) {
            if (generation != m_generation || Level(m_levelCombo->currentData().toInt()) != level)
                return;
            if (!result.isOk()) {
                showMessage(MessageKind::Error, tr("The names in %1 could not be listed: %2")
                                                    .arg(collection, result.errorMessage));
                return;
            }
            const QString current = m_entityCombo->currentText();
            QStringList names;
            const QJsonArray items = result.body.object().value("items"_L1).toArray();
            for (const QJsonValue &value : items)
                names.append(value.toObject().value("name"_L1).toString());
            m_updatingControls = true;
            m_entityCombo->clear();
            m_entityCombo->addItems(names);
            const bool keep = !current.isEmpty() && names.contains(current);
            m_entityCombo->setEditText(
                keep || refresh == NamesRefresh::KeepCurrent ? current : names.value(0));
            m_updatingControls = false;
            if (refresh == NamesRefresh::KeepCurrent)
                return;
            if (level == Level::Member)
                loadMembers();
            else
                scopeControlsChanged();
        });
}

void PermissionsPage::loadMembers()
{
    const QString thing = m_entityCombo->currentText().trimmed();
    if (!m_client || thing.isEmpty()) {
        m_memberCombo->clear();
        scopeControlsChanged();
        return;
    }
    const quint64 generation = m_generation;
    m_client->get(
        Models::ApiClient::entityPath("Things"_L1, thing), this,
        [this, generation, thing](const ApiResult &result) {
            if (generation != m_generation || m_entityCombo->currentText().trimmed() != thing)
                return;
            if (!result.isOk()) {
                m_memberCombo->clear();
                showMessage(MessageKind::Error, tr("The members of Thing %1 could not be read: %2")
                                                    .arg(thing, result.errorMessage));
                scopeControlsChanged();
                return;
            }
            const QJsonObject object = result.body.object();
            const QString previous = m_memberCombo->currentData().toString();
            const int previousKind = m_memberCombo->currentData(MemberKindRole).toInt();
            m_updatingControls = true;
            m_memberCombo->clear();
            const std::array<std::pair<QLatin1StringView, MemberKind>, 3> kinds{
                {{"properties"_L1, MemberKind::Property},
                 {"services"_L1, MemberKind::Service},
                 {"events"_L1, MemberKind::Event}}};
            int keep = -1;
            for (const auto &[field, kind] : kinds) {
                const QJsonArray members = object.value(field).toArray();
                for (const QJsonValue &value : members) {
                    const QString name = value.toObject().value("name"_L1).toString();
                    const QString label = kind == MemberKind::Property  ? tr("Property %1")
                                          : kind == MemberKind::Service ? tr("Service %1")
                                                                        : tr("Event %1");
                    m_memberCombo->addItem(label.arg(name), name);
                    m_memberCombo->setItemData(m_memberCombo->count() - 1, int(kind),
                                               MemberKindRole);
                    if (name == previous && int(kind) == previousKind)
                        keep = m_memberCombo->count() - 1;
                }
            }
            m_memberCombo->setCurrentIndex(keep >= 0 ? keep : 0);
            m_updatingControls = false;
            if (m_memberCombo->count() == 0)
                showMessage(
                    MessageKind::Information,
                    tr("Thing %1 has no properties, services or events to override.").arg(thing));
            scopeControlsChanged();
        });
}

std::optional<PermissionScope> PermissionsPage::scopeFromControls() const
{
    PermissionScope scope;
    scope.level = Level(m_levelCombo->currentData().toInt());
    switch (scope.level) {
    case Level::Collection:
        scope.collection = m_collectionCombo->currentText();
        return scope;
    case Level::TemplateInstance:
        scope.collection = u"ThingTemplates"_s;
        break;
    case Level::Entity:
        scope.collection = m_collectionCombo->currentText();
        break;
    case Level::Member:
        scope.collection = u"Things"_s;
        scope.member = m_memberCombo->currentData().toString();
        scope.memberKind = MemberKind(m_memberCombo->currentData(MemberKindRole).toInt());
        if (scope.member.isEmpty())
            return std::nullopt;
        break;
    }
    scope.name = m_entityCombo->currentText().trimmed();
    if (scope.name.isEmpty())
        return std::nullopt;
    return scope;
}

void PermissionsPage::scopeControlsChanged()
{
    // Staged changes are never dropped by a change of scope (the controls
    // are disabled meanwhile; this guards against lists refreshed live).
    if (!m_client || m_matrix.hasChanges())
        return;
    const std::optional<PermissionScope> scope = scopeFromControls();
    if (!scope) {
        ++m_generation;
        m_hasWantedScope = false;
        m_matrix.clear();
        m_effective.clear();
        updateState();
        return;
    }
    if (m_hasWantedScope && *scope == m_wantedScope)
        return;
    loadRules(*scope);
}

void PermissionsPage::handleLiveEvent(const Models::LiveEvent &event)
{
    const bool created = event.type == u"entityCreated";
    const bool deleted = event.type == u"entityDeleted";
    if ((!created && !deleted) || event.collection != namesCollection())
        return;
    // Rules have no live event; entities do: keep the pickers current, and
    // say so when the entity on screen is deleted (its rules went with it).
    const PermissionScope &scope = m_matrix.scope();
    if (deleted && m_matrix.isLoaded() && scope.level != Level::Collection &&
        scope.collection == event.collection && scope.name == event.name) {
        ++m_generation;
        m_hasWantedScope = false;
        m_matrix.clear();
        m_effective.clear();
        showMessage(MessageKind::Warning,
                    tr("%1 %2 was deleted on the server, and its rules with it. Choose another "
                       "entity.")
                        .arg(event.collection, event.name));
        updateState();
    }
    loadEntityNames(NamesRefresh::KeepCurrent);
}

void PermissionsPage::updateScopeControls()
{
    const Level level = Level(m_levelCombo->currentData().toInt());
    m_collectionCombo->setVisible(level == Level::Collection || level == Level::Entity);
    m_entityLabel->setVisible(level != Level::Collection);
    m_entityCombo->setVisible(level != Level::Collection);
    m_entityLabel->setText(level == Level::TemplateInstance ? tr("&Template:")
                           : level == Level::Member         ? tr("&Thing:")
                                                            : tr("&Entity:"));
    m_memberLabel->setVisible(level == Level::Member);
    m_memberCombo->setVisible(level == Level::Member);
}

void PermissionsPage::reload()
{
    if (!m_client)
        return;
    if (m_matrix.hasChanges()) {
        // Keep the user's work: a reload becomes a rebase onto the server's rules.
        reloadAfterConflict();
        return;
    }
    m_hasWantedScope = false;
    if (const auto scope = scopeFromControls())
        loadRules(*scope);
}

void PermissionsPage::loadRules(const PermissionScope &scope)
{
    m_wantedScope = scope;
    m_hasWantedScope = true;
    const quint64 generation = ++m_generation;
    m_loading = true;
    m_matrix.clear();
    m_effective.clear();
    hideMessage();
    updateState();
    if (!m_client)
        return;
    m_client->get(scope.rulesPath(), this, [this, generation, scope](const ApiResult &result) {
        if (generation != m_generation)
            return;
        m_loading = false;
        if (!result.isOk()) {
            showMessage(MessageKind::Error, tr("The rules of %1 could not be loaded: %2")
                                                .arg(scope.describe(), result.errorMessage));
            updateState();
            return;
        }
        m_matrix.load(scope, result.body.object());
        // Show a tab that has permissions at this level.
        const Models::PermissionMask mask = scope.applicablePermissions();
        const bool design = (mask & kindMask(PermissionKind::DesignTime)) != 0;
        const bool runTime = (mask & kindMask(PermissionKind::RunTime)) != 0;
        m_tabs->setTabEnabled(0, design);
        m_tabs->setTabEnabled(1, runTime);
        if (!m_tabs->isTabEnabled(m_tabs->currentIndex()))
            m_tabs->setCurrentIndex(design ? 0 : 1);
        updateState();
        Q_EMIT rulesLoaded();
        if (m_effectiveMode)
            loadEffective();
    });
}

// --- editing -------------------------------------------------------------------

void PermissionsPage::addPrincipal(const PermissionPrincipal &principal)
{
    if (!m_matrix.isLoaded() || m_effectiveMode)
        return;
    const int row = m_matrix.addPrincipal(principal);
    // A new row is only useful if visible: clear a search that hides it.
    auto *proxy = m_tabs->currentIndex() == 0 ? m_designProxy : m_runTimeProxy;
    QTableView *view = m_tabs->currentIndex() == 0 ? m_designView : m_runTimeView;
    QModelIndex index = proxy->mapFromSource(m_matrix.index(row, 0));
    if (!index.isValid()) {
        m_search->clear();
        index = proxy->mapFromSource(m_matrix.index(row, 0));
    }
    if (index.isValid()) {
        view->scrollTo(index);
        view->setCurrentIndex(index.siblingAtColumn(std::min(1, proxy->columnCount() - 1)));
        view->setFocus();
    }
}

void PermissionsPage::openPrincipalPicker()
{
    if (!m_client || !m_matrix.isLoaded())
        return;
    auto *picker = new PermissionPrincipalPicker(m_client, this);
    picker->setAttribute(Qt::WA_DeleteOnClose);
    connect(picker, &PermissionPrincipalPicker::principalsChosen, this,
            [this](const QList<PermissionPrincipal> &principals) {
                for (const PermissionPrincipal &principal : principals)
                    addPrincipal(principal);
            });
    picker->open();
}

void PermissionsPage::openApplyDialog()
{
    if (!m_client || !m_matrix.hasChanges() || m_applying)
        return;
    auto *dialog = new PermissionApplyDialog(m_matrix.changes(), m_matrix.scope().describe(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, &PermissionsPage::applyChanges);
    dialog->open();
}

void PermissionsPage::applyChanges()
{
    if (!m_client || !m_matrix.hasChanges() || m_applying)
        return;
    m_applying = true;
    updateState();
    const int count = m_matrix.changeCount();
    const quint64 generation = m_generation;
    m_client->put(m_matrix.scope().rulesPath(), m_matrix.requestBody(), this,
                  [this, generation, count](const ApiResult &result) {
                      if (generation != m_generation)
                          return;
                      handleApplyAnswer(result, count);
                  });
}

void PermissionsPage::handleApplyAnswer(const ApiResult &result, int changeCount)
{
    m_applying = false;
    if (result.httpStatus == 409 && result.errorCode == u"conflict") {
        reloadAfterConflict();
        return;
    }
    if (!result.isOk()) {
        showMessage(MessageKind::Error,
                    tr("Nothing was changed: the server refused the rules of %1. %2")
                        .arg(m_matrix.scope().describe(), result.errorMessage));
        updateState();
        return;
    }
    m_matrix.load(m_matrix.scope(), result.body.object());
    showMessage(
        MessageKind::Information,
        tr("Applied %n change(s) to %1.", nullptr, changeCount).arg(m_matrix.scope().describe()));
    updateState();
    Q_EMIT rulesApplied();
    if (m_effectiveMode)
        loadEffective();
}

void PermissionsPage::reloadAfterConflict()
{
    if (!m_client)
        return;
    const quint64 generation = m_generation;
    const PermissionScope scope = m_matrix.scope();
    m_loading = true;
    updateState();
    m_client->get(scope.rulesPath(), this, [this, generation, scope](const ApiResult &result) {
        if (generation != m_generation)
            return;
        m_loading = false;
        if (!result.isOk()) {
            showMessage(MessageKind::Error, tr("The current rules of %1 could not be loaded: %2")
                                                .arg(scope.describe(), result.errorMessage));
            updateState();
            return;
        }
        const QString before = m_matrix.version();
        const int conflicts = m_matrix.rebase(result.body.object());
        updateState();
        if (before == m_matrix.version() && conflicts == 0) {
            showMessage(MessageKind::Information,
                        tr("The rules on the server have not changed; your changes are kept."));
            return;
        }
        QStringList conflicting;
        const QList<PermissionChange> changes = m_matrix.changes();
        for (const PermissionChange &change : changes) {
            if (change.conflicts)
                conflicting.append(u"• "_s + change.describe());
        }
        QString text = tr("Someone changed the rules of %1 since you loaded them, so nothing was "
                          "written. The matrix now shows the server's current rules with your "
                          "%n change(s) on top.",
                          nullptr, m_matrix.changeCount())
                           .arg(scope.describe());
        if (conflicting.isEmpty())
            text += u' ' + tr("None of your changes touches a cell that changed there. Review "
                              "and apply again.");
        else
            text +=
                u' ' +
                tr("%n of your changes touch cells that changed there (framed in orange):", nullptr,
                   int(conflicting.size())) +
                u'\n' + conflicting.join(u'\n') + u'\n' + tr("Decide for each, then apply again.");
        showMessage(MessageKind::Warning, text);
        Q_EMIT conflictShown(conflicts);
    });
}

void PermissionsPage::discardChanges()
{
    m_matrix.discardChanges();
    hideMessage();
    updateState();
}

// --- state ---------------------------------------------------------------------

void PermissionsPage::showMessage(MessageKind kind, const QString &text)
{
    QString style;
    switch (kind) {
    case MessageKind::Information:
        style = u"QLabel { border: 1px solid palette(mid); border-radius: 4px; }"_s;
        break;
    case MessageKind::Warning:
        style = u"QLabel { border: 2px solid #e67e00; border-radius: 4px; }"_s;
        break;
    case MessageKind::Error:
        style = u"QLabel { border: 2px solid #c62828; border-radius: 4px; }"_s;
        break;
    }
    m_message->setStyleSheet(style);
    m_message->setText(text);
    m_message->show();
    if (kind == MessageKind::Error)
        Q_EMIT errorShown(text);
}

void PermissionsPage::hideMessage()
{
    m_message->clear();
    m_message->hide();
}

QString PermissionsPage::messageText() const
{
    return m_message->isVisibleTo(this) ? m_message->text() : QString();
}

void PermissionsPage::updateState()
{
    const bool connected = !m_client.isNull();
    const bool loaded = m_matrix.isLoaded();
    const bool changes = m_matrix.hasChanges();
    const PermissionScope &scope = m_matrix.scope();
    const bool entityScope =
        loaded && (scope.level == Level::Entity || scope.level == Level::Member);

    const bool scopeFree = connected && !changes && !m_applying;
    for (QWidget *widget :
         {static_cast<QWidget *>(m_levelCombo), static_cast<QWidget *>(m_collectionCombo),
          static_cast<QWidget *>(m_entityCombo), static_cast<QWidget *>(m_memberCombo)}) {
        widget->setEnabled(scopeFree);
        widget->setToolTip(changes ? tr("Apply or discard your changes before choosing "
                                        "another scope.")
                                   : QString());
    }
    m_reloadButton->setEnabled(connected && !m_applying);
    m_addPrincipalButton->setEnabled(loaded && !m_effectiveMode && !m_applying);
    m_effectiveCheck->setEnabled(connected && (entityScope || m_effectiveMode));
    m_effectiveUserCombo->setEnabled(connected);
    m_exportButton->setEnabled(connected && entityScope);
    m_importButton->setEnabled(connected && entityScope && !changes);
    m_applyButton->setEnabled(changes && !m_applying && !m_effectiveMode);
    m_discardButton->setEnabled(changes && !m_applying && !m_effectiveMode);

    if (m_applying)
        m_changesLabel->setText(tr("Applying…"));
    else if (!changes)
        m_changesLabel->setText(loaded ? tr("No changes waiting to be applied.") : QString());
    else if (const int conflicts = m_matrix.conflictCount(); conflicts > 0)
        m_changesLabel->setText(
            tr("%n change(s) not applied yet", nullptr, m_matrix.changeCount()) + u" — " +
            tr("%n conflict(s) with changes made on the server", nullptr, conflicts));
    else
        m_changesLabel->setText(
            tr("%n change(s) not applied yet", nullptr, m_matrix.changeCount()));

    QString empty;
    if (!connected)
        empty = tr("Not connected to a server. Rules appear here once the console is connected.");
    else if (m_loading)
        empty = tr("Loading the rules…");
    else if (!loaded)
        empty = m_hasWantedScope
                    ? tr("The rules could not be loaded; see the message above.")
                    : tr("Choose a level and an entity above to see and edit its rules.");
    else if (m_effectiveMode && !m_effective.isLoaded())
        empty = tr("Pick a user next to “Effective for” to see what the server decides for "
                   "them.");
    else if (!m_effectiveMode && m_matrix.rowCount() == 0)
        empty = tr("No rules are set on %1 yet, so a less specific level decides. Add a user or "
                   "group with Add principal… and set its cells.")
                    .arg(scope.describe());
    if (empty.isEmpty()) {
        m_stack->setCurrentWidget(m_tabs);
    } else {
        m_emptyState->setText(empty);
        m_stack->setCurrentWidget(m_emptyState);
    }
}

} // namespace Bulwark::Ui
