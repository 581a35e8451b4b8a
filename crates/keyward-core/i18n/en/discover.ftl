# discover
# `keyward discover` and the discovered apps wherever they are shown.

discover-holder-left-on = left, last day { $date }
discover-holder-on-leave-until = on leave, last day { $date }
discover-more = … and { $count } more
discover-tally = { $name } ({ $count })
discover-no-department = (no department)
discover-no-employment-type = (not recorded)

## The summary as text and Markdown (present/discovered/{text,markdown}.rs)
discover-title = Discovered apps on { $date }
discover-title-since = Discovered apps on { $date } (activity since { $since })
discover-directory = { $source } ({ $directory }): { $users } users read, { $requests } requests
discover-totals = { $apps } apps: { $undeclared } undeclared, { $covered } covered by an Application. { $holders } grants held by leavers or people on leave.
discover-people = { $count } { $count ->
        [one] person
       *[other] people
    }
discover-not-in-hr-count = , { $count } not in the HR data
discover-covered-by = covered by { $app }
discover-undeclared = undeclared
discover-undeclared-catalogue = undeclared (catalogue: { $catalogue })
discover-publisher = publisher { $publisher }
discover-tenant-consent = admin consent for the whole tenant
discover-seen = seen { $seen }
discover-line-ids = ids: { $list }
discover-line-departments = departments: { $list }
discover-line-employment-types = employment types: { $list }
discover-line-not-in-hr = not in the HR data: { $list }
discover-phase-left = left
discover-phase-on-leave = on leave
discover-holder = { $phase } { $who } <{ $user }>{ $last_day }: { $directory } { $evidence }{ $last_seen }{ $scopes }
discover-holder-last-day = , last day { $date }
discover-holder-last-seen = , last seen { $date }
discover-holder-scopes = { " " }· scopes { $scopes }{ $more }
discover-holder-more-scopes = { " " }… and { $count } more
discover-notes = Notes
discover-md-since = Activity since { $since }; undated grants are included.
discover-md-totals = **{ $apps }** apps: **{ $undeclared }** undeclared, { $covered } covered by an Application. **{ $holders }** grants held by leavers or people on leave.
discover-md-directories-header = | Directory | Read | Users | Requests |
discover-md-apps-header = | App | People | Not in HR | Departments | Employment types | Seen | Covered by |
discover-md-tenant-consent = tenant-wide consent
discover-md-undeclared = **undeclared**
discover-md-undeclared-catalogue = **undeclared** (catalogue: { $catalogue })
discover-md-holders-title = Leavers and people on leave still holding grants
discover-md-holders-header = | App | Person | Situation | Directory | Evidence | Scopes |
discover-md-who = { $name } ({ $id })

## What `keyward discover --stubs` says (crates/keyward/src/commands/discover.rs)
discover-wrote-stubs = Wrote { $count } Application stub(s) to { $dir }{ $kept }.
discover-stubs-kept = { " " }({ $count } already there, left as they are)
