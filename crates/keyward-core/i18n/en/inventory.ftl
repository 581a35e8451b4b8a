# inventory
# `keyward inventory` and the situation words shared by the inventory, the
# report and the review sheets.

situation-employed = employed
situation-on-leave = on leave
situation-left = left
situation-left-on = left { $date }
situation-joins-on = joins { $date }
situation-matches-nobody = matches nobody
