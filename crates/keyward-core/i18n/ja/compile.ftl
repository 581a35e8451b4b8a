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

## 付与：グループとロール（grants.rs、application.rs）
compile-groups-unmanaged = アプリ `{ $app }` はグループを管理しません（{ $setting } が false です）
compile-groups-unmanaged-help = グループを外すか、{ $setting } を有効にしてください
compile-group-is-product-access = グループ `{ $group }` は、アプリ `{ $app }` のロール `{ $role }` の製品アクセスを与えるグループです
compile-group-is-product-access-help = 代わりに `role: { $role }` を付与してください。このグループは keyward がロールを通じて管理します
compile-groups-not-supported = アプリ `{ $app }` のグループは管理できません。{ $why }
compile-groups-not-supported-help = この付与からグループを外すか、コネクタに必要な設定を追加してください
compile-slack-groups-need-scim = Slack のユーザーグループは SCIM で変更しますが、`spec.connector.slack.scimToken` が設定されていません
compile-group-empty = グループ名が空です
compile-group-empty-help = 外すか、グループ名を書いてください
compile-okta-everyone = `{ $group }` は全ユーザーが入る Okta 組み込みのグループで、メンバーは Okta だけが決めます
compile-okta-everyone-help = 外してください（Okta のユーザーは全員このグループに入っています）。代わりに Okta グループ（種類 OKTA_GROUP）を付与してください
compile-not-team-slug = `{ $group }` は GitHub のチームスラッグではありません
compile-not-team-slug-help = チームはスラッグ（URL の最後の部分、github.com/orgs/ORG/teams/SLUG）で指定してください。小文字で、空白は `-` になります
compile-roleless-okta = アプリ `{ $app }` は Okta の組織で、ユーザーにロールがないため `{ $role }` を付与できません
compile-roleless-okta-help = ロールを外し、代わりに Okta グループを付与してください（例：`groups: [engineering]`）
compile-roleless-ldap = アプリ `{ $app }` は LDAP ディレクトリで、ロールがないため `{ $role }` を付与できません
compile-roleless-ldap-help = ロールを外し、代わりにグループを付与してください（例：`groups: [engineers]`）
compile-github-role = `{ $role }` は GitHub の組織ロールではありません。メンバーは `member` か `admin`（組織のオーナー）です
compile-slack-role = `{ $role }` は Slack のロールではありません
compile-connector-cannot-set-role = { $connector } コネクタはロール `{ $role }` を設定できません
# 「a、b、c」を 2 つずつ組み立てます。
compile-or = { $first }、{ $rest }
compile-use = { $what } を使ってください
compile-use-one-of = { $items } のいずれかを使ってください

## アプリ（application.rs）
compile-correlator-count = 照合ルールには email、employeeId、attribute のうちちょうど 1 つを指定してください（このルールは { $count } 個指定しています）
compile-correlator-count-help = 照合ルールごとにリストの項目を分けてください
compile-unknown-account-field = 不明なアカウントのフィールド `{ $field }` です
compile-unknown-account-field-help = { $fields } のいずれかを使うか、コネクタの `columns.attributes` で宣言してください
compile-bad-domain-alias = `{ $from }: { $to }` はドメインの別名になっていません
compile-bad-domain-alias-help = `@` を付けずに `old-domain.example: current-domain.example` の形で書いてください
compile-unknown-attribute-correlator-help = PeopleSource の `columns.attributes` で宣言してください（例：`github: GitHubアカウント`）
compile-protect-count = 保護ルールには username、email、id のうちちょうど 1 つを指定してください（このルールは { $count } 個指定しています）
compile-protect-count-help = リストの項目 1 つにつき 1 つのルールを書いてください
compile-role-twice = ロール `{ $role }` が 2 回書かれています
compile-role-twice-help = 各ロールは 1 回だけ、権限の弱い順に書いてください
compile-default-role-unknown = 既定のロール `{ $role }` はこのアプリのロールにありません
compile-not-app-role = `{ $role }` はこのアプリのロールにありません
compile-list-roles-help = アプリのロールを `spec.roles` に権限の弱い順で書いてください
compile-not-email-domain = `{ $domain }` はメールのドメインではありません
compile-not-email-domain-help = @ より後ろの部分を書いてください（例：`example.com`）
compile-domain-internal-and-partner = `{ $domain }` が社内ドメインと取引先ドメインの両方に書かれています
compile-domain-internal-and-partner-help = どちらか一方のリストにだけ書いてください
compile-transfer-to-manager-unknown = `transferTo: manager` には上長の情報が必要ですが、上長の列を対応づけている人事ソースがありません
compile-transfer-to-manager-unknown-help = PeopleSource に `columns.manager`（上長）を追加するか、データを引き継ぐアカウントを指定してください
compile-mover-grace-no-date = `moverGrace` には異動日が必要ですが、`movedOn` 列を対応づけている人事ソースがありません。異動するとすぐにアクセスが終わります
compile-mover-grace-no-date-help = PeopleSource に `columns.movedOn`（異動日）を追加してください
compile-revoke-after-suspend = `when: { $when }` は停止（`suspend: { $suspend }`）より後です。その時点でアカウントは停止済みのため、まだ有効なものを確認できないアプリでは失効が行われません
compile-revoke-after-suspend-help = `when` を外す（停止と同時）か、`suspend` より遅くならないようにしてください
compile-listed-twice = `{ $item }` が 2 回書かれています
compile-revoke-kind-twice-help = 各種類は 1 回だけ書いてください

## 職務分掌（duties.rs）
compile-duties-too-few = SeparationOfDuties `{ $name }` の職務は { $count } 個です。分けるには 2 つ以上の職務が必要です
compile-duties-too-few-help = 職務ごとに `- name: ...` と `entitlements:` を書いてください（例：`submit payments` と `approve payments`）
compile-duty-no-name = 職務に名前がありません
compile-duty-no-name-help = 内容がわかる名前を付けてください（例：`approve payments`）
compile-duty-twice = 職務 `{ $name }` が 2 回書かれています（spec.duties[{ $first }] にもあります）
compile-duty-twice-help = 2 つの職務の権限を 1 つにまとめてください
compile-duty-no-entitlements = 職務 `{ $name }` に権限がありません
compile-duty-no-entitlements-help = その職務を担う権限を書いてください（例：`- {"{"}app: payments, role: approver{"}"}`）
compile-duty-group-empty-help = `group:` を外すか、グループ名を書いてください
compile-entitlement-in-two-duties = この権限は職務 `{ $duty }` にもあります。これを持つ全員がルール違反になります
compile-entitlement-in-two-duties-help = どちらか 1 つの職務にだけ書いてください

## 認証情報と ID プロバイダ（fields.rs、idp.rs）
# 日本語では項目名をそのまま示します（$field）。$what（英語の語句）は表示しません。
compile-secret-sources = { $what ->
       *[other] `{ $field }` は `env`、`file`、`secret` のうちちょうど 1 つから取得してください
    }
compile-bad-secret-name = `{ $value }` は Secret の名前として正しくありません
compile-bad-secret-name-help = Secret の metadata.name を書いてください（小文字、数字、`-`、`.`）
compile-bad-secret-key = `{ $value }` は Secret のキーとして正しくありません
compile-bad-secret-key-help = Secret の data のキーを書いてください（英字、数字、`-`、`_`、`.`）
compile-bad-env-name = `{ $env }` は環境変数名ではありません
compile-bad-env-name-help = { $what ->
       *[other] `{ $field }` の値を入れた環境変数の名前を書いてください（英字、数字、`_`）。値そのものはここに書かないでください
    }
compile-not-tenant = `{ $tenant }` はテナントではありません
compile-not-tenant-help = テナント ID（GUID）か検証済みドメインを書いてください（例：`example.onmicrosoft.com`）
compile-client-id-empty = クライアント ID が空です
compile-client-id-empty-help = Entra 管理センターのアプリ登録の概要から「アプリケーション (クライアント) ID」をコピーしてください
compile-client-id-not-guid = `{ $id }` はアプリケーション（クライアント）ID に見えません
compile-client-id-not-guid-help = クライアント ID は `00000000-0000-0000-0000-000000000000` のような GUID です
compile-graph-client-secret-help = `clientSecret: {"{"}env: GRAPH_CLIENT_SECRET{"}"}`、`clientSecret: {"{"}file: /var/run/secrets/graph-secret{"}"}` のように書いてください。Kubernetes のコントローラでは `clientSecret: {"{"}secret: {"{"}name: keyward-credentials, key: graph-client-secret{"}"}{"}"}` です
compile-cloud-url-help = Microsoft のグローバルクラウドなら指定を外し、国別クラウドなら https の URL を書いてください
compile-not-email = `{ $value }` はメールアドレスではありません

## 人事ソース（people_sources/）
# 「a と b と c」を 2 つずつ組み立てます。
compile-and = { $first } と { $rest }
compile-people-source-kinds = PeopleSource に { $kinds } が設定されています
compile-people-source-kinds-help = { $all } のうち 1 つだけにしてください。もう一方には別の PeopleSource を宣言してください
compile-people-source-none = PeopleSource に人事ソースがありません
compile-people-source-none-help = 人事エクスポートのパスと列を `csv:` に、テナントの URL とトークンを `smarthr:` に書くか、`googleWorkspace:` か `microsoftGraph:` を設定してください
compile-not-employment-type-name = `{ $value }` は雇用形態の名前として使えません
compile-not-employment-type-name-help = `full-time`、`contractor`、`intern` のように、小文字の単語を `-` でつないでください
compile-bad-attribute-name = `{ $name }` は属性名として使えません
compile-bad-attribute-name-help = 英字、数字、`-`、`_` を使ってください
compile-smarthr-url-help = テナントのアドレスを書いてください（例：`https://example.smarthr.jp`）
compile-smarthr-token-help = `token: {"{"}env: SMARTHR_TOKEN{"}"}`、`token: {"{"}file: /var/run/secrets/smarthr-token{"}"}` のように書いてください。Kubernetes のコントローラでは `token: {"{"}secret: {"{"}name: keyward-credentials, key: smarthr-token{"}"}{"}"}` です
compile-page-size-zero = ページサイズが 0 では何も読み込めません
compile-page-size-1-100-help = 指定を外すか、1 〜 100 にしてください
compile-smarthr-page-too-big = SmartHR が 1 ページで返す従業員は最大 100 件です（指定は { $size }）
compile-smarthr-page-too-big-help = 指定を外す（100）か、1 〜 100 にしてください
compile-smarthr-field-empty = `{ $field }` にカスタム項目の名前がありません
compile-smarthr-field-empty-help = SmartHR に表示されるとおりにカスタム項目の名前を書くか、この行を外してください
compile-google-path-help = ユーザーの JSON 内のパスを書いてください（`primaryEmail`、`name.fullName`、`organizations[primary].department`、`externalIds[type=organization].value`、`organizations[*].title`、`customSchemas.HR.EmploymentType` など）
compile-google-source-key-help = `serviceAccountKey: {"{"}file: /var/run/secrets/google/key.json{"}"}` や `{"{"}env: GOOGLE_SA_KEY{"}"}`（鍵ファイルの JSON）のように書いてください。Kubernetes のコントローラでは `{"{"}secret: {"{"}name: keyward-credentials, key: google-key.json{"}"}{"}"}` です
compile-google-source-subject-help = サービスアカウントが代理で操作できる Workspace 管理者のメールアドレスを書いてください（ドメイン全体の委任）
compile-customer-and-domain = `customer` と `domain` の両方が設定されています
compile-customer-and-domain-help = どちらか一方にしてください。`customer` はアカウントの全ドメインを、`domain` は 1 つのドメインだけを読み込みます
compile-not-customer = `{ $value }` は customer として正しくありません
compile-not-domain = `{ $value }` はドメインとして正しくありません
compile-customer-help = 管理者自身の customer（`my_customer`）なら指定を外し、それ以外は customer ID（`C01abc23`）かドメインを書いてください
compile-not-org-unit = `{ $value }` は組織部門のパスではありません
compile-not-org-unit-help = 最上位からの完全なパスを `/` から書いてください（例：`/Employees/Sales`）
compile-query-empty = クエリが空です
compile-read-every-user-help = すべてのユーザーを読み込むなら指定を外してください
compile-directory-url-help = 指定を外すか、`https://admin.googleapis.com/admin/directory/v1` と書いてください
compile-filter-empty = フィルタが空です
compile-graph-delta-filter = Graph のユーザーの差分クエリ（delta）はプロパティで絞り込めません
compile-graph-delta-filter-help = `filter` を外すか、`delta: false` にして、絞り込んだユーザーを毎回全ページ読み込んでください
compile-graph-delta-manager = 差分クエリ（delta）は展開した上長を返しません
compile-graph-delta-manager-help = `delta: false` にするか、ユーザーのプロパティ（上長の社員番号を入れた拡張属性など）から上長を読み込んでください
compile-graph-page-size = Graph の 1 ページは 1 〜 999 ユーザーです
compile-graph-page-size-help = 指定を外す（999）か、1 〜 999 にしてください
compile-not-a-path = `{ $path }` はパスではありません（{ $why }、{ $at } 文字目）
compile-unknown-time-zone = `{ $zone }` はこのマシンが知らないタイムゾーンです
compile-unknown-time-zone-help = `Asia/Tokyo`、`Europe/Berlin`、`UTC` のような IANA のタイムゾーン名を書いてください

## Bounds the CRDs' admission rules set (compile/bounds.rs).
compile-too-many = `{ $field }` の要素が { $count } 個あります。上限は { $max } 個です
compile-too-many-help = CRD の受け入れルールで上限が決まっているため、Kubernetes の API サーバーはこのリソースを受け付けません。分割するか、使っていない要素を削除してください
compile-too-long = `{ $field }` が { $count } 文字あります。上限は { $max } 文字です
compile-too-long-help = CRD の受け入れルールで上限が決まっているため、Kubernetes の API サーバーはこのリソースを受け付けません。短い名前にしてください
