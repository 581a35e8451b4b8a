# keyward plan と keyward apply の後の通知（Slack のメッセージ）。
# JSON の文書は英語のまま（ツールが読むため）。

notify-headline-event = keyward { $event } { $date }
notify-headline-applied = 適用 { $applied }件、失敗 { $failed }件、未実施 { $skipped }件
notify-headline-refused = ガード { $count }件により拒否、変更なし
notify-headline-leavers = 退職者 { $leavers }名のアカウント変更 { $accounts }件
notify-headline-unmatched = どの従業員にも紐付かないアカウント { $count }件
notify-headline-separator = { " · " }
notify-change = { $app }：{ $action } { $account }
notify-leaver-since = （退職から { $days }日）
notify-leaver = • { $label }{ $since }：{ $changes }
notify-leavers-more = …ほか退職者 { $count }名
notify-refused-heading = :warning: *ガードが適用を拒否しました*
notify-leavers-heading = *退職者のアカウント*
notify-unmatched-heading = *人事マスタのどの従業員にも紐付かないアカウント*
