# 変更計画の各変更の理由。英語版は JSON の `reason` と同じ文字列（ツールと監査ログが読む）。
# 日本語版は画面・Markdown・レポートに表示する。文はです・ます調で「。」で終える。

reason-clauses = { $first }{ $then }
reason-with-evidence = { $reason }（{ $note }）
reason-col = （{ $column }）
reason-in-col = 、{ $column }
list-and = { $rest }、{ $last }

## 付与
reason-granted-by = { $sources } で付与されています。
reason-granted-by-capped = { $sources } で付与されています。パートナーのアドレスのため、ロールを { $from } から { $to } に下げます（spec.identities.partnerMaxRole）。
grant-src-policy = AccessPolicy { $name }
grant-src-policy-dept = AccessPolicy { $name }（{ $dept }）
grant-src-exception = Exception { $name }（{ $until }まで、{ $why }、承認者 { $approver }）

## 従業員ごとのアカウント
reason-joins = { $start }{ $col }に入社予定です。{ $granted }
reason-left-but-granted = { $last }{ $col }に退職していますが、{ $granted }
reason-left-undated-but-granted = 退職していますが、{ $granted }
reason-weak-match = このアカウントはフォールバックの照合でしか { $person } に紐付いていません（{ $weak }）。照合を確認するか、アカウントのデータを修正してください。確認後の操作：{ $action }。理由：{ $reason }
reason-on-leave = 休職中です（{ $status }{ $col }）。{ $app } では休職中のアカウントを停止します（lifecycle.onLeave: suspend）。
reason-no-email = アカウントが必要ですが、人事マスタに作成用のメールアドレスがありません。人事マスタにメールアドレスを追加してください。理由：{ $reason }
reason-rehired-on = { $start }に再入社しました。2つ目のアカウントは作らず、以前のアカウントを復元します。{ $reason }
reason-rehired = 再入社しました。2つ目のアカウントは作らず、以前のアカウントを復元します。{ $reason }
reason-suspended-but = 停止中ですが、{ $reason }
reason-second-account = { $person } の2つ目のアカウントです（keyward が管理するのは { $main }）。手作業で停止するか、共用であれば保護してください。
reason-no-longer-granted = { $groups } は付与対象ではなくなりました。{ $granted }
reason-since-transfer = { $moved }{ $col }の異動以降、
reason-ungranted = 在籍中の従業員ですが、{ $moved }{ $app } を付与するポリシーがありません
reason-ungranted-suspend = { $why }（lifecycle.ungranted: suspend）。
reason-ungranted-review = { $why }。ポリシーか Exception で付与するか、lifecycle.ungranted: suspend を設定してください。

## 退職者：引き継ぎ、停止、削除、失効
reason-handover-before-lost = データが失われる前に、退職者のデータを引き継ぎます
reason-handover-missing = 退職者のデータを引き継ぎます（停止後、アプリ上で引き継ぎが確認できません）
reason-handover-before-delete = 削除の前にデータを引き継ぎます
reason-transfer = { $why }。引き継ぎ先：{ $target }（lifecycle.offboarding.transferTo: { $to }）。
reason-cannot-transfer = データを引き継げません：{ $problem }。解決するまで削除は保留します（transferTo にアカウントを指定するか、上長のアカウントを追加してください）。
transfer-no-manager = 人事マスタに上長の記載がありません
transfer-manager-not-in-hr = 上長 `{ $manager }` が人事マスタにいません
transfer-manager-gone = 上長 { $manager } は在籍していません
transfer-manager-no-account = 上長 { $manager } には { $app } の有効なアカウントがありません
transfer-target-manager = 上長 { $manager }
transfer-account-missing = 引き継ぎ先のアカウント `{ $key }` が { $app } にありません
transfer-account-suspended = 引き継ぎ先のアカウント `{ $key }` は { $app } で停止されています
transfer-target-account = `{ $key }`
reason-marked-undated = { $status }{ $col }と記録されていますが、最終出社日がありません。削除は日付が入るまで待ちます。
reason-last-day = 最終出社日は { $last }{ $col }です。
reason-retention-ended = { $left }保持期間（{ $retention }）は { $on } に終了しました。
reason-last-day-timed = 最終出社日は { $last }{ $col }です（suspend: { $timing }）。
reason-marked-no-last-day = { $status }{ $col }と記録されていますが、最終出社日がありません。
reason-revoke-when = 、when: { $when }
reason-revoke-live = { $left }停止後も残るセッションやトークンを失効させます（lifecycle.offboarding.revoke{ $when }）。
reason-revoke-grants = { $left }停止済みですが、{ $app } にはまだ OAuth の許可またはアプリパスワードが{ $count ->
       *[other] { $n }件
    }残っています。
reason-revoke-sessions = { $left }停止済みですが、{ $since } 以降にサインインしたセッションがまだ有効です。

## 後日まで保留する変更
reason-after-transfer = （{ $moved }{ $col }の異動から）
reason-mover-grace = moverGrace { $grace }{ $moved }の間は保留します。
reason-no-role = なし
reason-role-lowered = ロールを { $from } から { $to } に下げる変更
reason-groups-no-longer-granted = { $groups } の付与終了
reason-mover-held = { $what }は保留中です。{ $granted }{ $grace }
reason-left-on = { $last }{ $col }に退職しました。
reason-left = 退職しました。
reason-exception-hold = { $left }Exception { $name }（{ $until }まで、{ $why }）により保留し、その後アプリの offboarding 設定でアカウントを停止します。

## コネクタにできないこと
verb-create = アカウントを作成する
verb-restore = アカウントを復元する
verb-update = ロールやグループを変更する
verb-suspend = アカウントを停止する
verb-transfer = データを引き継ぐ
verb-revoke = セッションや許可を失効させる
verb-delete = アカウントを削除する
verb-review = 要確認を処理する
verb-change-roles = ロールを変更する
verb-change-groups = グループのメンバーを変更する
reason-connector-cannot = { $app } の { $connector } コネクタでは{ $what }ことができません。手作業で行ってください。
reason-delete-waits-manual-handover = 引き継ぎを手作業で行うため、削除は保留します。データの引き継ぎが済んだら手作業で削除してください。
reason-connector-cannot-revoke = { $app } の { $connector } コネクタでは { $kinds } を失効できません。手作業で行ってください。

## 職務分掌
reason-duties-held-back = 保留：{ $person } が { $duties } を同時に持つことになり、SeparationOfDuties { $rule } に反します。ポリシーを変更するか、いずれかの職務を外してから、変更計画を作り直してください。

## 従業員の計画に含まれないアカウント
reason-foreign-domain = メールのドメイン `{ $domain }` は自社のものでもパートナーのものでもありません（spec.identities）。会社が管理しないアドレスは退職後も使えてしまいます。アカウントを業務用アドレスに移すか、ドメインを登録してください。
reason-resembles-nobody = 人事マスタのどのアドレスにも似ていません
reason-resembles = { $names } のアドレスに似ていますが、本人のものではありません
reason-look-alike = メール `{ $email }` の `@` より前に ASCII 以外の文字（{ $chars }）があります。{ $resembles }。keyward はこのようなアドレスを照合しません。アカウントの持ち主を確認してください。
reason-ambiguous = { $what } `{ $key }` が複数の従業員に一致します（{ $names }）。値が一意になるよう人事マスタを修正してください。
reason-tried-nothing = 照合に使える値がありません
reason-tried-one = { $what } `{ $value }`
reason-tried = 照合した値：{ $tried }
reason-orphan = どの従業員にも紐付かないアカウントです（{ $what }）。エクスポート漏れの退職者、改名した人、共用メールボックス、ボットのいずれかかもしれません。保護するかデータを修正してください。keyward が自動で削除することはありません。

## どの従業員にも紐付かないアカウントの「おそらくこの人」(hints.rs)
hint-person-named = { $id } { $name }（{ $status }）
hint-person = { $id }（{ $status }）
hint-left-on = { $date } 退職
hint-left = 退職
hint-joins = { $date } 入社予定
hint-on-leave = 休職中
hint-current = 在籍
hint-or = { $first } または { $rest }
reason-orphan-probably = どの従業員にも紐付かないアカウントです（{ $what }）。名前からすると { $candidates } の可能性があります（名前はヒントにすぎず、keyward が名前で紐付けることはありません。本人か確認してください）。エクスポート漏れの退職者、改名した人、共用メールボックス、ボットのいずれかかもしれません。保護するかデータを修正してください。keyward が自動で削除することはありません。

## 誰のアカウントか：同じアドレスの人事レコードが複数ある、または本人より古いアカウント (identity/words.rs)
id-record-named = { $id } { $name }（{ $status }{ $dates }）
id-record = { $id }（{ $status }{ $dates }）
id-dates-from = 、{ $start } から
id-dates-range = 、{ $start }～{ $end }
id-an-earlier-record = 以前のレコード
id-and = { $first } と { $rest }
id-lead = （provisionBefore { $days } を差し引いた日）
id-until = （{ $date } まで）
id-on-or-after = { $date } 以降の
id-clue-id-current = アカウントの社員番号は { $current }（現在のレコード）です
id-clue-id-earlier = アカウントの社員番号は { $earlier }（以前のレコード）です
id-clue-active-since = 最終利用は { $date } で、{ $current } の入社日 { $start } 以降です
id-clue-created-after = 作成日は { $date } で、{ $current } の入社日 { $start } 以降です
id-clue-created-within = 作成日は { $date } で、{ $current } の入社日 { $start } から provisionBefore の範囲内です
id-clue-created-during = 作成日は { $date } で、{ $earlier } の在籍中{ $until }、{ $current } の入社日 { $start } より前です
id-clue-created-before = 作成日は { $date } で、{ $current } の入社日 { $start }{ $lead } より前です
id-clue-active-before = 最終利用は { $date } で、{ $current } の入社日 { $start }{ $lead } より前です
id-clue-nothing = レコードを区別できる社員番号・作成日・最終サインインがアカウントにありません
id-conclusion-earlier = おそらく { $current } ではなく、以前の持ち主のものです
id-conclusion-any = どのレコードのものでもあり得ます
id-doubt-prestart = このアカウントは { $record } より古いものです（{ $clue }）。keyward はこの人のものとは見なしません。誰のものだったか（アドレスの以前の持ち主か）を確かめ、本人のものと確認するか、データを引き継いでください。
id-doubt-prestart-would = { $action }（{ $why }）の対象ですが、このアカウントは { $record } より古いものです（{ $clue }）。keyward はこの人のものとは見なしません。誰のものだったか（アドレスの以前の持ち主か）を確かめ、本人のものと確認するか、データを引き継いでください。
id-doubt-shared = このアドレスは複数の人事レコードに属しています：{ $records }。{ $clue }。したがって{ $conclusion }。keyward は帰属を決めません。再雇用ならアカウントはそのまま使います（{ $current } のものと確認してください）。アドレスの再利用なら使いません（{ $current } には渡さず、データを引き継いでください）。アカウントに社員番号、作成日、または{ $start }サインインがあれば判断できます。
id-doubt-shared-would = { $action }（{ $why }）の対象ですが、このアドレスは複数の人事レコードに属しています：{ $records }。{ $clue }。したがって{ $conclusion }。keyward は帰属を決めません。再雇用ならアカウントはそのまま使います（{ $current } のものと確認してください）。アドレスの再利用なら使いません（{ $current } には渡さず、データを引き継いでください）。アカウントに社員番号、作成日、または{ $start }サインインがあれば判断できます。
id-decided = このアドレスは { $ids } のものでもありました。{ $clue }

reason-vanished = { $who } は人事マスタにいなくなりました（最後に確認したのは { $date }）。退職したのか、レコードが移ったのかを判断してください。いなくなったことだけを理由に keyward が変更することはありません。
