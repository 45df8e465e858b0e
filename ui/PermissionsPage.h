// The Permissions area: the rules of one scope (a collection, a template's
// instance rules, an entity, or one property, service or event of a Thing)
// as a matrix of principals × permissions on two tabs (design-time and
// run-time). Edits are staged and applied together after a summary; a
// conflict with changes made elsewhere is shown, never overwritten. An
// "effective" mode shows what the server decides for one user and explains
// any cell. Export and import move an entity's security configuration.
#pragma once

#include "ConsolePage.h"
#include "SecurityExport.h"
#include "models/ApiClient.h"
#include "models/EventStream.h"
#include "models/PermissionEffectiveModel.h"
#include "models/PermissionMatrixModel.h"

#include <QPointer>

#include <optional>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QModelIndex;
class QStackedWidget;
class QTabWidget;
class QTableView;
class QToolButton;

namespace Bulwark::Ui {

class ExplainPane;
class PermissionMatrixProxy;

class PermissionsPage final : public ConsolePage
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PermissionsPage)

public:
    explicit PermissionsPage(QWidget *parent = nullptr);
    ~PermissionsPage() override;

    void setSession(const ConsoleSession &session) override;

    // Shows `scope` in the selector and loads its rules. Refused (false)
    // while changes are staged: apply or discard them first.
    bool setScope(const Models::PermissionScope &scope);
    void reload();
    void addPrincipal(const Models::PermissionPrincipal &principal);
    void openPrincipalPicker();
    // Shows the summary of staged changes; applying it calls applyChanges().
    void openApplyDialog();
    // PUTs the staged matrix with the version it was loaded at.
    void applyChanges();
    void discardChanges();
    void setEffectiveMode(bool on);
    void setEffectiveUser(const QString &user);
    void exportSecurity(const QString &path);
    void importSecurity(const QString &path, SecurityExport::MissingReferences missing =
                                                 SecurityExport::MissingReferences::Refuse);

    [[nodiscard]] Models::PermissionMatrixModel *matrixModel() { return &m_matrix; }
    [[nodiscard]] Models::PermissionEffectiveModel *effectiveModel() { return &m_effective; }
    [[nodiscard]] QTableView *designTimeView() const { return m_designView; }
    [[nodiscard]] QTableView *runTimeView() const { return m_runTimeView; }
    [[nodiscard]] ExplainPane *explainPane() const { return m_explain; }
    [[nodiscard]] bool isEffectiveMode() const { return m_effectiveMode; }
    // The banner above the matrix (errors, conflicts, results), as shown.
    [[nodiscard]] QString messageText() const;

Q_SIGNALS:
    void rulesLoaded();
    void rulesApplied();
    // A PUT met rules changed elsewhere: the server's rules are now the base,
    // the staged changes are kept; `conflicts` of them touch changed cells.
    void conflictShown(int conflicts);
    void effectiveLoaded();
    void explanationShown();
    void securityExported(const QString &path);
    void securityImported();
    void importRefused(const QStringList &missing);
    void errorShown(const QString &message);

private:
    enum class MessageKind
    {
        Information,
        Warning,
        Error
    };

    void buildScopeBar();
    void buildMatrix();
    QTableView *createView(PermissionMatrixProxy *proxy);
    // After a live event only the list changes; otherwise the first name is
    // chosen (if the current one is gone) and its rules are loaded.
    enum class NamesRefresh
    {
        ChooseAndLoad,
        KeepCurrent
    };
    void loadScopeLists();
    void loadEntityNames(NamesRefresh refresh = NamesRefresh::ChooseAndLoad);
    [[nodiscard]] QString namesCollection() const;
    void handleLiveEvent(const Models::LiveEvent &event);
    void loadMembers();
    void scopeControlsChanged();
    void updateScopeControls();
    [[nodiscard]] std::optional<Models::PermissionScope> scopeFromControls() const;
    void loadRules(const Models::PermissionScope &scope);
    void handleApplyAnswer(const Models::ApiResult &result, int changeCount);
    void reloadAfterConflict();
    void loadEffective();
    void explain(const QModelIndex &proxyIndex);
    void startExport();
    void startImport();
    void showImportRefusal(const QString &path, const QStringList &missing, const QString &message);
    void showMessage(MessageKind kind, const QString &text);
    void hideMessage();
    void updateState();

    QPointer<Models::ApiClient> m_client;
    QPointer<Models::EventStream> m_events;
    QMetaObject::Connection m_eventsConnection;
    QString m_sessionUser;
    Models::PermissionMatrixModel m_matrix;
    Models::PermissionEffectiveModel m_effective;
    Models::PermissionScope m_wantedScope;
    bool m_hasWantedScope = false;
    bool m_effectiveMode = false;
    bool m_loading = false;
    bool m_applying = false;
    bool m_updatingControls = false;
    quint64 m_generation = 0; // answers for an older scope are dropped

    QComboBox *m_levelCombo = nullptr;
    QComboBox *m_collectionCombo = nullptr;
    QComboBox *m_entityCombo = nullptr;
    QComboBox *m_memberCombo = nullptr;
    QLabel *m_entityLabel = nullptr;
    QLabel *m_memberLabel = nullptr;
    QToolButton *m_reloadButton = nullptr;
    QLineEdit *m_search = nullptr;
    QToolButton *m_addPrincipalButton = nullptr;
    QCheckBox *m_effectiveCheck = nullptr;
    QComboBox *m_effectiveUserCombo = nullptr;
    QToolButton *m_exportButton = nullptr;
    QToolButton *m_importButton = nullptr;
    QLabel *m_message = nullptr;
    QStackedWidget *m_stack = nullptr;
    QLabel *m_emptyState = nullptr;
    QTabWidget *m_tabs = nullptr;
    PermissionMatrixProxy *m_designProxy = nullptr;
    PermissionMatrixProxy *m_runTimeProxy = nullptr;
    QTableView *m_designView = nullptr;
    QTableView *m_runTimeView = nullptr;
    ExplainPane *m_explain = nullptr;
    QLabel *m_changesLabel = nullptr;
    QToolButton *m_discardButton = nullptr;
    QToolButton *m_applyButton = nullptr;
};

} // namespace Bulwark::Ui
