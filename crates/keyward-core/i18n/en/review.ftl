# Access review (棚卸し) sheets: `keyward review export`. In English the
# CSV headers are the column keys `keyward review import` reads.

review-md-title = Access review { $date }: { $reviewer }
review-md-intro = As { $role }, confirm each account below: tick **keep** or **remove** (and say why in the CSV's `comment` column, which keyward reads back).
review-md-header = | keep | remove | account | person | status | role | granted by | note |
review-md-person = { $name } ({ $id }, { $status })
review-md-note-leaver = **leaver**
review-md-note-not-granted = **not granted**
review-md-note-unmatched = **unmatched**
review-role-manager = manager
review-role-owner = owner of { $app }
review-not-granted = not granted by any policy
review-col-reviewer = reviewer
review-col-app = app
review-col-account-id = account_id
review-col-account = account
review-col-status = status
review-col-role = role
review-col-groups = groups
review-col-last-active = last_active
review-col-person-id = person_id
review-col-person-name = person_name
review-col-department = department
review-col-employment-type = employment_type
review-col-person-status = person_status
review-col-granted-by = granted_by
review-col-matched-by = matched_by
review-col-decision = decision
review-col-comment = comment
