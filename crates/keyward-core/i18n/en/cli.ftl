# The CLI's own frame: the last line of a failed command, validate's summary.

cli-problems-in-policy = { $count } { $count ->
        [one] problem
       *[other] problems
    } in the policy files; nothing was planned or changed
cli-problems-in-hr-data = { $count } { $count ->
        [one] problem
       *[other] problems
    } in the HR data; nothing was planned or changed
cli-problems-reading-accounts = { $count } { $count ->
        [one] problem
       *[other] problems
    } reading the apps' accounts; nothing was planned or changed
cli-validate-ok = OK: { $sources } people source(s), { $apps } application(s), { $policies } access polic(y/ies), { $exceptions } exception(s); { $people } people, { $accounts } accounts read.
cli-validate-offline = Offline: not contacted: { $names }. `keyward validate --online` reads them too, with their credentials.
