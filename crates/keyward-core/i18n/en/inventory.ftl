# inventory
# `keyward inventory` and the situation words shared by the inventory, the
# report and the review sheets.

situation-employed = employed
situation-on-leave = on leave
situation-left = left
situation-left-on = left { $date }
situation-joins-on = joins { $date }
situation-matches-nobody = matches nobody

## How an account was matched, or why not: the inventory's `matched_by`
## (correlate.rs, present/inventory.rs). The English is the data of the CSV
## for tools and of JSON: never reword it without a reason.
correlator-email = e-mail
correlator-employee-id = employee number
correlator-attribute = HR attribute `{ $attribute }`
correlator-weak = its { $what } `{ $value }` matches nobody
protect-username-matches = username matches `{ $pattern }`
protect-email-matches = e-mail matches `{ $pattern }`
protect-account-id = account id `{ $id }`
# A reason the policy writes, kept in its own words.
protect-reason = { $reason }
inv-matched = { $what } { $key }
inv-matched-fallback = { $what } { $key } (fallback: { $weak })
inv-in-doubt = { $how } (in doubt: { $clue })
inv-decided = { $how } (decided: { $clue })
inv-ambiguous = ambiguous: { $ids }
inv-look-alike = look-alike address: non-ASCII { $chars }{ $resembles }
inv-resembles = , resembles { $ids }
inv-unmatched = unmatched
inv-protected = protected: { $why }
inv-bot = bot
inv-probably-and = { $first }; { $rest }
