# `keyward explain`: a person, an account or a name explained.

## Why a policy does not select a person (also in the JSON's `why`).
grants-exception-starts = 例外 { $name } は { $date } から有効です
grants-exception-expired = 例外 { $name } は { $date } に期限が切れました
grants-why-left = 退職済みです。退職者を選ぶポリシーはありません
grants-why-status = 在籍状況 { $statuses } を選びますが、この従業員は{ $situation }です
grants-phase-not-started = 入社前
grants-phase-employed = 在籍中
grants-phase-on-leave = 休職中
grants-phase-left = 退職済み
grants-why-employment-type = 雇用形態 { $types } を選びますが、この従業員の雇用形態は { $actual } です
grants-not-recorded = 未登録
grants-why-department = 部署 { $selected } を選びますが、この従業員の部署は { $actual } です
grants-no-department = なし
grants-why-title-unrecorded = 役職が `{ $pattern }` に一致する人を選びますが、この従業員の役職は登録されていません
grants-why-title = 役職が `{ $pattern }` に一致する人を選びますが、この従業員の役職は { $actual } です
grants-why-attribute-empty = 属性 { $attribute } が `{ $pattern }` に一致する人を選びますが、この従業員の値は空です
grants-why-attribute = 属性 { $attribute } が `{ $pattern }` に一致する人を選びますが、この従業員の値は `{ $actual }` です
grants-why-bug = すべての条件を満たしているのに選ばれていません（不具合です。報告してください）

## How the query led to the subject, and why it led nowhere.
explain-found-old-domain = `{ $query }` は旧ドメインのアドレスです。{ $app } の domainAliases により { $address } として扱います
explain-found-account = { $app } のアカウント { $account }（{ $id }）から見つかりました
explain-found-name = 名前 `{ $query }` で見つかりました。名前は手がかりにすぎません。目的の従業員か確認してください
explain-not-found = 社員番号または業務用メールアドレスが `{ $query }` の従業員は人事データにおらず、一致するアカウントや名前もありません。綴りを確認するか、人事データのエクスポートに含まれているか確認してください
explain-not-found-did-you-mean = 社員番号または業務用メールアドレスが `{ $query }` の従業員は人事データにおらず、一致するアカウントや名前もありません。{ $suggestions } の誤りではありませんか？
explain-no-such-app = `{ $app }` という Application はありません。ポリシーで定義されているのは { $known } です
explain-several-people = `{ $query }` に該当する従業員が { $count } 人います：{ $candidates }。社員番号で指定してください
explain-several-accounts = `{ $query }` に一致するアカウントが { $count } 件あります：{ $candidates }。--app でアプリを指定するか、アカウント ID を指定してください
explain-whose-person = { $id } のアカウント
explain-whose-nobody = どの従業員にも紐付かないアカウント
explain-candidate-account = { $app }: { $account }（{ $id }）— { $whose }
explain-plan-failed = { $error }

## The person.
explain-source-line = PeopleSource { $name }: { $location } { $line } 行目
explain-source = PeopleSource { $name }: { $location }
explain-situation-joins = { $date } 入社予定
explain-situation-employed-until = 在籍中（最終出社日 { $date }）
explain-situation-employed = 在籍中
explain-situation-on-leave = 休職中
explain-situation-left-on = 退職済み（最終出社日 { $date }）
explain-situation-left-unrecorded = 退職済み（人事では退職扱い、最終出社日の記録なし）
explain-earlier-ids = 以前の社員番号：{ $ids }
explain-on-date = { $date } 時点：{ $situation }
explain-no-department = （部署なし）
explain-post-titled = 所属：{ $department } · { $title }
explain-post = 所属：{ $department }
explain-employment-type = 雇用形態：{ $kind }
explain-manager = 上長：{ $manager }
explain-from = 出典：{ $source }

## Grants.
explain-grants-heading = 付与
explain-none = なし
explain-grant-role = { $app }（ロール { $role }）
explain-with-groups = { $what }、グループ { $groups }
explain-because = 根拠：{ $what }
explain-because-policy = AccessPolicy { $name }
explain-because-post-titled = { $what }（所属 { $department } · { $title }）
explain-because-post = { $what }（所属 { $department }）
explain-because-title = { $what }（役職 { $title }）
explain-because-grants = { $what } がロール { $role } を付与
explain-because-exception = 例外 { $name }（{ $until } まで）：{ $reason }（承認者 { $approver }）
explain-not-in-force = 無効：{ $what }
explain-left-none = なし：退職者を選ぶポリシーはありません。アカウントは各アプリの退職時の処理に従います（変更計画を参照）
explain-left-exceptions-only = 退職者を選ぶ AccessPolicy はありません。アクセスを残しているのは上記の例外だけです
explain-not-selected-heading = この従業員を選ばないポリシー
explain-not-selected = { $policy }（{ $apps }）：{ $why }

## Accounts.
explain-accounts-heading = アカウント
explain-account = { $app }: { $account } [{ $status }]
explain-account-id = { $what }、ID { $id }
explain-account-role = { $what } ロール { $role }
explain-matched-by = 紐付け：{ $how }
explain-no-account-in = アカウントなし：{ $apps }
explain-last-active = 最終利用日 { $date }
explain-matches-nobody = 人事データのどの従業員にも紐付きません
explain-probably = 名前から推測される従業員：{ $candidates }。名前は手がかりにすぎず、keyward は名前で紐付けません。本人か確認してください
explain-no-probable = 名前から推測できる従業員は人事データにいません

## The plan, and what a leaver still has open.
explain-plan-heading = 変更計画
explain-nothing-to-change = 変更なし
explain-change = { $app }: { $action } { $account } — { $reason }
explain-held = { $app }: { $action } { $account }（{ $until } まで保留）— { $reason }
explain-still-open-heading = { $date } 時点で開いたままのもの
explain-open-planned = { $what } — 変更計画：{ $actions }
explain-covered-by = { $app } で管理
explain-undeclared = 未宣言
explain-discovered = { $app }（{ $covered }）：{ $directory } の { $evidence }
explain-scopes = { $what }、スコープ { $scopes }
explain-more-scopes = { $what } …ほか { $count } 件
explain-last-seen = { $what }、最終確認日 { $date }
explain-nothing-open = 開いたままのものはありません
explain-nothing-open-declared = 宣言済みのアカウントで開いたままのものはありません。外部アプリへの付与は読み取っていません（`keyward explain --discover` でディレクトリから読み取ります）
explain-grants-not-read = 外部アプリへの付与は読み取っていません（`keyward explain --discover` でディレクトリから読み取ります）
explain-duties-heading = 職務分掌
