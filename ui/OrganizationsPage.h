// The Organizations area: a tree editor of organizations and their units
// (add, rename, delete with a confirmation that says what goes with it, move
// by drag and drop, undo of the last changes through the REST API), the
// members of the selected unit and what it can see, and a user view that
// marks the units a user belongs to across every organization.
#pragma once

#include "ConsolePage.h"
#include "OrganizationOperations.h"
#include "models/OrganizationsMembership.h"
#include "models/OrganizationsModel.h"
#include "models/PrincipalsModel.h"

#include <QPointer>
#include <QSortFilterProxyModel>
#include <QTimer>
#include <QUndoStack>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QStackedWidget;
class QTabWidget;
class QToolBar;
class QToolButton;
class QTreeView;

namespace Bulwark::Ui {

class OrganizationVisiblePanel;
class UnitMembersPanel;

class OrganizationsPage final : public ConsolePage
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OrganizationsPage)

public:
    explicit OrganizationsPage(QWidget *parent = nullptr);
    ~OrganizationsPage() override;

    void setSession(const ConsoleSession &session) override;

    [[nodiscard]] Models::OrganizationsModel *model() { return &m_model; }
    // The tree shows the model through a sorting, filtering proxy.
    [[nodiscard]] QTreeView *treeView() const { return m_tree; }
    [[nodiscard]] QSortFilterProxyModel *treeProxy() { return &m_treeProxy; }
    [[nodiscard]] QLineEdit *treeFilterEdit() const { return m_treeFilter; }
    [[nodiscard]] QUndoStack *undoStack() { return &m_undoStack; }
    [[nodiscard]] UnitMembersPanel *membersPanel() const { return m_members; }
    [[nodiscard]] OrganizationVisiblePanel *visiblePanel() const { return m_visible; }
    [[nodiscard]] Models::PrincipalsModel *usersModel() { return &m_users; }
    // The error or notice shown above the tree; empty when none.
    [[nodiscard]] QString message() const;
    // What the tree area says instead of the tree (empty when the tree shows).
    [[nodiscard]] QString emptyStateText() const;
    // True while a change or an undo waits for the server.
    [[nodiscard]] bool isBusy() const { return m_busy > 0; }
    // The selected (organization, unit); both empty when none.
    [[nodiscard]] QString selectedOrganization() const;
    [[nodiscard]] QString selectedUnit() const;

public Q_SLOTS:
    // Toolbar actions: open a dialog (or a confirmation) first.
    void addOrganization();
    void addUnit();
    void renameUnit();
    void deleteSelected();
    void undo();
    // The same changes with the name given (what the dialogs call).
    void createOrganization(const QString &name, const QString &description);
    void createUnit(const QString &name, const QString &description);
    void renameSelectedUnit(const QString &newName);
    void selectUnit(const QString &organization, const QString &unit);
    // The user view.
    void showUnitsOfUser(const QString &user);
    void clearUserView();

Q_SIGNALS:
    // A change (or an undo) finished; `error` is empty when it worked.
    void operationFinished(const QString &error);

private:
    struct DeletePlan;

    void buildToolBar();
    void buildUserView();
    void updateState();
    void updateDetails();
    void showMessage(const QString &message);
    void trySelectPending();
    // Expands the tree down to a unit (an index of the model, not the proxy).
    void expandTo(const QModelIndex &sourceIndex);
    void begin();
    void finish(const QString &organization, const QString &error, const QString &context);
    void pushCommand(const QString &text, const QString &organization,
                     std::function<void(const OrganizationOperations::Done &)> undo,
                     std::function<void(const OrganizationOperations::Done &)> redo);
    void runUndoStep(const QString &text, const QString &organization,
                     const std::function<void(const OrganizationOperations::Done &)> &step);
    void confirmDelete(const DeletePlan &plan);
    void performDelete(const DeletePlan &plan);
    void applyUserView(const QString &user, const QHash<QString, QString> &units);

    ConsoleSession m_session;
    Models::OrganizationsModel m_model;
    QSortFilterProxyModel m_treeProxy;
    Models::PrincipalsModel m_users;
    Models::OrganizationsMembership m_membership;
    OrganizationOperations m_operations;
    QUndoStack m_undoStack;
    QTimer m_userViewTimer;
    QString m_userViewUser;
    QString m_pendingOrganization;
    QString m_pendingUnit;
    int m_busy = 0;
    bool m_forbidden = false;
    QString m_loadError;

    QToolBar *m_toolBar;
    QAction *m_addOrganizationAction;
    QAction *m_addUnitAction;
    QAction *m_renameAction;
    QAction *m_deleteAction;
    QAction *m_undoAction;
    QAction *m_refreshAction;
    QComboBox *m_userCombo;
    QPushButton *m_showUserButton;
    QToolButton *m_clearUserButton;
    QLabel *m_userStatus;
    QLabel *m_message;
    QLineEdit *m_treeFilter;
    QStackedWidget *m_treeStack;
    QTreeView *m_tree;
    QLabel *m_treeEmpty;
    QStackedWidget *m_detailsStack;
    QLabel *m_noUnit;
    QTabWidget *m_detailsTabs;
    UnitMembersPanel *m_members;
    OrganizationVisiblePanel *m_visible;
};

} // namespace Bulwark::Ui
