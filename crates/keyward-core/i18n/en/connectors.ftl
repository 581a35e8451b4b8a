# The checks of an Application's connector (compile/connectors/), the URLs
# keyward sends credentials to (endpoint.rs), request templates
# (template.rs) and the columns of data files (tabular.rs, excerpt.rs).

## Every connector (connectors/mod.rs)
connectors-more-than-one = the application sets more than one connector
connectors-more-than-one-help = keep exactly one of { $kinds }
connectors-none = the application has no connector
connectors-none-help = set `scim:` with the app's SCIM URL and token, `github:` with the organisation and token, `ldap:` with the directory's URL, bind DN and base DN, `microsoftGraph:` with the Entra tenant and app registration, `googleWorkspace:` with the service account key and the admin it acts as, `slack:` with the Slack tokens, `atlassian:` with the organisation id and API key, `okta:` with the organisation URL and API token, `http:` with a description of the app's REST API, or `csvExport:` with the path and columns of the app's user export
connectors-status-both = status value `{ $value }` is listed as both { $first } and { $second }
connectors-status-both-help = list each value under one meaning only
connectors-secret-help = write `{ $field }: {"{"}env: { $env }{"}"}`, `{ $field }: {"{"}file: { $file }{"}"}` or, for the controller in Kubernetes, `{ $field }: {"{"}secret: {"{"}name: keyward-credentials, key: { $key }{"}"}{"}"}`
connectors-page-size-zero = a page size of 0 reads nothing

## URLs keyward sends a credential to (endpoint.rs)
endpoint-not-http-url = `{ $written }` is not an http(s) URL: { $why }
endpoint-not-ldap-url = `{ $written }` is not an LDAP URL: { $why }
endpoint-user-info = the URL has a user name or password before `@`, so it goes to `{ $host }` and would carry them there
endpoint-plain-http = the URL is plain http to `{ $host }`, not to localhost, 127.x.x.x or [::1]: the token could cross the network unencrypted
endpoint-plain-ldap = the URL is plain ldap without StartTLS to `{ $host }`, not to localhost, 127.x.x.x or [::1]: the bind password could cross the network unencrypted
endpoint-not-http-url-help = write an https URL such as `https://api.example.com/scim/v2`
endpoint-not-ldap-url-help = write `ldaps://ldap.example.com:636`, or `ldap://ldap.example.com:389` with `startTls: true`
endpoint-user-info-help = remove the `user:password@` part: credentials come from the resource's `token`, `password` or `secret` fields, never from the URL
endpoint-plain-http-help = use https://; plain http:// is only for a server on this machine (localhost, 127.x.x.x or [::1])
endpoint-plain-ldap-help = use ldaps:// or set `startTls: true`; plain ldap:// is only for a directory on this machine (localhost, 127.x.x.x or [::1])
endpoint-why-whitespace = it contains a space or a control character
endpoint-why-scheme = it must start with { $secure }:// or { $plain }://
endpoint-why-no-host = it names no host
# The URL parser's own words (the `url` crate), kept as it says them in English.
endpoint-why-empty-host = empty host
endpoint-why-idna = invalid international domain name
endpoint-why-port = invalid port number
endpoint-why-ipv4 = invalid IPv4 address
endpoint-why-ipv6 = invalid IPv6 address
endpoint-why-domain-character = invalid domain character
endpoint-why-relative = relative URL without a base
endpoint-why-parser = { $why }

## Request templates of the http connector (template.rs)
template-syntax = { $why } (at character { $at })
template-not-closed = `{"{{"}` is not closed by `{"}}"}`
template-bad-name = `{"{{"}{ $name }{"}}"}` is not a placeholder name (letters, digits and dots, like `person.email`)
template-not-opened = `{"}}"}` without `{"{{"}`
template-json = the body is not valid JSON: { $why } (line { $line }, column { $column } of the body)
template-too-many = more than { $max } placeholders
template-number = the number { $number } would not be sent as written (only whole numbers within 64 bits and exact decimals are)

## The http connector (connectors/http.rs)
http-base-url-help = write the API's base URL, like `https://api.example.com/v2`
http-header-control = the value of header `{ $name }` cannot be sent: it holds a line break or control character
http-header-control-help = write the value on one line, as the API documents it
http-not-header-name = `{ $name }` is not an HTTP header name
http-header-name-help = use letters, digits and `-`
http-header-credential = `{ $name }` looks like a credential, and `headers` are written in the policy in clear
http-header-credential-help = send credentials with `auth` (`bearer`, `apiKey` with the header's name, `basic`, `oauth2` or `jwtBearer`), read from a secret
http-not-error-status = { $status } is not an error status
http-not-error-status-help = list 4xx or 5xx statuses the API throttles with, like 403
http-reset-header-help = write the header's name, like `X-RateLimit-Reset`
http-auth-one = set exactly one way to authenticate
http-auth-one-help = keep one of `bearer`, `apiKey`, `basic`, `oauth2` and `jwtBearer`, or leave `auth` out for an API without authentication
http-api-key-header-help = write the header the API reads the key from, like `X-Cybozu-API-Token`
http-basic-username = a basic-authentication user name must be non-empty and without `:`
http-basic-username-help = write the API user's name
http-token-url-help = write the API's token endpoint, like `{ $example }`
http-client-id-empty = the client id is empty
http-client-id-empty-help = write the app registration's client id
http-param-reserved = `{ $key }` is set by keyward from the other fields
http-param-reserved-help = remove it from `params`
http-jwt-issuer-empty = the assertion's issuer is empty
http-jwt-issuer-empty-help = write what the API expects as `iss` (often the client id)
http-jwt-client-pair = `clientId` and `clientSecret` go together
http-jwt-client-pair-help = set both, or neither when the API takes the assertion alone
http-lookup-no-email = the lookup does not send the e-mail
http-lookup-no-email-help = put `{"{{"}email{"}}"}` in its path or query, where the API takes the address
http-no-identifying-field = no field identifies a person: accounts could only ever match nobody
http-no-identifying-field-help = map `email`, `username` or `externalId` (or an attribute a correlator names)
http-status-values-unused = statusValues are set but no status field is mapped
http-status-values-unused-help = map `fields.status` or remove `statusValues`
http-role-values-twice = the app's values `{ $prev }` and `{ $value }` both mean role `{ $role }`, so keyward cannot tell which to send
http-role-values-twice-help = map one value per role; a value the app has but keyward never sets can stay unmapped
http-max-pages-zero = a listing of 0 pages reads nothing
http-max-pages-zero-help = leave it out (10000) or use 1 or more
http-paging-one = set exactly one paging style
http-paging-one-help = keep one of `pageNumber`, `offset`, `cursor`, `nextUrl` and `linkHeader`
http-largest-page-help = ask for the API's largest page size
http-limit-zero = a limit of 0 reads nothing
http-cursor-not-sent = the next-page request does not send `{"{{"}cursor{"}}"}`
http-cursor-not-sent-help = put `{"{{"}cursor{"}}"}` in its query or body, where the API expects the cursor
http-cursor-how = say how the cursor is sent back
http-cursor-how-help = set `param` (a query parameter) or `request` (a request of its own with `{"{{"}cursor{"}}"}`), not both
http-create-no-conflict = the create has no `conflict`: when an earlier attempt reached the app but its answer was lost, a retry would make a second account
http-create-no-conflict-help = add `conflict: {"{"}find: {"{"}path: …, query: {"{"}email: "{"{{"}person.email{"}}"}"{"}"}{"}"}{"}"}`, the request that finds an existing account, and the statuses that mean it exists (default 409)
http-create-no-id = keyward cannot learn the new account's id
http-create-no-id-help = set `id` to where the answer holds it (`$.id`)
http-role-not-sent = the role change does not send the role
http-role-not-sent-help = put `{"{{"}role{"}}"}` (the app's value) or `{"{{"}roleName{"}}"}` in its path, query or body
http-group-not-named = the membership change does not name the group
http-group-not-named-help = put `{"{{"}group{"}}"}` in its path, query or body
http-groups-together = `addGroup` and `removeGroup` come together
http-groups-together-help = describe both, or neither and list `groups` under `manual`
http-bad-method = `{ $method }` is not a method keyward sends
http-bad-method-help = use GET, POST, PUT, PATCH or DELETE, in capitals
http-bad-path = `{ $path }` is not a path under `baseUrl`
http-bad-path-help = write the path from `/`, like `/users/{"{{"}account.id{"}}"}`, and query parameters under `query`
http-get-body = a GET request carries no body
http-get-body-help = remove `body`, or use the method the API documents for this request
http-not-status = { $status } is not an HTTP status
http-not-status-help = list statuses between 100 and 599
http-already-done-when-unused = `alreadyDoneWhen` without `alreadyDone` statuses is never used
http-already-done-when-unused-help = list the statuses under `alreadyDone`
http-status-twice = { $status } is listed both as success and as already done
http-status-twice-help = list it under one of `accept` and `alreadyDone`
http-bad-placeholder = `{"{{"}{ $name }{"}}"}` is not a placeholder this request can fill
http-placeholder-first-page-help = the first page's request fills no placeholder: write the values themselves
http-placeholder-close-help = { $suggestion } This request can fill { $names }
http-placeholder-help = this request can fill { $names }
http-template-json-help = write the body as JSON text with placeholders inside strings: `{"{"}"email": "{"{{"}person.email{"}}"}"{"}"}`
http-template-syntax-help = write placeholders as `{"{{"}name{"}}"}`, like `{"{{"}account.id{"}}"}`
http-template-too-many-help = a request template holds at most 64 placeholders
http-template-number-help = write the number as a string (`"…"`), as most APIs accept ids
# $why is the JSONPath parser's own words.
http-bad-json-path = `{ $query }` is not a JSONPath query (RFC 9535): { $why } at character { $position }
http-bad-json-path-help = write a query from the root `$`, like `$.email`, `$.profile.email` or `$.groups[*].name`
http-need-missing = the connector describes changes but no `{ $change }`, and { $why }
http-need-missing-help = add `changes.{ $change }` with the API's request, or list `{ $manual }` under `changes.manual` to leave it to a human as a checklist item
http-need-create = joiners get accounts
http-need-suspend = leavers' accounts are closed
http-need-restore = suspended accounts come back for rehires and returns from leave
http-need-delete = `lifecycle.offboarding.deleteAfter: { $after }` deletes leavers' accounts
http-need-update-role = the app's roles follow the grants

## LDAP directories (connectors/ldap.rs)
ldap-ldaps-start-tls = an `ldaps://` connection is TLS from the start, so StartTLS cannot upgrade it
ldap-ldaps-start-tls-help = remove `startTls`, or use an `ldap://` URL with `startTls: true`
ldap-ca-file-empty = `caFile` is empty
ldap-ca-file-empty-help = name the PEM file with the CA certificate that signed the directory's certificate, relative to this policy file, or remove `tls` to trust the system's CAs
ldap-tls-unused = `tls` is set but the connection is plain `ldap://` without StartTLS, so no certificate is ever checked
ldap-tls-unused-help = set `startTls: true`, or use an `ldaps://` URL
ldap-not-dn = `{ $dn }` is not a DN
ldap-not-dn-help = write it as attribute=value pairs from the entry up, for example `ou=people,dc=example,dc=com`
ldap-not-filter = `{ $filter }` is not an LDAP filter
ldap-not-filter-help = write it in balanced parentheses, for example `(&(objectClass=inetOrgPerson)(!(employeeType=service)))`
ldap-not-attribute = `{ $name }` is not an LDAP attribute name
ldap-not-attribute-help = write the attribute's name as the schema has it, for example `uid` or `mail`
ldap-suspension-group-needs-group = `suspension: group` needs the group whose members are suspended
ldap-suspension-group-needs-group-help = add `suspendedGroup:` with the group's cn, for example `suspendedGroup: suspended`
ldap-suspended-group-no-groups-dn = the suspended group is looked up under `groupsDn`, which is not set
ldap-suspended-group-no-groups-dn-help = add `groupsDn:` with the subtree that holds the groups
ldap-suspended-group-unused = `suspendedGroup` is only used with `suspension: group`
ldap-suspended-group-unused-help = add `suspension: group`, or remove `suspendedGroup` to suspend by locking the password
ldap-no-roles = an LDAP directory has no roles
ldap-no-roles-help = remove `{ $field }` and grant groups instead

## SCIM and CSV exports (connectors/scim.rs, connectors/csv_export.rs)
scim-url-help = write the SCIM base URL, for example `https://api.slack.com/scim/v2`
csv-export-no-id = the export has no id, email or username column
csv-export-no-id-help = map at least one of `id`, `email` or `username` to a header of the export
csv-export-status-values-unused = statusValues are set but no status column is mapped
csv-export-status-values-unused-help = map `columns.status` or remove `statusValues`

## GitHub, Slack, Okta, Atlassian (connectors/github.rs, slack.rs, okta.rs, atlassian.rs)
github-not-org = `{ $org }` is not a GitHub organisation login
github-not-org-help = write the organisation's name as in its URL, https://github.com/ORG: letters, digits and `-`, at most 39 characters
github-api-url-help = leave it out for github.com, or write GitHub Enterprise Server's API URL, `https://HOST/api/v3`
slack-url-help = leave it out for Slack's own `{ $default }`
slack-not-team-id = `{ $team }` is not a Slack workspace id
slack-not-team-id-help = write the workspace id, `T` and upper-case letters and digits (`T0123ABCD`), as in the workspace's URL in the admin dashboard
slack-limit = Slack pages hold 1 to 1000 users
slack-limit-help = leave it out (200) or use 1 to 1000
okta-org-url-help = write the organisation's URL, for example `https://acme.okta.com`
okta-url-has-path = `{ $path }` has a path; keyward adds `/api/v1/…` itself
okta-url-has-path-help = write only the organisation's URL, `{ $origin }`
okta-admin-url = `{ $host }` is the Admin Console's address, not the organisation's
okta-admin-url-help = write `https://{ $org }.{ $rest }`: Okta's API answers at the organisation's URL
okta-no-roles = role `{ $role }`: Okta users have no role the Okta connector can set
okta-no-roles-help = remove it and grant Okta groups instead: `grant: [{"{"}app: okta, groups: [engineering]{"}"}]`
atlassian-not-org-id = `{ $id }` is not an Atlassian organisation id
atlassian-not-org-id-help = copy the id from admin.atlassian.com/o/ORG_ID, or from the page where the API key was created
atlassian-not-directory-id = `{ $id }` is not a directory id
atlassian-not-directory-id-help = leave it out for every directory (`-`), or write the directory's id
atlassian-api-url-help = leave it out for `https://api.atlassian.com`
atlassian-role-no-group = role `{ $role }` names no group
atlassian-role-no-group-help = list the groups that grant the role's product access, for example `[jira-software-users-example]`
atlassian-role-unmapped = role `{ $role }` has no product-access groups, so the Atlassian connector cannot give it
atlassian-role-unmapped-help = map it under `{ $field }`, for example `{ $role }: [jira-software-users-example]`

## Microsoft Graph and Google Workspace (connectors/graph.rs, connectors/google.rs)
graph-not-sku = `{ $sku }` is not a SKU id
graph-not-sku-help = use the skuId GUID of the licence from `GET /subscribedSkus` (not its skuPartNumber such as ENTERPRISEPACK)
graph-not-country = `{ $code }` is not a two-letter country code
graph-not-country-help = write an ISO 3166-1 alpha-2 code in capitals, for example `JP`
graph-no-usage-location = licences are assigned but no usageLocation is set: Microsoft refuses to license a user without one
graph-no-usage-location-help = set `usageLocation` (for example `JP`), or make sure every new user gets one another way
graph-page-size = Graph pages hold 1 to 999 objects
graph-page-size-help = leave it out (999) or use 1 to 999
google-key-help = write `serviceAccountKey: {"{"}file: /var/run/secrets/google/key.json{"}"}`, `serviceAccountKey: {"{"}env: GOOGLE_SA_KEY{"}"}` (the key file's JSON) or, for the controller in Kubernetes, `serviceAccountKey: {"{"}secret: {"{"}name: keyward-credentials, key: google-sa-key.json{"}"}{"}"}`
google-subject-help = write the e-mail of the Workspace administrator the service account acts as (domain-wide delegation), for example `it-admin@example.com`
google-not-customer = `{ $customer }` is not a customer id
google-not-customer-help = leave it out (`my_customer`, the subject's own account) or write the customer id from Account settings, for example `C01abc23d`
google-not-domain = `{ $domain }` is not a domain
google-not-domain-help = write the domain alone, without `@`, for example `example.com`
google-url-help = leave it out for Google's own https URL
google-licence-not-role = `{ $role }` is not one of the app's roles
google-licence-not-role-help = name the licence after one of { $roles }, or add `{ $role }` to `spec.roles`
google-not-licence-id = `{ $value }` is not a licence { $field }
google-not-licence-id-help = use the ids from Google's Products and SKUs list, for example `productId: Google-Apps, skuId: 1010020028`
google-same-licence = roles `{ $other }` and `{ $role }` name the same licence
google-same-licence-help = give each role its own SKU: keyward reads a user's role from the licence they hold
google-not-org-unit = `{ $path }` is not an organisational unit path
google-not-org-unit-help = write the full path from the top, starting with `/`, for example `/Sales/Japan`
google-page-size = the Directory API returns 1 to 500 users per page
google-page-size-help = leave it out (500) or use 1 to 500

## Columns of data files (tabular.rs, excerpt.rs)
data-column-missing = column `{ $name }` is not in { $file }
data-column-close-list = did you mean `{ $closest }`? The { $of ->
        [export] export's
       *[file] file's
    } columns are: { $columns }
data-column-list = the { $of ->
        [export] export's
       *[file] file's
    } columns are: { $columns }
data-column-listed-before = the { $of ->
        [export] export's
       *[file] file's
    } columns are listed with the first missing one
data-empty-file-help = { $again }; an export that was cut off or failed leaves an empty file behind
data-export-accounts-again = export the accounts again
data-export-hr-again = export the HR master again
excerpt-and-more = … and { $count } more
