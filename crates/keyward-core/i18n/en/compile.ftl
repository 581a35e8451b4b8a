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
