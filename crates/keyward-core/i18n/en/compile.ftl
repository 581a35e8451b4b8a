# Checks across fields and resources (compile/): the messages a policy author meets.

## Shared checks (checker.rs)
compile-timeout-zero-call = a timeout of 0 seconds fails every call
compile-timeout-zero-operation = a timeout of 0 seconds fails every operation
compile-timeout-zero-help = leave it out or use 1 or more
compile-bad-regex = `{ $pattern }` is not a valid regular expression: { $why }
compile-regex-too-big = it compiles to more than { $limit } bytes, the most keyward accepts
compile-regex-too-big-help = make it smaller: a counted repetition such as `{"{"}1000{"}"}` copies what it repeats that many times, and nested ones multiply; use `+` or `*`, or a smaller count
compile-regex-syntax-help = fix the pattern (Rust regex syntax); escape literal `.`, `+`, `(` with `\`
compile-bad-delimiter = delimiter `{ $delimiter }` must be one ASCII character
compile-bad-delimiter-help = use `,`, `;`, `|` or a tab
compile-defined-twice = { $kind } `{ $name }` is defined twice (first in { $first })
compile-defined-twice-help = rename one of them or merge the two

## The set as a whole, policies and exceptions (check.rs)
compile-no-people-source = no PeopleSource found: keyward needs the HR master to know who works here
compile-no-people-source-help = add a PeopleSource resource, e.g. `kind: PeopleSource` with `spec.csv.path` and `spec.csv.columns.id`
compile-policy-grants-nothing = the policy grants nothing
compile-exception-grants-nothing = the exception grants nothing
compile-grants-nothing-help = list at least one `- app: <name>` under `grant:`
compile-empty-field = `{ $field }` is empty
compile-exception-person-help = write the person's employee number or work e-mail
compile-exception-reason-help = say why the exception is needed, for reviewers
compile-exception-approver-help = name who approved the exception (an e-mail)
compile-until-before-from = `until` ({ $until }) is before `from` ({ $from })
compile-until-before-from-help = swap the dates or fix the typo
compile-roles-unranked = application `{ $app }` is granted several roles ({ $roles }) but does not rank them
compile-roles-unranked-help = add `roles: [{ $roles }]` to Application `{ $app }`, least privileged first, so keyward knows which role wins

## Selectors (selectors.rs)
compile-bad-department-glob = `{ $pattern }` is not a valid department glob: { $why }
compile-bad-department-glob-help = use `*` for one level and `**` for any number of levels, e.g. `営業本部/**`
compile-department-globs-fail = department globs do not compile: { $why }
compile-department-globs-fail-help = simplify the patterns
compile-unknown-employment-type = unknown employment type `{ $value }`
compile-unknown-employment-type-help = use one of { $types }, or map an HR label to it in the PeopleSource's `values.employmentType`
compile-unknown-attribute = no people source declares the attribute `{ $name }`
compile-unknown-attribute-help = declare it under the PeopleSource's `columns.attributes`

## References to applications and roles (grants.rs)
compile-unknown-application = unknown application `{ $name }`
compile-unknown-application-help-none = define an Application resource with this name
compile-unknown-application-help = define an Application named `{ $name }` or use one of: { $apps }
compile-unknown-role = `{ $role }` is not a role of application `{ $app }`
compile-unknown-role-help = use one of { $roles } or add it to the Application's `roles`

## People sources: CSV exports (people_sources/csv.rs)
compile-csv-path-help = write the path of the CSV file, relative to this policy file
compile-csv-id-empty = the id column is empty
compile-csv-id-empty-help = name the header of the employee number column (社員番号)
compile-csv-bad-date-format = `{ $format }` is not a usable date format
compile-csv-bad-date-format-help = use strftime fields for a full date, e.g. `%Y/%m/%d` or `%Y年%m月%d日`
compile-csv-separator-help = write the separator character, e.g. `;` or `/`

## Grants: groups and roles (grants.rs, application.rs)
compile-groups-unmanaged = application `{ $app }` manages no groups ({ $setting } is false)
compile-groups-unmanaged-help = remove the groups, or turn { $setting } on
compile-group-is-product-access = group `{ $group }` grants the product access of role `{ $role }` in application `{ $app }`
compile-group-is-product-access-help = grant `role: { $role }` instead; keyward manages that group through the role
compile-groups-not-supported = application `{ $app }` cannot have its groups managed: { $why }
compile-groups-not-supported-help = remove the groups from this grant, or give the connector what it needs
compile-slack-groups-need-scim = Slack's user groups are changed through SCIM, and `spec.connector.slack.scimToken` is not set
compile-group-empty = empty group name
compile-group-empty-help = remove it or write the group's name
compile-okta-everyone = `{ $group }` is Okta's built-in group of every user, whose members Okta alone decides
compile-okta-everyone-help = remove it: every Okta user is in it; grant an Okta group (type OKTA_GROUP) instead
compile-not-team-slug = `{ $group }` is not a GitHub team slug
compile-not-team-slug-help = name the team by its slug, the last part of its URL (github.com/orgs/ORG/teams/SLUG): lower-case, with `-` for spaces
compile-roleless-okta = application `{ $app }` is an Okta organisation, whose users have no roles to give `{ $role }`
compile-roleless-okta-help = leave the role out and grant Okta groups instead: `groups: [engineering]`
compile-roleless-ldap = application `{ $app }` is an LDAP directory, which has no roles to give `{ $role }`
compile-roleless-ldap-help = leave the role out and grant groups instead: `groups: [engineers]`
compile-github-role = `{ $role }` is not a GitHub organisation role: members are `member` or `admin` (an organisation owner)
compile-slack-role = `{ $role }` is not a Slack role
compile-connector-cannot-set-role = the { $connector } connector cannot set the role `{ $role }`
# `a or b or c`, built two at a time.
compile-or = { $first } or { $rest }
compile-use = use { $what }
compile-use-one-of = use one of { $items }

## Applications (application.rs)
compile-correlator-count = a correlator must set exactly one of email, employeeId, attribute (this one sets { $count })
compile-correlator-count-help = split it into one list entry per correlator
compile-unknown-account-field = unknown account field `{ $field }`
compile-unknown-account-field-help = use one of { $fields }, or declare it under the connector's `columns.attributes`
compile-bad-domain-alias = `{ $from }: { $to }` is not a domain alias
compile-bad-domain-alias-help = write `old-domain.example: current-domain.example`, without `@`
compile-unknown-attribute-correlator-help = declare it under the PeopleSource's `columns.attributes` (e.g. `github: GitHubアカウント`)
compile-protect-count = a protect rule must set exactly one of username, email, id (this one sets { $count })
compile-protect-count-help = write one rule per list entry
compile-role-twice = role `{ $role }` is listed twice
compile-role-twice-help = list each role once, least privileged first
compile-default-role-unknown = default role `{ $role }` is not one of the app's roles
compile-not-app-role = `{ $role }` is not one of the app's roles
compile-list-roles-help = list the app's roles in `spec.roles`, least privileged first
compile-not-email-domain = `{ $domain }` is not an e-mail domain
compile-not-email-domain-help = write the part after the @, for example `example.com`
compile-domain-internal-and-partner = `{ $domain }` is listed as both an internal and a partner domain
compile-domain-internal-and-partner-help = keep it in one list
compile-transfer-to-manager-unknown = `transferTo: manager` needs to know managers, but no people source maps a manager column
compile-transfer-to-manager-unknown-help = add `columns.manager` (上長) to the PeopleSource, or name an account to receive the data
compile-mover-grace-no-date = `moverGrace` needs the date of transfers, but no people source maps a `movedOn` column; access ends at once
compile-mover-grace-no-date-help = add `columns.movedOn` (異動日) to the PeopleSource
compile-revoke-after-suspend = `when: { $when }` is after the suspension (`suspend: { $suspend }`): by then the account is suspended, and apps that cannot show what is still open are never revoked
compile-revoke-after-suspend-help = leave `when` out (with the suspension) or make it no later than `suspend`
compile-listed-twice = `{ $item }` is listed twice
compile-revoke-kind-twice-help = list each kind once

## Separation of duties (duties.rs)
compile-duties-too-few = SeparationOfDuties `{ $name }` lists { $count } duty; it needs at least two to keep apart
compile-duties-too-few-help = list each duty as `- name: ...` with its `entitlements:`, for example `submit payments` and `approve payments`
compile-duty-no-name = the duty has no name
compile-duty-no-name-help = name it in words, e.g. `approve payments`
compile-duty-twice = duty `{ $name }` is listed twice (also spec.duties[{ $first }])
compile-duty-twice-help = merge the two duties' entitlements into one
compile-duty-no-entitlements = duty `{ $name }` has no entitlements
compile-duty-no-entitlements-help = list what carries the duty, e.g. `- {"{"}app: payments, role: approver{"}"}`
compile-duty-group-empty-help = remove `group:` or write the group's name
compile-entitlement-in-two-duties = this entitlement is also in duty `{ $duty }`: everyone who holds it would violate the rule
compile-entitlement-in-two-duties-help = keep it in one duty only

## Credentials and identity providers (fields.rs, idp.rs)
# $what is the field in words (`client secret`); Japanese names the field as written ($field).
# The select on the unused variable keeps both texts' variables the same.
compile-secret-sources = { $field ->
       *[other] the { $what } must come from exactly one of `env`, `file` and `secret`
    }
compile-bad-secret-name = `{ $value }` is not a valid Secret name
compile-bad-secret-name-help = use the Secret's metadata.name: lower-case letters, digits, `-` and `.`
compile-bad-secret-key = `{ $value }` is not a valid Secret key
compile-bad-secret-key-help = use a key of the Secret's data: letters, digits, `-`, `_` and `.`
compile-bad-env-name = `{ $env }` is not an environment variable name
compile-bad-env-name-help = { $field ->
       *[other] name the variable that holds the { $what } (letters, digits and `_`); never write the { $what } itself here
    }
compile-not-tenant = `{ $tenant }` is not a tenant
compile-not-tenant-help = write the tenant id (a GUID) or a verified domain, for example `example.onmicrosoft.com`
compile-client-id-empty = the client id is empty
compile-client-id-empty-help = copy the Application (client) ID from the app registration's overview in the Entra admin center
compile-client-id-not-guid = `{ $id }` does not look like an Application (client) ID
compile-client-id-not-guid-help = client ids are GUIDs such as `00000000-0000-0000-0000-000000000000`
compile-graph-client-secret-help = write `clientSecret: {"{"}env: GRAPH_CLIENT_SECRET{"}"}`, `clientSecret: {"{"}file: /var/run/secrets/graph-secret{"}"}` or, for the controller in Kubernetes, `clientSecret: {"{"}secret: {"{"}name: keyward-credentials, key: graph-client-secret{"}"}{"}"}`
compile-cloud-url-help = leave it out for Microsoft's global cloud, or write the national cloud's https URL
compile-not-email = `{ $value }` is not an e-mail address

## People sources (people_sources/)
# `a and b and c`, built two at a time.
compile-and = { $first } and { $rest }
compile-people-source-kinds = the PeopleSource sets { $kinds }
compile-people-source-kinds-help = keep exactly one of { $all }; declare a second PeopleSource for the other
compile-people-source-none = the PeopleSource has no source
compile-people-source-none-help = set `csv:` with the path and columns of the HR export, `smarthr:` with the tenant's URL and token, `googleWorkspace:` or `microsoftGraph:`
compile-not-employment-type-name = `{ $value }` is not an employment type name
compile-not-employment-type-name-help = use lowercase words joined by `-`, such as `full-time`, `contractor` or `intern`
compile-bad-attribute-name = `{ $name }` is not a usable attribute name
compile-bad-attribute-name-help = use letters, digits, `-` or `_`
compile-smarthr-url-help = write the tenant's address, for example `https://example.smarthr.jp`
compile-smarthr-token-help = write `token: {"{"}env: SMARTHR_TOKEN{"}"}`, `token: {"{"}file: /var/run/secrets/smarthr-token{"}"}` or, for the controller in Kubernetes, `token: {"{"}secret: {"{"}name: keyward-credentials, key: smarthr-token{"}"}{"}"}`
compile-page-size-zero = a page size of 0 reads nothing
compile-page-size-1-100-help = leave it out or use 1 to 100
compile-smarthr-page-too-big = SmartHR returns at most 100 crews per page, not { $size }
compile-smarthr-page-too-big-help = leave it out (100) or use 1 to 100
compile-smarthr-field-empty = `{ $field }` names no custom field
compile-smarthr-field-empty-help = write the custom field's name as SmartHR shows it, or leave the line out
compile-google-path-help = write a path into the user's JSON: `primaryEmail`, `name.fullName`, `organizations[primary].department`, `externalIds[type=organization].value`, `organizations[*].title` or `customSchemas.HR.EmploymentType`
compile-google-source-key-help = write `serviceAccountKey: {"{"}file: /var/run/secrets/google/key.json{"}"}`, `{"{"}env: GOOGLE_SA_KEY{"}"}` (the key file's JSON) or, for the controller in Kubernetes, `{"{"}secret: {"{"}name: keyward-credentials, key: google-key.json{"}"}{"}"}`
compile-google-source-subject-help = write the e-mail of a Workspace administrator the service account may act as (domain-wide delegation)
compile-customer-and-domain = both `customer` and `domain` are set
compile-customer-and-domain-help = keep one: `customer` reads every domain of the account, `domain` only one
compile-not-customer = `{ $value }` is not a customer
compile-not-domain = `{ $value }` is not a domain
compile-customer-help = leave it out for the administrator's own customer (`my_customer`), or write the customer id (`C01abc23`) or domain
compile-not-org-unit = `{ $value }` is not an organisational unit path
compile-not-org-unit-help = write the unit's full path from the top, starting with `/`, for example `/Employees/Sales`
compile-query-empty = the query is empty
compile-read-every-user-help = leave it out to read every user
compile-directory-url-help = leave it out, or write `https://admin.googleapis.com/admin/directory/v1`
compile-filter-empty = the filter is empty
compile-graph-delta-filter = Graph's delta query on users cannot filter by property
compile-graph-delta-filter-help = remove `filter`, or set `delta: false` to read every page of the filtered users each time
compile-graph-delta-manager = a delta query does not return the expanded manager
compile-graph-delta-manager-help = set `delta: false`, or read the manager from a property of the user (an extension attribute holding the manager's employee number)
compile-graph-page-size = Graph pages hold 1 to 999 users
compile-graph-page-size-help = leave it out (999) or use 1 to 999
compile-not-a-path = `{ $path }` is not a path: { $why }, at character { $at }
compile-unknown-time-zone = `{ $zone }` is not a time zone this machine knows
compile-unknown-time-zone-help = write an IANA time zone name such as `Asia/Tokyo`, `Europe/Berlin` or `UTC`

## Bounds the CRDs' admission rules set (compile/bounds.rs).
compile-too-many = `{ $field }` has { $count } entries; at most { $max } are allowed
compile-too-many-help = the CRD's admission rules bound it, so the Kubernetes API server would refuse the resource: split it, or remove entries nobody uses
compile-too-long = `{ $field }` is { $count } characters long; at most { $max } are allowed
compile-too-long-help = the CRD's admission rules bound it, so the Kubernetes API server would refuse the resource: use a shorter name
