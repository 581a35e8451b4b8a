# discover
# `keyward discover` と、検出したアプリを表示するすべての出力。

discover-holder-left-on = 退職（最終出社日 { $date }）
discover-holder-on-leave-until = 休職中（最終出社日 { $date }）
discover-more = ほか { $count } 件
discover-tally = { $name }（{ $count }）
discover-no-department = （部署なし）
discover-no-employment-type = （未登録）

## 検出結果のテキストと Markdown（present/discovered/{text,markdown}.rs）
discover-title = 検出したアプリ（{ $date }）
discover-title-since = 検出したアプリ（{ $date }、{ $since } 以降の利用）
discover-directory = { $source }（{ $directory }）：ユーザー { $users } 人を読み込み、リクエスト { $requests } 回
discover-totals = アプリ { $apps } 件：未宣言 { $undeclared } 件、Application で管理 { $covered } 件。退職者・休職中の従業員に残っている付与 { $holders } 件。
discover-people = 従業員 { $count } 人
discover-not-in-hr-count = 、人事マスタにないユーザー { $count } 人
discover-covered-by = { $app } で管理
discover-undeclared = 未宣言
discover-undeclared-catalogue = 未宣言（カタログ：{ $catalogue }）
discover-publisher = 提供元 { $publisher }
discover-tenant-consent = テナント全体への管理者の同意
discover-seen = 利用期間 { $seen }
discover-line-ids = ID：{ $list }
discover-line-departments = 部署：{ $list }
discover-line-employment-types = 雇用形態：{ $list }
discover-line-not-in-hr = 人事マスタにないユーザー：{ $list }
discover-phase-left = 退職
discover-phase-on-leave = 休職中
discover-holder = { $phase } { $who } <{ $user }>{ $last_day }：{ $directory } { $evidence }{ $last_seen }{ $scopes }
discover-holder-last-day = （最終出社日 { $date }）
discover-holder-last-seen = 、最終利用 { $date }
discover-holder-scopes = { " " }· スコープ { $scopes }{ $more }
discover-holder-more-scopes = { " " }ほか { $count } 件
discover-notes = 備考
discover-md-since = { $since } 以降の利用です。日付のない付与も含みます。
discover-md-totals = アプリ **{ $apps }** 件：未宣言 **{ $undeclared }** 件、Application で管理 { $covered } 件。退職者・休職中の従業員に残っている付与 **{ $holders }** 件。
discover-md-directories-header = | ディレクトリ | 読み込み対象 | ユーザー | リクエスト |
discover-md-apps-header = | アプリ | 従業員 | 人事マスタにない | 部署 | 雇用形態 | 利用期間 | 管理する Application |
discover-md-tenant-consent = テナント全体の同意
discover-md-undeclared = **未宣言**
discover-md-undeclared-catalogue = **未宣言**（カタログ：{ $catalogue }）
discover-md-holders-title = 付与が残っている退職者・休職中の従業員
discover-md-holders-header = | アプリ | 従業員 | 状況 | ディレクトリ | 根拠 | スコープ |
discover-md-who = { $name }（{ $id }）

## `keyward discover --stubs` の出力（crates/keyward/src/commands/discover.rs）
discover-wrote-stubs = Application のひな形 { $count } 件を { $dir } に書き出しました{ $kept }。
discover-stubs-kept = （{ $count } 件は既存のため、そのままにしています）
