# 管理者向けレポート（`keyward report --html`）。

## ページ

report-title = アクセスレポート { $date } · keyward
report-heading = アクセスレポート
report-meta = { $date } 時点（変更計画の日付）· 人事マスタの従業員 { $people } 人 · 読み込んだアプリ { $apps } 件、アカウント { $accounts } 件 · <code>keyward plan</code> と同じ入力
report-nav-summary = 概要
report-nav-charts = グラフ
report-nav-matrix = アクセスマトリクス
report-nav-leavers = 退職者
report-nav-orphans = 紐付かないアカウント
report-nav-externals = 業務委託・ゲスト
report-nav-seats = ライセンスと月額
report-nav-duties = 職務分掌
report-nav-discovered = 検出したアプリ
report-warnings = 変更計画の警告
report-footer = keyward が { $date } 時点で作成しました。同じポリシーファイル、人事エクスポート、アプリの一覧からは、いつも同じこのファイルができます。

## 概要

report-summary-lead = 従業員数は変更計画の日付時点の人事マスタ、アカウントは各アプリの一覧によるものです。このページの数字はすべて <code>keyward plan</code> と同じ変更計画から出しています。
report-kpi-people = 人事マスタの従業員
report-kpi-people-detail = 在籍 { $employed } · 休職中 { $on_leave } · 入社前 { $not_started } · 退職 { $left }
report-kpi-apps = 読み込んだアプリ
report-kpi-apps-detail = アカウント { $accounts } 件
report-kpi-leavers = 退職者の有効なアカウント
report-kpi-leavers-detail = 退職者 { $people } 人が保有
report-kpi-orphans = 紐付かないアカウント
report-kpi-orphans-detail = { $apps } アプリ
report-kpi-changes = 変更件数
report-kpi-changes-detail = うち要確認 { $reviews } 件
report-kpi-plan-money = この変更計画による月額の変化
report-kpi-plan-money-detail = この変更計画でライセンス { $added } 件を追加、{ $freed } 件を解放（変更計画の「ライセンス」行と同じ数字）
report-kpi-later-money = この変更計画で解放されない月額
report-kpi-later-money-detail = 退職者と紐付かないアカウントのライセンス { $freeable } 件のうち { $later } 件は、この変更計画の後も課金が続きます（要確認、引き継ぎのための例外、削除の期日前）。解放すれば、さらにこの額を削減できます
report-planned-changes = 変更の内訳
report-col-application = アプリ
report-col-read-from = 読み込み元
report-col-accounts = アカウント
report-col-matched = 紐付け済み
report-col-unmatched = 紐付かない
report-col-protected = 保護
report-col-bots = ボット
report-read-only = （読み取り専用）
report-none = なし
report-nothing = なし

## 語句

report-action-create = 作成
report-action-restore = 復元
report-action-update = 変更
report-action-suspend = 停止
report-action-transfer = 引き継ぎ
report-action-revoke = 失効
report-action-delete = 削除
report-action-review = 要確認
report-group-accounts = { $count ->
   *[other] { $n } 件
}

## グラフ

report-charts-lead = アプリごとのアカウントの内訳、まだサインインできる退職者のアカウント、部署（主務の部署）ごとの有効なアカウントです。
report-chart-apps = アプリごとのアカウント
report-chart-leavers = 退職者の有効なアカウント（アプリごと）
report-chart-departments = 部署ごとの有効なアカウント
report-segment-open = 従業員（有効）
report-segment-suspended = 従業員（停止中）
report-segment-unmatched = 紐付かない
report-segment-other = 保護・ボット
report-segment-leavers = 退職者の有効なアカウント
report-segment-departments = 有効なアカウント

## アクセスマトリクス

report-matrix-lead = 人事マスタの全従業員と、どの従業員にも紐付かない全アカウントを、アプリごとに並べています。セルはアカウントのロールと状態、ポリシーで付与されているのにアカウントがない場合は { $missing } です。ここで絞り込むか、URL のフラグメントで絞り込んだ表示にリンクできます（例: <code>report.html#q=営業&amp;type=contractor</code>、キーは <code>q</code>、<code>dept</code>、<code>type</code>、<code>app</code>、<code>problem</code>）。
report-missing = 未作成
report-filter-search = 検索
report-filter-search-placeholder = 氏名、メールアドレス、社員番号、部署
report-filter-department = 部署
report-filter-all-departments = すべての部署
report-filter-type = 雇用形態
report-filter-all-types = すべての雇用形態
report-filter-external = 正社員以外すべて
report-filter-app = アプリ
report-filter-all-apps = すべてのアプリ
report-filter-problems = 要対応
report-filter-all-rows = すべての行
report-filter-any-problem = 要対応のみ
report-filter-leaver = 有効なアカウントが残る退職者
report-filter-orphan = 紐付かないアカウント
report-filter-mismatch = ポリシーと不一致
report-filter-clear = クリア
report-matrix-shown = { $total } 行中 { $shown } 行を表示
report-col-person-or-account = 従業員またはアカウント
report-col-department = 部署
report-col-type = 雇用形態
report-col-situation = 状況
report-col-flags = 要対応
report-matrix-empty = 条件に合う行はありません。
report-legend-role = ロール
report-legend-missing = 付与済み・アカウントなし
report-legend-none = 付与なし
report-legend-action = 変更
report-legend-action-meaning = 変更計画の内容
report-flag-leaver = 退職者
report-flag-leaver-meaning = 退職者のアカウントがまだサインインできます
report-flag-orphan = 紐付く従業員なし
report-flag-orphan-meaning = 人事マスタのどの従業員にも紐付きません
report-flag-mismatch = 不一致
report-flag-mismatch-meaning = ポリシーの付与内容と異なるため、変更計画で変更します
report-cell-granted-role = { $by } により { $role } を付与
report-cell-granted = { $by } により付与

## 一覧

report-leavers-heading = まだ有効な退職者のアカウント
report-leavers-lead = 最終出社日を過ぎた（または人事マスタで退職扱いの）従業員のアカウントのうち、まだサインインできるものを、アプリごとに退職からの日数が長い順に並べています。日数は変更計画の日付 { $date } までで数えています。
report-leavers-none = ありません。退職者のアカウントはすべて停止済みか削除済みです。
report-col-person = 従業員
report-col-account = アカウント
report-col-status = 状態
report-col-last-day = 最終出社日
report-col-days-since = 経過日数
report-col-kept-by = 継続の根拠
report-col-plan = 変更計画
report-not-recorded = 記録なし
report-orphans-lead = 人事マスタのどの従業員にも紐付かない（または複数の従業員に紐付く）アカウントです。keyward が自動で削除することはありません。エクスポートに漏れた退職者、改名した従業員、共有メールボックス、ボットのいずれかの可能性があります。保護ルールに加えるか、データを直すか、手作業で削除してください。
report-orphan-probably = おそらく { $candidates }（名前からの推測のみ。確認してください）
report-orphans-none = ありません。すべてのアカウントが従業員、保護ルール、ボットのいずれかに紐付いています。
report-col-role = ロール
report-col-last-active = 最終利用日
report-col-why = 理由
report-duties-lead = SeparationOfDuties ルールで分けるべき職務を兼ねている、またはポリシーによって兼ねることになる従業員です。keyward は二つ目の職務を与える変更をすべて保留し、自分から権限を外すことはしません。どちらの職務を外すかはルールの管理者が決めます。
report-duties-no-rules = SeparationOfDuties ルールは宣言されていません。
report-duties-none = { $count ->
   *[other] 確認した { $rules } 件のルールに違反はありません。
}
report-col-rule = ルール
report-col-duty = 職務
report-col-what-gives-it = 付与の根拠
report-duty-owner = 管理者 { $owner }
report-externals-heading = 業務委託とゲスト
report-externals-lead = 雇用形態が正社員以外（契約社員、パート、派遣、業務委託など）の従業員とそのアカウント、およびゲスト相当のロールを持つすべてのアカウントです。ゲスト相当とは、ゲストという名前のロール、または全員に付与されるロールではない場合の、そのアプリで最も権限の低いロールです。
report-externals-people = 正社員以外の従業員
report-none-sentence = ありません。
report-guests-heading = ゲスト相当のロールを持つアカウント
report-col-app = アプリ
report-matches-nobody = 紐付く従業員なし

## ライセンスと月額

report-seats-heading = ライセンスと月額
report-seats-lead = アプリごとの課金対象のライセンス（サインインできるアカウント。削除しないと課金が止まらないアプリ（<code>seatCost.freedBy: delete</code>）ではすべてのアカウント。ボットは数えません）、そのうち退職者とどの従業員にも紐付かないアカウントの解放できるライセンス、Application の <code>seatCost</code> で計算した月額の削減額です。さらにそれを、この変更計画で解放する分と、解放されずに残る分（紐付かないアカウントは要確認の結果待ち、引き継ぎのための例外で継続中、削除の期日前）に分けています。最後の列は変更計画そのもののライセンスの増減で、<code>keyward plan</code> の「ライセンス」行と同じ数字です。退職者かどうかにかかわらず、追加（作成・復元）と解放（停止、削除しないと課金が止まらないアプリでは削除）をすべて数えています。
report-col-seat-price = 単価 / 月
report-col-in-use = 利用中
report-col-cost = 月額
report-col-leavers = 退職者
report-col-matching-nobody = 紐付かない
report-col-freeable = 解放できる
report-col-saving = 削減できる月額
report-col-freed-now = この変更計画で解放
report-col-later = 残る件数・月額
report-col-plan-seats = 変更計画: ライセンス・月額
report-no-seat-cost = seatCost なし
report-freed-by-delete = 削除で解放
report-seats-total = 合計 { $currency }
report-plan-seats = +{ $added } / −{ $freed } ライセンス、{ $change } { $currency }
report-seats-explained = { $currency }: この変更計画はライセンスを { $added } 件追加し { $freed } 件解放するので、月額は { $change } { $currency } 変わります（変更計画の「ライセンス」行と同じ数字です）。退職者と紐付かないアカウントのライセンスのうち、この変更計画で解放するのは { $freed_now } 件です。残る { $later } 件は、要確認の判断、例外の期限切れ、削除の期日が来るまで課金が続き、解放すればさらに月 { $later_money } { $currency } を削減できます。

## 検出したアプリ

report-discovered-lead = 従業員がディレクトリのアカウントでサインインしているサードパーティアプリです（{ $date } 時点でディレクトリが報告したもの{ $since }）。どの Application にも含まれないアプリは<b>未宣言</b>です。keyward はそのアカウントを管理しておらず、退職者のアクセスを閉じる人がいません。
report-discovered-since = 、{ $since } 以降の利用。日付のない付与を含む
report-discovered-none = ありません。ディレクトリはサードパーティアプリを報告していません。
report-discovered-undeclared = 未宣言
report-discovered-catalogue = カタログ: { $catalogue }
report-discovered-tenant-consent = テナント全体の同意
report-discovered-col-people = 従業員
report-discovered-col-not-in-hr = 人事マスタにない
report-discovered-col-departments = 部署
report-discovered-col-types = 雇用形態
report-discovered-col-seen = 利用期間
report-discovered-col-covered-by = 管理する Application
report-discovered-col-holders = 付与が残る退職者
report-discovered-holders = 付与が残っている退職者・休職中の従業員
report-discovered-col-directory = ディレクトリ
report-discovered-col-evidence = 根拠
report-discovered-col-scopes = スコープ
report-discovered-more = ほか { $count } 件
report-discovered-notes = ディレクトリから分からなかったこと
