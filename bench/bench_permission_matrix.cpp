// The permission matrix editor with 1,000 principals × 9 permissions: how long
// loading the rules, toggling 1,000 cells, filtering by a search string and
// painting the view once take, offscreen. Prints medians; asserts nothing.
#include "models/PermissionMatrixModel.h"
#include "ui/PermissionCellDelegate.h"
#include "ui/PermissionMatrixProxy.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonObject>
#include <QTableView>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <vector>

using namespace Qt::StringLiterals;
using Bulwark::Models::CellState;
using Bulwark::Models::Permission;
using Bulwark::Models::PermissionKind;
using Bulwark::Models::PermissionMatrixModel;
using Bulwark::Models::PermissionScope;

namespace {

constexpr int Principals = 1000;
constexpr int Runs = 7;

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values.at(values.size() / 2);
}

// 1,000 principals (every third a group), each with a rule for most of the
// nine permissions: about 8,000 rules, the largest holder we expect.
QJsonObject rulesAnswer()
{
    QJsonArray rules;
    for (int i = 0; i < Principals; ++i) {
        const bool group = i % 3 == 0;
        const QJsonObject principal{{"type"_L1, group ? u"Group"_s : u"User"_s},
                                    {"name"_L1, (group ? u"group%1"_s : u"user%1"_s).arg(i)}};
        for (int p = 0; p < Bulwark::Models::PermissionCount; ++p) {
            if ((i + p) % 9 == 0)
                continue; // leave some cells on Inherit
            rules.append(QJsonObject{{"principal"_L1, principal},
                                     {"permission"_L1, permissionName(Permission(p))},
                                     {"effect"_L1, (i + p) % 4 == 0 ? u"Deny"_s : u"Allow"_s}});
        }
    }
    return QJsonObject{{"holder"_L1, u"ThingTemplates/Pump"_s},
                       {"level"_L1, u"template"_s},
                       {"rules"_L1, rules},
                       {"version"_L1, u"0123456789abcdef"_s}};
}

double milliseconds(const std::function<void()> &work)
{
    QElapsedTimer timer;
    timer.start();
    work();
    return double(timer.nsecsElapsed()) / 1e6;
}

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);

    PermissionScope scope;
    scope.level = PermissionScope::Level::TemplateInstance; // all nine permissions apply
    scope.collection = u"ThingTemplates"_s;
    scope.name = u"Pump"_s;
    const QJsonObject answer = rulesAnswer();

    PermissionMatrixModel model;
    Bulwark::Ui::PermissionMatrixProxy proxy(PermissionKind::RunTime);
    proxy.setSourceModel(&model);
    QTableView view;
    view.setModel(&proxy);
    view.setItemDelegate(new Bulwark::Ui::PermissionCellDelegate(&view));
    view.setSortingEnabled(true);
    view.verticalHeader()->setDefaultSectionSize(26);
    view.horizontalHeader()->setDefaultSectionSize(120);
    view.resize(1000, 700);
    view.show();

    std::vector<double> load;
    std::vector<double> toggle;
    std::vector<double> filter;
    std::vector<double> paint;
    std::vector<double> changes;
    for (int run = 0; run < Runs; ++run) {
        load.push_back(milliseconds([&] {
            model.load(scope, answer);
            QCoreApplication::processEvents();
        }));
        toggle.push_back(milliseconds([&] {
            // One run-time cell of each principal, as clicks would (through the proxy).
            for (int row = 0; row < Principals; ++row) {
                const QModelIndex index = proxy.index(row, 1 + (row % 5));
                const auto state =
                    CellState(index.data(PermissionMatrixModel::CellStateRole).toInt());
                proxy.setData(index, int(PermissionMatrixModel::nextState(state)), Qt::EditRole);
            }
            QCoreApplication::processEvents();
        }));
        changes.push_back(milliseconds([&] { (void)model.changes(); }));
        filter.push_back(milliseconds([&] {
            proxy.setSearchText(u"user12"_s); // 11 of 1,000 match
            QCoreApplication::processEvents();
            proxy.setSearchText({});
            QCoreApplication::processEvents();
        }));
        paint.push_back(milliseconds([&] { (void)view.grab(); }));
    }

    std::printf("Permission matrix, %d principals x 9 permissions (%d rules), median of %d runs\n",
                Principals, int(answer.value("rules"_L1).toArray().size()), Runs);
    std::printf("%-44s %10s\n", "operation", "ms");
    std::printf("%-44s %10.2f\n", "load (set the rules)", median(load));
    std::printf("%-44s %10.2f\n", "toggle 1,000 cells", median(toggle));
    std::printf("%-44s %10.2f\n", "list the staged changes (summary)", median(changes));
    std::printf("%-44s %10.2f\n", "filter by a search string, then clear", median(filter));
    std::printf("%-44s %10.2f\n", "paint the view once (grab)", median(paint));
    return 0;
}
