# CLI 自身の枠：失敗したコマンドの最終行、validate の結果行。

cli-problems-in-policy = ポリシーファイルに { $count } 件の問題があります。変更計画の作成も変更も行っていません
cli-problems-in-hr-data = 人事データに { $count } 件の問題があります。変更計画の作成も変更も行っていません
cli-problems-reading-accounts = アプリのアカウント読み込みで { $count } 件の問題がありました。変更計画の作成も変更も行っていません
cli-validate-ok = OK：人事ソース { $sources } 件、アプリ { $apps } 件、アクセスポリシー { $policies } 件、例外 { $exceptions } 件。従業員 { $people } 人、アカウント { $accounts } 件を読み込みました。
cli-validate-offline = オフライン：{ $names } には接続していません。`keyward validate --online` を使うと、認証情報を使ってこれらも読み込みます。
