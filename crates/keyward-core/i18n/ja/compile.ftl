# フィールドやリソースをまたぐ検査（compile/）：ポリシーを書く人が目にするメッセージ。

## 共通の検査（checker.rs）
compile-timeout-zero-call = タイムアウトが 0 秒では、すべての呼び出しが失敗します
compile-timeout-zero-operation = タイムアウトが 0 秒では、すべての操作が失敗します
compile-timeout-zero-help = 指定を外すか、1 以上にしてください
compile-bad-regex = `{ $pattern }` は正規表現として正しくありません（{ $why }）
compile-regex-too-big = コンパイルすると { $limit } バイトを超えます。keyward が受け付けるのはここまでです
compile-regex-too-big-help = パターンを小さくしてください。`{"{"}1000{"}"}` のような回数指定は繰り返す部分をその回数だけ複製し、入れ子にすると掛け算で増えます。`+` か `*`、または小さな回数を使ってください
compile-regex-syntax-help = パターンを直してください（Rust の regex 構文）。文字どおりの `.`、`+`、`(` は `\` でエスケープします
compile-bad-delimiter = 区切り文字 `{ $delimiter }` は ASCII の 1 文字にしてください
compile-bad-delimiter-help = `,`、`;`、`|` かタブを使ってください
compile-defined-twice = { $kind } `{ $name }` が二重に定義されています（最初の定義は { $first }）
compile-defined-twice-help = どちらかの名前を変えるか、2 つを 1 つにまとめてください

## ポリシーセット全体、ポリシー、例外（check.rs）
compile-no-people-source = PeopleSource がありません。在籍者を知るために、keyward には人事マスタが必要です
compile-no-people-source-help = PeopleSource リソースを追加してください（例：`kind: PeopleSource` に `spec.csv.path` と `spec.csv.columns.id`）
compile-policy-grants-nothing = このポリシーは何も付与していません
compile-exception-grants-nothing = この例外は何も付与していません
compile-grants-nothing-help = `grant:` の下に `- app: <name>` を 1 つ以上書いてください
compile-empty-field = `{ $field }` が空です
compile-exception-person-help = 対象の従業員の社員番号か業務用メールアドレスを書いてください
compile-exception-reason-help = レビューする人のために、例外が必要な理由を書いてください
compile-exception-approver-help = 例外を承認した人をメールアドレスで書いてください
compile-until-before-from = `until`（{ $until }）が `from`（{ $from }）より前です
compile-until-before-from-help = 日付を入れ替えるか、書き間違いを直してください
compile-roles-unranked = アプリ `{ $app }` に複数のロール（{ $roles }）が付与されていますが、順位が決められていません
compile-roles-unranked-help = どのロールを優先するか keyward が判断できるよう、Application `{ $app }` に権限の弱い順で `roles: [{ $roles }]` を追加してください

## セレクタ（selectors.rs）
compile-bad-department-glob = `{ $pattern }` は部署のグロブとして正しくありません（{ $why }）
compile-bad-department-glob-help = 1 階層には `*`、任意の階層には `**` を使ってください（例：`営業本部/**`）
compile-department-globs-fail = 部署のグロブをコンパイルできません（{ $why }）
compile-department-globs-fail-help = パターンを単純にしてください
compile-unknown-employment-type = 不明な雇用形態 `{ $value }` です
compile-unknown-employment-type-help = { $types } のいずれかを使うか、PeopleSource の `values.employmentType` で人事マスタの表記を対応づけてください
compile-unknown-attribute = 属性 `{ $name }` を宣言している人事ソースがありません
compile-unknown-attribute-help = PeopleSource の `columns.attributes` で宣言してください

## アプリとロールの参照（grants.rs）
compile-unknown-application = 不明なアプリ `{ $name }` です
compile-unknown-application-help-none = この名前の Application リソースを定義してください
compile-unknown-application-help = `{ $name }` という Application を定義するか、{ $apps } のいずれかを使ってください
compile-unknown-role = `{ $role }` はアプリ `{ $app }` のロールではありません
compile-unknown-role-help = { $roles } のいずれかを使うか、Application の `roles` に追加してください

## 人事ソース：CSV エクスポート（people_sources/csv.rs）
compile-csv-path-help = CSV ファイルのパスを、このポリシーファイルからの相対パスで書いてください
compile-csv-id-empty = id の列が空です
compile-csv-id-empty-help = 社員番号の列の見出し（社員番号）を書いてください
compile-csv-bad-date-format = `{ $format }` は日付の書式として使えません
compile-csv-bad-date-format-help = 年月日がそろう strftime の書式を使ってください（例：`%Y/%m/%d`、`%Y年%m月%d日`）
compile-csv-separator-help = 区切り文字を書いてください（例：`;`、`/`）
