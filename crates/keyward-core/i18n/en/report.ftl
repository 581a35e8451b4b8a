# The admin report (`keyward report --html`). Arguments named *-html are
# markup the code escaped already; the rest are plain values.

## Page

report-title = Access report { $date } · keyward
report-heading = Access report
report-meta = As of { $date } (the plan date) · { $people } people in the HR master · { $apps } apps read, { $accounts } accounts · the same inputs as <code>keyward plan</code>
report-nav-summary = Summary
report-nav-charts = Charts
report-nav-matrix = Access matrix
report-nav-leavers = Leavers
report-nav-orphans = Unmatched accounts
report-nav-externals = Contractors &amp; guests
report-nav-seats = Seats &amp; money
report-nav-duties = Separation of duties
report-nav-discovered = Discovered apps
report-warnings = Warnings from the plan
report-footer = Made by keyward for { $date }. The same policy files, HR export and app lists always give this same file.

## Summary

report-summary-lead = Head counts are the HR master's on the plan date; accounts are what each app listed. Every figure on this page comes from the same plan as <code>keyward plan</code>.
report-kpi-people = People in HR
report-kpi-people-detail = { $employed } employed · { $on_leave } on leave · { $not_started } not started · { $left } left
report-kpi-apps = Apps read
report-kpi-apps-detail = { $accounts } accounts
report-kpi-leavers = Leavers' accounts open
report-kpi-leavers-detail = held by { $people } people who have left
report-kpi-orphans = Accounts matching nobody
report-kpi-orphans-detail = in { $apps } app(s)
report-kpi-changes = Changes planned
report-kpi-changes-detail = { $reviews } of them reviews
report-kpi-plan-money = Seat bill, this plan / month
report-kpi-plan-money-detail = { $added } seats added, { $freed } freed by this plan: the figure of the plan's “Seats” line
report-kpi-later-money = Not freed by this plan / month
report-kpi-later-money-detail = { $later } of the { $freeable } seats of leavers and unmatched accounts stay paid after this plan (reviews, hand-over exceptions, deletions not yet due); freeing them would save this much more
report-planned-changes = Planned changes
report-col-application = Application
report-col-read-from = Read from
report-col-accounts = Accounts
report-col-matched = Matched
report-col-unmatched = Unmatched
report-col-protected = Protected
report-col-bots = Bots
report-read-only = { " " }· read-only
report-none = none
report-nothing = nothing

## Words

report-action-create = create
report-action-restore = restore
report-action-update = update
report-action-suspend = suspend
report-action-transfer = transfer
report-action-revoke = revoke
report-action-delete = delete
report-action-review = review
report-group-accounts = { $count ->
    [one] { $n } account
   *[other] { $n } accounts
}

## Charts

report-charts-lead = Accounts per app by kind, leavers' accounts that can still sign in, and open accounts per department (of the person's first post).
report-chart-apps = Accounts per app
report-chart-leavers = Leavers' accounts still open, per app
report-chart-departments = Open accounts per department
report-segment-open = people, open
report-segment-suspended = people, suspended
report-segment-unmatched = matching nobody
report-segment-other = protected and bots
report-segment-leavers = leavers' open accounts
report-segment-departments = open accounts

## Access matrix

report-matrix-lead = Every person in the HR master and every account matching nobody, against every app: the account's role and status, or { $missing } where a policy grants the app and no account exists. Filter here, or link to a filtered view with the URL fragment, e.g. <code>report.html#q=営業&amp;type=contractor</code> (keys <code>q</code>, <code>dept</code>, <code>type</code>, <code>app</code>, <code>problem</code>).
report-missing = missing
report-filter-search = Search
report-filter-search-placeholder = name, e-mail, employee number, department
report-filter-department = Department
report-filter-all-departments = all departments
report-filter-type = Employment type
report-filter-all-types = all types
report-filter-external = all but full-time
report-filter-app = App
report-filter-all-apps = all apps
report-filter-problems = Problems
report-filter-all-rows = all rows
report-filter-any-problem = only problems
report-filter-leaver = leavers with open accounts
report-filter-orphan = accounts matching nobody
report-filter-mismatch = differs from policy
report-filter-clear = Clear
report-matrix-shown = Showing { $shown } of { $total } rows
report-col-person-or-account = Person or account
report-col-department = Department
report-col-type = Type
report-col-situation = Situation
report-col-flags = Flags
report-matrix-empty = No row matches the filter.
report-legend-role = role
report-legend-missing = granted, no account
report-legend-none = not granted
report-legend-action = action
report-legend-action-meaning = what the plan does
report-flag-leaver = leaver
report-flag-leaver-meaning = a leaver's account can still sign in
report-flag-orphan = no person
report-flag-orphan-meaning = matches nobody in the HR master
report-flag-mismatch = differs
report-flag-mismatch-meaning = differs from what the policies grant: the plan changes it
report-cell-granted-role = granted { $role } by { $by }
report-cell-granted = granted by { $by }

## Lists

report-leavers-heading = Leavers' accounts still open
report-leavers-lead = Accounts that can still sign in, of people whose last working day has passed (or whom HR marks as gone), per app, longest gone first. Days are counted to the plan date, { $date }.
report-leavers-none = None: every leaver's accounts are suspended or gone.
report-col-person = Person
report-col-account = Account
report-col-status = Status
report-col-last-day = Last working day
report-col-days-since = Days since
report-col-kept-by = Still granted by
report-col-plan = The plan
report-not-recorded = not recorded
report-orphans-lead = Accounts that no person in the HR master matches (or that match several). keyward never removes them by itself: each may be a leaver missing from the export, a renamed person, a shared mailbox or a bot. Protect it, fix the data, or remove it by hand.
report-orphan-probably = probably { $candidates } (by name only — confirm)
report-orphans-none = None: every account matches a person, a protect rule or a bot.
report-col-role = Role
report-col-last-active = Last active
report-col-why = Why
report-duties-lead = People who hold, or whom the policies would give, duties that a SeparationOfDuties rule keeps apart. keyward holds back every change that would give the second duty, and never takes an entitlement away by itself: the rule's owner decides which duty ends.
report-duties-no-rules = No SeparationOfDuties rules are declared.
report-duties-none = { $count ->
    [one] No violations of the { $rules } rule checked.
   *[other] No violations of the { $rules } rules checked.
}
report-col-rule = Rule
report-col-duty = Duty
report-col-what-gives-it = What gives it
report-duty-owner = owner { $owner }
report-externals-heading = Contractors and guests
report-externals-lead = People whose employment type is not full-time (contract, part-time, temp, contractor…) with their accounts, and every account holding a guest-like role: one named guest, or the least privileged of the app's roles when that is not the role everyone gets.
report-externals-people = People not employed full-time
report-none-sentence = None.
report-guests-heading = Accounts with a guest-like role
report-col-app = App
report-matches-nobody = matches nobody

## Seats and money

report-seats-heading = Seats and money
report-seats-lead = Seats billed per app — accounts that can sign in, or every account where only a deletion stops the billing (<code>seatCost.freedBy: delete</code>); bots are not counted — the seats of leavers and of accounts matching nobody that could be freed, and what that would save a month at the Application's <code>seatCost</code>; of those, the seats this plan frees and the seats it leaves open (accounts matching nobody wait for a review, hand-over exceptions keep an account, a deletion is not yet due). The last column is the plan's own seat change, the figure of <code>keyward plan</code>'s “Seats” line: every seat it adds (creates, restores) and frees (suspends, or deletes where only a deletion stops the billing), leavers' or not.
report-col-seat-price = Seat / month
report-col-in-use = In use
report-col-cost = Cost / month
report-col-leavers = Leavers
report-col-matching-nobody = Matching nobody
report-col-freeable = Could be freed
report-col-saving = Could be saved / month
report-col-freed-now = Freed by this plan
report-col-later = Left open, / month
report-col-plan-seats = The plan: seats, bill / month
report-no-seat-cost = no seatCost
report-freed-by-delete = freed by delete
report-seats-total = Total { $currency }
report-plan-seats = +{ $added } / −{ $freed } seats, { $change } { $currency }
report-seats-explained = { $currency }: this plan adds { $added } seats and frees { $freed }, { $change } { $currency } a month — the figure of the plan's “Seats” line. Of the seats of leavers and accounts matching nobody, it frees { $freed_now }; { $later } stay paid until a review, an exception's end or a due deletion frees them, another { $later_money } { $currency } a month.

## Discovered apps

report-discovered-lead = Third-party apps people sign into with their directory account, as the directories report them on { $date }{ $since }. An app no Application covers is <b>undeclared</b>: keyward does not manage its accounts, and a leaver's access to it is closed by nobody.
report-discovered-since = { " " }(activity since { $since }; undated grants included)
report-discovered-none = None: the directories report no third-party app.
report-discovered-undeclared = undeclared
report-discovered-catalogue = catalogue: { $catalogue }
report-discovered-tenant-consent = tenant-wide consent
report-discovered-col-people = People
report-discovered-col-not-in-hr = Not in HR
report-discovered-col-departments = Departments
report-discovered-col-types = Employment types
report-discovered-col-seen = Seen
report-discovered-col-covered-by = Covered by
report-discovered-col-holders = Leavers holding
report-discovered-holders = Leavers and people on leave still holding grants
report-discovered-col-directory = Directory
report-discovered-col-evidence = Evidence
report-discovered-col-scopes = Scopes
report-discovered-more = … and { $count } more
report-discovered-notes = What the directories could not tell
