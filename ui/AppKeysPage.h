// The Application keys area: the keys the logged-in user may see
// (administrators: everyone's) with their user, expiry, last use, allowed
// addresses and state; New Key… shows the secret once; Revoke deletes a key
// after saying what stops working.
#pragma once

#include "ConsolePage.h"

#include <QPointer>
#include <QSortFilterProxyModel>

class QAction;
class QLabel;
class QLineEdit;
class QStackedWidget;
class QTableView;

namespace Bulwark::Models {
class ApiClient;
class AppKeysModel;
} // namespace Bulwark::Models

namespace Bulwark::Ui {

class AppKeysPage final : public ConsolePage
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AppKeysPage)

public:
    explicit AppKeysPage(QWidget *parent = nullptr);
    ~AppKeysPage() override;

    void setSession(const ConsoleSession &session) override;

    [[nodiscard]] Models::AppKeysModel *model() const { return m_model; }
    [[nodiscard]] QTableView *view() const { return m_view; }
    bool selectKey(const QString &name);
    [[nodiscard]] QString selectedKey() const;

private:
    void openNewKey();
    void showSecret(const QString &name, const QString &secret);
    void confirmRevoke();
    void revoke(const QString &name);
    void showMessage(const QString &text, bool isError);
    void updateState();

    QPointer<Models::ApiClient> m_client;
    QString m_user;
    Models::AppKeysModel *m_model;
    QSortFilterProxyModel m_proxy;
    QLineEdit *m_filter;
    QLabel *m_message;
    QStackedWidget *m_stack;
    QTableView *m_view;
    QLabel *m_emptyState;
    QString m_loadError;
    QAction *m_newKey = nullptr;
    QAction *m_revoke = nullptr;
    QAction *m_refresh = nullptr;
};

} // namespace Bulwark::Ui
