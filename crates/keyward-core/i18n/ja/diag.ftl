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

# データファイルの文字コード（tabular.rs）：UTF-8、Shift_JIS（CP932）、空のファイル。
data-at-byte = （{ $offset } バイト目、{ $line } 行 { $column } 列）
data-not-utf8 = ファイルが UTF-8 として正しくありません{ $where }
data-not-utf8-help = Windows の Excel で保存したファイルなら `encoding: shift_jis`（または `auto`）を指定するか、UTF-8 で保存し直してください
data-not-sjis = ファイルが Shift_JIS（CP932）として正しくありません{ $where }
data-not-sjis-help = UTF-8 のファイルなら `encoding: utf8`（または `auto`）を指定するか、UTF-8 で保存し直してください
data-save-as-utf8-help = ファイルが壊れているか、別の文字コードの可能性があります。エクスポートを UTF-8（Excel の「CSV UTF-8」）で保存し、もう一度読み込んでください
data-neither-encoding = ファイルは UTF-8 としても Shift_JIS（CP932）としても正しくありません（{ $first }、{ $second }）
data-as-sjis-at = Shift_JIS（CP932）として{ $where }
data-as-utf8-offset = UTF-8 として { $offset } バイト目
data-as-utf8-at = UTF-8 として{ $where }
data-as-sjis-offset = Shift_JIS として { $offset } バイト目
data-empty-file = ファイルが空です（{ $bytes } バイト、見出し行なし）
