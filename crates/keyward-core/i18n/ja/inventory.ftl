# inventory
# `keyward inventory` と、インベントリ・レポート・棚卸しシートで共通の状況の語句。

situation-employed = 在籍
situation-on-leave = 休職中
situation-left = 退職
situation-left-on = 退職（{ $date }）
situation-joins-on = 入社予定（{ $date }）
situation-matches-nobody = 紐付く従業員なし

## アカウントの紐付けの根拠、または紐付かない理由（インベントリの `matched_by`）。
## CSV（ツール向け）と JSON では英語のまま。
correlator-email = メールアドレス
correlator-employee-id = 社員番号
correlator-attribute = 人事属性 `{ $attribute }`
correlator-weak = { $what } `{ $value }` に一致する従業員がいない
protect-username-matches = ユーザー名が `{ $pattern }` に一致
protect-email-matches = メールアドレスが `{ $pattern }` に一致
protect-account-id = アカウントID `{ $id }`
# ポリシーに書かれた理由は原文のまま。
protect-reason = { $reason }
inv-matched = { $what } { $key }
inv-matched-fallback = { $what } { $key }（フォールバック：{ $weak }）
inv-in-doubt = { $how }（判定保留：{ $clue }）
inv-decided = { $how }（判定済み：{ $clue }）
inv-ambiguous = 複数の従業員に一致：{ $ids }
inv-look-alike = 紛らわしいアドレス：ASCII 以外の文字 { $chars }{ $resembles }
inv-resembles = （{ $ids } のアドレスに類似）
inv-unmatched = 紐付く従業員なし
inv-protected = 保護対象：{ $why }
inv-bot = ボット
inv-probably-and = { $first }、{ $rest }
