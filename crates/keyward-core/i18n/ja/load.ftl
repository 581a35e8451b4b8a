# ポリシーファイルの読み込み：ドキュメント、apiVersion、kind、metadata、serde が読むフィールド。

load-not-a-mapping = ポリシーのドキュメントはマッピングである必要があります
load-not-a-mapping-help = ドキュメントの先頭に `apiVersion: keyward.io/v1alpha1` と `kind:` を書いてください
load-no-api-version = ドキュメントに `apiVersion` がありません
load-no-api-version-help = ドキュメントの先頭に `apiVersion: { $version }` を追加してください
load-unsupported-api-version = apiVersion `{ $version }` には対応していません
load-unsupported-api-version-help = この keyward が読めるのは `{ $version }` です
load-unknown-top-level-field = 最上位に不明なフィールド `{ $field }` があります
load-unknown-top-level-field-help = ドキュメントの最上位に置けるのは apiVersion、kind、metadata、spec だけです。`spec:` の下に移してください
load-no-kind = ドキュメントに `kind` がありません
load-no-kind-help = `kind:` を追加し、{ $kinds } のいずれかを指定してください
load-unknown-kind = 不明な kind `{ $kind }` です
load-unknown-kind-help = keyward の kind は { $kinds } です
load-no-metadata = ドキュメントに `metadata` がありません
load-no-metadata-help = `metadata: {"{"} name: <lowercase-name> {"}"}` を追加してください
load-no-name = `metadata.name` がありません
load-no-name-help = リソースにはすべて名前が必要です（英小文字・数字・`-`）
load-bad-name = `{ $name }` はリソース名として使えません
load-bad-name-help = 英小文字・数字・`-`・`.` を使い、先頭と末尾は英小文字か数字にしてください（Kubernetes の規則、253 文字まで）
load-misspelt-skipped = `{ $api_version } { $kind }` は keyward のリソースではないため、このドキュメントは読み飛ばしました
load-misspelt-help-kind = もしかして `apiVersion: { $version }` と `kind: { $kind }` ですか？

# serde のフィールドに関するメッセージを、翻訳できる形に組み直したもの。
load-at-field = `{ $field }`：{ $message }
load-unknown-field = 不明なフィールド `{ $name }` です（指定できるのは { $expected }）
load-unknown-variant = 不明な値 `{ $name }` です（指定できるのは { $expected }）
load-unknown-field-none = 不明なフィールド `{ $name }` です（ここにはフィールドを書けません）
load-missing-field = 必須フィールド `{ $name }` がありません
load-invalid-type = 型が違います：{ $expected }が必要ですが、{ $got }が書かれています
load-type-got = { $kind } { $value }
load-type-integer = 整数
load-type-string = 文字列
load-type-boolean = 真偽値
load-type-sequence = リスト
load-type-map = マッピング
load-expected-string = 文字列
load-expected-sequence = リスト
load-expected-map = マッピング
load-expected-boolean = 真偽値
load-expected-one-of = { $names } のいずれか
load-expected-either = { $first } か { $second }
load-expected-name = { $name }

load-help-remove-nothing-allowed = 削除してください。ここには何も指定できません
load-help-remove-or-rename = 削除するか、名前を直してください。ここで使えるフィールドは `keyward schema` で確認できます
load-help-remove-allowed = 削除してください。ここで使えるのは { $allowed } です
load-help-add-field = `{ $field }:` を追加してください
load-help-add-field-under = `{ $parent }` の下に `{ $field }:` を追加してください
load-help-write-string = 値は文字列で書いてください。YAML が数値・日付・真偽値と読んでしまう値は引用符で囲んでください（`"0001"`）
load-help-write-list = リストで書いてください（1 行に 1 つずつ `- item`、または `[a, b]`）
load-help-write-mapping = `key: value` の行からなるマッピングで書いてください（空なら `{"{"}{"}"}`）
load-help-write-date = 日付は YYYY-MM-DD で書いてください
load-help-see-schema = このフィールドに書ける値は `keyward schema` で確認できます

# YAML そのもの（yaml.rs）：構文、アンカーとエイリアス、タグ、入れ子、重複キー、サイズ。
yaml-too-large = ファイルが { $max } バイトを超えています（{ $len } バイト）。keyward が YAML として読むのは { $max } バイトまでです
yaml-too-large-help = リソースを複数のファイルに分けてください（アプリごと、チームごとなど）。ポリシーファイルは通常数 KB です
yaml-invalid = YAML として読めません（{ $detail }）
yaml-invalid-help = この付近のインデントと引用符を確認してください。`: ` を含む値や、`*`・`&`・`!`・`%` で始まる値は引用符で囲む必要があります
yaml-unknown-anchor = エイリアスが存在しないアンカーを参照しています
yaml-unknown-anchor-help = アンカー（`&name`）を、使う（`*name`）より前に定義してください
yaml-alias-budget-help = エイリアス（`*name`）は、アンカー（`&name`）の中身を中のエイリアスごとすべて複製します。共通の値は書き出すか、もっと小さな単位にアンカーを付けてください
yaml-tag-mismatch = `{ $value }` はタグに合いません
yaml-tag-mismatch-help = タグを外すか、値を引用符で囲んでください
yaml-too-deep = ここでは入れ子が { $max } 段を超えています
yaml-too-deep-help = ポリシーのリソースの入れ子は数段です。この行で `- - -` や `[[[` が続いていないか確認してください
yaml-duplicate-key = キー `{ $key }` が重複しています（最初は { $line } 行目）
yaml-duplicate-key-help = YAML は 2 つの値のうち片方しか残しません。どちらかを削除するか、1 つにまとめてください

## Kubernetes API のリソースが参照できる範囲（reach.rs、locator.rs）
load-reach-no-files-help = コントローラはどのファイルも許可していません。データを運用者がマウントするディレクトリに置き、`keyward controller --allow-files DIR` で許可したうえで、その絶対パスをここに書いてください
load-reach-allowed-help = コントローラが許可しているディレクトリ（{ $dirs }）の下の絶対パスを書いてください。運用者は `keyward controller --allow-files DIR` で許可するディレクトリを追加できます
load-reach-relative = `{ $path }` は相対パスですが、Kubernetes API のリソースには基準となるポリシーファイルがありません。コントローラの作業ディレクトリから読み込まれてしまいます
load-reach-outside = `{ $path }` は、コントローラがリソースに読み込みを許可しているディレクトリの外にあります
load-reach-symlink-outside = `{ $path }` はシンボリックリンクを通じて、コントローラがリソースに読み込みを許可しているディレクトリの外を指しています
load-reach-secret-help = 値はこのリソースと同じ名前空間の Secret に入れ、`{ $name }: {"{"}secret: {"{"}name: SECRET, key: KEY{"}"}{"}"}` と書いてください
load-reach-env = Kubernetes API のリソースは認証情報を環境変数から取得できません。`{ $var }` はコントローラ自身の環境変数になってしまいます
load-reach-file = Kubernetes API のリソースは認証情報をファイルから取得できません。コントローラ自身のファイルシステムから読み込まれてしまいます
