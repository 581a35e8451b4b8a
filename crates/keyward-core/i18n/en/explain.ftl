# `keyward explain`: a person, an account or a name explained.

## Why a policy does not select a person (also in the JSON's `why`).
grants-exception-starts = Exception { $name } starts on { $date }
grants-exception-expired = Exception { $name } expired on { $date }
grants-why-left = the person has left; no policy selects leavers
grants-why-status = it selects status { $statuses }; the person is { $situation }
grants-phase-not-started = not started
grants-phase-employed = employed
grants-phase-on-leave = on leave
grants-phase-left = left
grants-why-employment-type = it selects employment type { $types }; the person's is { $actual }
grants-not-recorded = not recorded
grants-why-department = it selects department { $selected }; the person is in { $actual }
grants-no-department = no department
grants-why-title-unrecorded = it selects titles matching `{ $pattern }`; the person's title is not recorded
grants-why-title = it selects titles matching `{ $pattern }`; the person's is { $actual }
grants-why-attribute-empty = it selects attribute { $attribute } matching `{ $pattern }`; the person's is empty
grants-why-attribute = it selects attribute { $attribute } matching `{ $pattern }`; the person's is `{ $actual }`
grants-why-bug = every condition holds, yet it did not select the person (a bug: please report it)

## How the query led to the subject, and why it led nowhere.
explain-found-old-domain = `{ $query }` is an old-domain address: the domainAliases of { $app } read it as { $address }
explain-found-account = found through the { $app } account { $account } ({ $id })
explain-found-name = found by the name `{ $query }` — a name is only a hint: check that this is the person you mean
explain-not-found = nobody in the HR data has the employee number or work e-mail `{ $query }`, and no account or name matches it; check the spelling, or whether the HR export already has them
explain-not-found-did-you-mean = nobody in the HR data has the employee number or work e-mail `{ $query }`, and no account or name matches it; did you mean { $suggestions }?
explain-no-such-app = no Application named `{ $app }`; the policies define: { $known }
explain-several-people = `{ $query }` names { $count } people: { $candidates }; explain one by employee number
explain-several-accounts = `{ $query }` matches { $count } accounts: { $candidates }; name the app with --app, or give the account id
explain-whose-person = belongs to { $id }
explain-whose-nobody = matches nobody
explain-candidate-account = { $app }: { $account } ({ $id }) — { $whose }
explain-plan-failed = { $error }

## The person.
explain-source-line = PeopleSource { $name }: { $location } line { $line }
explain-source = PeopleSource { $name }: { $location }
explain-situation-joins = joins on { $date }
explain-situation-employed-until = employed; last working day { $date }
explain-situation-employed = employed
explain-situation-on-leave = on leave
explain-situation-left-on = left; last working day { $date }
explain-situation-left-unrecorded = left (terminated in HR, no last working day recorded)
explain-earlier-ids = earlier employee numbers: { $ids }
explain-on-date = on { $date }: { $situation }
explain-no-department = (no department)
explain-post-titled = post: { $department } · { $title }
explain-post = post: { $department }
explain-employment-type = employment type: { $kind }
explain-manager = manager: { $manager }
explain-from = from { $source }

## Grants.
explain-grants-heading = Grants
explain-none = none
explain-grant-role = { $app } as { $role }
explain-with-groups = { $what }, groups { $groups }
explain-because = because { $what }
explain-because-policy = AccessPolicy { $name }
explain-because-post-titled = { $what } (post { $department } · { $title })
explain-because-post = { $what } (post { $department })
explain-because-title = { $what } (title { $title })
explain-because-grants = { $what } grants { $role }
explain-because-exception = Exception { $name } until { $until }: { $reason } (approved by { $approver })
explain-not-in-force = not in force: { $what }
explain-left-none = none: no policy selects people who have left; their accounts follow each app's offboarding (see Plan)
explain-left-exceptions-only = no AccessPolicy selects people who have left; only the exceptions above keep access
explain-not-selected-heading = Policies that do not select them
explain-not-selected = { $policy } ({ $apps }): { $why }

## Accounts.
explain-accounts-heading = Accounts
explain-account = { $app }: { $account } [{ $status }]
explain-account-id = { $what }, id { $id }
explain-account-role = { $what } role { $role }
explain-matched-by = matched by { $how }
explain-no-account-in = no account in { $apps }
explain-last-active = last active { $date }
explain-matches-nobody = matches nobody in the HR data
explain-probably = by its name probably { $candidates } — a name is only a hint: keyward never matches by it, confirm who it is
explain-no-probable = its name suggests nobody in the HR data

## The plan, and what a leaver still has open.
explain-plan-heading = Plan
explain-nothing-to-change = nothing to change
explain-change = { $app }: { $action } { $account } — { $reason }
explain-held = { $app }: { $action } { $account } held until { $until } — { $reason }
explain-still-open-heading = Still open on { $date }
explain-open-planned = { $what } — the plan: { $actions }
explain-covered-by = covered by { $app }
explain-undeclared = undeclared
explain-discovered = { $app } ({ $covered }): { $evidence } in { $directory }
explain-scopes = { $what }, scopes { $scopes }
explain-more-scopes = { $what } … and { $count } more
explain-last-seen = { $what }, last seen { $date }
explain-nothing-open = nothing left open
explain-nothing-open-declared = nothing left open among the declared accounts; third-party grants were not read (`keyward explain --discover` reads them from the directories)
explain-grants-not-read = third-party grants were not read (`keyward explain --discover` reads them from the directories)
explain-duties-heading = Separation of duties
