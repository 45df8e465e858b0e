// The German catalogue is embedded in the console and actually translates
// what users see.
#include "ui/Console.h"

#include <QApplication>
#include <QFile>
#include <QRegularExpression>
#include <QSet>
#include <QTest>
#include <QTranslator>
#include <QXmlStreamReader>

using namespace Qt::StringLiterals;

class TestTranslations final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void germanCatalogueIsEmbedded();
    void installsForGermanLocale();
    void germanCatalogueIsComplete();
};

namespace {

// The placeholders (%1, %L2, %n) a string uses, as a set.
QSet<QString> placeholders(const QString &text)
{
    static const QRegularExpression pattern(u"%L?(\\d+|n)"_s);
    QSet<QString> found;
    for (auto it = pattern.globalMatch(text); it.hasNext();)
        found.insert(it.next().captured(0).remove(u'L'));
    return found;
}

} // namespace

void TestTranslations::germanCatalogueIsEmbedded()
{
    QTranslator translator;
    QVERIFY(translator.load(u":/i18n/bulwark_de.qm"_s));
    const QString newThing = translator.translate("Bulwark::Ui::ThingsPage", "&New Thing…");
    QVERIFY(!newThing.isEmpty());
    QVERIFY(newThing != u"&New Thing…"_s);
    QVERIFY(!translator.translate("Bulwark::Ui::ConsoleWindow", "Connected").isEmpty());
    QVERIFY(!translator.translate("Bulwark::Models::EntityName", "Enter a name.").isEmpty());
}

void TestTranslations::installsForGermanLocale()
{
    QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
    QVERIFY(Bulwark::Ui::installTranslators(*qApp));
    QCOMPARE(QCoreApplication::translate("Bulwark::Ui::ConsoleWindow", "Disconnected"),
             u"Getrennt"_s);
    QLocale::setDefault(QLocale::c());
}

// Every message of the German catalogue is translated, keeps the source's
// placeholders, and has a keyboard accelerator where the source has one.
void TestTranslations::germanCatalogueIsComplete()
{
    const QByteArray sourceDir = qgetenv("BULWARK_SOURCE_DIR");
    QVERIFY2(!sourceDir.isEmpty(), "BULWARK_SOURCE_DIR is not set (ctest sets it)");
    QFile file(QString::fromLocal8Bit(sourceDir) + u"/translations/bulwark_de.ts"_s);
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.errorString()));
    QXmlStreamReader xml(&file);
    QString context;
    QString source;
    QStringList problems;
    int messages = 0;
    while (xml.readNext() != QXmlStreamReader::Invalid && !xml.atEnd()) {
        if (!xml.isStartElement())
            continue;
        if (xml.name() == u"name") {
            context = xml.readElementText();
        } else if (xml.name() == u"source") {
            source = xml.readElementText();
        } else if (xml.name() == u"translation") {
            ++messages;
            const bool unfinished = xml.attributes().value(u"type"_s) == u"unfinished";
            // Plural forms (numerus) hold <numerusform>s: their text is joined.
            const QString translation = xml.readElementText(QXmlStreamReader::IncludeChildElements);
            const QString where = context + u": \""_s + source + u'"';
            if (unfinished || translation.isEmpty())
                problems << u"not translated: "_s + where;
            else if (placeholders(source) != placeholders(translation))
                problems << u"placeholders differ: "_s + where;
            else if (source.contains(u'&') && !source.contains(u"&&"_s) &&
                     !source.contains(u"<"_s) && !translation.contains(u'&'))
                problems << u"accelerator lost: "_s + where;
        }
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QVERIFY(messages > 0);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
}

QTEST_MAIN(TestTranslations)
#include "tst_translations.moc"
