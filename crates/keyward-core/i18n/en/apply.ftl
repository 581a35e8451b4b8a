# keyward apply: the prompt, its notes and the run's summary; checklists for
# apps keyward can only read; the guards' refusals.

apply-refused = refused: { $why }
apply-nothing-changed = Nothing was changed (run { $run }).
apply-account-with-id = { $label } (id { $id })
apply-result-failed = failed
apply-result-skipped = skipped
apply-problem = { $result }: { $app } { $action } { $account }: { $why }
apply-checklist-written = checklist for a human: { $path }
apply-audit-error = audit log: { $error }
# Why a change failed or was not attempted, in keyward's words ($action and
# $next are action keywords: create, restore, update, revoke, suspend,
# transfer, delete). A connector's own error is shown as the app said it.
apply-skip-failed = the { $action } failed, so the { $next ->
        [create] creation
        [suspend] suspension
        [transfer] hand-over
        [revoke] revocation
        [delete] deletion
       *[other] { $next }
    } was not attempted
apply-skip-not-attempted = the { $action } was not attempted, so the { $next ->
        [create] creation
        [suspend] suspension
        [transfer] hand-over
        [revoke] revocation
        [delete] deletion
       *[other] { $next }
    } was not attempted either
apply-no-connector = no connector was set up for Application { $app }, so nothing was sent to it (the plan and the policy disagree: make the plan again)
apply-audit-unwritable = the audit log cannot be written, so the change was not attempted: { $error }
apply-connector-panicked = internal error: the { $kind } connector panicked while applying this change
apply-checklist-unwritable = cannot write the checklist { $path }: { $error }
apply-checklist-set-aside = the previous checklist { $path } could not be read back ({ $problem }), so its ticks were not carried over; it was kept as { $kept }. Record what was done there with `keyward checklist done`.
apply-summary = Apply { $run }: { $applied } applied, { $done } already done, { $failed } failed, { $skipped } skipped; { $checklist } on checklists; { $reviews } left for review.{ $partial ->
        [yes] { " " }Partly applied: fix the failures and apply again.
       *[no] { "" }
    }
apply-audit-end = Audit log { $log } ends at record { $records } with hash { $hash }; keep both elsewhere and check later with `keyward audit verify --expect-records { $records } --expect-hash { $hash }`.
apply-nothing-to-apply = Nothing to apply.
apply-cancelled = Apply cancelled; nothing was changed.
apply-confirm-changes = { $changes } change(s) will be made in { $apps } application(s).
apply-confirm-checklists = { $items } item(s) go to checklists for a human in { $apps } application(s); nothing is sent to those apps.
apply-confirm-planned = { $apps } application(s) are only planned; nothing is done there.
apply-confirm = Apply? Only 'yes' is accepted:{ " " }
apply-no-terminal = refusing to apply without confirmation: standard input is not a terminal. Pass --auto-approve (in CI), or apply a reviewed plan file (`keyward apply plan.json`). Nothing was changed.
apply-not-approved = the live state changed since the plan was made: { $count } change(s) are not in the approved plan:
apply-not-approved-line = { $app } { $action } { $account }: { $reason }
apply-not-approved-end = Nothing was changed. Make and review a new plan (`keyward plan -o plan.json`).
apply-no-longer-needed = { $count } approved change(s) are no longer needed (already done).
apply-new-reviews = { $count } new item(s) for review appeared since the plan was made; they change nothing.
apply-approved-for-day = note: the approved plan is for { $date }; it is applied as of that day.

## The guards' refusals

guard-share = { " " }({ $share })
guard-source-app = Application { $app } spec.apply.guard
guard-source-default = the default of --max-deprovision and --max-deprovision-percent; set Application { $app } spec.apply.guard to change it for this app
guard-mass-deprovision = { $app }: the plan suspends or deletes { $count } of { $accounts } accounts{ $share }; the limit is { $max } accounts or { $percent }% ({ $source }). Check the HR export, then rerun with --allow-mass-deprovision if this is intended.
guard-mass-deprovision-total = the plan suspends or deletes { $total } accounts over all applications; the limit for one apply is { $max } (--max-deprovision-total). Check the HR export, then rerun with --allow-mass-deprovision if this is intended.
guard-stale-export = { $app }: { $finding }, and plan anew. A checklist from it asks again for changes made since and misses accounts made since; rerun with --allow-stale-exports if the export is still right.
guard-create-source-app = Application { $app } spec.apply.guard.maxCreate
guard-create-source-default = the default of --max-create; set Application { $app } spec.apply.guard.maxCreate to change it for this app
guard-mass-create = { $app }: the plan creates or restores { $count } accounts (the app has { $accounts }); the limit is { $max } ({ $source }). A duplicated HR export, a selector that matches too much or a wrong HR status looks exactly like this. Check them, then rerun with --allow-mass-create if this is intended.
guard-hr-shrink = the HR snapshot has { $now } people, { $share } fewer than the { $prev } at the last apply (the limit is a { $limit }% drop); a truncated or filtered HR export looks exactly like this and would offboard people who still work here. Check the export, then rerun with --allow-hr-shrink if the head count really fell.
guard-mass-vanish = { $vanished } of the { $known } people keyward saw before are missing from the HR snapshot at once ({ $share }); a truncated or filtered HR read looks exactly like this. Check the source, then rerun with --allow-hr-shrink if they really are gone.

## Checklists for apps keyward can only read (Markdown)

checklist-title = { $app }: changes to make by hand
checklist-intro = Plan for { $date }, keyward apply run `{ $run }`. keyward cannot change { $app } itself (its { $connector } connector only reads), so make these { $count } change(s) in the app, top to bottom, and tick each one off. The next plan shows what is still left.
checklist-account-with-id = `{ $label }` (id `{ $id }`)
checklist-account-with-email = `{ $label }` ({ $email })
# What a human does in the app, in its own words ($app: github, slack,
# googleWorkspace, microsoft365, atlassian, okta; other: generic).
checklist-do-create = { $app ->
        [github] invite to the organisation
        [slack] invite to the workspace
        [googleWorkspace] add the user
        [microsoft365] add the user
        [atlassian] invite the user
        [okta] add the person
       *[other] create
    }
checklist-do-restore = { $app ->
        [github] reinstate in the organisation (invite again)
        [slack] reactivate
        [googleWorkspace] reactivate
        [microsoft365] unblock sign-in
        [atlassian] restore access
        [okta] unsuspend
       *[other] restore
    }
checklist-do-suspend = { $app ->
        [github] remove from the organisation (GitHub has no suspension)
        [slack] deactivate
        [googleWorkspace] suspend
        [microsoft365] block sign-in
        [atlassian] suspend access
        [okta] suspend
       *[other] suspend
    }
checklist-do-delete = { $app ->
        [github] remove from the organisation
        [slack] deactivate (Slack cannot delete accounts)
        [googleWorkspace] delete the user
        [microsoft365] delete the user
        [atlassian] remove the user
        [okta] deactivate and delete
       *[other] delete
    }
checklist-review-proposed = if you agree: { $what }
checklist-reviews-title = Decisions for you (not changes)
checklist-reviews-intro = keyward does not decide these { $count } case(s) itself. Look at each one: what you decide to change comes back as a change in the next plan; nothing here is ticked off.
checklist-problem-at = line { $line }, column { $column }: { $problem }
checklist-problem-not-utf8 = not UTF-8 text
checklist-problem-checkbox = a checkbox is `- [ ]` or `- [x]`
checklist-problem-no-id = a checkbox without a keyward item id (K-…)
checklist-person = person { $id }
checklist-person-named = person { $id } { $name }
checklist-role-change = role { $from } → { $to }
checklist-role = role { $to }
checklist-groups = groups { $groups }
checklist-hand-over = hand the data over to { $to }
checklist-revoke = sign the person out and revoke { $what }
checklist-revoke-all = sign the person out and revoke every session, OAuth token and app password
checklist-who = say who did the work: pass --by NAME (or set KEYWARD_BY); USER and USERNAME are not set either. Nothing was recorded.
checklist-unknown = not on the checklist of { $app }: { $items }. The open items are:
checklist-none-open = (none: every item is recorded as done)
checklist-nothing-recorded = Nothing was recorded. Name an item by its id (K-…) or by the account as the checklist shows it.
checklist-already-done = { $id } is already recorded as done; not recorded again.
checklist-recorded = Recorded { $count } item(s) of { $app } as done by { $by }:
checklist-none-for-app = no checklist was written for { $app } ({ $path } does not exist): `keyward apply` writes one for an app keyward can only read. Nothing was recorded.
checklist-items-unreadable = cannot read the checklist items { $path }; run `keyward apply` again to write them anew
checklist-file-unreadable = cannot read the checklist { $path }
checklist-file-malformed = { $path }:{ $line }:{ $column }: { $problem }. Tick items only by changing `- [ ]` to `- [x]`. Nothing was recorded.
checklist-file-no-app = { $path } is not a checklist keyward wrote: its first line must be `<!-- keyward-checklist app: NAME -->`. Nothing was recorded.
