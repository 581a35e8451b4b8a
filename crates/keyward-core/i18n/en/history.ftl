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
