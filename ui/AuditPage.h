// The "Audit" area: the tamper-evident log as a table, filtered on the server
// (time range, actor, category, outcome, entity) and locally by text, with
// "Load more" for older pages, the selected record's details, and "Verify
// chain", which reports in one sentence whether the log is intact.
#pragma once

#include "ConsolePage.h"

#include <QSortFilterProxyModel>

class QAction;
class QCheckBox;
class QComboBox;
class QDateTimeEdit;
class QLabel;
class QLineEdit;
class QPushButton;
class QStackedWidget;
class QTableView;
class QToolBar;

namespace Bulwark::Models {
class AuditModel;
struct AuditRecord;
struct AuditVerification;
} // namespace Bulwark::Models

namespace Bulwark::Ui {

class AuditPage final : public ConsolePage
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AuditPage)

public:
    explicit AuditPage(QWidget *parent = nullptr);
    ~AuditPage() override;

    void setSession(const ConsoleSession &session) override;

    [[nodiscard]] Models::AuditModel *model() const { return m_model; }
    [[nodiscard]] QTableView *view() const { return m_view; }

    [[nodiscard]] static QString detailsHtml(const Models::AuditRecord &record);

public Q_SLOTS:
    // Sends the filter fields to the server and reloads.
    void applyFilter();
    void clearFilter();
    void verifyChain();

private:
    void showVerification(const Models::AuditVerification &result);
    void showError(const QString &message);
    void updateState();
    void updateDetails();

    ConsoleSession m_session;
    Models::AuditModel *m_model;
    QSortFilterProxyModel m_proxy;
    QToolBar *m_toolbar;
    QAction *m_reload;
    QAction *m_verify;
    QCheckBox *m_fromEnabled;
    QDateTimeEdit *m_from;
    QCheckBox *m_toEnabled;
    QDateTimeEdit *m_to;
    QLineEdit *m_actor;
    QComboBox *m_category;
    QComboBox *m_outcome;
    QLineEdit *m_entity;
    QPushButton *m_apply;
    QPushButton *m_clear;
    QLineEdit *m_textFilter;
    QLabel *m_verifyIcon;
    QLabel *m_verifyResult;
    QLabel *m_message;
    QStackedWidget *m_stack;
    QTableView *m_view;
    QLabel *m_emptyState;
    QLabel *m_count;
    QPushButton *m_loadMore;
    QLabel *m_details;
    bool m_verifying = false;
    bool m_messageIsLoadError = false;
};

} // namespace Bulwark::Ui
