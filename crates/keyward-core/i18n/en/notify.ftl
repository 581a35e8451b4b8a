# Notifications after keyward plan and keyward apply (the Slack message).
# The JSON document stays English: tools read it.

notify-headline-event = keyward { $event } { $date }
notify-headline-applied = { $applied } applied, { $failed } failed, { $skipped } skipped
notify-headline-refused = refused by { $count } guard(s), nothing changed
notify-headline-leavers = { $accounts } account change(s) for { $leavers } leaver(s)
notify-headline-unmatched = { $count } account(s) match nobody
notify-headline-separator = { " · " }
notify-change = { $app }: { $action } { $account }
notify-leaver-since = { " " }(left { $days } day(s) ago)
notify-leaver = • { $label }{ $since }: { $changes }
notify-leavers-more = …and { $count } more leaver(s)
notify-refused-heading = :warning: *Guard refused the apply*
notify-leavers-heading = *Leavers' accounts*
notify-unmatched-heading = *Accounts matching nobody in HR*
