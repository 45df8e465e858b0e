<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>Bulwark::Models::ApiClient</name>
    <message>
        <source>The server at %1 presented a certificate whose fingerprint does not match the trusted one. The connection was refused to protect your credentials.</source>
        <translation>Der Server unter %1 hat ein Zertifikat vorgelegt, dessen Fingerabdruck nicht mit dem vertrauenswürdigen übereinstimmt. Die Verbindung wurde abgelehnt, um Ihre Zugangsdaten zu schützen.</translation>
    </message>
    <message>
        <source>Cannot reach the server at %1: %2</source>
        <translation>Der Server unter %1 ist nicht erreichbar: %2</translation>
    </message>
    <message>
        <source>The user name or password was not accepted.</source>
        <translation>Benutzername oder Passwort wurden nicht akzeptiert.</translation>
    </message>
    <message>
        <source>The server does not know this item (it may have been deleted).</source>
        <translation>Der Server kennt dieses Element nicht (möglicherweise wurde es gelöscht).</translation>
    </message>
    <message>
        <source>The server refused the request (HTTP status %1).</source>
        <translation>Der Server hat die Anfrage abgelehnt (HTTP-Status %1).</translation>
    </message>
</context>
<context>
    <name>Bulwark::Models::CertificateProbe</name>
    <message>
        <source>The server did not present a certificate.</source>
        <translation>Der Server hat kein Zertifikat vorgelegt.</translation>
    </message>
    <message>
        <source>Cannot fetch the server&apos;s certificate: %1</source>
        <translation>Das Zertifikat des Servers kann nicht abgerufen werden: %1</translation>
    </message>
    <message>
        <source>The server did not answer within %1 seconds.</source>
        <translation>Der Server hat nicht innerhalb von %1 Sekunden geantwortet.</translation>
    </message>
    <message>
        <source>Enter a server address of the form https://host:port.</source>
        <translation>Geben Sie eine Serveradresse der Form https://host:port ein.</translation>
    </message>
</context>
<context>
    <name>Bulwark::Models::EntityName</name>
    <message>
        <source>Enter a name.</source>
        <translation>Geben Sie einen Namen ein.</translation>
    </message>
    <message>
        <source>A name can have at most %1 characters.</source>
        <translation>Ein Name darf höchstens %1 Zeichen lang sein.</translation>
    </message>
    <message>
        <source>A name must start with a letter (A–Z, a–z) or a digit.</source>
        <translation>Ein Name muss mit einem Buchstaben (A–Z, a–z) oder einer Ziffer beginnen.</translation>
    </message>
    <message>
        <source>“%1” is not allowed in a name: use letters (A–Z, a–z), digits, &apos;_&apos;, &apos;-&apos; or &apos;.&apos;.</source>
        <translation>„%1“ ist in einem Namen nicht erlaubt: Verwenden Sie Buchstaben (A–Z, a–z), Ziffern, &apos;_&apos;, &apos;-&apos; oder &apos;.&apos;.</translation>
    </message>
</context>
<context>
    <name>Bulwark::Models::ThingsModel</name>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Beschreibung</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>Vorlage</translation>
    </message>
    <message>
        <source>Modified</source>
        <translation>Geändert</translation>
    </message>
</context>
<context>
    <name>Bulwark::Ui::ConnectDialog</name>
    <message>
        <source>&amp;Fetch Certificate</source>
        <translation>Zertifikat &amp;abrufen</translation>
    </message>
    <message>
        <source>Connect to Server</source>
        <translation>Mit Server verbinden</translation>
    </message>
    <message>
        <source>https://server.example.com:8443</source>
        <translation>https://server.example.com:8443</translation>
    </message>
    <message>
        <source>Fetch the server&apos;s certificate to see its fingerprint.</source>
        <translation>Rufen Sie das Zertifikat des Servers ab, um seinen Fingerabdruck zu sehen.</translation>
    </message>
    <message>
        <source>I compared this fingerprint with the one the server shows and trust it</source>
        <translation>Ich habe diesen Fingerabdruck mit dem vom Server angezeigten verglichen und vertraue ihm</translation>
    </message>
    <message>
        <source>&amp;Server:</source>
        <translation>&amp;Server:</translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation>&amp;Benutzer:</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Passwort:</translation>
    </message>
    <message>
        <source>Certificate SHA-256:</source>
        <translation>Zertifikat SHA-256:</translation>
    </message>
    <message>
        <source>&amp;Connect</source>
        <translation>&amp;Verbinden</translation>
    </message>
    <message>
        <source>Enter a server address of the form https://host:port.</source>
        <translation>Geben Sie eine Serveradresse der Form https://host:port ein.</translation>
    </message>
    <message>
        <source>Fetching the certificate of %1…</source>
        <translation>Zertifikat von %1 wird abgerufen…</translation>
    </message>
    <message>
        <source>No certificate.</source>
        <translation>Kein Zertifikat.</translation>
    </message>
    <message>
        <source>%1
(issued to “%2”; %3)</source>
        <translation>%1
(ausgestellt für „%2“; %3)</translation>
    </message>
    <message>
        <source>also trusted by this computer&apos;s certificate authorities</source>
        <translation>auch von den Zertifizierungsstellen dieses Computers als vertrauenswürdig eingestuft</translation>
    </message>
    <message>
        <source>self-signed or not trusted by this computer: compare it carefully</source>
        <translation>selbstsigniert oder von diesem Computer nicht als vertrauenswürdig eingestuft: sorgfältig vergleichen</translation>
    </message>
</context>
<context>
    <name>Bulwark::Ui::ConnectionManager</name>
    <message>
        <source>The embedded server could not start: %1</source>
        <translation>Der eingebettete Server konnte nicht starten: %1</translation>
    </message>
    <message>
        <source>Enter the password of %1 for the embedded server.</source>
        <translation>Geben Sie das Passwort von %1 für den eingebetteten Server ein.</translation>
    </message>
</context>
<context>
    <name>Bulwark::Ui::ConsoleWindow</name>
    <message>
        <source>Bulwark Console</source>
        <translation>Bulwark-Konsole</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Connect to Server…</source>
        <translation>Mit Server &amp;verbinden…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About Bulwark</source>
        <translation>&amp;Über Bulwark</translation>
    </message>
    <message>
        <source>This area arrives in a later version of Bulwark.</source>
        <translation>Dieser Bereich kommt in einer späteren Version von Bulwark.</translation>
    </message>
    <message>
        <source>Organizations</source>
        <translation>Organisationen</translation>
    </message>
    <message>
        <source>Organizations and their units decide who can see which entities. Here you will build organization trees and grant visibility to units; a grant to a unit is also seen by the units above it.</source>
        <translation>Organisationen und ihre Einheiten bestimmen, wer welche Entitäten sehen kann. Hier werden Sie Organisationsbäume aufbauen und Einheiten Sichtbarkeit gewähren; eine Freigabe für eine Einheit gilt auch für die Einheiten darüber.</translation>
    </message>
    <message>
        <source>Users &amp; Groups</source>
        <translation>Benutzer &amp; Gruppen</translation>
    </message>
    <message>
        <source>Here you will add users, reset passwords, nest groups and see who belongs to Administrators.</source>
        <translation>Hier werden Sie Benutzer anlegen, Passwörter zurücksetzen, Gruppen verschachteln und sehen, wer zu den Administrators gehört.</translation>
    </message>
    <message>
        <source>Things</source>
        <translation>Things</translation>
    </message>
    <message>
        <source>Permissions</source>
        <translation>Berechtigungen</translation>
    </message>
    <message>
        <source>Here you will grant and deny design-time (create, read, update, delete) and run-time (property, service, event) permissions, and ask why a user may or may not do something.</source>
        <translation>Hier werden Sie Entwurfszeit-Berechtigungen (Erstellen, Lesen, Ändern, Löschen) und Laufzeit-Berechtigungen (Eigenschaft, Dienst, Ereignis) erteilen und verweigern und nachfragen, warum ein Benutzer etwas darf oder nicht darf.</translation>
    </message>
    <message>
        <source>Devices</source>
        <translation>Geräte</translation>
    </message>
    <message>
        <source>Devices and gateways connected over the edge protocol will be listed here with their sessions, bound properties and last contact.</source>
        <translation>Über das Edge-Protokoll verbundene Geräte und Gateways werden hier mit ihren Sitzungen, gebundenen Eigenschaften und ihrem letzten Kontakt aufgeführt.</translation>
    </message>
    <message>
        <source>File transfers</source>
        <translation>Dateiübertragungen</translation>
    </message>
    <message>
        <source>File repositories and transfers to and from devices will be shown here, with their progress and MD5/SHA-256 checks.</source>
        <translation>Dateirepositorys und Übertragungen zu und von Geräten werden hier mit ihrem Fortschritt und ihren MD5/SHA-256-Prüfungen angezeigt.</translation>
    </message>
    <message>
        <source>Audit</source>
        <translation>Audit</translation>
    </message>
    <message>
        <source>The audit trail will be searchable here: every administrative action and security decision, who made it and when.</source>
        <translation>Hier wird das Audit-Protokoll durchsuchbar sein: jede administrative Aktion und jede Sicherheitsentscheidung, wer sie getroffen hat und wann.</translation>
    </message>
    <message>
        <source>No server</source>
        <translation>Kein Server</translation>
    </message>
    <message>
        <source>%1 (embedded)</source>
        <translation>%1 (eingebettet)</translation>
    </message>
    <message>
        <source>User: %1</source>
        <translation>Benutzer: %1</translation>
    </message>
    <message>
        <source>Starting embedded server…</source>
        <translation>Eingebetteter Server startet…</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Verbinde…</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>Verbunden</translation>
    </message>
    <message>
        <source>Disconnected</source>
        <translation>Getrennt</translation>
    </message>
    <message>
        <source>Live events: on</source>
        <translation>Live-Ereignisse: an</translation>
    </message>
    <message>
        <source>Live events: connecting…</source>
        <translation>Live-Ereignisse: verbinde…</translation>
    </message>
    <message>
        <source>Live events: off</source>
        <translation>Live-Ereignisse: aus</translation>
    </message>
    <message>
        <source>Log In</source>
        <translation>Anmelden</translation>
    </message>
    <message>
        <source>%1

Password of %2 at %3:</source>
        <translation>%1

Passwort von %2 auf %3:</translation>
    </message>
    <message>
        <source>Administrator Password</source>
        <translation>Administrator-Passwort</translation>
    </message>
    <message>
        <source>The server created the user Administrator with this password:</source>
        <translation>Der Server hat den Benutzer Administrator mit diesem Passwort angelegt:</translation>
    </message>
    <message>
        <source>Store it in your password manager now: it is shown only this once and cannot be recovered.</source>
        <translation>Speichern Sie es jetzt in Ihrem Passwort-Manager: Es wird nur dieses eine Mal angezeigt und kann nicht wiederhergestellt werden.</translation>
    </message>
    <message>
        <source>About Bulwark</source>
        <translation>Über Bulwark</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Bulwark Console %1&lt;/h3&gt;&lt;p&gt;Administration console for the Bulwark secure IoT platform.&lt;/p&gt;&lt;p&gt;Built with Qt %2.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Bulwark-Konsole %1&lt;/h3&gt;&lt;p&gt;Verwaltungskonsole für die sichere IoT-Plattform Bulwark.&lt;/p&gt;&lt;p&gt;Erstellt mit Qt %2.&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>Bulwark::Ui::NewThingDialog</name>
    <message>
        <source>New Thing</source>
        <translation>Neues Thing</translation>
    </message>
    <message>
        <source>e.g. Pump-07</source>
        <translation>z. B. Pump-07</translation>
    </message>
    <message>
        <source>Optional: the Thing inherits the template&apos;s properties, services and events.</source>
        <translation>Optional: Das Thing erbt die Eigenschaften, Dienste und Ereignisse der Vorlage.</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>&amp;Description:</source>
        <translation>&amp;Beschreibung:</translation>
    </message>
    <message>
        <source>&amp;Template:</source>
        <translation>&amp;Vorlage:</translation>
    </message>
    <message>
        <source>&amp;Create</source>
        <translation>&amp;Erstellen</translation>
    </message>
</context>
<context>
    <name>Bulwark::Ui::ThingsPage</name>
    <message>
        <source>&amp;New Thing…</source>
        <translation>&amp;Neues Thing…</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>&amp;Löschen</translation>
    </message>
    <message>
        <source>Filter Things by name, description or template</source>
        <translation>Things nach Name, Beschreibung oder Vorlage filtern</translation>
    </message>
    <message>
        <source>Not connected to a server. Things appear here once the console is connected.</source>
        <translation>Nicht mit einem Server verbunden. Things erscheinen hier, sobald die Konsole verbunden ist.</translation>
    </message>
    <message>
        <source>Loading Things…</source>
        <translation>Things werden geladen…</translation>
    </message>
    <message>
        <source>No Things yet — create one with New Thing…</source>
        <translation>Noch keine Things — erstellen Sie eines mit „Neues Thing…“</translation>
    </message>
    <message>
        <source>Delete Thing</source>
        <translation>Thing löschen</translation>
    </message>
    <message>
        <source>Delete the Thing “%1”? Its properties and history are deleted with it; this cannot be undone.</source>
        <translation>Das Thing „%1“ löschen? Seine Eigenschaften und sein Verlauf werden mit gelöscht; dies kann nicht rückgängig gemacht werden.</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>Could not delete “%1”: %2</source>
        <translation>„%1“ konnte nicht gelöscht werden: %2</translation>
    </message>
</context>
</TS>
