# 変更計画のテキスト表示と Markdown（keyward plan、keyward apply）。

plan-title = keyward 変更計画（{ $date }）
plan-hr-line = 人事マスタ：{ $total }名（在籍 { $employed }名、休職中 { $on_leave }名、入社前 { $not_started }名、退職 { $left }名）
plan-read-only-checklist = ；読み取り専用：適用時はチェックリストを出力
plan-app-accounts = アカウント { $accounts }件：紐付け済み { $matched }件、どの従業員にも紐付かない { $orphans }件、保護 { $protected }件、ボット { $bots }件
plan-no-changes = 変更なし
plan-held = 保留
plan-held-until = { $until }まで{ $action }を保留
plan-warnings = 警告
plan-summary = 変更計画：作成 { $create }件、復元 { $restore }件、変更 { $update }件、失効 { $revoke }件、停止 { $suspend }件、引き継ぎ { $transfer }件、削除 { $delete }件、要確認 { $review }件。
plan-held-line = 保留：後日まで保留する変更が{ $count ->
       *[other] { $n }件
    }あります（上の「保留」を参照）。
plan-seats-part = 追加 +{ $added }、解放 { $freed }：月額 { $money } { $currency }
plan-seats-separator = { "；" }
plan-seats-line = ライセンス：{ $parts }。
plan-duties-line = 職務分掌：{ $violations ->
        [0] 違反なし
       *[other] 違反 { $violations }件
    }（確認したルール { $rules ->
       *[other] { $rules }件
    }）。
plan-export-line = { $date } のエクスポート（{ $from }）：{ $age }、{ $verdict }
plan-export-over = 上限 { $limit } を超えています。エクスポートし直すか maxAge を引き上げてください
plan-export-future = 時計か exportedAt 列を確認してください
plan-export-within = 上限 { $limit } 以内
export-from-column = 列 `{ $column }` による
export-from-file = ファイルの更新日時による
export-age-modified-after = 変更計画の日付より後に更新
export-age-future = 変更計画の日付の { $days }日後の日付
export-age-days = { $days }日前
duty-held = 保有：{ $what }
duty-granted-by = 付与元：{ $what }
duty-held-back = 保留中：{ $what }
plan-revoke-closes-all = 失効対象：アプリが持つすべてのセッション、OAuth トークン、アプリパスワード、バックアップコード
plan-revoke-closes = 失効対象：{ $kinds }
plan-transfer-to = 引き継ぎ先 { $to }
plan-proposed = 提案：{ $action }
plan-attr-role = ロール
plan-attr-groups = グループ
plan-no-role = （なし）

action-create = 作成
action-restore = 復元
action-update = 変更
action-suspend = 停止
action-transfer = 引き継ぎ
action-revoke = 失効
action-delete = 削除
action-review = 要確認

revoke-kind-sessions = セッション
revoke-kind-oauth-tokens = OAuth トークン
revoke-kind-app-passwords = アプリパスワード
revoke-kind-verification-codes = バックアップ確認コード

## Markdown（プルリクエストのコメント）

md-full-plan = 変更計画の全体は JSON の成果物（`keyward plan -o plan.json`）と `keyward plan` の出力にあります
md-too-large = { $max } バイトのコメントには、アプリごとの件数だけでも収まりません。{ $full }。
md-too-large-short = 変更計画が大きすぎてこのコメントに収まりません。
md-sections-left-out = アプリ { $total }件中 { $left }件の{ $count ->
       *[other] 詳細
    }を省略
md-left-out-and-warnings = { $sections }、警告も省略
md-warnings-left-out = 警告を省略
md-nothing-left-out = 省略なし
md-shortened = { $max } バイト以内のコメントに収めるため短縮しました（{ $what }）。上の件数はすべての変更を含みます。{ $full }。
md-n-to-revoke = 失効 { $n }件
md-n-to-suspend = 停止 { $n }件
md-n-to-hand-over = 引き継ぎ { $n }件
md-n-to-delete = 削除 { $n }件
md-hr-line = 人事マスタ：{ $total }名（在籍 { $employed }名、休職中 { $on_leave }名、入社前 { $not_started }名、退職 { $left }名）。
md-deprovisioning-none = **権限の削除：** なし（停止・引き継ぎ・削除するアカウントはありません）。
md-deprovisioning = **権限の削除**（アクセスまたはデータを取り上げる変更）：{ $totals }
md-violations-more = …ほか { $n }件：{ $full }
md-col-app = アプリ
md-col-accounts = アカウント
md-col-action = 操作
md-col-account = アカウント
md-col-person = 従業員
md-col-change = 変更内容
md-col-reason = 理由
md-col-proposed = 提案
md-export-over = エクスポート { $age }、上限 { $limit }
md-export-age = エクスポート { $age }
md-n-action = { $action } { $n }件
md-list-separator = { "、" }
md-read-only-checklist = 読み取り専用：担当者向けチェックリスト
md-n-changes = { $count ->
       *[other] 変更 { $n }件
    }
md-to-review = **要確認（{ $n }件）** — 担当者が対応するまで、keyward はここでは何も変更しません：
md-warnings = **警告（{ $n }件）**

## 変更計画全体への警告

export-age = { $count ->
       *[other] { $days }日前
    }
export-described = { $age }（{ $date } にエクスポート、{ $from }）
export-finding-stale = エクスポート { $source } は{ $described }のもので、上限は { $limit } です（spec.connector.csvExport.maxAge）。アカウントをエクスポートし直すか、maxAge を引き上げてください
export-finding-future = エクスポート { $source } は{ $described }です。書き出したマシンの時計か、columns.exportedAt に割り当てた列を確認してください
warning-export-stale = { $app }：{ $finding }。その後に削除されたアカウントが残り、その後に作られたアカウントが含まれていません。それまで keyward apply はこのアプリの適用を拒否します（--allow-stale-exports を付けた場合を除く）。
warning-export-future = { $app }：{ $finding }。
warning-exception-nobody = Exception { $name } は人事マスタにいない `{ $person }` を指定しています。何も付与しません
warning-exception-expired = Exception { $name } は { $until } に期限が切れました。もう何も付与しないため、削除できます
warning-mass-vanish = 以前に確認した従業員 { $known }名のうち { $vanished }名が、人事マスタから一度に消えています（{ $percent }% 超かつ { $above }名超）。人事マスタの読み込みが途中で切れたか絞り込まれたように見えるため、一人ずつの要確認にはしていません。読み込み元を確認してください。`--allow-hr-shrink` を付けるまで `keyward apply` はこの変更計画を拒否します

## 人事マスタからいなくなった従業員

vanished-line = 人事マスタにいなくなった従業員 { $count ->
       *[other] { $n }名
    }（以前に確認した { $known }名中）
vanished-last-seen = 最終確認 { $date }（{ $source }）
vanished-heading = 人事マスタにいなくなった従業員：退職したのか、レコードが移ったのかを判断
vanished-no-accounts = アカウントなし
vanished-explain = 人事マスタにいません。keyward が最後に確認したのは { $date } で、それ以降は見ていません。退職したのか（人事マスタに最終出社日を記録してください）、レコードが移ったのか（社員番号かメールアドレスを直してください）を判断してください。いなくなったことだけを理由に変更することはありません。
plan-done-heading = 担当者が完了として記録した項目（件数に含めず、チェックリストにも載せません）：
plan-done-by = { $date } に { $by } が完了
plan-done-on = { $date } に完了
plan-marked-done-still-shown = 完了として記録済み（{ $done }）ですが、アプリにはまだ残っています
