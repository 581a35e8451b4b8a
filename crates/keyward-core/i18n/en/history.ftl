# history
# `keyward history` (present/history.rs) and `keyward report --leavers`
# (present/leavers.rs). The CSV for tools keeps the English words.

history-title = Accounts at { $at } ({ $zone })
history-col-app = app
history-col-account-id = accountId
history-col-account = account
history-col-owner = owner
history-col-role = role
history-col-groups = groups
history-col-status = status
history-col-certainty = certainty
history-col-basis = basis
history-status-unknown = unknown
history-uncertain = uncertain
history-unknown = no listing of this app was recorded before { $time }
history-broken = the listing records of this app do not add up from record { $seq }
history-basis-listing = listing of run { $run } ({ $time })
history-basis-change = ; then { $action } { $outcome } at { $time }
history-outcome-attempted = attempted (no result recorded)
history-outcome-applied = applied
history-outcome-already-done = already done
history-outcome-failed = failed

## keyward report --leavers
leavers-title = Leavers' access as of { $date }: { $count } row(s)
leavers-col-person = person
leavers-col-name = name
leavers-col-last-day = lastDay
leavers-col-app = app
leavers-col-suspended = suspended
leavers-col-deleted = deleted
leavers-col-lag-days = lagDays
leavers-col-open-days = openDays
leavers-col-held-back = heldBack
leavers-col-exceptions = exceptions
leavers-held-review = to review: { $reason }
leavers-held-handover = hand-over pending: { $reason }
leavers-held-pending = { $action } not yet applied: { $reason }
leavers-held-until = { $action } held until { $until }: { $reason }
leavers-exception = { $name } (approved by { $approver }, until { $until }): { $reason }
