// Paints a transfer's progress in the queue: a progress bar drawn by the
// widget's own style with "42 % — 3.1 MB/s", and for ended transfers an icon
// with the outcome ("done — 1.2 MB", "failed: MD5", "cancelled") in place of
// the bar, failures in the palette's error color.
#pragma once

#include <QIcon>
#include <QStyledItemDelegate>

namespace Bulwark::Ui {

class TransferProgressDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TransferProgressDelegate)

public:
    explicit TransferProgressDelegate(QObject *parent = nullptr);

    // What the cell says, from the TransfersModel roles of `index`.
    [[nodiscard]] static QString text(const QModelIndex &index);

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    [[nodiscard]] QSize sizeHint(const QStyleOptionViewItem &option,
                                 const QModelIndex &index) const override;

private:
    QIcon m_doneIcon;
    QIcon m_failedIcon;
};

} // namespace Bulwark::Ui
