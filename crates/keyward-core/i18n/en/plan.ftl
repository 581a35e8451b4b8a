# The plan's text and Markdown renderings (keyward plan, keyward apply).

plan-title = keyward plan for { $date }
plan-hr-line = HR: { $total } people ({ $employed } employed, { $on_leave } on leave, { $not_started } not started, { $left } left)
plan-read-only-checklist = ; read-only: apply writes a checklist
plan-app-accounts = { $accounts } accounts: { $matched } matched, { $orphans } unmatched, { $protected } protected, { $bots } bots
plan-no-changes = no changes
plan-held = held
plan-held-until = { $action } held until { $until }
plan-warnings = Warnings
plan-summary = Plan: { $create } to create, { $restore } to restore, { $update } to update, { $revoke } to revoke, { $suspend } to suspend, { $transfer } to transfer, { $delete } to delete, { $review } to review.
plan-held-line = Held: { $count ->
        [one] { $n } change
       *[other] { $n } changes
    } until a later day (shown as "held until" above).
plan-seats-part = +{ $added } added, { $freed } freed: { $money } { $currency }/month
plan-seats-separator = { "; " }
plan-seats-line = Seats: { $parts }.
plan-duties-line = Separation of duties: { $violations ->
        [0] no violations
        [one] { $violations } violation
       *[other] { $violations } violations
    } ({ $rules ->
        [one] { $rules } rule
       *[other] { $rules } rules
    } checked).
plan-export-line = export of { $date } ({ $from }): { $age }, { $verdict }
plan-export-over = over the limit of { $limit }: export again or raise maxAge
plan-export-future = check the clock or the exportedAt column
plan-export-within = within the limit of { $limit }
export-from-column = from the column `{ $column }`
export-from-file = from the file's modification time
export-age-modified-after = modified after the plan's date
export-age-future = dated { $days } days after the plan's date
export-age-days = { $days } days old
duty-held = held: { $what }
duty-granted-by = granted by { $what }
duty-held-back = held back: { $what }
plan-revoke-closes-all = closes: every session, OAuth token, app password and backup code the app has
plan-revoke-closes = closes: { $kinds }
plan-transfer-to = to { $to }
plan-proposed = proposed: { $action }
plan-attr-role = role
plan-attr-groups = groups
plan-no-role = (none)

action-create = create
action-restore = restore
action-update = update
action-suspend = suspend
action-transfer = transfer
action-revoke = revoke
action-delete = delete
action-review = review

revoke-kind-sessions = sessions
revoke-kind-oauth-tokens = OAuth tokens
revoke-kind-app-passwords = app passwords
revoke-kind-verification-codes = backup verification codes

## Markdown (pull-request comments)

md-full-plan = the full plan is in the JSON artifact (`keyward plan -o plan.json`) and in the output of `keyward plan`
md-too-large = Too large for a { $max }-byte comment, even as counts per app: { $full }.
md-too-large-short = Plan too large for this comment.
md-sections-left-out = { $left } of { $total } app { $count ->
        [one] section
       *[other] sections
    } left out
md-left-out-and-warnings = { $sections }, and the warnings
md-warnings-left-out = the warnings left out
md-nothing-left-out = nothing left out
md-shortened = Shortened to fit a comment of at most { $max } bytes: { $what }. The counts above cover every change; { $full }.
md-n-to-revoke = { $n } to revoke
md-n-to-suspend = { $n } to suspend
md-n-to-hand-over = { $n } to hand over
md-n-to-delete = { $n } to delete
md-hr-line = HR: { $total } people — { $employed } employed, { $on_leave } on leave, { $not_started } not started, { $left } left.
md-deprovisioning-none = **Deprovisioning:** none — no account is suspended, handed over or deleted.
md-deprovisioning = **Deprovisioning** (access or data taken away): { $totals }
md-violations-more = … and { $n } more: { $full }
md-col-app = app
md-col-accounts = accounts
md-col-action = action
md-col-account = account
md-col-person = person
md-col-change = change
md-col-reason = reason
md-col-proposed = proposed
md-export-over = export { $age }, limit { $limit }
md-export-age = export { $age }
md-n-action = { $n } { $action }
md-list-separator = { ", " }
md-read-only-checklist = read-only: a checklist for a human
md-n-changes = { $count ->
        [one] { $n } change
       *[other] { $n } changes
    }
md-to-review = **To review ({ $n })** — keyward changes nothing here until a human acts:
md-warnings = **Warnings ({ $n })**

## Plan-level warnings

export-age = { $count ->
        [one] 1 day old
       *[other] { $days } days old
    }
export-described = { $age } (exported { $date }, { $from })
export-finding-stale = the export { $source } is { $described }; the limit is { $limit } (spec.connector.csvExport.maxAge): export the accounts again, or raise maxAge
export-finding-future = the export { $source } is { $described }: check the clock of the machine that wrote it, or which column is mapped as columns.exportedAt
warning-export-stale = { $app }: { $finding }. Accounts removed since are still in it and accounts made since are missing; keyward apply refuses this app until then (or with --allow-stale-exports).
warning-export-future = { $app }: { $finding }.
warning-exception-nobody = Exception { $name } names `{ $person }`, who is not in the HR data; it grants nothing
warning-exception-expired = Exception { $name } expired on { $until }; it grants nothing any more and can be removed
warning-mass-vanish = { $vanished } of the { $known } people keyward saw before are missing from the HR source at once (more than { $percent } % and more than { $above }): the HR read looks truncated or filtered, so none of them is reviewed one by one — check the source; `keyward apply` refuses this plan until `--allow-hr-shrink`

## People who vanished from the HR source

vanished-line = { $n } { $count ->
        [one] person is
       *[other] people are
    } no longer in the HR source (of { $known } seen before)
vanished-last-seen = last seen { $date } ({ $source })
vanished-heading = No longer in the HR source — decide: they left, or the record moved
vanished-no-accounts = no accounts found
vanished-explain = no longer in the HR source: keyward saw them last on { $date }, and has not since. Decide — they left (record the last working day in the HR master), or the record moved (fix its employee number or e-mail). Nothing is changed on absence alone.
plan-done-heading = Recorded as done by a human (not counted, not on a checklist):
plan-done-by = done by { $by } on { $date }
plan-done-on = done on { $date }
plan-marked-done-still-shown = marked { $done }, but the app still shows it
