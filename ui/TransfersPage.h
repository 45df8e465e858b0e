// The "File transfers" area: the live transfer queue with progress bars,
// filtered by state or text, Cancel and Retry, a details pane that spells out
// every verification check of the selected transfer, and New transfer….
#pragma once

#include "ConsolePage.h"

#include <QPointer>
#include <QSortFilterProxyModel>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QStackedWidget;
class QTableView;
class QToolBar;

namespace Bulwark::Models {
class TransfersModel;
struct TransferInfo;
} // namespace Bulwark::Models

namespace Bulwark::Ui {

class TransfersPage final : public ConsolePage
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TransfersPage)

public:
    explicit TransfersPage(QWidget *parent = nullptr);
    ~TransfersPage() override;

    void setSession(const ConsoleSession &session) override;

    [[nodiscard]] Models::TransfersModel *model() const { return m_model; }
    [[nodiscard]] QTableView *view() const { return m_view; }
    // Selects the transfer `id` (if shown); false when it is not in the view.
    bool selectTransfer(const QString &id);
    [[nodiscard]] QString selectedId() const;

    // Details of one transfer as shown in the pane (plain sentences, HTML).
    [[nodiscard]] static QString detailsHtml(const Models::TransferInfo &transfer);

public Q_SLOTS:
    void openNewTransferDialog();
    void cancelSelected();
    void retrySelected();

private:
    void cancelTransfer(const QString &id);
    void showError(const QString &message);
    void updateState();
    void updateDetails();

    ConsoleSession m_session;
    Models::TransfersModel *m_model;
    QSortFilterProxyModel m_stateProxy; // feeds m_textProxy
    QSortFilterProxyModel m_textProxy;
    QToolBar *m_toolbar;
    QAction *m_newTransfer;
    QAction *m_cancel;
    QAction *m_retry;
    QAction *m_refresh;
    QComboBox *m_stateFilter;
    QLineEdit *m_filter;
    QStackedWidget *m_stack;
    QTableView *m_view;
    QLabel *m_emptyState;
    QLabel *m_message;
    QLabel *m_details;
    bool m_messageIsLoadError = false;
};

} // namespace Bulwark::Ui
