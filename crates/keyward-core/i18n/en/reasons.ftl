# The planner's reasons (the `reason` of each change). The English texts are
# byte-for-byte the `reason` strings tools and the audit log read: never
# reword one without a reason to change the contract.

reason-clauses = { $first }; { $then }
reason-with-evidence = { $reason } ({ $note })
reason-col = { " (" }{ $column })
reason-in-col = { " in " }{ $column }
list-and = { $rest } and { $last }

## Grants
reason-granted-by = granted by { $sources }
reason-granted-by-capped = granted by { $sources }; { $from } lowered to { $to } for a partner's address (spec.identities.partnerMaxRole)
grant-src-policy = AccessPolicy { $name }
grant-src-policy-dept = AccessPolicy { $name } ({ $dept })
grant-src-exception = Exception { $name } until { $until } ({ $why }), approved by { $approver }

## One person's accounts
reason-joins = joins { $start }{ $col }; { $granted }
reason-left-but-granted = left { $last }{ $col }, but { $granted }
reason-left-undated-but-granted = left, but { $granted }
reason-weak-match = would { $action } ({ $reason }), but the account is matched to { $person } only by a fallback: { $weak }; confirm the match or fix the account's data
reason-on-leave = on leave ({ $status }{ $col }); { $app } suspends accounts during leave (lifecycle.onLeave: suspend)
reason-no-email = should have an account ({ $reason }), but the HR data has no e-mail to create it with; add the e-mail to the HR master
reason-rehired-on = rehired { $start }: restore the earlier account rather than create a second; { $reason }
reason-rehired = rehired: restore the earlier account rather than create a second; { $reason }
reason-suspended-but = suspended, but { $reason }
reason-second-account = a second account of { $person } (keyward manages { $main }); suspend it by hand or protect it if it is shared
reason-no-longer-granted = { $groups } no longer granted; { $granted }
reason-since-transfer = { " since the transfer on " }{ $moved }{ $col }
reason-ungranted = no policy grants { $app } to this current employee{ $moved }
reason-ungranted-suspend = { $why } (lifecycle.ungranted: suspend)
reason-ungranted-review = { $why }; grant it in a policy or an Exception, or set lifecycle.ungranted: suspend

## Leavers: hand-over, suspension, deletion, revocation
reason-handover-before-lost = hand the leaver's data over before it is lost
reason-handover-missing = hand the leaver's data over: the app shows no hand-over since the suspension
reason-handover-before-delete = hand the data over before deletion
reason-transfer = { $why }: to { $target } (lifecycle.offboarding.transferTo: { $to })
reason-cannot-transfer = cannot hand the data over: { $problem }; deletion is held until this is fixed (set transferTo to an account, or add the manager's account)
transfer-no-manager = the HR data names no manager
transfer-manager-not-in-hr = manager `{ $manager }` is not in the HR data
transfer-manager-gone = manager { $manager } is not working here
transfer-manager-no-account = manager { $manager } has no active account in { $app }
transfer-target-manager = manager { $manager }
transfer-account-missing = the hand-over account `{ $key }` does not exist in { $app }
transfer-account-suspended = the hand-over account `{ $key }` is suspended in { $app }
transfer-target-account = `{ $key }`
reason-marked-undated = marked { $status }{ $col } without a last working day; deletion waits for a date
reason-last-day = last working day { $last }{ $col }
reason-retention-ended = { $left }; retention ({ $retention }) ended { $on }
reason-last-day-timed = last working day { $last }{ $col } (suspend: { $timing })
reason-marked-no-last-day = marked { $status }{ $col } without a last working day
reason-revoke-when = { ", when: " }{ $when }
reason-revoke-live = { $left }: close what outlives a suspension (lifecycle.offboarding.revoke{ $when })
reason-revoke-grants = { $left }; suspended, but { $app } still { $count ->
        [one] shows
       *[other] show
    } { $n } OAuth grant(s) or app password(s)
reason-revoke-sessions = { $left }; suspended, but sessions signed in since { $since } are still valid

## Changes held until a later day
reason-after-transfer = { " after the transfer on " }{ $moved }{ $col }
reason-mover-grace = held by moverGrace { $grace }{ $moved }
reason-no-role = none
reason-role-lowered = role { $from } lowered to { $to }
reason-groups-no-longer-granted = { $groups } no longer granted
reason-mover-held = { $what }; { $granted }; { $grace }
reason-left-on = left { $last }{ $col }
reason-left = left
reason-exception-hold = { $left }; held by Exception { $name } until { $until } ({ $why }), then the app's offboarding suspends the account

## What a connector cannot do
verb-create = create accounts
verb-restore = restore accounts
verb-update = change roles or groups
verb-suspend = suspend accounts
verb-transfer = hand data over
verb-revoke = revoke sessions and grants
verb-delete = delete accounts
verb-review = carry out a review
verb-change-roles = change roles
verb-change-groups = change group memberships
reason-connector-cannot = { $app }'s { $connector } connector cannot { $what }: do it by hand
reason-delete-waits-manual-handover = deletion waits because the hand-over is done by hand: delete by hand once the data is handed over
reason-connector-cannot-revoke = { $app }'s { $connector } connector cannot revoke { $kinds }: do it by hand

## Separation of duties
reason-duties-held-back = held back: { $person } would hold { $duties } together, which SeparationOfDuties { $rule } keeps apart; change the policies or end one of the duties, then plan again

## Accounts no person's planning covers
reason-foreign-domain = its e-mail domain `{ $domain }` is neither the company's nor a partner's (spec.identities): an address the company does not control stays usable after the person leaves; move the account to their work address, or list the domain
reason-resembles-nobody = it resembles no address in the HR data
reason-resembles = it looks like the address of { $names } but is not theirs
reason-look-alike = its e-mail `{ $email }` has non-ASCII characters before the `@` ({ $chars }): { $resembles }; keyward never matches such an address — find out who owns this account
reason-ambiguous = its { $what } `{ $key }` matches several people ({ $names }); fix the HR data so the value is unique
reason-tried-nothing = it has no value any correlator can use
reason-tried-one = { $what } `{ $value }`
reason-tried = tried { $tried }
reason-orphan = matches nobody in the HR data ({ $what }); a leaver missing from the export, a renamed person, a shared mailbox or a bot? Protect it or fix the data — keyward never deletes it on its own

## Probable people for accounts matching nobody (hints.rs)
hint-person-named = { $id } { $name } ({ $status })
hint-person = { $id } ({ $status })
hint-left-on = left { $date }
hint-left = left
hint-joins = joins { $date }
hint-on-leave = on leave
hint-current = current
hint-or = { $first } or { $rest }
reason-orphan-probably = matches nobody in the HR data ({ $what }); by its name probably { $candidates } — a name is only a hint: keyward never matches by it, confirm who it is; a leaver missing from the export, a renamed person, a shared mailbox or a bot? Protect it or fix the data — keyward never deletes it on its own

## Whose account is it: several HR records, or an account older than its person (identity/words.rs)
id-record-named = { $id } { $name } ({ $status }{ $dates })
id-record = { $id } ({ $status }{ $dates })
id-dates-from = , from { $start }
id-dates-range = , { $start } – { $end }
id-an-earlier-record = an earlier record
id-and = { $first } and { $rest }
id-lead = { " " }(less provisionBefore { $days })
id-until = { " " }until { $date }
id-on-or-after = { " " }on or after { $date }
id-clue-id-current = its employee id is { $current }, the current record's
id-clue-id-earlier = its employee id is { $earlier }, an earlier record's
id-clue-active-since = last active { $date }, after { $current } started on { $start }
id-clue-created-after = created { $date }, after { $current } started on { $start }
id-clue-created-within = created { $date }, within provisionBefore of { $current }'s start on { $start }
id-clue-created-during = created { $date }, while { $earlier } worked here{ $until }, before { $current } started on { $start }
id-clue-created-before = created { $date }, before { $current } started on { $start }{ $lead }
id-clue-active-before = last active { $date }, before { $current } started on { $start }{ $lead }
id-clue-nothing = it carries no employee id, creation date or last sign-in that tells the records apart
id-conclusion-earlier = probably not { $current }'s but an earlier holder's
id-conclusion-any = it could be any of theirs
id-doubt-prestart = the account is older than { $record }: { $clue }; keyward does not attribute it to them — find out whose it was (an earlier holder of the address?) and confirm it or hand its data over
id-doubt-prestart-would = would { $action } ({ $why }), but the account is older than { $record }: { $clue }; keyward does not attribute it to them — find out whose it was (an earlier holder of the address?) and confirm it or hand its data over
id-doubt-shared = its address belongs to several HR records: { $records }; { $clue }, so { $conclusion }; keyward does not attribute it — a rehire keeps the account (confirm it for { $current }), a recycled address does not (keep it from { $current } and hand its data over); an employee id, a creation date or a sign-in{ $start } on the account would decide
id-doubt-shared-would = would { $action } ({ $why }), but its address belongs to several HR records: { $records }; { $clue }, so { $conclusion }; keyward does not attribute it — a rehire keeps the account (confirm it for { $current }), a recycled address does not (keep it from { $current } and hand its data over); an employee id, a creation date or a sign-in{ $start } on the account would decide
id-decided = the address was also { $ids }'s; { $clue }

reason-vanished = { $who } is no longer in the HR source (last seen { $date }): decide — they left, or the record moved; keyward changes nothing on absence alone
