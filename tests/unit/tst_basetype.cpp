#include "core/BaseType.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace Bulwark;

class TestBaseType : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void names()
    {
        for (auto type : {BaseType::String, BaseType::Number, BaseType::Integer, BaseType::Boolean,
                          BaseType::DateTime, BaseType::Json, BaseType::Password})
            QCOMPARE(BaseTypes::fromName(BaseTypes::name(type)), type);
        QCOMPARE(BaseTypes::fromName(QStringLiteral("string")), std::nullopt);
        QCOMPARE(BaseTypes::fromName(QStringLiteral("FLOAT")), std::nullopt);
    }

    void check_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QJsonValue>("value");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<QJsonValue>("normalized");

        const auto row = [](const char *tag, const char *type, QJsonValue value, bool valid,
                            QJsonValue normalized = QJsonValue::Undefined) {
            QTest::newRow(tag) << QString::fromLatin1(type) << value << valid
                               << (normalized.isUndefined() ? value : normalized);
        };
        row("null any", "INTEGER", QJsonValue::Null, true);
        row("string", "STRING", QStringLiteral("hello"), true);
        row("string from number", "STRING", 3, false);
        row("number", "NUMBER", 2.5, true);
        row("number from string", "NUMBER", QStringLiteral("2.5"), false);
        row("integer", "INTEGER", 42, true, qint64(42));
        row("integer negative", "INTEGER", -7, true, qint64(-7));
        row("integer fraction", "INTEGER", 1.5, false);
        row("integer too big", "INTEGER", 9007199254740993.0, false);
        row("integer max safe", "INTEGER", 9007199254740991.0, true, qint64(9007199254740991));
        row("integer from string", "INTEGER", QStringLiteral("1"), false);
        row("boolean", "BOOLEAN", true, true);
        row("boolean from number", "BOOLEAN", 1, false);
        row("datetime utc", "DATETIME", QStringLiteral("2026-11-26T14:30:00Z"), true,
            QStringLiteral("2026-11-26T14:30:00.000Z"));
        row("datetime offset", "DATETIME", QStringLiteral("2026-11-26T15:30:00+01:00"), true,
            QStringLiteral("2026-11-26T14:30:00.000Z"));
        row("datetime no zone", "DATETIME", QStringLiteral("2026-11-26T14:30:00"), false);
        row("datetime garbage", "DATETIME", QStringLiteral("yesterday"), false);
        row("json object", "JSON", QJsonObject{{QStringLiteral("a"), 1}}, true);
        row("json array", "JSON", QJsonArray{1, 2}, true);
        row("json scalar", "JSON", 5, false);
        row("password", "PASSWORD", QStringLiteral("s3cret"), true);
        row("password number", "PASSWORD", 5, false);
    }

    void check()
    {
        QFETCH(QString, type);
        QFETCH(QJsonValue, value);
        QFETCH(bool, valid);
        QFETCH(QJsonValue, normalized);
        const auto result =
            BaseTypes::check(*BaseTypes::fromName(type), value, QStringLiteral("Property 'p'"));
        QCOMPARE(result.ok(), valid);
        if (valid) {
            QCOMPARE(*result, normalized);
        } else {
            QCOMPARE(result.error().code, ErrorCode::TypeMismatch);
            QVERIFY(result.error().message.contains(QStringLiteral("Property 'p'")));
            QVERIFY(result.error().message.contains(type));
        }
    }

    void longString()
    {
        const QString big(BaseTypes::MaximumStringLength + 1, u'x');
        QVERIFY(!BaseTypes::check(BaseType::String, big, QStringLiteral("p")).ok());
    }
};

QTEST_GUILESS_MAIN(TestBaseType)
#include "tst_basetype.moc"
