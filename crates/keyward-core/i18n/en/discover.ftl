# discover
# `keyward discover` and the discovered apps wherever they are shown.

discover-holder-left-on = left, last day { $date }
discover-holder-on-leave-until = on leave, last day { $date }
