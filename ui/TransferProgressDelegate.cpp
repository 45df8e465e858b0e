#include "TransferProgressDelegate.h"

#include "models/TransfersModel.h"

#include <QApplication>
#include <QPainter>
#include <QStyleOptionProgressBar>

#include <algorithm>

namespace Bulwark::Ui {

using namespace Qt::StringLiterals;
using Models::TransfersModel;

namespace {
constexpr int Margin = 2;
constexpr int MinimumWidth = 180;

// A red that stays readable on light and dark palettes.
QColor errorColor(const QPalette &palette)
{
    return palette.color(QPalette::Base).lightness() > 128 ? QColor(0xc6, 0x28, 0x28)
                                                           : QColor(0xef, 0x9a, 0x9a);
}
} // namespace

TransferProgressDelegate::TransferProgressDelegate(QObject *parent)
    : QStyledItemDelegate(parent)
    , m_doneIcon(u":/icons/allow.svg"_s)
    , m_failedIcon(u":/icons/deny.svg"_s)
{}

QString TransferProgressDelegate::text(const QModelIndex &index)
{
    const QString state = index.data(TransfersModel::StateRole).toString();
    const qint64 size = index.data(TransfersModel::SizeRole).toLongLong();
    if (state == "done"_L1)
        return tr("done — %1").arg(TransfersModel::formatBytes(qMax<qint64>(size, 0)));
    if (state == "failed"_L1)
        return tr("failed: %1").arg(index.data(TransfersModel::FailedCheckRole).toString());
    if (state == "cancelled"_L1)
        return tr("cancelled");
    if (state == "queued"_L1)
        return tr("queued");
    const int percent = index.data(TransfersModel::ProgressRole).toInt();
    if (state == "verifying"_L1)
        return tr("%1 % — verifying").arg(qMax(percent, 0));
    const QString speed =
        TransfersModel::formatSpeed(index.data(TransfersModel::SpeedRole).toDouble());
    if (percent < 0)
        return tr("starting — %1").arg(speed);
    return tr("%1 % — %2").arg(percent).arg(speed);
}

void TransferProgressDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                                     const QModelIndex &index) const
{
    const QString state = index.data(TransfersModel::StateRole).toString();
    QStyleOptionViewItem item = option;
    initStyleOption(&item, index);
    QStyle *style = option.widget ? option.widget->style() : QApplication::style();

    const bool ended = state == "done"_L1 || state == "failed"_L1 || state == "cancelled"_L1;
    if (ended) {
        // The outcome as an icon and words; a finished bar says nothing more.
        item.text = text(index);
        if (state == "done"_L1)
            item.icon = m_doneIcon;
        else
            item.icon = m_failedIcon;
        item.features |= QStyleOptionViewItem::HasDecoration;
        if (state == "failed"_L1)
            item.palette.setColor(QPalette::Text, errorColor(option.palette));
        style->drawControl(QStyle::CE_ItemViewItem, &item, painter, option.widget);
        return;
    }

    // Selection background first, then the bar inside the cell.
    item.text.clear();
    style->drawControl(QStyle::CE_ItemViewItem, &item, painter, option.widget);
    QStyleOptionProgressBar bar;
    if (option.widget)
        bar.initFrom(option.widget);
    bar.state = option.state | QStyle::State_Horizontal;
    bar.direction = option.direction;
    bar.fontMetrics = option.fontMetrics;
    bar.palette = option.palette;
    bar.rect = option.rect.adjusted(Margin, Margin, -Margin, -Margin);
    bar.minimum = 0;
    bar.maximum = 100;
    const int percent = index.data(TransfersModel::ProgressRole).toInt();
    if (state == "queued"_L1) {
        bar.progress = 0;
    } else if (percent < 0) {
        bar.maximum = 0; // busy indicator until the size is known
        bar.progress = 0;
    } else {
        bar.progress = percent;
    }
    bar.text = text(index);
    bar.textVisible = true;
    bar.textAlignment = Qt::AlignCenter;
    style->drawControl(QStyle::CE_ProgressBar, &bar, painter, option.widget);
}

QSize TransferProgressDelegate::sizeHint(const QStyleOptionViewItem &option,
                                         const QModelIndex &index) const
{
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    const int textWidth = option.fontMetrics.horizontalAdvance(text(index)) + 40;
    size.setWidth(std::max({size.width(), textWidth, MinimumWidth}));
    size.setHeight(qMax(size.height(), option.fontMetrics.height() + 4 * Margin));
    return size;
}

} // namespace Bulwark::Ui
