# inventory
# `keyward inventory` と、インベントリ・レポート・棚卸しシートで共通の状況の語句。

situation-employed = 在籍
situation-on-leave = 休職中
situation-left = 退職
situation-left-on = 退職（{ $date }）
situation-joins-on = 入社予定（{ $date }）
situation-matches-nobody = 紐付く従業員なし
