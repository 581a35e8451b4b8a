# keyward apply：確認のプロンプト、その注記と実行の要約。読み取り専用アプリの
# チェックリスト。ガードによる拒否。

apply-refused = 拒否：{ $why }
apply-nothing-changed = 何も変更していません（実行 { $run }）。
apply-account-with-id = { $label }（ID { $id }）
apply-result-failed = 失敗
apply-result-skipped = 未実施
apply-problem = { $result }：{ $app } { $action } { $account }：{ $why }
apply-checklist-written = 手作業のチェックリスト：{ $path }
apply-skip-failed = { $action ->
        [create] 作成
        [restore] 復元
        [update] 変更
        [revoke] 失効
        [suspend] 停止
        [transfer] 引き継ぎ
        [delete] 削除
       *[other] { $action }
    }に失敗したため、{ $next ->
        [create] 作成
        [restore] 復元
        [update] 変更
        [revoke] 失効
        [suspend] 停止
        [transfer] 引き継ぎ
        [delete] 削除
       *[other] { $next }
    }は試行していません
apply-skip-not-attempted = { $action ->
        [create] 作成
        [restore] 復元
        [update] 変更
        [revoke] 失効
        [suspend] 停止
        [transfer] 引き継ぎ
        [delete] 削除
       *[other] { $action }
    }を試行しなかったため、{ $next ->
        [create] 作成
        [restore] 復元
        [update] 変更
        [revoke] 失効
        [suspend] 停止
        [transfer] 引き継ぎ
        [delete] 削除
       *[other] { $next }
    }も試行していません
apply-no-connector = アプリ { $app } にはコネクタが設定されていないため、何も送っていません（変更計画とポリシーが食い違っています。変更計画を作り直してください）
apply-audit-unwritable = 監査ログに書き込めないため、この変更は試行していません：{ $error }
apply-connector-panicked = 内部エラー：この変更の適用中に { $kind } コネクタが異常終了しました
apply-checklist-unwritable = チェックリスト { $path } を書き込めません：{ $error }
apply-checklist-set-aside = 以前のチェックリスト { $path } を読み取れなかったため（{ $problem }）、チェックを引き継いでいません。元のファイルは { $kept } として残しました。そこで済んだ作業は `keyward checklist done` で記録してください。
apply-audit-error = 監査ログ：{ $error }
apply-summary = 適用 { $run }：適用 { $applied }件、適用済み { $done }件、失敗 { $failed }件、未実施 { $skipped }件、チェックリスト { $checklist }件、要確認 { $reviews }件。{ $partial ->
        [yes] 一部だけ適用しました。失敗の原因を直してから、もう一度適用してください。
       *[no] { "" }
    }
apply-audit-end = 監査ログ { $log } はレコード { $records } で終わり、そのハッシュは { $hash } です。両方を別の場所に控え、後で `keyward audit verify --expect-records { $records } --expect-hash { $hash }` で確認してください。
apply-nothing-to-apply = 適用する変更はありません。
apply-cancelled = 適用を取り消しました。何も変更していません。
apply-confirm-changes = { $apps }個のアプリで { $changes }件の変更を行います。
apply-confirm-checklists = { $apps }個のアプリの { $items }件は、担当者向けのチェックリストに書き出します（それらのアプリには何も送信しません）。
apply-confirm-planned = { $apps }個のアプリは変更計画のみで、何も変更しません。
apply-confirm = 適用しますか？「yes」と入力した場合のみ適用します：{ " " }
apply-no-terminal = 確認なしでは適用しません。標準入力が端末ではありません。CI では --auto-approve を付けるか、レビュー済みの変更計画ファイルを適用してください（`keyward apply plan.json`）。何も変更していません。
apply-not-approved = 変更計画の作成後に実際の状態が変わりました。承認済みの変更計画にない変更が { $count }件あります：
apply-not-approved-line = { $app } { $action } { $account }：{ $reason }
apply-not-approved-end = 何も変更していません。変更計画を作り直してレビューしてください（`keyward plan -o plan.json`）。
apply-no-longer-needed = 承認済みの変更のうち { $count }件は不要になりました（適用済み）。
apply-new-reviews = 変更計画の作成後に要確認の項目が { $count }件増えました。これらは何も変更しません。
apply-approved-for-day = 注記：承認済みの変更計画は { $date } のものです。その日付の計画として適用します。

## ガードによる拒否

guard-share = （{ $share }）
guard-source-app = Application { $app } の spec.apply.guard
guard-source-default = --max-deprovision と --max-deprovision-percent の既定値。このアプリだけ変えるには Application { $app } の spec.apply.guard を設定してください
guard-mass-deprovision = { $app }：変更計画はアカウント { $accounts }件のうち { $count }件{ $share }を停止または削除しますが、上限は { $max }件または { $percent }% です（{ $source }）。人事マスタのエクスポートを確認し、意図どおりなら --allow-mass-deprovision を付けて再実行してください。
guard-mass-deprovision-total = 変更計画は全アプリで { $total }件のアカウントを停止または削除しますが、1回の適用の上限は { $max }件です（--max-deprovision-total）。人事マスタのエクスポートを確認し、意図どおりなら --allow-mass-deprovision を付けて再実行してください。
guard-stale-export = { $app }：{ $finding }。そのうえで変更計画を作り直してください。古いエクスポートから作ったチェックリストは、その後に済んだ変更をもう一度求め、その後に作られたアカウントを見落とします。エクスポートがまだ正しければ --allow-stale-exports を付けて再実行してください。
guard-create-source-app = Application { $app } の spec.apply.guard.maxCreate
guard-create-source-default = --max-create の既定値。このアプリだけ変えるには Application { $app } の spec.apply.guard.maxCreate を設定してください
guard-mass-create = { $app }：変更計画はアカウントを { $count }件作成または復元します（アプリのアカウントは { $accounts }件）が、上限は { $max }件です（{ $source }）。人事マスタのエクスポートの重複、対象を広く取りすぎるセレクタ、誤った在籍区分はちょうどこのように見えます。それらを確認し、意図どおりなら --allow-mass-create を付けて再実行してください。
guard-hr-shrink = 人事マスタのスナップショットは { $now }名で、前回の適用時の { $prev }名より { $share } 減っています（上限は { $limit }% の減少）。途中で切れた、または絞り込まれたエクスポートはちょうどこのように見え、在籍中の従業員まで退職処理してしまいます。エクスポートを確認し、本当に人数が減ったのなら --allow-hr-shrink を付けて再実行してください。
guard-mass-vanish = 以前に確認した従業員 { $known }名のうち { $vanished }名が、人事マスタのスナップショットから一度に消えています（{ $share }）。途中で切れた、または絞り込まれた読み込みはちょうどこのように見えます。読み込み元を確認し、本当にいなくなったのなら --allow-hr-shrink を付けて再実行してください。

## 読み取り専用アプリのチェックリスト（Markdown）

checklist-title = { $app }：手作業で行う変更
checklist-intro = { $date } の変更計画、keyward apply の実行 `{ $run }`。keyward は { $app } を直接変更できません（{ $connector } コネクタは読み取り専用です）。以下の { $count }件の変更を上から順にアプリで行い、済んだものにチェックを付けてください。残っている変更は次の変更計画に表示されます。
checklist-account-with-id = `{ $label }`（ID `{ $id }`）
checklist-account-with-email = `{ $label }`（{ $email }）
checklist-do-create = { $app ->
        [github] Organization に招待
        [slack] ワークスペースに招待
        [googleWorkspace] ユーザーを追加
        [microsoft365] ユーザーを追加
        [atlassian] ユーザーを招待
        [okta] ユーザーを追加
       *[other] 作成
    }
checklist-do-restore = { $app ->
        [github] Organization に復帰（再招待）
        [slack] アカウントを再有効化
        [googleWorkspace] ユーザーを再有効化
        [microsoft365] サインインのブロックを解除
        [atlassian] アクセスを復元
        [okta] 一時停止を解除
       *[other] 復元
    }
checklist-do-suspend = { $app ->
        [github] Organization から削除（GitHub に停止はありません）
        [slack] アカウントを解除（無効化）
        [googleWorkspace] ユーザーを停止
        [microsoft365] サインインをブロック
        [atlassian] アクセスを停止
        [okta] 一時停止
       *[other] 停止
    }
checklist-do-delete = { $app ->
        [github] Organization から削除
        [slack] アカウントを解除（Slack ではアカウントを削除できません）
        [googleWorkspace] ユーザーを削除
        [microsoft365] ユーザーを削除
        [atlassian] ユーザーを削除
        [okta] 無効化して削除
       *[other] 削除
    }
checklist-review-proposed = 同意する場合：{ $what }
checklist-reviews-title = 判断していただくこと（変更ではありません）
checklist-reviews-intro = 次の { $count }件は keyward が自分では判断しません。1 件ずつ確認してください。変更すると決めたものは次の変更計画に変更として表示されます。ここではチェックを付けません。
checklist-problem-at = { $line } 行 { $column } 列：{ $problem }
checklist-problem-not-utf8 = UTF-8 のテキストではありません
checklist-problem-checkbox = チェックボックスは `- [ ]` か `- [x]` です
checklist-problem-no-id = keyward の項目 ID（K-…）のないチェックボックスです
checklist-person = 従業員 { $id }
checklist-person-named = 従業員 { $id } { $name }
checklist-role-change = ロール { $from } → { $to }
checklist-role = ロール { $to }
checklist-groups = グループ { $groups }
checklist-hand-over = データを { $to } に引き継ぐ
checklist-revoke = サインアウトさせ、{ $what }を失効させる
checklist-revoke-all = サインアウトさせ、すべてのセッション、OAuth トークン、アプリパスワードを失効させる
checklist-who = 作業者を指定してください。--by NAME を付けるか KEYWARD_BY を設定してください（USER、USERNAME も設定されていません）。何も記録していません。
checklist-unknown = { $app } のチェックリストにありません：{ $items }。未完了の項目：
checklist-none-open = （なし：すべての項目が完了として記録されています）
checklist-nothing-recorded = 何も記録していません。項目は ID（K-…）か、チェックリストに表示されたアカウントで指定してください。
checklist-already-done = { $id } はすでに完了として記録されています。再度は記録しません。
checklist-recorded = { $app } の { $count }件を { $by } による完了として記録しました：
checklist-none-for-app = { $app } のチェックリストは書き出されていません（{ $path } がありません）。keyward が読み取りのみ行うアプリのチェックリストは `keyward apply` が書き出します。何も記録していません。
checklist-items-unreadable = チェックリストの項目ファイル { $path } を読み取れません。`keyward apply` を再実行して書き直してください
checklist-file-unreadable = チェックリスト { $path } を読み取れません
checklist-file-malformed = { $path }:{ $line }:{ $column }：{ $problem }。チェックは `- [ ]` を `- [x]` に変えるだけにしてください。何も記録していません。
checklist-file-no-app = { $path } は keyward が書き出したチェックリストではありません。1 行目は `<!-- keyward-checklist app: NAME -->` である必要があります。何も記録していません。
