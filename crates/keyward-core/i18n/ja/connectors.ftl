# アプリのコネクタの検査（compile/connectors/）、keyward が認証情報を送る URL
# （endpoint.rs）、リクエストテンプレート（template.rs）、データファイルの列
# （tabular.rs、excerpt.rs）。

## すべてのコネクタ（connectors/mod.rs）
connectors-more-than-one = このアプリには複数のコネクタが設定されています
connectors-more-than-one-help = { $kinds } のうち 1 つだけを残してください
connectors-none = このアプリにはコネクタがありません
connectors-none-help = 次のいずれかを設定してください：`scim:`（アプリの SCIM の URL とトークン）、`github:`（Organization とトークン）、`ldap:`（ディレクトリの URL、バインド DN、ベース DN）、`microsoftGraph:`（Entra のテナントとアプリ登録）、`googleWorkspace:`（サービスアカウントの鍵と、代理で操作する管理者）、`slack:`（Slack のトークン）、`atlassian:`（組織 ID と API キー）、`okta:`（組織の URL と API トークン）、`http:`（アプリの REST API の記述）、`csvExport:`（アプリのユーザーエクスポートのパスと列）
connectors-status-both = ステータス値 `{ $value }` が { $first } と { $second } の両方に挙がっています
connectors-status-both-help = 1 つの値は 1 つの意味の下にだけ挙げてください
connectors-secret-help = `{ $field }: {"{"}env: { $env }{"}"}`、`{ $field }: {"{"}file: { $file }{"}"}` のように書いてください。Kubernetes のコントローラでは `{ $field }: {"{"}secret: {"{"}name: keyward-credentials, key: { $key }{"}"}{"}"}` です
connectors-page-size-zero = ページサイズが 0 では何も読み込めません

## keyward が認証情報を送る URL（endpoint.rs）
endpoint-not-http-url = `{ $written }` は http(s) の URL ではありません（{ $why }）
endpoint-not-ldap-url = `{ $written }` は LDAP の URL ではありません（{ $why }）
endpoint-user-info = URL の `@` の前にユーザー名かパスワードがあります。この URL の行き先は `{ $host }` で、それらをそこへ送ってしまいます
endpoint-plain-http = URL は `{ $host }` への平文の http です。localhost、127.x.x.x、[::1] 以外へはトークンが暗号化されずにネットワークを流れるおそれがあります
endpoint-plain-ldap = URL は `{ $host }` への StartTLS なしの平文の ldap です。localhost、127.x.x.x、[::1] 以外へはバインドパスワードが暗号化されずにネットワークを流れるおそれがあります
endpoint-not-http-url-help = `https://api.example.com/scim/v2` のような https の URL を書いてください
endpoint-not-ldap-url-help = `ldaps://ldap.example.com:636` と書くか、`ldap://ldap.example.com:389` に `startTls: true` を添えてください
endpoint-user-info-help = `user:password@` の部分を削除してください。認証情報は URL ではなく、リソースの `token`、`password`、`secret` フィールドから取得します
endpoint-plain-http-help = https:// を使ってください。平文の http:// はこのマシン上のサーバー（localhost、127.x.x.x、[::1]）専用です
endpoint-plain-ldap-help = ldaps:// を使うか、`startTls: true` を設定してください。平文の ldap:// はこのマシン上のディレクトリ（localhost、127.x.x.x、[::1]）専用です
endpoint-why-whitespace = 空白か制御文字が含まれています
endpoint-why-scheme = { $secure }:// か { $plain }:// で始めてください
endpoint-why-no-host = ホストがありません
endpoint-why-empty-host = ホストが空です
endpoint-why-idna = 国際化ドメイン名として正しくありません
endpoint-why-port = ポート番号が正しくありません
endpoint-why-ipv4 = IPv4 アドレスが正しくありません
endpoint-why-ipv6 = IPv6 アドレスが正しくありません
endpoint-why-domain-character = ドメインに使えない文字があります
endpoint-why-relative = ベースのない相対 URL です
endpoint-why-parser = { $why }

## http コネクタのリクエストテンプレート（template.rs）
template-syntax = { $why }（{ $at } 文字目）
template-not-closed = `{"{{"}` が `{"}}"}` で閉じられていません
template-bad-name = `{"{{"}{ $name }{"}}"}` はプレースホルダー名ではありません（英字、数字、ドットで、`person.email` のように書きます）
template-not-opened = `{"{{"}` のない `{"}}"}` があります
template-json = 本文が JSON として正しくありません（{ $why }、本文の { $line } 行 { $column } 列）
template-too-many = プレースホルダーが { $max } 個を超えています
template-number = 数値 { $number } は書かれたとおりには送れません（送れるのは 64 ビットに収まる整数と、正確に表せる小数だけです）

## http コネクタ（connectors/http.rs）
http-base-url-help = API のベース URL を書いてください（例：`https://api.example.com/v2`）
http-header-control = ヘッダー `{ $name }` の値は送れません。改行か制御文字が含まれています
http-header-control-help = API のドキュメントのとおり、値を 1 行で書いてください
http-not-header-name = `{ $name }` は HTTP のヘッダー名ではありません
http-header-name-help = 英字、数字、`-` を使ってください
http-header-credential = `{ $name }` は認証情報に見えますが、`headers` はポリシーに平文で書かれます
http-header-credential-help = 認証情報は `auth`（`bearer`、ヘッダー名を添えた `apiKey`、`basic`、`oauth2`、`jwtBearer`）で、シークレットから読み込んで送ってください
http-not-error-status = { $status } はエラーのステータスではありません
http-not-error-status-help = API がスロットリングに使う 4xx か 5xx のステータスを挙げてください（例：403）
http-reset-header-help = ヘッダー名を書いてください（例：`X-RateLimit-Reset`）
http-auth-one = 認証方法をちょうど 1 つ設定してください
http-auth-one-help = `bearer`、`apiKey`、`basic`、`oauth2`、`jwtBearer` のうち 1 つを残してください。認証のない API なら `auth` を外してください
http-api-key-header-help = API がキーを読み取るヘッダーを書いてください（例：`X-Cybozu-API-Token`）
http-basic-username = Basic 認証のユーザー名は空にできず、`:` も含められません
http-basic-username-help = API ユーザーの名前を書いてください
http-token-url-help = API のトークンエンドポイントを書いてください（例：`{ $example }`）
http-client-id-empty = クライアント ID が空です
http-client-id-empty-help = アプリ登録のクライアント ID を書いてください
http-param-reserved = `{ $key }` は keyward が他のフィールドから設定します
http-param-reserved-help = `params` から削除してください
http-jwt-issuer-empty = アサーションの発行者（issuer）が空です
http-jwt-issuer-empty-help = API が `iss` に求める値を書いてください（多くはクライアント ID です）
http-jwt-client-pair = `clientId` と `clientSecret` は組で指定します
http-jwt-client-pair-help = 両方を設定してください。API がアサーションだけを受け取るなら、どちらも外してください
http-lookup-no-email = 検索リクエストがメールアドレスを送っていません
http-lookup-no-email-help = API がアドレスを受け取るパスかクエリに `{"{{"}email{"}}"}` を入れてください
http-no-identifying-field = 従業員を特定するフィールドがありません。これではどのアカウントもどの従業員にも紐付きません
http-no-identifying-field-help = `email`、`username`、`externalId`（または照合ルールが使う属性）を対応付けてください
http-status-values-unused = statusValues が設定されていますが、ステータスのフィールドが対応付けられていません
http-status-values-unused-help = `fields.status` を対応付けるか、`statusValues` を削除してください
http-role-values-twice = アプリの値 `{ $prev }` と `{ $value }` がどちらもロール `{ $role }` を表しているため、keyward はどちらを送ればよいか判断できません
http-role-values-twice-help = 1 つのロールには 1 つの値を対応付けてください。アプリにあっても keyward が設定しない値は、対応付けなくてかまいません
http-max-pages-zero = 0 ページの一覧では何も読み込めません
http-max-pages-zero-help = 指定を外す（10000）か、1 以上にしてください
http-paging-one = ページ送りの方式をちょうど 1 つ設定してください
http-paging-one-help = `pageNumber`、`offset`、`cursor`、`nextUrl`、`linkHeader` のうち 1 つを残してください
http-largest-page-help = API の最大のページサイズを指定してください
http-limit-zero = 件数の上限が 0 では何も読み込めません
http-cursor-not-sent = 次ページのリクエストが `{"{{"}cursor{"}}"}` を送っていません
http-cursor-not-sent-help = API がカーソルを受け取るクエリか本文に `{"{{"}cursor{"}}"}` を入れてください
http-cursor-how = カーソルの返し方を指定してください
http-cursor-how-help = `param`（クエリパラメータ）か `request`（`{"{{"}cursor{"}}"}` を使う専用のリクエスト）のどちらか一方を設定してください
http-create-no-conflict = 作成に `conflict` がありません。前回の試行がアプリに届いたのに応答が失われていた場合、再試行で 2 つ目のアカウントが作られてしまいます
http-create-no-conflict-help = `conflict: {"{"}find: {"{"}path: …, query: {"{"}email: "{"{{"}person.email{"}}"}"{"}"}{"}"}{"}"}` のように、既存のアカウントを探すリクエストと、既にあることを示すステータス（既定は 409）を追加してください
http-create-no-id = keyward が新しいアカウントの ID を知る方法がありません
http-create-no-id-help = `id` に、応答の中で ID がある場所（`$.id`）を設定してください
http-role-not-sent = ロールの変更リクエストがロールを送っていません
http-role-not-sent-help = パス、クエリ、本文のいずれかに `{"{{"}role{"}}"}`（アプリ側の値）か `{"{{"}roleName{"}}"}` を入れてください
http-group-not-named = メンバーシップの変更リクエストがグループを指定していません
http-group-not-named-help = パス、クエリ、本文のいずれかに `{"{{"}group{"}}"}` を入れてください
http-groups-together = `addGroup` と `removeGroup` は組で記述します
http-groups-together-help = 両方を記述するか、どちらも記述せずに `manual` に `groups` を挙げてください
http-bad-method = `{ $method }` は keyward が送るメソッドではありません
http-bad-method-help = GET、POST、PUT、PATCH、DELETE のいずれかを大文字で書いてください
http-bad-path = `{ $path }` は `baseUrl` の下のパスではありません
http-bad-path-help = パスは `/` から書き（例：`/users/{"{{"}account.id{"}}"}`）、クエリパラメータは `query` に書いてください
http-get-body = GET リクエストは本文を持てません
http-get-body-help = `body` を削除するか、API のドキュメントがこのリクエストに指定するメソッドを使ってください
http-not-status = { $status } は HTTP のステータスではありません
http-not-status-help = 100 から 599 までのステータスを挙げてください
http-already-done-when-unused = `alreadyDone` のステータスがないため、`alreadyDoneWhen` は使われません
http-already-done-when-unused-help = `alreadyDone` にステータスを挙げてください
http-status-twice = { $status } が成功と適用済みの両方に挙がっています
http-status-twice-help = `accept` と `alreadyDone` のどちらか一方にだけ挙げてください
http-bad-placeholder = `{"{{"}{ $name }{"}}"}` はこのリクエストで埋められるプレースホルダーではありません
http-placeholder-first-page-help = 最初のページのリクエストではプレースホルダーは埋まりません。値そのものを書いてください
http-placeholder-close-help = { $suggestion } このリクエストで埋められるのは { $names } です
http-placeholder-help = このリクエストで埋められるのは { $names } です
http-template-json-help = 本文は、文字列の中にプレースホルダーを置いた JSON として書いてください：`{"{"}"email": "{"{{"}person.email{"}}"}"{"}"}`
http-template-syntax-help = プレースホルダーは `{"{{"}account.id{"}}"}` のように `{"{{"}name{"}}"}` の形で書いてください
http-template-too-many-help = 1 つのリクエストテンプレートに入れられるプレースホルダーは 64 個までです
http-template-number-help = 数値は文字列（`"…"`）として書いてください。ほとんどの API は ID を文字列でも受け付けます
# $why は JSONPath パーサーの英語のメッセージのままです。
http-bad-json-path = `{ $query }` は JSONPath のクエリ（RFC 9535）ではありません（{ $position } 文字目：{ $why }）
http-bad-json-path-help = ルート `$` から書いてください（例：`$.email`、`$.profile.email`、`$.groups[*].name`）
http-need-missing = コネクタは変更を記述していますが、`{ $change }` がありません。{ $why }
http-need-missing-help = API のリクエストを添えて `changes.{ $change }` を追加するか、`changes.manual` に `{ $manual }` を挙げて、チェックリストの項目として人の手に任せてください
http-need-create = このアプリでは入社者にアカウントが作成されます
http-need-suspend = このアプリでは退職者のアカウントが閉じられます
http-need-restore = 停止したアカウントは、再入社や休職からの復帰で復元されます
http-need-delete = `lifecycle.offboarding.deleteAfter: { $after }` により退職者のアカウントが削除されます
http-need-update-role = このアプリのロールは付与に従って変わります

## LDAP ディレクトリ（connectors/ldap.rs）
ldap-ldaps-start-tls = `ldaps://` の接続は最初から TLS なので、StartTLS で切り替えることはできません
ldap-ldaps-start-tls-help = `startTls` を削除するか、`ldap://` の URL に `startTls: true` を添えてください
ldap-ca-file-empty = `caFile` が空です
ldap-ca-file-empty-help = ディレクトリの証明書に署名した CA 証明書の PEM ファイルを、このポリシーファイルからの相対パスで書いてください。システムの CA を信頼するなら `tls` を削除してください
ldap-tls-unused = `tls` が設定されていますが、接続は StartTLS なしの平文の `ldap://` なので、証明書は一度も検証されません
ldap-tls-unused-help = `startTls: true` を設定するか、`ldaps://` の URL を使ってください
ldap-not-dn = `{ $dn }` は DN ではありません
ldap-not-dn-help = エントリから上へ、属性=値の組を並べて書いてください（例：`ou=people,dc=example,dc=com`）
ldap-not-filter = `{ $filter }` は LDAP のフィルタではありません
ldap-not-filter-help = 括弧の対応が取れた形で書いてください（例：`(&(objectClass=inetOrgPerson)(!(employeeType=service)))`）
ldap-not-attribute = `{ $name }` は LDAP の属性名ではありません
ldap-not-attribute-help = スキーマにあるとおりの属性名を書いてください（例：`uid`、`mail`）
ldap-suspension-group-needs-group = `suspension: group` には、メンバーを停止扱いにするグループが必要です
ldap-suspension-group-needs-group-help = グループの cn を `suspendedGroup:` に追加してください（例：`suspendedGroup: suspended`）
ldap-suspended-group-no-groups-dn = 停止用グループは `groupsDn` の下で探しますが、`groupsDn` が設定されていません
ldap-suspended-group-no-groups-dn-help = グループを収めたサブツリーを `groupsDn:` に追加してください
ldap-suspended-group-unused = `suspendedGroup` は `suspension: group` のときだけ使われます
ldap-suspended-group-unused-help = `suspension: group` を追加するか、パスワードのロックで停止するなら `suspendedGroup` を削除してください
ldap-no-roles = LDAP ディレクトリにはロールがありません
ldap-no-roles-help = `{ $field }` を削除し、代わりにグループを付与してください

## SCIM と CSV エクスポート（connectors/scim.rs、connectors/csv_export.rs）
scim-url-help = SCIM のベース URL を書いてください（例：`https://api.slack.com/scim/v2`）
csv-export-no-id = エクスポートに id、email、username のいずれの列もありません
csv-export-no-id-help = `id`、`email`、`username` の少なくとも 1 つを、エクスポートの見出しに対応付けてください
csv-export-status-values-unused = statusValues が設定されていますが、ステータスの列が対応付けられていません
csv-export-status-values-unused-help = `columns.status` を対応付けるか、`statusValues` を削除してください

## GitHub、Slack、Okta、Atlassian（connectors/github.rs、slack.rs、okta.rs、atlassian.rs）
github-not-org = `{ $org }` は GitHub の Organization のログイン名ではありません
github-not-org-help = Organization の名前を URL（https://github.com/ORG）にあるとおりに書いてください。英字、数字、`-` で 39 文字までです
github-api-url-help = github.com なら指定を外し、GitHub Enterprise Server なら API の URL（`https://HOST/api/v3`）を書いてください
slack-url-help = Slack 標準の `{ $default }` なら指定を外してください
slack-not-team-id = `{ $team }` は Slack のワークスペース ID ではありません
slack-not-team-id-help = ワークスペース ID を書いてください。`T` に続く大文字と数字（`T0123ABCD`）で、管理ダッシュボードのワークスペースの URL にあります
slack-limit = Slack の 1 ページは 1～1000 ユーザーです
slack-limit-help = 指定を外す（200）か、1～1000 にしてください
okta-org-url-help = 組織の URL を書いてください（例：`https://acme.okta.com`）
okta-url-has-path = `{ $path }` というパスがあります。`/api/v1/…` は keyward が付け足します
okta-url-has-path-help = 組織の URL だけを書いてください：`{ $origin }`
okta-admin-url = `{ $host }` は管理コンソールのアドレスで、組織のアドレスではありません
okta-admin-url-help = `https://{ $org }.{ $rest }` と書いてください。Okta の API は組織の URL で応答します
okta-no-roles = ロール `{ $role }`：Okta のユーザーには、Okta コネクタが設定できるロールがありません
okta-no-roles-help = これを削除し、代わりに Okta のグループを付与してください：`grant: [{"{"}app: okta, groups: [engineering]{"}"}]`
atlassian-not-org-id = `{ $id }` は Atlassian の組織 ID ではありません
atlassian-not-org-id-help = admin.atlassian.com/o/ORG_ID か、API キーを作成したページから ID をコピーしてください
atlassian-not-directory-id = `{ $id }` はディレクトリ ID ではありません
atlassian-not-directory-id-help = すべてのディレクトリ（`-`）なら指定を外し、そうでなければディレクトリの ID を書いてください
atlassian-api-url-help = `https://api.atlassian.com` なら指定を外してください
atlassian-role-no-group = ロール `{ $role }` にグループが 1 つもありません
atlassian-role-no-group-help = このロールの製品アクセスを与えるグループを挙げてください（例：`[jira-software-users-example]`）
atlassian-role-unmapped = ロール `{ $role }` には製品アクセスのグループがないため、Atlassian コネクタはこのロールを付与できません
atlassian-role-unmapped-help = `{ $field }` に対応付けてください（例：`{ $role }: [jira-software-users-example]`）

## Microsoft Graph と Google Workspace（connectors/graph.rs、connectors/google.rs）
graph-not-sku = `{ $sku }` は SKU ID ではありません
graph-not-sku-help = `GET /subscribedSkus` にあるライセンスの skuId（GUID）を使ってください（ENTERPRISEPACK のような skuPartNumber ではありません）
graph-not-country = `{ $code }` は 2 文字の国コードではありません
graph-not-country-help = ISO 3166-1 alpha-2 のコードを大文字で書いてください（例：`JP`）
graph-no-usage-location = ライセンスを割り当てていますが、usageLocation が設定されていません。Microsoft は usageLocation のないユーザーへのライセンス付与を拒否します
graph-no-usage-location-help = `usageLocation`（例：`JP`）を設定するか、新しいユーザー全員に別の方法で設定されるようにしてください
graph-page-size = Graph の 1 ページは 1～999 件です
graph-page-size-help = 指定を外す（999）か、1～999 にしてください
google-key-help = `serviceAccountKey: {"{"}file: /var/run/secrets/google/key.json{"}"}`、`serviceAccountKey: {"{"}env: GOOGLE_SA_KEY{"}"}`（鍵ファイルの JSON）のように書いてください。Kubernetes のコントローラでは `serviceAccountKey: {"{"}secret: {"{"}name: keyward-credentials, key: google-sa-key.json{"}"}{"}"}` です
google-subject-help = サービスアカウントが代理で操作する Workspace 管理者のメールアドレスを書いてください（ドメイン全体の委任。例：`it-admin@example.com`）
google-not-customer = `{ $customer }` は顧客 ID ではありません
google-not-customer-help = 指定を外す（`my_customer`：subject 自身のアカウント）か、アカウント設定にある顧客 ID を書いてください（例：`C01abc23d`）
google-not-domain = `{ $domain }` はドメインではありません
google-not-domain-help = `@` を付けずにドメインだけを書いてください（例：`example.com`）
google-url-help = Google 標準の https の URL なら指定を外してください
google-licence-not-role = `{ $role }` はこのアプリのロールではありません
google-licence-not-role-help = ライセンスの名前を { $roles } のいずれかにするか、`spec.roles` に `{ $role }` を追加してください
google-not-licence-id = `{ $value }` はライセンスの { $field } ではありません
google-not-licence-id-help = Google の「プロダクトと SKU」の一覧にある ID を使ってください（例：`productId: Google-Apps, skuId: 1010020028`）
google-same-licence = ロール `{ $other }` と `{ $role }` が同じライセンスを指しています
google-same-licence-help = ロールごとに別の SKU を指定してください。keyward はユーザーのロールを、そのユーザーが持つライセンスから読み取ります
google-not-org-unit = `{ $path }` は組織部門のパスではありません
google-not-org-unit-help = 最上位から `/` で始まる完全なパスを書いてください（例：`/Sales/Japan`）
google-page-size = Directory API の 1 ページは 1～500 ユーザーです
google-page-size-help = 指定を外す（500）か、1～500 にしてください

## データファイルの列（tabular.rs、excerpt.rs）
data-column-missing = 列 `{ $name }` が { $file } にありません
data-column-close-list = もしかして `{ $closest }` ですか？ { $of ->
        [export] エクスポート
       *[file] ファイル
    }の列は { $columns } です
data-column-list = { $of ->
        [export] エクスポート
       *[file] ファイル
    }の列は { $columns } です
data-column-listed-before = { $of ->
        [export] エクスポート
       *[file] ファイル
    }の列は、最初に見つからなかった列のところに挙げてあります
data-empty-file-help = { $again }。エクスポートが途中で切れたり失敗したりすると、空のファイルが残ります
data-export-accounts-again = アカウントをエクスポートし直してください
data-export-hr-again = 人事マスタをエクスポートし直してください
excerpt-and-more = …ほか { $count } 件
