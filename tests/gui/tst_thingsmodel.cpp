// ThingsModel under QAbstractItemModelTester: loading, incremental updates
// (rows removed, changed and added in one batch) and parsing of the wire list.
#include "models/ThingsModel.h"

#include <QAbstractItemModelTester>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using Bulwark::Models::ThingsModel;
using Bulwark::Models::ThingSummary;

namespace {

ThingSummary thing(const QString &name, const QString &description = {})
{
    ThingSummary summary;
    summary.name = name;
    summary.description = description;
    summary.modified = QDateTime(QDate(2024, 5, 1), QTime(12, 0), Qt::UTC);
    return summary;
}

QStringList namesIn(const ThingsModel &model)
{
    QStringList names;
    for (int row = 0; row < model.rowCount(); ++row)
        names.append(model.index(row, ThingsModel::NameColumn).data().toString());
    names.sort();
    return names;
}

} // namespace

class TestThingsModel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void startsEmptyWithHeaders();
    void appliesBatchesIncrementally();
    void parsesWireList();
    void exposesRawValuesForSorting();
};

void TestThingsModel::startsEmptyWithHeaders()
{
    ThingsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.columnCount(), int(ThingsModel::ColumnCount));
    QCOMPARE(model.headerData(ThingsModel::NameColumn, Qt::Horizontal, Qt::DisplayRole).toString(),
             u"Name"_s);
    QCOMPARE(
        model.headerData(ThingsModel::ModifiedColumn, Qt::Horizontal, Qt::DisplayRole).toString(),
        u"Modified"_s);
    QVERIFY(!model.isLoaded());
}

void TestThingsModel::appliesBatchesIncrementally()
{
    ThingsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

    model.setThings({thing(u"A"_s), thing(u"B"_s), thing(u"C"_s), thing(u"D"_s)});
    QCOMPARE(namesIn(model), (QStringList{u"A"_s, u"B"_s, u"C"_s, u"D"_s}));
    QCOMPARE(inserted.size(), 1);

    // B and C go, D changes, E and F arrive; A is untouched.
    model.setThings({thing(u"A"_s), thing(u"D"_s, u"changed"_s), thing(u"E"_s), thing(u"F"_s)});
    QCOMPARE(namesIn(model), (QStringList{u"A"_s, u"D"_s, u"E"_s, u"F"_s}));
    QCOMPARE(removed.size(), 1); // one contiguous run
    QCOMPARE(inserted.size(), 2);
    QCOMPARE(changed.size(), 1);
    const int rowOfD = model.rowOf(u"D"_s);
    QVERIFY(rowOfD >= 0);
    QCOMPARE(model.index(rowOfD, ThingsModel::DescriptionColumn).data().toString(), u"changed"_s);

    // Non-contiguous removals, and an identical batch changes nothing.
    model.setThings({thing(u"D"_s, u"changed"_s), thing(u"F"_s)});
    QCOMPARE(namesIn(model), (QStringList{u"D"_s, u"F"_s}));
    const auto changesBefore = changed.size();
    model.setThings({thing(u"D"_s, u"changed"_s), thing(u"F"_s)});
    QCOMPARE(changed.size(), changesBefore);

    model.setThings({});
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(resets.size(), 0); // selections survive: no resets
}

void TestThingsModel::parsesWireList()
{
    const QByteArray json = R"({"items":[
        {"name":"Pump-07","description":"Basement pump","template":"PumpTemplate",
         "created":"2024-05-01T10:00:00Z","modified":"2024-05-02T11:30:00Z"},
        {"name":"","description":"no name: skipped"},
        {"name":"Valve.1"}]})";
    const QList<ThingSummary> things = ThingsModel::parseList(QJsonDocument::fromJson(json));
    QCOMPARE(things.size(), 2);
    QCOMPARE(things.at(0).name, u"Pump-07"_s);
    QCOMPARE(things.at(0).description, u"Basement pump"_s);
    QCOMPARE(things.at(0).templateName, u"PumpTemplate"_s);
    QCOMPARE(things.at(0).modified, QDateTime(QDate(2024, 5, 2), QTime(11, 30), Qt::UTC));
    QCOMPARE(things.at(1).name, u"Valve.1"_s);
    QVERIFY(things.at(1).templateName.isEmpty());
    QVERIFY(ThingsModel::parseList(QJsonDocument::fromJson("[]")).isEmpty());
}

void TestThingsModel::exposesRawValuesForSorting()
{
    ThingsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setThings({thing(u"A"_s)});
    const QModelIndex modified = model.index(0, ThingsModel::ModifiedColumn);
    QCOMPARE(modified.data(ThingsModel::SortRole).toDateTime(),
             QDateTime(QDate(2024, 5, 1), QTime(12, 0), Qt::UTC));
    QCOMPARE(modified.data(ThingsModel::NameRole).toString(), u"A"_s);
    QVERIFY(!modified.data(Qt::DisplayRole).toString().isEmpty());
}

QTEST_GUILESS_MAIN(TestThingsModel)
#include "tst_thingsmodel.moc"
