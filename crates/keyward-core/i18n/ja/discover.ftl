# discover
# `keyward discover` と、検出したアプリを表示するすべての出力。

discover-holder-left-on = 退職（最終出社日 { $date }）
discover-holder-on-leave-until = 休職中（最終出社日 { $date }）
