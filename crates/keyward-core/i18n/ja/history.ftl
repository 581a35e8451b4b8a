# history
# `keyward history`（present/history.rs）と `keyward report --leavers`
# （present/leavers.rs）。ツール向けの CSV は英語のまま。

history-title = { $at } 時点のアカウント（{ $zone }）
history-col-app = アプリ
history-col-account-id = アカウントID
history-col-account = アカウント
history-col-owner = 従業員（社員番号）
history-col-role = ロール
history-col-groups = グループ
history-col-status = 状態
history-col-certainty = 確度
history-col-basis = 根拠
history-status-unknown = 不明
history-uncertain = 不確定
history-unknown = { $time } より前に記録されたこのアプリの一覧はありません
history-broken = このアプリの一覧の記録はレコード { $seq } 以降つじつまが合いません
history-basis-listing = 実行 { $run } の一覧（{ $time }）
history-basis-change = 、その後 { $time } に{ $action }（{ $outcome }）
history-outcome-attempted = 試行のみ・結果の記録なし
history-outcome-applied = 適用済み
history-outcome-already-done = 適用不要
history-outcome-failed = 失敗

## keyward report --leavers
leavers-title = { $date } 時点の退職者のアクセス（{ $count } 行）
leavers-col-person = 社員番号
leavers-col-name = 氏名
leavers-col-last-day = 最終出社日
leavers-col-app = アプリ
leavers-col-suspended = 停止日
leavers-col-deleted = 削除日
leavers-col-lag-days = 停止までの日数
leavers-col-open-days = 未停止の経過日数
leavers-col-held-back = 保留中の項目
leavers-col-exceptions = 例外
leavers-held-review = 要確認：{ $reason }
leavers-held-handover = 引き継ぎ待ち：{ $reason }
leavers-held-pending = { $action }（未適用）：{ $reason }
leavers-held-until = { $until } まで{ $action }を保留：{ $reason }
leavers-exception = { $name }（承認者 { $approver }、{ $until } まで）：{ $reason }
