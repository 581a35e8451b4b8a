# CLI 自身の枠：失敗したコマンドの最終行、validate の結果行。

cli-problems-in-policy = ポリシーファイルに { $count } 件の問題があります。変更計画の作成も変更も行っていません
cli-problems-in-hr-data = 人事データに { $count } 件の問題があります。変更計画の作成も変更も行っていません
cli-problems-reading-accounts = アプリのアカウント読み込みで { $count } 件の問題がありました。変更計画の作成も変更も行っていません
cli-validate-ok = OK：人事ソース { $sources } 件、アプリ { $apps } 件、アクセスポリシー { $policies } 件、例外 { $exceptions } 件。従業員 { $people } 人、アカウント { $accounts } 件を読み込みました。
cli-validate-offline = オフライン：{ $names } には接続していません。`keyward validate --online` を使うと、認証情報を使ってこれらも読み込みます。

## CLI 自身のエラー（`problems::Said`）：読み書きできないファイル、合わないフラグ、種類の違う入力。
cli-none = なし
cli-cannot-render = { $what } を出力できません
cli-cannot-render-crd = CRD を出力できません
cli-cannot-render-exception = Exception を出力できません
cli-cannot-write-stdout = 標準出力に書き込めません
cli-cannot-read = { $path } を読み込めません
cli-cannot-read-dir = ディレクトリ { $path } を読み込めません
cli-cannot-write = { $path } に書き込めません
cli-cannot-create = { $path } を作成できません
cli-file-exists = { $path } はすでに存在します。上書きしないよう、新しいファイル名を指定してください
cli-no-such-app = `{ $app }` という Application はありません。ポリシーで定義されているのは { $names } です
cli-test-no-such-path = { $path }：ファイルもディレクトリもありません。--tests にはテストファイルかディレクトリを指定してください
cli-test-none-found = { $searched } にポリシーテストのファイル（*.test.yaml）がありません。{ $dir }/example.test.yaml のようなファイルに PolicyTest を書くか、--tests でファイルを指定してください
cli-test-not-text = テストファイルは UTF-8 の YAML テキストである必要があります
cli-test-problems = テストファイルに { $count } 件の問題があります。テストは実行していません
cli-cannot-use-audit-log = 監査ログ { $path } を使用できません
cli-audit-does-not-verify = { $path } の検証に失敗しました
cli-cannot-read-plan = 変更計画 { $path } を読み込めません
cli-not-a-plan = { $path } は keyward が適用できる変更計画ではありません
cli-cannot-read-answer = 回答を読み取れません
cli-cannot-write-plan = 変更計画を { $path } に書き込めません
cli-offline-needs-network = --offline：ポリシーは { $inputs } をネットワーク経由で読み込むため、ファイルだけでは変更計画を作成できません。ネットワークと認証情報を使える環境で --offline を付けずに実行してください
cli-cannot-write-report = レポートを { $path } に書き込めません
cli-cannot-write-report-data = レポートのデータを { $path } に書き込めません
cli-not-a-discovery = { $path }:{ $line }:{ $column }：検出結果のファイルではありません（{ $error }）。`keyward discover -f DIR -o { $path }` で作成してください
cli-discovery-version = { $path }：検出結果の形式はバージョン { $version } ですが、この keyward が読めるのはバージョン { $supported } です。`keyward discover` をもう一度実行してください
cli-discover-no-directory = アプリを検出するディレクトリがありません。検出では、ポリシーの PeopleSource か Application が接続する Google Workspace または Microsoft Graph を読み込みます。いずれかを追加してください（README の「Discovering apps nobody declared」を参照）
cli-catalogue-broken = keyward に組み込まれたカタログを解析できません
cli-cannot-write-discovery = 検出結果を { $path } に書き込めません
cli-no-stub = このアプリにはひな形がありません
cli-no-such-discovered-app = `{ $name }` という名前の検出済みアプリはありません。未宣言のアプリ：{ $known }
cli-review-exists = { $dir } にはすでに棚卸しがあります（{ $index } が存在します）。記入済みのシートを上書きしないよう、新しいディレクトリにエクスポートしてください
cli-review-until-past = --until { $until } は過去の日付です。継続するアカウントには今日（{ $today }）より後の終了日が必要です
cli-review-bad-decisions = { $problems }。いずれかを記入するか、セルを空欄にしてください

## 通知（notify.rs）：Webhook の URL は認証情報なので、変数名とホスト名だけを示す。
cli-notify-var-unset = 環境変数 { $var }（通知先の Webhook URL）が設定されていません。設定するか、フラグを外してください
cli-notify-var-not-url = 環境変数 { $var } の値が http(s) の URL ではありません。Webhook の URL を設定してください
cli-notify-cannot-send = 通知を送信できません：{ $error }
cli-notify-cannot-render = 通知を作成できません：{ $error }
cli-notify-timed-out = がタイムアウトしました
cli-notify-no-connection = に接続できませんでした
cli-notify-http-status = が HTTP { $status } を返しました
cli-notify-slack-webhook = Slack Webhook
cli-notify-webhook = Webhook
cli-notify-not-delivered = { $host } の{ $what }（{ $var } の値）{ $why }。通知は届いていません
