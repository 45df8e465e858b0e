// Names shared by the server and its clients (console, SDKs): REST paths,
// JSON field names, live-event types and error codes. One copy, included by
// both sides, so that a rename cannot silently break the wire.
#pragma once

#include <QLatin1StringView>

namespace Bulwark::Wire {

using namespace Qt::StringLiterals;

// Collections under /api/
inline constexpr auto Things = "Things"_L1;
inline constexpr auto ThingTemplates = "ThingTemplates"_L1;
inline constexpr auto Users = "Users"_L1;
inline constexpr auto Groups = "Groups"_L1;
inline constexpr auto Organizations = "Organizations"_L1;

// Built-in principals
inline constexpr auto AdministratorUser = "Administrator"_L1;
inline constexpr auto AdministratorsGroup = "Administrators"_L1;

// Paths
inline constexpr auto ApiPrefix = "/api/"_L1;
inline constexpr auto HealthPath = "/api/health"_L1;
inline constexpr auto EventsPath = "/api/events"_L1;
inline constexpr auto EdgePath = "/edge"_L1;

// Common JSON fields
inline constexpr auto Name = "name"_L1;
inline constexpr auto Description = "description"_L1;
inline constexpr auto Items = "items"_L1;
inline constexpr auto Created = "created"_L1;
inline constexpr auto Modified = "modified"_L1;
inline constexpr auto Template = "template"_L1;
inline constexpr auto BaseTemplate = "baseTemplate"_L1;
inline constexpr auto Properties = "properties"_L1;
inline constexpr auto Services = "services"_L1;
inline constexpr auto Events = "events"_L1;
inline constexpr auto BaseType = "baseType"_L1;
inline constexpr auto DefaultValue = "defaultValue"_L1;
inline constexpr auto InheritedFrom = "inheritedFrom"_L1;
inline constexpr auto Inputs = "inputs"_L1;
inline constexpr auto Output = "output"_L1;
inline constexpr auto Value = "value"_L1;
inline constexpr auto Values = "values"_L1;
inline constexpr auto Time = "time"_L1;
inline constexpr auto IsSet = "isSet"_L1;
inline constexpr auto Enabled = "enabled"_L1;
inline constexpr auto Password = "password"_L1;
inline constexpr auto Members = "members"_L1;
inline constexpr auto Type = "type"_L1;
inline constexpr auto Units = "units"_L1;
inline constexpr auto Parent = "parent"_L1;

// Health
inline constexpr auto Status = "status"_L1;
inline constexpr auto Version = "version"_L1;
inline constexpr auto Storage = "storage"_L1;
inline constexpr auto SchemaVersion = "schemaVersion"_L1;

// Errors: {"error":{"code":"…","message":"…"}}
inline constexpr auto Error = "error"_L1;
inline constexpr auto Code = "code"_L1;
inline constexpr auto Message = "message"_L1;

// Live events on /api/events: {"type":"…","collection":"…","name":"…", …}
inline constexpr auto Collection = "collection"_L1;
inline constexpr auto Thing = "thing"_L1;
inline constexpr auto Property = "property"_L1;
inline constexpr auto EventHello = "hello"_L1;
inline constexpr auto EventEntityCreated = "entityCreated"_L1;
inline constexpr auto EventEntityUpdated = "entityUpdated"_L1;
inline constexpr auto EventEntityDeleted = "entityDeleted"_L1;
inline constexpr auto EventPropertyChanged = "propertyChanged"_L1;
inline constexpr auto User = "user"_L1;

} // namespace Bulwark::Wire
