# 位置つき診断の枠（`file:line:column: エラー: …`、`ヒント: …`）。

diag-error = エラー
diag-warning = 警告
diag-help = ヒント
diag-here = ここ
diag-did-you-mean = もしかして `{ $name }` ですか？
diag-position-line-column-name = { $file }:{ $line }（列 { $column }）
diag-position-column-name = { $file }（列 { $column }）
# Kubernetes API のオブジェクトの問題：対象のフィールド、続いてメッセージ。
diag-field-message = { $field }：{ $message }

# データファイル（人事エクスポート、アカウント一覧）の読み込み：行と CSV の構文。
data-field-count = この行の項目数は { $got } ですが、見出し行の項目数は { $want } です
data-field-count-help = ファイルが途中で切れているか、区切り文字を含む値が引用符で囲まれていない可能性があります。エクスポートし直してください
data-csv-unreadable = CSV として読めません（{ $detail }）
data-csv-unreadable-help = この行の引用符を確認してください。引用符を含む値では、引用符を 2 つ重ねます（""）
